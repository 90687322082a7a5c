import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { EnvironmentError, ValidationError } from '../../src/errors';
import { exampleApp } from '../../src/main';
import { readTree } from '../../src/render/tree';
import { renderFiles } from '../../src/testing';
import { IMAGE } from '../constructs/_fixtures';
import { tmpDir } from '../support/tools';

const ROOT = path.resolve(__dirname, '..', '..');

function twoApps(outdir: string, apps: string[]): GitOpsApp {
  const app = new GitOpsApp({ outdir });
  const env = new Environment(app, 'dev');
  for (const name of apps) new WebService(new AppChart(env, name), 'web', { image: IMAGE });
  return app;
}

describe('the example app', () => {
  test('GIVEN src/main.ts WHEN rendered THEN dev and prod hello folders hold one file per object plus a kustomization', () => {
    const files = Object.keys(renderFiles(exampleApp()));
    const app = ['cronjob-hello-nightly.yaml', 'deployment-hello-worker.yaml', 'deployment-hello.yaml', 'job-hello-migrate.yaml', 'kustomization.yaml'];
    expect(files.filter(f => !f.startsWith('argocd/'))).toEqual([
      ...app.map(f => `dev/hello/${f}`),
      'dev/hello/service-hello.yaml',
      'prod/hello/certificate-hello.yaml',
      'prod/hello/configmap-hello-config-667cfc6mfh.yaml',
      'prod/hello/cronjob-hello-nightly.yaml',
      'prod/hello/deployment-hello-worker.yaml',
      'prod/hello/deployment-hello.yaml',
      'prod/hello/externalsecret-api-key.yaml',
      'prod/hello/horizontalpodautoscaler-hello.yaml',
      'prod/hello/ingress-hello.yaml',
      'prod/hello/job-hello-migrate.yaml',
      'prod/hello/kustomization.yaml',
      'prod/hello/networkpolicy-hello-from-ingress-nginx.yaml',
      'prod/hello/poddisruptionbudget-hello-worker.yaml',
      'prod/hello/poddisruptionbudget-hello.yaml',
      'prod/hello/service-hello.yaml',
      'prod/network-policy/kustomization.yaml',
      'prod/network-policy/networkpolicy-default-deny.yaml',
    ]);
  });

  test('GIVEN src/main.ts WHEN rendered THEN the tree matches the snapshot (prod files that dev has too are left out: they differ by replicas, namespace and pin)', () => {
    const files = renderFiles(exampleApp());
    const inDev = (f: string) => f.startsWith('prod/') && f.replace(/^prod\//, 'dev/') in files && !f.endsWith('/kustomization.yaml');
    expect(Object.fromEntries(Object.entries(files).filter(([f]) => !inDev(f)))).toMatchSnapshot();
  });
});

describe('GitOpsApp.synth', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tmpDir()));
  afterEach(() => cleanup());

  test('GIVEN a previous synth with more apps WHEN synthesized again THEN no stale file or folder survives', () => {
    // GIVEN
    const out = path.join(dir, 'dist');
    twoApps(out, ['a', 'b']).synth();
    expect(fs.existsSync(path.join(out, 'dev/b/deployment-b.yaml'))).toBe(true);
    // WHEN
    twoApps(out, ['a']).synth();
    // THEN
    expect([...readTree(out).keys()]).toEqual(['dev/a/deployment-a.yaml', 'dev/a/kustomization.yaml', 'dev/a/service-a.yaml']);
  });

  test('GIVEN a good dist WHEN a synth fails on bad input THEN the previous dist is untouched and nothing else is written', () => {
    // GIVEN
    const out = path.join(dir, 'dist');
    twoApps(out, ['a']).synth();
    const before = readTree(out);
    const bad = twoApps(out, ['a', 'b']);
    new ApiObject(AppChart.of(bad.node.findChild('dev').node.findChild('b')), 'cm', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { key: 'bell\u0007' },
    });
    // WHEN / THEN
    expect(() => bad.synth()).toThrow(ValidationError);
    expect(() => bad.synth()).toThrow("[dev/b/cm] 'data.key' contains the character U+0007 at index 4, which Go's YAML parser (Argo CD, the API server) rejects or rewrites (got \"bell\\u0007\")");
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('GIVEN a gate that finds a problem WHEN synthesized THEN nothing is written', () => {
    const out = path.join(dir, 'dist');
    const app = twoApps(out, ['a']);
    app.addGate(tree => [{ path: 'dev/a/deployment-a.yaml', field: 'spec.replicas', message: 'is checked by the gate', value: tree.size }]);
    expect(() => app.synth()).toThrow("[dev/a/deployment-a.yaml] 'spec.replicas' is checked by the gate (got 3)");
    expect(fs.existsSync(out)).toBe(false);
  });

  test('GIVEN a gate that reads the texts WHEN synthesized THEN it sees every text as written, and the output is what render() returns', () => {
    // GIVEN
    const out = path.join(dir, 'dist');
    const app = twoApps(out, ['a', 'b']);
    const seen = new Map<string, string>();
    app.addGate(tree => {
      for (const [file, text] of tree) seen.set(file, text);
      return [];
    });
    // WHEN
    app.synth();
    // THEN
    const written = readTree(out);
    expect(seen).toEqual(written);
    expect(written).toEqual(new Map(app.render()));
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('GIVEN CDK8S_OUTDIR WHEN synthesized THEN both folders hold the same tree and no temporary folder is left', () => {
    // GIVEN
    const out = path.join(dir, 'dist');
    const cli = path.join(dir, 'cdk8s.out');
    const before = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = cli;
    try {
      // WHEN
      twoApps(out, ['a']).synth();
    } finally {
      if (before === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = before;
    }
    // THEN
    expect([...readTree(out).keys()]).toEqual(['dev/a/deployment-a.yaml', 'dev/a/kustomization.yaml', 'dev/a/service-a.yaml']);
    expect(readTree(cli)).toEqual(readTree(out));
    expect(fs.readdirSync(dir).sort()).toEqual(['cdk8s.out', 'dist']);
  });

  test('GIVEN an output folder that cannot be written WHEN synthesized THEN bad input is named first, else the write fails with an EnvironmentError', () => {
    // GIVEN: the output's parent is a file
    fs.writeFileSync(path.join(dir, 'file'), 'x\n');
    const out = path.join(dir, 'file', 'dist');
    const bad = twoApps(out, ['a']);
    bad.addGate(() => [{ path: 'dev/a', message: 'is refused by the gate' }]);
    // WHEN / THEN
    expect(() => bad.synth()).toThrow('[dev/a] is refused by the gate');
    expect(() => twoApps(out, ['a']).synth()).toThrow(EnvironmentError);
    expect(fs.readdirSync(dir)).toEqual(['file']);
  });

  test('GIVEN a plain cdk8s Chart in the app WHEN rendered THEN it is refused with the fix', () => {
    const app = twoApps(path.join(dir, 'dist'), ['a']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Chart } = require('cdk8s');
    new Chart(app, 'loose');
    expect(() => app.render()).toThrow('[loose] is a plain cdk8s Chart; put objects in an AppChart');
  });

  test.each([
    ['no dependency', false],
    ['a dependency between charts', true],
  ])('GIVEN plain charts with integer-like and other ids and %s WHEN rendered THEN they are reported in cdk8s app.charts order', (_what, depend) => {
    const app = new GitOpsApp({ outdir: path.join(dir, 'dist') });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Chart } = require('cdk8s');
    const charts = ['10', 'b', '2', 'a', '0', '01'].map(id => new Chart(app, id));
    new Chart(charts[1], '3');
    if (depend) charts[2].addDependency(charts[1]);
    const order = app.charts.map(c => c.node.path);
    let problems: string[] = [];
    try {
      app.render();
    } catch (e) {
      problems = (e as ValidationError).problems.map(p => p.path);
    }
    expect(problems).toEqual(order);
    expect(order).toEqual(depend ? ['0', 'b', '2', '10', 'b/3', 'a', '01'] : ['0', '2', '10', 'b', 'b/3', 'a', '01']);
  });

  test('GIVEN two objects of one kind and name in an app WHEN rendered THEN the duplicate is named', () => {
    const app = twoApps(path.join(dir, 'dist'), ['a']);
    const chart = AppChart.of(app.node.findChild('dev').node.findChild('a'));
    new ApiObject(chart, 'one', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } });
    new ApiObject(chart, 'two', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } });
    expect(() => app.render()).toThrow("[dev/a/two] 'metadata.name' duplicates dev/a/one: both are ConfigMap \"cfg\" and would be written to dev/a/configmap-cfg.yaml (got \"cfg\")");
  });

  test('GIVEN two kinds of one name from different API groups WHEN rendered THEN the files are qualified by group', () => {
    const app = twoApps(path.join(dir, 'dist'), ['a']);
    const chart = AppChart.of(app.node.findChild('dev').node.findChild('a'));
    new ApiObject(chart, 'x', { apiVersion: 'example.com/v1', kind: 'Service', metadata: { name: 'a' } });
    expect(Object.keys(renderFiles(app))).toEqual(expect.arrayContaining(['dev/a/service-a.yaml', 'dev/a/service.example.com-a.yaml']));
  });

  test('GIVEN the example app WHEN synthesized in other time zones and locales THEN the bytes are identical', () => {
    const run = (env: Record<string, string>) => {
      const cwd = fs.mkdtempSync(path.join(dir, 'run-'));
      execFileSync(process.execPath, ['--require', require.resolve('esbuild-register'), path.join(ROOT, 'src', 'main.ts')], {
        cwd, env: { ...process.env, ...env, CDK8S_OUTDIR: '' }, stdio: 'pipe',
      });
      return readTree(path.join(cwd, 'dist'));
    };
    const a = run({ TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    const b = run({ TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' });
    expect(a.size).toBeGreaterThan(5);
    expect(b).toEqual(a);
  });
});

describe('chart identity', () => {
  test('GIVEN cdk8s charts of several kinds THEN isGitOpsChart, isAppChart and instanceof tell them apart', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Chart } = require('cdk8s');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { GitOpsChart } = require('../../src/constructs/gitops-chart');
    const app = new GitOpsApp();
    const plain = new Chart(app, 'plain');
    const folder = new GitOpsChart(app, 'argocd', { folder: 'argocd' });
    const appChart = new AppChart(new Environment(app, 'dev'), 'a');
    expect([plain, folder, appChart].map(c => GitOpsChart.isGitOpsChart(c))).toEqual([false, true, true]);
    expect([plain, folder, appChart].map(c => c instanceof AppChart)).toEqual([false, false, true]);
    expect([plain, folder, appChart].map(c => c instanceof GitOpsChart)).toEqual([false, true, true]);
  });
});

describe('renderApp bad objects', () => {
  function appWithRaw(obj: Record<string, unknown>) {
    const app = new GitOpsApp();
    new ApiObject(new AppChart(new Environment(app, 'dev'), 'a'), 'raw', obj as any);
    return app;
  }

  test.each([
    ['a name with a slash', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a/b' } }, "[dev/a/raw] 'metadata.name' is required and must not contain \"/\" (got \"a/b\")"],
    ['a kind with a dash', { apiVersion: 'v1', kind: 'Config-Map', metadata: { name: 'x' } }, "[dev/a/raw] 'kind' is required and must be alphanumeric (got \"Config-Map\")"],
  ])('GIVEN an object with %s WHEN rendered THEN the error names path and field', (_n, obj, message) => {
    expect(() => renderFiles(appWithRaw(obj))).toThrow(message);
  });

  test('GIVEN a chart whose folder escapes the tree WHEN rendered THEN it is refused', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { GitOpsChart } = require('../../src/constructs/gitops-chart');
    const app = new GitOpsApp();
    new GitOpsChart(app, 'evil', { folder: '../outside' });
    expect(() => renderFiles(app)).toThrow("[evil] 'folder' must be a relative path inside the tree; it has an empty, \".\" or \"..\" segment (got \"../outside\")");
  });
});
