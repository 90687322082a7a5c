import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { readTree } from '../../src/render/tree';
import { hasTool, tmpDir } from '../support/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');

/** A throwaway project dir that runs the repo's cdk8s.yaml app against the repo's sources. */
function project(dir: string): void {
  fs.copyFileSync(path.join(ROOT, 'cdk8s.yaml'), path.join(dir, 'cdk8s.yaml'));
  for (const link of ['src', 'node_modules', 'imports', 'scripts']) {
    if (fs.existsSync(path.join(ROOT, link))) fs.symlinkSync(path.join(ROOT, link), path.join(dir, link));
  }
}

function synth(cwd: string, extra: string[] = []) {
  return spawnSync(CDK8S, ['synth', '--no-check-upgrade', ...extra], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
}

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
const key = (o: Obj) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Objects of every YAML file in a folder (except the kustomization), by key. */
function rawObjects(folder: string): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const f of fs.readdirSync(folder).filter(n => n.endsWith('.yaml') && n !== 'kustomization.yaml')) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(folder, f), 'utf8'))) {
      const o = doc.toJS() as Obj;
      out.set(key(o), o);
    }
  }
  return out;
}

const describeWithKubectl = hasTool('kubectl') ? describe : describe.skip;

describeWithKubectl('npx cdk8s synth on the example app (real cdk8s CLI, real kustomize)', () => {
  let dir: string;
  let cleanup: () => void;
  let first: Map<string, string>;
  beforeAll(() => {
    ({ dir, cleanup } = tmpDir());
    project(dir);
    const r = synth(dir);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    // the validation plugin of cdk8s.yaml ran (kustomize builds included) and passed
    expect(r.stdout).toContain('Validations ended succesfully');
    first = readTree(path.join(dir, 'dist'));
  });
  afterAll(() => cleanup());

  test('THEN dist/dev/hello and dist/prod/hello are rendered with a kustomization listing exactly their files', () => {
    for (const env of ['dev', 'prod']) {
      const folder = path.join(dir, 'dist', env, 'hello');
      const files = fs.readdirSync(folder).filter(f => f !== 'kustomization.yaml').sort();
      const k = parseAllDocuments(fs.readFileSync(path.join(folder, 'kustomization.yaml'), 'utf8'))[0].toJS();
      expect(k.resources).toEqual(files);
      expect(files).toEqual(expect.arrayContaining(['cronjob-hello-nightly.yaml', 'deployment-hello-worker.yaml', 'deployment-hello.yaml', 'job-hello-migrate.yaml', 'service-hello.yaml']));
    }
  });

  test('THEN kubectl kustomize outputs exactly the raw files\' objects in each app folder', () => {
    for (const app of ['dev/hello', 'prod/hello', 'prod/network-policy']) {
      const folder = path.join(dir, 'dist', app);
      const r = spawnSync('kubectl', ['kustomize', folder], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const built = new Map(parseAllDocuments(r.stdout).map(d => d.toJS() as Obj).map(o => [key(o), o]));
      expect(built).toEqual(rawObjects(folder));
    }
  });

  test('THEN an emergency `kustomize edit set image` on the rendered folder still works', () => {
    const folder = path.join(dir, 'emergency');
    fs.cpSync(path.join(dir, 'dist', 'prod', 'hello'), folder, { recursive: true });
    const kfile = path.join(folder, 'kustomization.yaml');
    fs.writeFileSync(kfile, fs.readFileSync(kfile, 'utf8').replace(/newTag: .*/, 'newTag: hotfix-1'));
    const r = spawnSync('kubectl', ['kustomize', folder], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('image: ghcr.io/example/hello:hotfix-1');
  });

  test('THEN the CLI\'s own output directory mirrors dist and dist holds nothing else', () => {
    expect(readTree(path.join(dir, '.cdk8s.out'))).toEqual(first);
    expect(fs.readdirSync(path.join(dir))).toEqual(expect.not.arrayContaining([expect.stringMatching(/^\.dist\./)]));
  });

  test('WHEN synthesized a second time THEN the tree is byte-identical', () => {
    const r = synth(dir);
    expect(r.status).toBe(0);
    expect(readTree(path.join(dir, 'dist'))).toEqual(first);
  });

  /** An app written as the docs say: its top level hands any error to `synthFailure`. */
  function brokenApp(file: string, body: string[]): void {
    fs.writeFileSync(path.join(dir, file), [
      "import { AppChart, Environment, GitOpsApp, HealthCheck, ImageRef, ScheduledJob, WebService, Worker, synthFailure } from './src';",
      'try {',
      ...body,
      '} catch (e) {',
      '  const { text, exitCode } = synthFailure(e);',
      '  process.stderr.write(text);',
      '  process.exitCode = exitCode;',
      '}',
    ].join('\n'));
  }

  test('WHEN a synth fails on bad input THEN every problem is named once, exit 2, no stack trace, and the previous dist is untouched', () => {
    // GIVEN an app with three broken constructs, run by the real cdk8s CLI
    brokenApp('bad.ts', [
      '  const app = new GitOpsApp();',
      "  const chart = new AppChart(new Environment(app, 'dev'), 'hello');",
      "  const image = ImageRef.parse('ghcr.io/example/hello:1');",
      "  new WebService(chart, 'web', { image, port: 70000 });",
      "  new Worker(chart, 'worker', { image, healthCheck: HealthCheck.exec(['/check']), replicas: -1 });",
      "  new ScheduledJob(chart, 'nightly', { image, schedule: '@daily' });",
      '  app.synth();',
    ]);
    // WHEN
    const r = synth(dir, ['--app', `node --require ${require.resolve('esbuild-register')} bad.ts`]);
    // THEN
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("[dev/hello/web] 'port' must be a whole number between 1 and 65535 (got 70000)\n");
    expect(r.stderr).toContain("[dev/hello/worker] 'replicas' must be a whole number >= 0 (got -1)\n");
    expect(r.stderr).toContain("[dev/hello/nightly] 'schedule' must have 5 fields");
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^\s+at /m);
    expect(readTree(path.join(dir, 'dist'))).toEqual(first);
  });

  test('WHEN the app parses an invalid image string THEN it is bad input: exit 2, the reason, no stack trace', () => {
    brokenApp('bad-image.ts', ["  ImageRef.parse('Hello:latest');"]);
    const r = synth(dir, ['--app', `node --require ${require.resolve('esbuild-register')} bad-image.ts`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: invalid image reference "Hello:latest": the repository path "Hello" must be lowercase');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^\s+at /m);
  });

  test('WHEN CDK8S_GITOPS_DEBUG=1 THEN the same failure comes with its stack trace', () => {
    brokenApp('bad-debug.ts', ["  ImageRef.parse('Hello:latest');"]);
    const r = spawnSync(CDK8S, ['synth', '--no-check-upgrade', '--app', `node --require ${require.resolve('esbuild-register')} bad-debug.ts`],
      { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', CDK8S_GITOPS_DEBUG: '1' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/ValidationError: invalid image reference "Hello:latest"[^\n]*\n\s+at /);
  });
});
