import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { goodTree, mutated, deployment, service, appFolder, configMap } from './_fixtures';
import { runCli } from '../../src/cli/main';
import { EnvironmentError } from '../../src/errors';
import { writeTree } from '../../src/render/tree';
import { Cdk8sGitOpsValidation, Cdk8sValidationContext } from '../../src/validate/cdk8s-plugin';
import { formatFinding } from '../../src/validate/finding';
import { checkKustomize, checkKustomizeTree, kustomizeStats } from '../../src/validate/kustomize-build';
import { toYaml } from '../../src/yaml';
import { hasTool, tmpDir } from '../support/tools';

const kubectl = hasTool('kubectl');
const withKubectl = kubectl ? describe : describe.skip;

function io(cwd: string) {
  let out = '';
  let err = '';
  const env = { CDK8S_GITOPS_CACHE_DIR: process.env.CDK8S_GITOPS_CACHE_DIR! };
  return { io: { out: (t: string) => { out += t; }, err: (t: string) => { err += t; }, cwd, env, isTTY: false }, out: () => out, err: () => err };
}

function badTree() {
  const tree = goodTree();
  tree.set('dev/hello/deployment-hello.yaml', toYaml(mutated(deployment(), d => {
    d.spec.replica = 2;
    d.spec.template.spec.containers[0].image = 'nginx:latest';
  })));
  return tree;
}

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => { tmp = tmpDir(); });
afterEach(() => tmp.cleanup());

withKubectl('kubectl kustomize', () => {
  test('the good tree builds and equals its raw files', async () => {
    expect(await checkKustomizeTree(goodTree())).toEqual([]);
  });

  test('a kustomization that pins another image tag than the Deployment is drift', async () => {
    // GIVEN a kustomization whose images entry disagrees with the raw Deployment
    const tree = appFolder('dev/hello', [deployment(), service()], 'ghcr.io/example/hello:other');
    // WHEN
    const found = (await checkKustomizeTree(tree, { concurrency: 1 })).map(formatFinding);
    // THEN
    expect(found).toEqual([
      'dev/hello/deployment-hello.yaml: Deployment/dev/hello: spec.template.spec.containers[0].image: differs between the raw file and `kubectl kustomize dev/hello` output ("ghcr.io/example/hello:other"): Argo CD would apply the built value (got "ghcr.io/example/hello:0123456789abcdef0123456789abcdef01234567") [error kustomize-drift]',
    ]);
  });

  test('GIVEN strings kubectl writes unquoted that YAML 1.2 reads as numbers WHEN built THEN they are read as Go (and Argo CD) reads them: no drift', async () => {
    // GIVEN ConfigMap values that are strings to Go (kubectl leaves them plain) and numbers to YAML 1.2
    const values = { big: '1e309', wide: '0x1FFFFFFFFFFFFFFFF', octal: '0o8', under: '1__0' };
    const tree = appFolder('dev/hello', [deployment(), service(), mutated(configMap(), c => { c.metadata.namespace = 'dev'; c.data = values; })]);
    // WHEN / THEN (before, the output was read as YAML 1.2: `big` came back as Infinity, `wide` as a number, both reported as drift)
    expect(await checkKustomizeTree(tree, { concurrency: 1 })).toEqual([]);
  });

  test('GIVEN a ConfigMap key kustomize drops (`<<`, taken for a merge key even quoted) WHEN built THEN the folder is reported', async () => {
    const tree = appFolder('dev/hello', [deployment(), service(), mutated(configMap(), c => { c.metadata.namespace = 'dev'; c.data = { '<<': 'x', 'keep': 'y' }; })]);
    const found = await checkKustomizeTree(tree, { concurrency: 1 });
    expect(found.map(f => [f.rule, f.field])).toEqual([['kustomize-drift', 'data.<<']]);
  });

  test('a kustomization that does not build is reported', async () => {
    const tree = goodTree();
    tree.set('dev/hello/kustomization.yaml', toYaml({ resources: ['deployment-hello.yaml', 'service-hello.yaml', 'missing.yaml'] }));
    const found = await checkKustomizeTree(tree);
    expect(found.map(f => [f.file, f.rule])).toEqual([['dev/hello/kustomization.yaml', 'kustomize-build']]);
    expect(found[0].message).toMatch(/^`kubectl kustomize dev\/hello` fails \(Argo CD could not render this app\): .*missing\.yaml/);
  });
});

test('a missing kubectl is an EnvironmentError that names --skip-kustomize', async () => {
  writeTree(tmp.dir, goodTree());
  const run = checkKustomize(tmp.dir, goodTree(), { kubectl: 'no-such-kubectl-here' });
  await expect(run).rejects.toBeInstanceOf(EnvironmentError);
  await expect(run).rejects.toThrow(
    'cannot run no-such-kubectl-here: it is not installed or not on PATH. The kustomize check runs `kubectl kustomize` (what Argo CD runs); install kubectl or pass --skip-kustomize');
});

describe('cdk8s-gitops validate', () => {
  test('a good tree: exit 0 and a one-line summary', async () => {
    writeTree(path.join(tmp.dir, 'dist'), goodTree());
    const t = io(tmp.dir);
    expect(await runCli(['validate', ...(kubectl ? [] : ['--skip-kustomize'])], t.io)).toBe(0);
    expect(t.out()).toMatch(/^ok: 0 error\(s\), 0 warning\(s\) in 4 file\(s\), 3 object\(s\)/);
  });

  test('a bad tree: every finding, one per line, and exit 1', async () => {
    writeTree(path.join(tmp.dir, 'dist'), badTree());
    const t = io(tmp.dir);
    expect(await runCli(['validate', '--skip-kustomize'], t.io)).toBe(1);
    expect(t.out()).toBe([
      'dist/dev/hello/deployment-hello.yaml: Deployment/dev/hello: spec.replica: unknown field (did you mean "replicas"?): the schema has no such field, and Kubernetes would drop or reject it [error schema]',
      'dist/dev/hello/deployment-hello.yaml: Deployment/dev/hello: spec.template.spec.containers[0].image: uses the "latest" tag, which moves: pin a version or commit-SHA tag, or a digest (got "nginx:latest") [error image-pinned]',
      'failed: 2 error(s), 0 warning(s) in 4 file(s), 3 object(s); kustomize build skipped',
      '',
    ].join('\n'));
  });

  test('--format json for machines', async () => {
    writeTree(path.join(tmp.dir, 'out'), badTree());
    const t = io(tmp.dir);
    expect(await runCli(['validate', '--dir', 'out', '--format', 'json', '--skip-kustomize'], t.io)).toBe(1);
    const json = JSON.parse(t.out());
    expect(json).toMatchObject({ dir: 'out', ok: false, errors: 2, warnings: 0 });
    expect(json.findings[1]).toEqual({
      file: 'dev/hello/deployment-hello.yaml',
      kind: 'Deployment',
      namespace: 'dev',
      name: 'hello',
      rule: 'image-pinned',
      severity: 'error',
      field: 'spec.template.spec.containers[0].image',
      message: 'uses the "latest" tag, which moves: pin a version or commit-SHA tag, or a digest',
      value: 'nginx:latest',
    });
  });

  test('a missing dir and an unsupported version are usage errors (exit 2)', async () => {
    const t = io(tmp.dir);
    expect(await runCli(['validate', '--dir', 'nope'], t.io)).toBe(2);
    expect(t.err()).toContain('is not a directory (run `cdk8s synth` first?)');
    fs.mkdirSync(path.join(tmp.dir, 'dist'));
    expect(await runCli(['validate', '--kubernetes-version', '1.37', '--skip-kustomize'], t.io)).toBe(2);
    expect(t.err()).toContain('[kubernetesVersion] schemas are bundled for Kubernetes 1.28 to 1.36 only; pass one of 1.28, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36 (got "1.37")');
  });
});

describe('cdk8s validation plugin', () => {
  function context(manifests: string[]) {
    const violations: any[] = [];
    const logs: string[] = [];
    let status: string | undefined;
    const ctx: Cdk8sValidationContext = {
      manifests,
      report: { addViolation: v => { violations.push(v); }, submit: s => { status = s; } },
      logger: { log: m => { logs.push(m); } },
    };
    return { ctx, violations, logs, status: () => status };
  }

  test('fails with the same messages as the command', async () => {
    const root = path.join(tmp.dir, '.cdk8s.out');
    writeTree(root, badTree());
    const c = context([path.join(root, 'dev/hello/deployment-hello.yaml')]);
    await new Cdk8sGitOpsValidation({ dir: root, skipKustomize: true }).validate(c.ctx);
    expect(c.status()).toBe('failure');
    expect(c.violations.map(v => v.ruleName)).toEqual(['schema', 'image-pinned']);
    expect(c.logs[1]).toBe(`${root}/dev/hello/deployment-hello.yaml: Deployment/dev/hello: spec.template.spec.containers[0].image: uses the "latest" tag, which moves: pin a version or commit-SHA tag, or a digest (got "nginx:latest") [error image-pinned]`);
  });

  test('a good tree succeeds; without `dir` the root is the manifests\' common folder', async () => {
    const root = path.join(tmp.dir, 'o');
    writeTree(root, goodTree());
    const c = context([path.join(root, 'dev/hello/deployment-hello.yaml'), path.join(root, 'argocd/application-hello-dev.yaml')]);
    await new Cdk8sGitOpsValidation({ skipKustomize: true }).validate(c.ctx);
    expect(c.status()).toBe('success');
    expect(c.violations).toEqual([]);
  });

  (kubectl ? test : test.skip)('GIVEN a tree the plugin checked WHEN the same tree is synthesized again THEN it is answered from the cache (no parse, no kustomize build), and with `cache: false` it is built again', async () => {
    // GIVEN
    const root = path.join(tmp.dir, '.cdk8s.out');
    writeTree(root, goodTree());
    const c = context([path.join(root, 'dev/hello/deployment-hello.yaml')]);
    const cacheDir = path.join(tmp.dir, 'cache');
    await new Cdk8sGitOpsValidation({ dir: root, cacheDir }).validate(c.ctx);
    expect(c.status()).toBe('success');
    // WHEN checked again, with and without the cache
    const before = kustomizeStats.builds;
    await new Cdk8sGitOpsValidation({ dir: root, cacheDir }).validate(c.ctx);
    const cached = kustomizeStats.builds - before;
    await new Cdk8sGitOpsValidation({ dir: root, cacheDir, cache: false }).validate(c.ctx);
    // THEN
    expect(c.status()).toBe('success');
    expect(cached).toBe(0);
    expect(kustomizeStats.builds - before).toBeGreaterThan(0);
    expect(fs.readdirSync(cacheDir).filter(f => f.startsWith('validate-'))).toHaveLength(1);
  });

  test('a real `cdk8s synth` fails through the plugin', () => {
    // GIVEN a tiny cdk8s app dir whose app writes a bad manifest into the CLI's output dir
    const plugin = path.resolve(__dirname, '_plugin-entry.js');
    fs.writeFileSync(path.join(tmp.dir, 'app.js'), `
const fs = require('fs'); const path = require('path');
const out = process.env.CDK8S_OUTDIR;
const files = ${JSON.stringify(Object.fromEntries(badTree()))};
for (const [rel, content] of Object.entries(files)) { const f = path.join(out, rel); fs.mkdirSync(path.dirname(f), { recursive: true }); fs.writeFileSync(f, content); }
`);
    fs.writeFileSync(path.join(tmp.dir, 'cdk8s.yaml'), toYaml({
      language: 'typescript',
      app: 'node app.js',
      output: '.cdk8s.out',
      validations: [{ package: plugin, class: 'Cdk8sGitOpsValidation', version: '0.0.0', properties: { skipKustomize: true, cacheDir: process.env.CDK8S_GITOPS_CACHE_DIR } }],
    }));
    // WHEN
    let output = '';
    let code = 0;
    try {
      execFileSync(path.resolve(__dirname, '../../node_modules/.bin/cdk8s'), ['synth', '--no-check-upgrade'], { cwd: tmp.dir, encoding: 'utf8', stdio: 'pipe', timeout: 60_000 });
    } catch (e: any) {
      code = e.status;
      output = `${e.stdout}${e.stderr}`;
    }
    // THEN
    expect(code).toBe(2);
    expect(output).toContain('.cdk8s.out/dev/hello/deployment-hello.yaml: Deployment/dev/hello: spec.template.spec.containers[0].image: uses the "latest" tag');
    expect(output).toContain('Validation failed');
  });
});
