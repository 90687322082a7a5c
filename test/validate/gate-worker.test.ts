import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tmpDir } from '../support/tools';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * An app of `apps` charts, each with a ConfigMap carrying an unknown field and
 * a non-string value when `bad` (and a Job in the last chart whose namespace's
 * only NetworkPolicy, in the first chart, denies nothing: a finding that
 * spans folders, made an error), bundled like the
 * prebuilt app command: the gate's worker and the schema files beside the bundle.
 */
function bundleApp(dir: string): string {
  const entry = path.join(dir, 'app.ts');
  fs.writeFileSync(entry, `
import { ApiObject } from 'cdk8s';
import { AppChart, Environment, GitOpsApp, ImageRef, WebService, validationGate } from ${JSON.stringify(path.join(ROOT, 'src'))};
const [outdir, apps, bad, workloads] = [process.argv[2], Number(process.argv[3]), process.argv[4] === 'bad', Number(process.argv[5] ?? 0)];
// The rule that spans folders made an error, to see it through the gate (rules reach the worker).
const app = new GitOpsApp({ outdir, gates: [validationGate({ rules: { 'network-default-deny': 'error' } })] });
const env = new Environment(app, 'dev', { namespace: 'dev' });
for (let i = 0; i < apps; i++) {
  const chart = new AppChart(env, 'a' + i);
  new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' + i }, data: { a: bad ? 1 : '1' }, ...(bad ? { bogus: true } : {}) } as any);
  // A workload in the last folder, and its namespace's only NetworkPolicy (not a default-deny) in the first one.
  if (bad && i === 0) new ApiObject(chart, 'np', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-web' }, spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] } } as any);
  if (bad && i === apps - 1) new ApiObject(chart, 'job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'registry.example/c@sha256:' + 'a'.repeat(64) }] } } } } as any);
}
// \`workloads\` WebServices in one more app (a render of more than 4,096 builds them chart by chart).
if (workloads) {
  const many = new AppChart(env, 'many');
  for (let i = 0; i < workloads; i++) new WebService(many, 'w' + i, { name: 'w' + i, image: ImageRef.parse('registry.example/w:1') });
}
try { app.synth(); } catch (e) { process.stdout.write(String((e as Error).message)); process.exitCode = 1; }
`);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(path.join(ROOT, 'src', 'validate', 'schemas'), path.join(bin, 'schemas'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  for (const [name, from] of [['app', entry], ['_gate-worker', path.join(ROOT, 'src', 'validate', '_gate-worker.ts')]]) {
    esbuild.buildSync({ entryPoints: [from], outfile: path.join(bin, `${name}.js`), bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', external: ['./schemas/*'], logLevel: 'error' });
  }
  return path.join(bin, 'app.js');
}

function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r), 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out;
}

describe('the validation gate\'s worker thread (apps of 64 charts or more): it checks each folder, and emits and writes the files', () => {
  const { dir, cleanup } = tmpDir('cdk8s-gitops-gate-worker-');
  let app: string;
  beforeAll(() => { app = bundleApp(dir); }, 60_000);
  afterAll(() => cleanup());

  /** Synthesizes `apps` charts into `out`; `worker` false turns the worker off, `'check-only'` has it check only (the main thread writes). */
  const synth = (out: string, apps: number, bad: boolean, worker: boolean | 'check-only', bundle = app, workloads = 0) => spawnSync(process.execPath, [bundle, path.join(dir, out), String(apps), bad ? 'bad' : 'good', String(workloads)], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CDK8S_GITOPS_GATE_WORKER: worker ? '1' : '0', CDK8S_GITOPS_GATE_BACKLOG: worker === 'check-only' ? '0' : '' },
  });

  /** A copy of the bundled app whose `_gate-worker.js` is made by `worker(bin)`. */
  const appBeside = (name: string, worker: (bin: string) => void): string => {
    const bin = path.join(dir, name);
    fs.mkdirSync(bin);
    fs.copyFileSync(app, path.join(bin, 'app.js'));
    fs.symlinkSync(path.join(ROOT, 'src', 'validate', 'schemas'), path.join(bin, 'schemas'), 'dir');
    worker(bin);
    return path.join(bin, 'app.js');
  };

  /** A copy of the app whose worker is the real one, built without the schema module it requires at run time. */
  const brokenWorker = (name: string) => appBeside(name, bin => {
    const from = path.join(ROOT, 'src', 'validate', '_gate-worker.ts');
    const options: import('esbuild').BuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('esbuild') as typeof import('esbuild')).buildSync({ ...options, external: ['./_schemas'], entryPoints: [from], outfile: path.join(bin, '_gate-worker.js') });
    expect(fs.readFileSync(path.join(bin, '_gate-worker.js'), 'utf8')).toContain('require("./_schemas")');
  });

  /** An app whose worker answers `reply` (JSON) at the end and does nothing else: it writes no file. */
  const fakeWorker = (name: string, reply: object) => appBeside(name, bin => fs.writeFileSync(path.join(bin, '_gate-worker.js'), `
const { parentPort, workerData } = require('worker_threads');
const done = new Int32Array(workerData.flag);
parentPort.on('message', m => {
  if (!m.end) return;
  workerData.port.postMessage(${JSON.stringify(reply)});
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
`));

  test('GIVEN a render building its workloads chart by chart (more than 4,096) THEN its worker gets an 8 MiB young generation; a smaller one keeps V8\'s default', () => {
    // GIVEN a worker that reports its young generation's limit as a finding
    const bundle = appBeside('young-worker', bin => fs.writeFileSync(path.join(bin, '_gate-worker.js'), `
const { parentPort, workerData, resourceLimits } = require('worker_threads');
const done = new Int32Array(workerData.flag);
parentPort.on('message', m => {
  if (!m.end) return;
  const finding = { file: 'dev/a0/configmap-c0.yaml', kind: 'ConfigMap', name: 'c0', rule: 'schema', severity: 'error', message: 'young generation ' + resourceLimits.maxYoungGenerationSizeMb + ' MiB' };
  workerData.port.postMessage({ found: { findings: [finding], identities: [], facts: [] } });
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
`));
    // WHEN
    const large = synth('young-large', 70, false, true, bundle, 4_100);
    const small = synth('young-small', 70, false, true, bundle);
    // THEN
    expect(large.stdout).toContain('young generation 8 MiB');
    expect(small.stdout).toMatch(/young generation \d+ MiB/);
    expect(small.stdout).not.toContain('young generation 8 MiB');
  }, 120_000);

  test('GIVEN a chart of more files than the worker may fall behind by THEN a large render (more than 4,096 workloads) keeps it in the main thread; a smaller one hands it to the worker to check', () => {
    // GIVEN a worker that reports the folders it was handed as a finding
    const bundle = appBeside('folders-worker', bin => fs.writeFileSync(path.join(bin, '_gate-worker.js'), `
const { parentPort, workerData } = require('worker_threads');
const done = new Int32Array(workerData.flag);
const folders = new Set();
parentPort.on('message', m => {
  for (const [file] of m.batch ?? []) folders.add(file.split('/').slice(0, 2).join('/'));
  if (!m.end) return;
  const finding = { file: 'dev/a0/configmap-c0.yaml', kind: 'ConfigMap', name: 'c0', rule: 'schema', severity: 'error', message: 'handed ' + [...folders].sort().join(' ') };
  workerData.port.postMessage({ found: { findings: [finding], identities: [], facts: [] } });
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
`));
    // WHEN the app 'many' holds 4,100 or 600 workloads (8,201 or 1,201 files; the backlog is 512)
    const large = synth('folders-large', 70, false, true, bundle, 4_100);
    const small = synth('folders-small', 70, false, true, bundle, 600);
    // THEN
    expect(large.stdout).toContain('handed dev/a0 ');
    expect(large.stdout).not.toContain('dev/many');
    expect(small.stdout).toMatch(/handed dev\/a0 .*dev\/many/);
  }, 120_000);

  test('GIVEN a worker that answers a finding of its own WHEN 70 valid charts are synthesized THEN the gate reports the worker\'s finding (its results are used, not checked again in-thread)', () => {
    // GIVEN
    const finding = { file: 'dev/a3/configmap-c3.yaml', kind: 'ConfigMap', name: 'c3', rule: 'schema', severity: 'error', field: 'data.a', message: 'flagged by the worker' };
    const bundle = fakeWorker('fake-worker', { found: { findings: [finding], identities: [], facts: [] } });
    // WHEN
    const r = synth('fake', 70, false, true, bundle);
    // THEN
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('flagged by the worker');
    expect(r.stdout).toContain('dev/a3/configmap-c3.yaml');
    expect(fs.existsSync(path.join(dir, 'fake'))).toBe(false);
  }, 120_000);

  test('GIVEN a worker that writes nothing and finds nothing WHEN 70 valid charts are synthesized THEN the charts after the 64th are missing, unless the worker may not fall behind (CDK8S_GITOPS_GATE_BACKLOG=0): then the main thread writes them', () => {
    // GIVEN
    const bundle = fakeWorker('idle-worker', { found: { findings: [], identities: [], facts: [] } });
    // WHEN
    const handedOver = synth('idle', 70, false, true, bundle);
    const kept = synth('idle-c', 70, false, 'check-only', bundle);
    // THEN the worker was handed the charts to write (the first 64 the main thread wrote before it started) ...
    expect(handedOver.status).toBe(0);
    const files = Object.keys(listing(path.join(dir, 'idle')));
    expect(files).toContain('dev/a63/configmap-c63.yaml');
    expect(files).not.toContain('dev/a64/configmap-c64.yaml');
    // ... and with no backlog allowed, the main thread wrote every chart itself
    expect(kept.status).toBe(0);
    expect(Object.keys(listing(path.join(dir, 'idle-c')))).toHaveLength(70 * 2);
  }, 120_000);

  test('GIVEN a worker that could not write a file WHEN 70 valid charts are synthesized THEN synth fails naming the staging folder and the error, and the output is left as it was', () => {
    // GIVEN an output from an earlier synth, and a worker that reports a failed write
    const out = path.join(dir, 'write-fails');
    expect(synth('write-fails', 70, false, false).status).toBe(0);
    const before = listing(out);
    const bundle = fakeWorker('failing-writer', { found: { findings: [], identities: [], facts: [] }, writeError: 'ENOSPC: no space left on device', writeErrorDir: '/staging/here' });
    // WHEN
    const r = synth('write-fails', 70, false, true, bundle);
    // THEN
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('cannot write the rendered tree to /staging/here: ENOSPC: no space left on device');
    expect(listing(out)).toEqual(before);
    expect(fs.readdirSync(dir).filter(f => f.startsWith('.write-fails'))).toEqual([]);
  }, 120_000);

  test('GIVEN a worker that cannot load its checks WHEN 70 charts with errors are synthesized THEN the app renders again in-thread at once, with the same problems', () => {
    // GIVEN the real worker, built without the schema module it requires at run time
    const bundle = brokenWorker('broken-worker');
    // WHEN
    const broken = synth('broken', 70, true, true, bundle);
    // THEN the same problems as in-thread, without waiting out the worker's 120 s time-out (spawnSync's 60 s would end it)
    expect(broken.error).toBeUndefined();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toBe(synth('broken-t', 70, true, false).stdout);
  }, 120_000);

  test('GIVEN a worker that cannot load its checks WHEN 70 valid charts are synthesized THEN the files it was handed are rendered again in-thread: the same tree as without a worker', () => {
    // GIVEN
    const bundle = brokenWorker('broken-worker-2');
    // WHEN
    const broken = synth('broken-good', 70, false, true, bundle);
    // THEN
    expect([broken.status, broken.stderr]).toEqual([0, '']);
    expect(synth('broken-good-t', 70, false, false).status).toBe(0);
    const files = listing(path.join(dir, 'broken-good'));
    expect(Object.keys(files)).toHaveLength(70 * 2);
    expect(files).toEqual(listing(path.join(dir, 'broken-good-t')));
    expect(fs.readdirSync(dir).filter(f => f.startsWith('.broken-good'))).toEqual([]);
  }, 120_000);

  test('GIVEN 70 charts with schema errors WHEN synthesized with and without the worker THEN the same problems, every one named, and nothing written', () => {
    // WHEN
    const withWorker = synth('bad-w', 70, true, true);
    const inThread = synth('bad-t', 70, true, false);
    const checkOnly = synth('bad-c', 70, true, 'check-only');
    // THEN
    expect(withWorker.status).toBe(1);
    expect(withWorker.stdout).toBe(inThread.stdout);
    expect(checkOnly.stdout).toBe(inThread.stdout);
    expect(withWorker.stdout).toContain("[dev/a0/configmap-c0.yaml: ConfigMap/dev/c0] 'bogus' unknown field");
    expect(withWorker.stdout).toContain("[dev/a69/configmap-c69.yaml: ConfigMap/dev/c69] 'data.a' must be a string [schema] (got 1)");
    expect(withWorker.stdout.split('\n').filter(l => l.includes('[schema]'))).toHaveLength(140);
    // judged by the main thread from the facts the worker found in the two folders
    expect(withWorker.stdout).toContain("[dev/a69/job-j.yaml: Job/dev/j] 'metadata.namespace' has NetworkPolicies (allow-web) but no default-deny ingress policy (podSelector {}) in the validated tree");
    expect([fs.existsSync(path.join(dir, 'bad-w')), fs.existsSync(path.join(dir, 'bad-c'))]).toEqual([false, false]);
  }, 120_000);

  test('GIVEN 70 valid charts WHEN synthesized with and without the worker THEN the same files', () => {
    // WHEN
    const withWorker = synth('good-w', 70, false, true);
    const inThread = synth('good-t', 70, false, false);
    const checkOnly = synth('good-c', 70, false, 'check-only');
    // THEN
    expect([withWorker.status, withWorker.stderr]).toEqual([0, '']);
    expect([inThread.status, checkOnly.status]).toEqual([0, 0]);
    const files = listing(path.join(dir, 'good-w'));
    expect(Object.keys(files)).toHaveLength(70 * 2);
    expect(files).toEqual(listing(path.join(dir, 'good-t')));
    expect(listing(path.join(dir, 'good-c'))).toEqual(files);
    // the last charts' files, which the worker wrote, with the modes of the main thread's
    const mode = (...p: string[]) => (fs.statSync(path.join(dir, 'good-w', ...p)).mode % 0o1000).toString(8);
    expect([mode('dev/a0/configmap-c0.yaml'), mode('dev/a69/configmap-c69.yaml'), mode('dev', 'a69')]).toEqual(['644', '644', '755']);
  }, 120_000);
});
