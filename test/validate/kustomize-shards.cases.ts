import { appFolder, deployment, IMAGE, Obj, service } from './_fixtures';
import { checkKustomizeTree, kustomizeStats } from '../../src/validate/kustomize-build';
import { hasTool } from '../support/tools';

const withKubectl = hasTool('kubectl') ? describe : describe.skip;

/** `n` app folders dev/app-<i>, each a Deployment and a Service. */
function apps(n: number): Map<string, string> {
  const tree = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const name = `app-${i}`;
    for (const [k, v] of appFolder(`dev/${name}`, [deployment(name), service(name)])) tree.set(k, v);
  }
  return tree;
}

withKubectl('kustomize check in groups (one kubectl per group of folders)', () => {
  test('folders are built a group at a time, and a failing or drifting folder is still named', async () => {
    // GIVEN 6 app folders: one whose kustomization does not build, one whose pin drifts from its Deployment
    const tree = apps(6);
    tree.set('dev/app-2/kustomization.yaml', tree.get('dev/app-2/kustomization.yaml')!.replace('resources:\n', 'resources:\n  - missing.yaml\n'));
    tree.set('dev/app-4/kustomization.yaml', tree.get('dev/app-4/kustomization.yaml')!.replace(/newTag: .*/, 'newTag: other'));
    // WHEN checked with 2 groups
    const before = kustomizeStats.builds;
    const findings = await checkKustomizeTree(tree, { concurrency: 2 });
    // THEN each problem names its own folder, as a build of that folder alone would
    expect(findings.map(f => ({ file: f.file, rule: f.rule }))).toEqual([
      { file: 'dev/app-2/kustomization.yaml', rule: 'kustomize-build' },
      { file: 'dev/app-4/deployment-app-4.yaml', rule: 'kustomize-drift' },
    ]);
    expect(findings[0].message).toMatch(/^`kubectl kustomize dev\/app-2` fails \(Argo CD could not render this app\): .*missing\.yaml/);
    expect(findings[1].message).toBe('differs between the raw file and `kubectl kustomize dev/app-4` output ("ghcr.io/example/hello:other"): Argo CD would apply the built value');
    // AND the group holding the broken folder was built again folder by folder: 2 groups + 3 folders
    expect(kustomizeStats.builds - before).toBe(5);
  });

  test('a good tree of many folders takes one build per group', async () => {
    // GIVEN 90 app folders WHEN checked on 2 cores THEN 3 groups of at most 40 folders, no finding
    const before = kustomizeStats.builds;
    expect(await checkKustomizeTree(apps(90), { concurrency: 2 })).toEqual([]);
    expect(kustomizeStats.builds - before).toBe(3);
  });

  test('a folder of many files with per-object settings only is built in slices, and its drift is named', async () => {
    // GIVEN argocd-like folder: 90 ConfigMaps, a kustomization with namespace and images, one ConfigMap in another namespace
    const cms: Obj[] = Array.from({ length: 90 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c-${i}`, namespace: 'argocd' }, data: { i: String(i) } }));
    cms[77].metadata.namespace = 'elsewhere';
    const tree = appFolder('argocd', cms, IMAGE);
    tree.set('argocd/kustomization.yaml', tree.get('argocd/kustomization.yaml')!.replace('kind: Kustomization\n', 'kind: Kustomization\nnamespace: argocd\n'));
    // WHEN
    const before = kustomizeStats.builds;
    const findings = await checkKustomizeTree(tree, { concurrency: 2 });
    // THEN 3 slices were built, and the object the namespace override moves is named
    expect(kustomizeStats.builds - before).toBe(3);
    expect(findings.map(f => [f.file, f.rule, f.namespace])).toEqual([
      ['argocd/configmap-c-77.yaml', 'kustomize-drift', 'elsewhere'],
      ['argocd/kustomization.yaml', 'kustomize-drift', 'argocd'],
    ]);
  });

  test('a group whose folders\' objects collide is built again folder by folder: no clash is reported', async () => {
    // GIVEN dev/a and dev/b rendering the same Service (a duplicate that validate reports separately), in one group
    const tree = new Map([...appFolder('dev/a', [service('same')]), ...appFolder('dev/b', [service('same')]), ...apps(3)]);
    // WHEN
    const before = kustomizeStats.builds;
    const findings = await checkKustomizeTree(tree, { concurrency: 1 });
    // THEN each folder builds alone: the group of 5, then the 5 folders
    expect(findings).toEqual([]);
    expect(kustomizeStats.builds - before).toBe(6);
  });
});

