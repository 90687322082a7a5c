import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { goodTree } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { exampleApp } from '../../src/main';
import { renderAppDetailed } from '../../src/render/render';
import { readTree, writeTree } from '../../src/render/tree';
import { Cdk8sGitOpsValidation, Cdk8sValidationContext } from '../../src/validate/cdk8s-plugin';
import { prefillPluginCache } from '../../src/validate/gate';
import { validateFolders } from '../../src/validate/validate-folders';
import { hasTool, tmpDir } from '../support/tools';

const withKubectl = hasTool('kubectl') ? describe : describe.skip;
/** What the cdk8s CLI sets when it runs an app whose cdk8s.yaml lists validation plugins. */
const UNDER_SYNTH = { CDK8S_OUTDIR: '.cdk8s.out', CDK8S_RECORD_CONSTRUCT_METADATA: 'true' };

/** The check cache's entries (folder key → entry), from its one `validate-*.json` file; `{}` if none. */
function cacheEntries(cacheDir: string): Record<string, { docs?: Record<string, unknown[]>; kustomize?: unknown[] }> {
  const files = fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter(f => f.startsWith('validate-')) : [];
  expect(files.length).toBeLessThanOrEqual(1);
  return files.length ? JSON.parse(fs.readFileSync(path.join(cacheDir, files[0]), 'utf8')).entries : {};
}

/** A folder holding a cdk8s.yaml with `yaml` after `validations:`. */
function projectDir(dir: string, validations: string): string {
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: node main.js\nvalidations:\n${validations}`);
  return dir;
}

function context(manifests: string[]) {
  const violations: Parameters<Cdk8sValidationContext['report']['addViolation']>[0][] = [];
  let status: string | undefined;
  const ctx: Cdk8sValidationContext = {
    manifests,
    report: { addViolation: v => { violations.push(v); }, submit: s => { status = s; } },
    logger: { log: () => undefined },
  };
  return { ctx, violations, status: () => status };
}

describe('Cdk8sGitOpsValidation (the cdk8s validation plugin)', () => {
  test('GIVEN kubectl cannot be run WHEN the plugin validates THEN it fails the run with one violation naming the fix, instead of throwing (the cdk8s CLI would print a stack trace)', async () => {
    // GIVEN
    const { dir, cleanup } = tmpDir('cdk8s-plugin-');
    try {
      const root = path.join(dir, '.cdk8s.out');
      writeTree(root, goodTree());
      const c = context([path.join(root, 'dev/hello/deployment-hello.yaml')]);
      // WHEN
      await new Cdk8sGitOpsValidation({ dir: root, cache: false, kubectl: path.join(dir, 'no-kubectl') }).validate(c.ctx);
      // THEN
      expect(c.status()).toBe('failure');
      expect(c.violations).toHaveLength(1);
      expect(c.violations[0].violatingResources[0].locations).toEqual([c.violations[0].recommendation]);
      expect(c.violations[0]).toMatchObject({
        ruleName: 'environment',
        recommendation: `cannot run ${path.join(dir, 'no-kubectl')}: it is not installed or not on PATH. The kustomize check runs \`kubectl kustomize\` (what Argo CD runs)`,
        fix: 'install kubectl, or set `properties: { skipKustomize: true }` on this plugin in cdk8s.yaml',
      });
    } finally {
      cleanup();
    }
  });
});

describe('the app fills the plugin\'s check cache under `cdk8s synth`', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => { tmp = tmpDir('cdk8s-plugin-prefill-'); });
  afterEach(() => tmp.cleanup());

  const rendered = () => renderAppDetailed(exampleApp({ outdir: path.join(tmp.dir, 'unused') }));
  const PLUGIN = '  - package: ./scripts/cdk8s-validation-plugin.js\n    class: Cdk8sGitOpsValidation\n';

  test('GIVEN this plugin in cdk8s.yaml WHEN the app is run as `cdk8s synth` runs it THEN every folder is cached with the objects of its files', () => {
    const cacheDir = path.join(tmp.dir, 'cache');
    const { tree, objects } = rendered();
    // WHEN
    expect(prefillPluginCache(tree, objects, { ...UNDER_SYNTH, CDK8S_GITOPS_CACHE_DIR: cacheDir }, projectDir(tmp.dir, PLUGIN))).toBe(true);
    // THEN one entry per folder, each with its files' objects (what parsing them gives) and no kustomize result yet
    const entries = Object.values(cacheEntries(cacheDir));
    const folders = new Set([...tree.keys()].map(f => path.posix.dirname(f)));
    expect(entries).toHaveLength(folders.size);
    expect(entries.flatMap(e => Object.keys(e.docs ?? {})).sort()).toEqual([...tree.keys()].map(f => path.posix.basename(f)).sort());
    const cachedDocs = entries.flatMap(e => Object.values(e.docs ?? {})).map(d => JSON.stringify(d)).sort();
    expect(cachedDocs).toEqual([...tree.keys()].map(f => JSON.stringify([objects.get(f)])).sort());
    expect(entries.filter(e => e.kustomize !== undefined)).toEqual([]);
  });

  test.each([
    ['not run by the cdk8s CLI', {}, PLUGIN],
    ['the CLI runs no validation plugin', { CDK8S_OUTDIR: '.cdk8s.out' }, PLUGIN],
    ['another plugin only', UNDER_SYNTH, '  - package: other-plugin\n    class: Other\n'],
    ['this plugin without its cache', UNDER_SYNTH, `${PLUGIN}    properties:\n      cache: false\n`],
    ['this plugin with an unknown rule id (the plugin reports it)', UNDER_SYNTH, `${PLUGIN}    properties:\n      rules:\n        no-such-rule: error\n`],
  ])('GIVEN %s WHEN the app is run THEN nothing is cached', (_why, env, validations) => {
    const cacheDir = path.join(tmp.dir, 'cache');
    const { tree, objects } = rendered();
    expect(prefillPluginCache(tree, objects, { ...env, CDK8S_GITOPS_CACHE_DIR: cacheDir }, projectDir(tmp.dir, validations))).toBe(false);
    expect(cacheEntries(cacheDir)).toEqual({});
  });

  test('GIVEN a file whose object the app no longer holds (handed to the gate\'s worker) WHEN the app is run THEN nothing is cached', () => {
    const cacheDir = path.join(tmp.dir, 'cache');
    const { tree, objects } = rendered();
    const some = new Map([...objects].slice(1));
    expect(prefillPluginCache(tree, some, { ...UNDER_SYNTH, CDK8S_GITOPS_CACHE_DIR: cacheDir }, projectDir(tmp.dir, PLUGIN))).toBe(false);
    expect(cacheEntries(cacheDir)).toEqual({});
  });

  test('GIVEN the plugin\'s own options in cdk8s.yaml WHEN the app is run THEN the cache is the one of those options (a run with other options finds nothing)', async () => {
    const cacheDir = path.join(tmp.dir, 'cache');
    const { tree, objects } = rendered();
    const rules = { 'image-pinned': 'warning' } as const;
    prefillPluginCache(tree, objects, { ...UNDER_SYNTH, CDK8S_GITOPS_CACHE_DIR: cacheDir },
      projectDir(tmp.dir, `${PLUGIN}    properties:\n      rules:\n        image-pinned: warning\n`));
    expect((await validateFolders(tree, { cacheDir, rules, skipKustomize: true })).stats?.foldersChecked).toBe(0);
    expect((await validateFolders(tree, { cacheDir, skipKustomize: true })).stats?.foldersCached).toBe(0);
  });
});

withKubectl('the plugin after an app that filled its cache', () => {
  test('GIVEN `GitOpsApp.synth` run as `cdk8s synth` runs it WHEN the plugin validates the CLI\'s output THEN no folder is checked again, each kustomization is built, and the report is that of an empty cache', async () => {
    const { dir, cleanup } = tmpDir('cdk8s-plugin-synth-');
    const saved = { ...process.env };
    try {
      // GIVEN the example app synthesized under the CLI's environment (this repository's cdk8s.yaml lists the plugin)
      const cacheDir = path.join(dir, 'cache');
      const out = path.join(dir, '.cdk8s.out');
      Object.assign(process.env, { ...UNDER_SYNTH, CDK8S_OUTDIR: out, CDK8S_GITOPS_CACHE_DIR: cacheDir });
      const app = exampleApp({ outdir: path.join(dir, 'dist') });
      // an object of a kind no schema is bundled for: a warning (schema-unknown-kind) in every report below
      const hello = app.node.findAll().find(c => c instanceof AppChart)!;
      new ApiObject(hello, 'widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'widget' } });
      app.synth();
      const filled = Object.values(cacheEntries(cacheDir));
      expect(filled.length).toBeGreaterThan(1);
      expect(filled.every(e => e.docs && !e.kustomize)).toBe(true);
      // WHEN the plugin's check runs on the CLI's output, and the same check with an empty cache
      const tree = readTree(out);
      const after = await validateFolders(tree, { cacheDir, dir: out });
      const cold = await validateFolders(tree, { cacheDir: path.join(dir, 'cold'), dir: out });
      // THEN
      const folders = new Set([...tree.keys()].map(f => path.posix.dirname(f))).size;
      const kustomizations = [...tree.keys()].filter(f => f.endsWith('/kustomization.yaml')).length;
      expect(after.stats).toEqual({ foldersChecked: 0, foldersCached: folders, kustomizeBuilds: expect.any(Number) });
      expect(after.stats!.kustomizeBuilds).toBeGreaterThan(0);
      expect(cold.stats).toEqual({ foldersChecked: folders, foldersCached: 0, kustomizeBuilds: after.stats!.kustomizeBuilds });
      expect(kustomizations).toBeGreaterThan(0);
      expect(after.findings).toEqual(cold.findings);
      expect(after.findings.map(f => `${f.rule} ${f.kind}`)).toEqual(['schema-unknown-kind Widget']);
      expect([after.ok, after.files, after.objects, after.waived]).toEqual([cold.ok, cold.files, cold.objects, cold.waived]);
      // the objects kept for the comparison are dropped once it is done, the kustomize results kept
      const done = Object.values(cacheEntries(cacheDir));
      expect(done).toHaveLength(filled.length);
      expect(done.filter(e => e.docs)).toEqual([]);
      expect(done.filter(e => e.kustomize)).toHaveLength(kustomizations);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      cleanup();
    }
  });
});
