import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tmpDir } from '../support/tools';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * An app of `apps` charts, each with a ConfigMap carrying an unknown field and
 * a non-string value when `bad`, bundled like the prebuilt app command: the
 * schema worker and the schema files beside the bundle.
 */
function bundleApp(dir: string): string {
  const entry = path.join(dir, 'app.ts');
  fs.writeFileSync(entry, `
import { ApiObject } from 'cdk8s';
import { AppChart, Environment, GitOpsApp } from ${JSON.stringify(path.join(ROOT, 'src'))};
const [outdir, apps, bad] = [process.argv[2], Number(process.argv[3]), process.argv[4] === 'bad'];
const app = new GitOpsApp({ outdir });
const env = new Environment(app, 'dev', { namespace: 'dev' });
for (let i = 0; i < apps; i++) {
  const chart = new AppChart(env, 'a' + i);
  new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' + i }, data: { a: bad ? 1 : '1' }, ...(bad ? { bogus: true } : {}) } as any);
}
try { app.synth(); } catch (e) { process.stdout.write(String((e as Error).message)); process.exitCode = 1; }
`);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(path.join(ROOT, 'src', 'validate', 'schemas'), path.join(bin, 'schemas'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  for (const [name, from] of [['app', entry], ['_schema-worker', path.join(ROOT, 'src', 'validate', '_schema-worker.ts')]]) {
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

describe('the validation gate\'s schema checks in a worker thread (apps of 64 charts or more)', () => {
  const { dir, cleanup } = tmpDir('cdk8s-gitops-schema-worker-');
  let app: string;
  beforeAll(() => { app = bundleApp(dir); }, 60_000);
  afterAll(() => cleanup());

  const synth = (out: string, apps: number, bad: boolean, worker: boolean, bundle = app) => spawnSync(process.execPath, [bundle, path.join(dir, out), String(apps), bad ? 'bad' : 'good'], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, CDK8S_GITOPS_SCHEMA_WORKER: worker ? '1' : '0' },
  });

  /** A copy of the bundled app whose `_schema-worker.js` is made by `worker(bin)`. */
  const appBeside = (name: string, worker: (bin: string) => void): string => {
    const bin = path.join(dir, name);
    fs.mkdirSync(bin);
    fs.copyFileSync(app, path.join(bin, 'app.js'));
    fs.symlinkSync(path.join(ROOT, 'src', 'validate', 'schemas'), path.join(bin, 'schemas'), 'dir');
    worker(bin);
    return path.join(bin, 'app.js');
  };

  test('GIVEN a worker that answers a finding of its own WHEN 70 valid charts are synthesized THEN the gate reports the worker\'s finding (its results are used, not checked again in-thread)', () => {
    // GIVEN
    const bundle = appBeside('fake-worker', bin => fs.writeFileSync(path.join(bin, '_schema-worker.js'), `
const { parentPort, workerData } = require('worker_threads');
const done = new Int32Array(workerData.flag);
parentPort.on('message', m => {
  if (!m.end) return;
  workerData.port.postMessage({ results: [['dev/a3/configmap-c3.yaml', [{ field: 'data.a', message: 'flagged by the worker' }]]] });
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
`));
    // WHEN
    const r = synth('fake', 70, false, true, bundle);
    // THEN
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('flagged by the worker');
    expect(r.stdout).toContain('dev/a3/configmap-c3.yaml');
    expect(fs.existsSync(path.join(dir, 'fake'))).toBe(false);
  }, 120_000);

  test('GIVEN a worker that cannot load the schema code WHEN 70 charts with errors are synthesized THEN the gate checks in-thread at once, with the same problems', () => {
    // GIVEN the real worker, built without the schema module it requires at run time
    const bundle = appBeside('broken-worker', bin => {
      const from = path.join(ROOT, 'src', 'validate', '_schema-worker.ts');
      const options: import('esbuild').BuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' };
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('esbuild') as typeof import('esbuild')).buildSync({ ...options, external: ['./_schemas'], entryPoints: [from], outfile: path.join(bin, '_schema-worker.js') });
      expect(fs.readFileSync(path.join(bin, '_schema-worker.js'), 'utf8')).toContain('require("./_schemas")');
    });
    // WHEN
    const broken = synth('broken', 70, true, true, bundle);
    // THEN the same problems as in-thread, without waiting out the worker's 120 s time-out (spawnSync's 60 s would end it)
    expect(broken.error).toBeUndefined();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toBe(synth('broken-t', 70, true, false).stdout);
  }, 120_000);

  test('GIVEN 70 charts with schema errors WHEN synthesized with and without the worker THEN the same problems, every one named, and nothing written', () => {
    // WHEN
    const withWorker = synth('bad-w', 70, true, true);
    const inThread = synth('bad-t', 70, true, false);
    // THEN
    expect(withWorker.status).toBe(1);
    expect(withWorker.stdout).toBe(inThread.stdout);
    expect(withWorker.stdout).toContain("[dev/a0/configmap-c0.yaml: ConfigMap/dev/c0] 'bogus' unknown field");
    expect(withWorker.stdout).toContain("[dev/a69/configmap-c69.yaml: ConfigMap/dev/c69] 'data.a' must be a string [schema] (got 1)");
    expect(withWorker.stdout.split('\n').filter(l => l.includes('[schema]'))).toHaveLength(140);
    expect(fs.existsSync(path.join(dir, 'bad-w'))).toBe(false);
  }, 120_000);

  test('GIVEN 70 valid charts WHEN synthesized with and without the worker THEN the same files', () => {
    // WHEN
    const withWorker = synth('good-w', 70, false, true);
    const inThread = synth('good-t', 70, false, false);
    // THEN
    expect([withWorker.status, withWorker.stderr]).toEqual([0, '']);
    expect(inThread.status).toBe(0);
    const files = listing(path.join(dir, 'good-w'));
    expect(Object.keys(files)).toHaveLength(70 * 2);
    expect(files).toEqual(listing(path.join(dir, 'good-t')));
  }, 120_000);
});
