import * as fs from 'fs';
import * as path from 'path';
import { appFolder, deployment, mutated, networkPolicy, service } from './_fixtures';
import { writeTree } from '../../src/render/tree';
import { toYaml } from '../../src/render/yaml';
import { treeKeys } from '../../src/validate/_whole-tree';
import { kustomizeStats } from '../../src/validate/kustomize-build';
import { readDirChecked } from '../../src/validate/tree-shape';
import { defaultCacheDir, validateFolders } from '../../src/validate/validate-folders';
import { validateTree } from '../../src/validate/validate-tree';
import { app, Sandbox } from '../publish/_harness';
import { hasTool, tmpDir } from '../support/tools';

const withKubectl = hasTool('kubectl') && hasTool('git', ['--version']) ? describe : describe.skip;

function apps(n: number): Map<string, string> {
  const tree = new Map<string, string>();
  for (let i = 0; i < n; i++) for (const [k, v] of appFolder(`dev/app-${i}`, [deployment(`app-${i}`), service(`app-${i}`)])) tree.set(k, v);
  return tree;
}

test('defaultCacheDir: $CDK8S_GITOPS_CACHE_DIR, else $XDG_CACHE_HOME/cdk8s-gitops, else ~/.cache/cdk8s-gitops', () => {
  expect(defaultCacheDir({ CDK8S_GITOPS_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/c');
  expect(defaultCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe(path.join('/x', 'cdk8s-gitops'));
  expect(defaultCacheDir({ HOME: '/h' })).toBe(path.join('/h', '.cache', 'cdk8s-gitops'));
});

withKubectl('validateFolders: a cache of check results per folder content and tool versions', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => { tmp = tmpDir('cdk8s-gitops-cache-'); });
  afterEach(() => tmp.cleanup());

  test('a second run of the same tree builds nothing and reports the same findings; a changed folder alone is checked again', async () => {
    // GIVEN 4 app folders, one of them with a policy error
    const tree = apps(4);
    tree.set('dev/app-1/deployment-app-1.yaml', toYaml(mutated(deployment('app-1'), d => { d.spec.template.spec.hostNetwork = true; })));
    const cacheDir = path.join(tmp.dir, 'cache');
    // WHEN validated twice with a cache
    const first = await validateFolders(tree, { cacheDir, concurrency: 2 });
    const second = await validateFolders(tree, { cacheDir, concurrency: 2 });
    // THEN the first run checks and builds every folder, the second takes everything from the cache
    expect(first.stats).toEqual({ foldersChecked: 4, foldersCached: 0, kustomizeBuilds: 2 });
    expect(second.stats).toEqual({ foldersChecked: 0, foldersCached: 4, kustomizeBuilds: 0 });
    expect(second.findings).toEqual(first.findings);
    expect(second.findings.map(f => f.rule)).toEqual(['no-host-namespaces']);
    expect([second.files, second.objects]).toEqual([first.files, first.objects]);
    // WHEN one folder changes THEN only it is checked and built
    tree.set('dev/app-2/service-app-2.yaml', toYaml(mutated(service('app-2'), s => { s.spec.ports[0].port = 81; })));
    const third = await validateFolders(tree, { cacheDir });
    expect(third.stats).toEqual({ foldersChecked: 1, foldersCached: 3, kustomizeBuilds: 1 });
  });

  test('another kubectl, or other options, do not use the results', async () => {
    // GIVEN a cached tree
    const tree = apps(2);
    const cacheDir = path.join(tmp.dir, 'cache');
    await validateFolders(tree, { cacheDir });
    // WHEN kubectl is another binary (a copy) THEN every folder is built again
    const which = (process.env.PATH ?? '').split(path.delimiter).map(d => path.join(d, 'kubectl')).find(p => fs.existsSync(p))!;
    const copy = path.join(tmp.dir, 'kubectl');
    fs.copyFileSync(which, copy);
    fs.chmodSync(copy, 0o755);
    expect((await validateFolders(tree, { cacheDir, kubectl: copy })).stats?.kustomizeBuilds).toBeGreaterThan(0);
    // WHEN a rule is configured differently THEN nothing is taken from the cache
    expect((await validateFolders(tree, { cacheDir, rules: { 'no-host-path': 'warning' } })).stats?.foldersCached).toBe(0);
  });

  test('results without the kustomize check are completed by a later run with it', async () => {
    // GIVEN a run with skipKustomize
    const tree = apps(2);
    const cacheDir = path.join(tmp.dir, 'cache');
    const skipped = await validateFolders(tree, { cacheDir, skipKustomize: true });
    expect(skipped.stats).toEqual({ foldersChecked: 2, foldersCached: 0, kustomizeBuilds: 0 });
    // WHEN run with kustomize, twice THEN the other checks come from the cache and the builds run once
    const withBuild = await validateFolders(tree, { cacheDir });
    expect(withBuild.stats).toEqual({ foldersChecked: 0, foldersCached: 2, kustomizeBuilds: 2 });
    expect((await validateFolders(tree, { cacheDir })).stats?.kustomizeBuilds).toBe(0);
  });

  test('GIVEN an unknown rule id WHEN validated with kustomize THEN it is refused naming the rule, before any build starts', async () => {
    // WHEN
    const before = kustomizeStats.builds;
    const run = validateFolders(apps(2), { rules: { 'no-such-rule': 'off' } as never });
    // THEN
    await expect(run).rejects.toThrow(/rules\.no-such-rule.*is not a rule that can be configured/);
    expect(kustomizeStats.builds - before).toBe(0);
  });

  test('a cached kustomize finding is not reported by a run that skips kustomize', async () => {
    // GIVEN a folder whose pin drifts, cached by a run with kustomize
    const tree = apps(1);
    tree.set('dev/app-0/kustomization.yaml', tree.get('dev/app-0/kustomization.yaml')!.replace(/newTag: .*/, 'newTag: other'));
    const cacheDir = path.join(tmp.dir, 'cache');
    expect((await validateFolders(tree, { cacheDir })).findings.map(f => f.rule)).toEqual(['kustomize-drift']);
    // WHEN run with skipKustomize THEN the drift is not reported
    expect((await validateFolders(tree, { cacheDir, skipKustomize: true })).findings).toEqual([]);
  });

  test('only the folders asked are checked, but object-duplicate sees every folder', async () => {
    // GIVEN dev/app-0 rendering app-1's Service too, and a bad unchanged dev/app-2
    const tree = apps(3);
    tree.set('dev/app-0/service-app-1.yaml', toYaml(service('app-1')));
    tree.set('dev/app-0/kustomization.yaml', tree.get('dev/app-0/kustomization.yaml')!.replace('resources:\n', 'resources:\n  - service-app-1.yaml\n'));
    tree.set('dev/app-2/deployment-app-2.yaml', toYaml(mutated(deployment('app-2'), d => { d.spec.template.spec.hostPID = true; })));
    // WHEN only dev/app-1 is checked
    const report = await validateFolders(tree, { folders: new Set(['dev/app-1']), concurrency: 1 });
    // THEN the duplicate is found, dev/app-2's policy error is not (it is not asked for), and one folder was built
    expect(report.findings.map(f => [f.file, f.rule])).toEqual([['dev/app-1/service-app-1.yaml', 'object-duplicate']]);
    expect(report.stats).toEqual({ foldersChecked: 1, foldersCached: 0, kustomizeBuilds: 1 });
  });

  test('GIVEN a full run over a tree WHEN the same tree is validated for some folders THEN the whole-tree entry answers, as the folder-by-folder run would', async () => {
    // GIVEN a duplicate across folders, a bad dev/app-2, and a full run with the cache
    const tree = apps(3);
    tree.set('dev/app-0/service-app-1.yaml', toYaml(service('app-1')));
    tree.set('dev/app-0/kustomization.yaml', tree.get('dev/app-0/kustomization.yaml')!.replace('resources:\n', 'resources:\n  - service-app-1.yaml\n'));
    tree.set('dev/app-2/deployment-app-2.yaml', toYaml(mutated(deployment('app-2'), d => { d.spec.template.spec.hostPID = true; })));
    const cacheDir = path.join(tmp.dir, 'cache');
    const full = await validateFolders(tree, { cacheDir, concurrency: 2 });
    const entries = fs.readdirSync(cacheDir).filter(f => f.startsWith('checked-tree-'));
    // WHEN the same tree is validated again: for dev/app-1 only, and whole
    const scoped = await validateFolders(tree, { cacheDir, folders: new Set(['dev/app-1']) });
    const again = await validateFolders(tree, { cacheDir });
    const uncached = await validateFolders(tree, { folders: new Set(['dev/app-1']), concurrency: 2 });
    // THEN one whole-tree entry answers both, with the findings and counts of the runs without it
    expect(entries).toHaveLength(1);
    expect(scoped.stats).toEqual({ foldersChecked: 0, foldersCached: 1, kustomizeBuilds: 0 });
    expect(scoped.findings).toEqual(uncached.findings);
    expect([scoped.files, scoped.objects]).toEqual([uncached.files, uncached.objects]);
    expect(again.findings).toEqual(full.findings);
    expect(again.findings.map(f => f.rule).sort()).toEqual(['no-host-namespaces', 'object-duplicate', 'service-selector']);
    expect([again.files, again.objects, again.stats?.foldersCached]).toEqual([full.files, full.objects, 3]);
    // WHEN a folder changes THEN the entry no longer matches: the changed folder is checked
    tree.set('dev/app-1/service-app-1.yaml', toYaml(mutated(service('app-1'), x => { x.spec.ports[0].port = 82; })));
    const changed = await validateFolders(tree, { cacheDir, folders: new Set(['dev/app-1']) });
    expect(changed.stats).toEqual({ foldersChecked: 1, foldersCached: 0, kustomizeBuilds: 1 });
  });

  test('`validate` then `publish` in one CI job builds each folder once', async () => {
    // GIVEN a source checkout with a rendered dist/ and the cache in the job's home
    const sb = new Sandbox();
    try {
      sb.writeDist({ ...app('dev', 'hello', 'ghcr.io/acme/hello:1.0.0'), ...app('dev', 'api', 'ghcr.io/acme/api:2.0.0') });
      // WHEN validate runs, then publish
      const before = kustomizeStats.builds;
      expect((await sb.cli(['validate'])).code).toBe(0);
      const afterValidate = kustomizeStats.builds;
      const published = await sb.cli(['publish', '--json']);
      // THEN validate built the folders, publish's gate (every folder: the branch is new) built none
      expect(published.code).toBe(0);
      expect(afterValidate - before).toBeGreaterThan(0);
      expect(kustomizeStats.builds - afterValidate).toBe(0);
      expect(fs.readdirSync(path.join(sb.root, '.cache', 'cdk8s-gitops')).filter(f => f.startsWith('validate-'))).toHaveLength(1);
      // AND --no-cache builds again
      sb.writeDist({ ...app('dev', 'hello', 'ghcr.io/acme/hello:1.0.1'), ...app('dev', 'api', 'ghcr.io/acme/api:2.0.0') });
      const beforeNoCache = kustomizeStats.builds;
      expect((await sb.cli(['validate', '--no-cache'])).code).toBe(0);
      expect(kustomizeStats.builds - beforeNoCache).toBeGreaterThan(0);
    } finally {
      sb.cleanup();
    }
  });
});

test('GIVEN two folders with the same files WHEN their results come from the cache THEN each folder\'s findings name its own files', async () => {
  // GIVEN dev/a and dev/b hold byte-identical files, with a schema error each (a port that is not a number)
  const { dir, cleanup } = tmpDir('cdk8s-gitops-same-folders-');
  try {
    const bad = toYaml(mutated(service('same'), s => { s.spec.ports[0].port = 'eighty'; }));
    const tree = new Map([['dev/a/service-same.yaml', bad], ['dev/b/service-same.yaml', bad]]);
    const cacheDir = path.join(dir, 'cache');
    await validateFolders(tree, { cacheDir, skipKustomize: true });
    // WHEN a third folder is added (so the whole tree is not known) and the tree validated again
    tree.set('dev/c/service-other.yaml', toYaml(service('other')));
    const again = await validateFolders(tree, { cacheDir, skipKustomize: true });
    // THEN a and b come from the cache, and their findings are those of a run without it
    expect(again.stats).toEqual({ foldersChecked: 1, foldersCached: 2, kustomizeBuilds: 0 });
    const fresh = await validateFolders(tree, { skipKustomize: true });
    expect(again.findings).toEqual(fresh.findings);
    expect(again.findings.filter(f => f.rule === 'schema').map(f => f.file)).toEqual(['dev/a/service-same.yaml', 'dev/b/service-same.yaml']);
  } finally {
    cleanup();
  }
});

describe('validateFolders: the cache folder stays bounded', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => { tmp = tmpDir('cdk8s-gitops-salts-'); });
  afterEach(() => tmp.cleanup());

  test('GIVEN six rule settings (six salts) WHEN each validates with one cache folder THEN four per-salt files stay, the newest among them, and it still answers', async () => {
    // GIVEN one app and six different rule settings, each its own salt
    const tree = apps(1);
    const cacheDir = path.join(tmp.dir, 'cache');
    const settings = [
      {}, { 'image-pinned': 'warning' }, { 'image-pinned': 'off' }, { 'network-default-deny': 'error' },
      { 'network-default-deny': 'off' }, { 'image-pinned': 'warning', 'network-default-deny': 'error' },
    ] as const;
    const saltFiles = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []).filter(f => /^validate-[0-9a-f]{32}\.json$/.test(f));
    const seen = new Set<string>();
    // WHEN each setting validates the tree with the cache
    for (const rules of settings) {
      const before = new Set(saltFiles());
      await validateFolders(tree, { cacheDir, skipKustomize: true, rules });
      const made = saltFiles().filter(f => !before.has(f) && !seen.has(f));
      expect(made).toHaveLength(1);
      seen.add(made[0]);
    }
    // THEN four files stay, and the last setting's run is answered from its file
    const last = [...seen][settings.length - 1];
    expect(saltFiles()).toHaveLength(4);
    expect(saltFiles()).toContain(last);
    const again = await validateFolders(tree, { cacheDir, skipKustomize: true, rules: settings[settings.length - 1] });
    expect(again.stats).toEqual(expect.objectContaining({ foldersChecked: 0, foldersCached: 1 }));
  });
});

describe('validateFolders: rules that span folders (network-default-deny) and lazy trees', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => { tmp = tmpDir('cdk8s-gitops-across-'); });
  afterEach(() => tmp.cleanup());

  const allow = mutated(networkPolicy(), x => {
    x.metadata.name = 'hello-from-ingress-nginx';
    x.spec.podSelector = { matchLabels: { 'app.kubernetes.io/name': 'hello' } };
  });
  const lines = (fs_: readonly { rule: string; file: string; message: string }[]) => fs_.filter(f => f.rule === 'network-default-deny').map(f => `${f.file}: ${f.message}`);
  const tree = (withDeny: boolean) => new Map([
    ...appFolder('dev/hello', [deployment(), service(), allow]),
    ...appFolder('dev/api', [deployment('api'), service('api')]),
    ...(withDeny ? appFolder('dev/network-policy', [networkPolicy()]) : appFolder('dev/network-policy', [mutated(networkPolicy(), x => { x.metadata.name = 'other'; x.spec.podSelector = { matchLabels: { a: 'b' } }; })])),
  ]);

  test('GIVEN 40 apps in one namespace, each with its own allow policy and no default-deny THEN every workload gets one warning naming 5 policies and counting the rest, whole tree or folder by folder', async () => {
    // GIVEN
    const many = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      const name = `app${String(i).padStart(2, '0')}`;
      const policy = mutated(networkPolicy(), x => {
        x.metadata.name = `${name}-from-ingress-nginx`;
        x.spec.podSelector = { matchLabels: { 'app.kubernetes.io/name': name } };
      });
      for (const [f, text] of appFolder(`dev/${name}`, [deployment(name), service(name), policy])) many.set(f, text);
    }
    const message = 'has NetworkPolicies (app00-from-ingress-nginx, app01-from-ingress-nginx, app02-from-ingress-nginx, '
      + 'app03-from-ingress-nginx, app04-from-ingress-nginx and 35 more) but no default-deny ingress policy (podSelector {}) '
      + 'in the validated tree: add NetworkIsolation to the environment';
    // WHEN
    const whole = lines(validateTree(many).findings);
    const byFolder = lines((await validateFolders(many, { skipKustomize: true })).findings);
    // THEN
    expect(whole).toHaveLength(40);
    expect(whole.every(l => l.endsWith(`: ${message}`))).toBe(true);
    expect(byFolder).toEqual(whole);
  });

  test('GIVEN cached app folders WHEN only the namespace\'s default-deny folder changes (publish\'s scope) THEN the unchanged workloads are judged again, as validateTree judges them', async () => {
    // GIVEN every folder cached, with the default-deny in place: no finding
    const cacheDir = path.join(tmp.dir, 'cache');
    const first = await validateFolders(tree(true), { cacheDir, skipKustomize: true });
    expect(lines(first.findings)).toEqual([]);
    // WHEN the default-deny is replaced by another allow policy and only that folder is in scope
    const changed = tree(false);
    const second = await validateFolders(changed, { cacheDir, skipKustomize: true, folders: new Set(['dev/network-policy']) });
    // THEN both workloads in the unchanged (cached) folders are reported, exactly as a whole-tree run reports them
    expect(second.stats).toEqual({ foldersChecked: 1, foldersCached: 0, kustomizeBuilds: 0 });
    const expected = [
      'dev/api/deployment-api.yaml: has NetworkPolicies (hello-from-ingress-nginx, other) but no default-deny ingress policy (podSelector {}) in the validated tree: add NetworkIsolation to the environment',
      'dev/hello/deployment-hello.yaml: has NetworkPolicies (hello-from-ingress-nginx, other) but no default-deny ingress policy (podSelector {}) in the validated tree: add NetworkIsolation to the environment',
    ];
    expect(lines(second.findings)).toEqual(expected);
    expect(lines(validateTree(changed).findings)).toEqual(expected);
    expect(lines((await validateFolders(changed, { skipKustomize: true })).findings)).toEqual(expected);
    // WHEN the default-deny comes back THEN the findings go, from the cache alone
    const third = await validateFolders(tree(true), { cacheDir, skipKustomize: true, folders: new Set() });
    expect(third.stats?.foldersChecked).toBe(0);
    expect(lines(third.findings)).toEqual([]);
  });

  test('GIVEN a workload that waives the rule WHEN judged across folders THEN the finding is waived, with its reason', async () => {
    const waiving = mutated(deployment('api'), x => { x.metadata.annotations = { 'cdk8s-gitops.io/waive.network-default-deny': 'a public API' }; });
    const t = new Map([...tree(false), ...appFolder('dev/api', [waiving, service('api')])]);
    const report = await validateFolders(t, { cacheDir: path.join(tmp.dir, 'cache'), skipKustomize: true, folders: new Set(['dev/network-policy']) });
    expect(lines(report.findings)).toEqual([expect.stringMatching(/^dev\/hello\/deployment-hello\.yaml: /)]);
    expect(report.waived.filter(w => w.rule === 'network-default-deny').map(w => `${w.file}: ${w.reason}`)).toEqual(['dev/api/deployment-api.yaml: a public API']);
    expect(lines(validateTree(t).findings)).toEqual(lines(report.findings));
  });

  test('GIVEN a tree read from disk WHEN its keys are asked again THEN the whole-tree key comes from the index, equal to the full computation', () => {
    // GIVEN
    const dist = path.join(tmp.dir, 'dist');
    writeTree(dist, apps(3));
    const cacheDir = path.join(tmp.dir, 'cache');
    const { tree: read } = readDirChecked(dist, { cacheDir });
    const first = treeKeys(read, { cacheDir, skipKustomize: true });
    // WHEN
    const again = treeKeys(read, { cacheDir, skipKustomize: true });
    // THEN the index answered (the folder keys are computed only when asked for), with the key a tree in memory gets
    const index = JSON.parse(fs.readFileSync(path.join(cacheDir, 'whole-tree-index.json'), 'utf8'));
    expect(index.entries.map((e: string[]) => e[1])).toEqual([first.whole]);
    expect(Object.getOwnPropertyDescriptor(again, 'keys')?.get).toBeDefined();
    expect(again.whole).toBe(first.whole);
    expect(again.keys).toEqual(first.keys);
    expect(treeKeys(new Map(read), { cacheDir, skipKustomize: true }).whole).toBe(first.whole);
    // AND other options, or another listing, get their own key
    expect(treeKeys(read, { cacheDir, skipKustomize: false }).whole).not.toBe(first.whole);
    fs.writeFileSync(path.join(dist, 'dev', 'app-1', 'service-app-1.yaml'), toYaml(mutated(service('app-1'), x => { x.spec.ports[0].port = 82; })));
    const { tree: changed } = readDirChecked(dist, { cacheDir });
    const next = treeKeys(changed, { cacheDir, skipKustomize: true });
    expect(next.whole).not.toBe(first.whole);
    expect(next.whole).toBe(treeKeys(new Map(changed), { cacheDir, skipKustomize: true }).whole);
  });

  test('GIVEN a tree read from disk with every folder cached WHEN one folder is validated THEN no file of another folder is read', async () => {
    // GIVEN
    const dist = path.join(tmp.dir, 'dist');
    writeTree(dist, apps(3));
    const cacheDir = path.join(tmp.dir, 'cache');
    const { tree: before } = readDirChecked(dist, { cacheDir });
    await validateFolders(before, { cacheDir, skipKustomize: true });
    // WHEN the files of the unchanged folders vanish after listing (reading one would throw) and one folder changes
    const { tree: listed } = readDirChecked(dist, { cacheDir });
    fs.rmSync(path.join(dist, 'dev', 'app-0'), { recursive: true });
    fs.rmSync(path.join(dist, 'dev', 'app-1'), { recursive: true });
    const report = await validateFolders(listed, { cacheDir, skipKustomize: true, folders: new Set(['dev/app-2']) });
    // THEN
    expect(report.stats).toEqual({ foldersChecked: 0, foldersCached: 1, kustomizeBuilds: 0 });
    expect(report.findings.filter(f => f.severity === 'error')).toEqual([]);
  });
});
