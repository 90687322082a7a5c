import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { appFolder, deployment, goodTree, Obj, service } from './_fixtures';
import { ValidationError } from '../../src/errors';
import { readDiskTree } from '../../src/render/disk-tree';
import { duplicateObjectFindings } from '../../src/validate/duplicate-objects';
import { readRenderedDir, readTreeStrict, suggestLabel, treeShapeFindings } from '../../src/validate/tree-shape';
import { validateDir } from '../../src/validate/validate-dir';
import { validateTree } from '../../src/validate/validate-tree';
import { toYaml } from '../../src/yaml';
import { tmpDir } from '../support/tools';

function write(dir: string, tree: Map<string, string>): void {
  for (const [rel, content] of tree) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
}

const shape = (tree: Map<string, string>) => treeShapeFindings(tree).map(f => ({ file: f.file, rule: f.rule }));

describe('tree shape (in memory)', () => {
  test('a rendered tree passes', () => {
    // GIVEN what the renderer writes WHEN checked THEN nothing is found
    expect(treeShapeFindings(goodTree())).toEqual([]);
  });

  test.each([
    ['.git', 'dev/hello/.git/config'],
    ['.GIT', '.GIT/HEAD.yaml'],
    ['.Git', 'dev/.Git/x.yaml'],
  ])('a %s path component at any depth is refused', (seg, file) => {
    // GIVEN a tree with a .git component (any case)
    const tree = goodTree();
    tree.set(file, 'a: 1\n');
    // WHEN / THEN it is named once, up to the component
    const where = file.slice(0, file.indexOf(seg) + seg.length);
    const found = treeShapeFindings(tree);
    expect(found).toEqual([expect.objectContaining({ file: where, rule: 'tree-git-path' })]);
    expect(found[0].message).toBe(`is a "${seg}" path component: git refuses such paths and Argo CD would never see them. `
      + 'Remove it from the rendered folder (render into a folder that is not a git checkout)');
  });

  test.each([['dev/héllo', 'hello'], ['Dev', 'dev'], ['dev/a_b', 'a-b']])('folder %s is refused with a DNS-1123 suggestion', (folder, fix) => {
    // GIVEN an app folder with a name an ApplicationSet cannot use
    const tree = appFolder(folder, [deployment(), service()]);
    // WHEN
    const found = treeShapeFindings(tree);
    // THEN the folder is named once, with the fix
    const bad = folder.split('/').pop()!;
    expect(found).toEqual([expect.objectContaining({ file: `${folder}/`, rule: 'tree-folder-name', value: bad })]);
    expect(found[0].message).toBe('is not a DNS-1123 label (lowercase a-z, 0-9 and "-", at most 63 characters, starting and ending with a letter or digit): '
      + `an ApplicationSet git generator turns folder names into Application names, which Argo CD would refuse. Rename it to "${fix}"`);
  });

  test('every bad folder is named once, in the order of the first file under it, whether or not a folder\'s files come one after the other', () => {
    // GIVEN paths in no particular order: bad folders at several depths, files of one folder apart, a root file, a .git path
    const paths = [
      'ok/Bad/x.yaml', 'Top/a/x.yaml', 'ok/x.yaml', 'ok/Bad/y.yaml', 'Top/b/y.yaml', 'root.yaml', 'ok/Bad/Deep/z.yaml',
      'ok/Bad/x2.yaml', 'Top/a/x2.yaml', 'ok/.git/config.yaml', 'ok/Bad2/x.yaml', 'ok/x2.yaml', 'dev/a_b/k.yaml', 'dev/a_b/j.yaml',
    ];
    const tree = new Map(paths.map(p => [p, 'a: 1\n']));
    // WHEN / THEN
    expect(shape(tree)).toEqual([
      { file: 'ok/Bad/', rule: 'tree-folder-name' },
      { file: 'Top/', rule: 'tree-folder-name' },
      { file: 'ok/Bad/Deep/', rule: 'tree-folder-name' },
      { file: 'ok/.git', rule: 'tree-git-path' },
      { file: 'ok/Bad2/', rule: 'tree-folder-name' },
      { file: 'dev/a_b/', rule: 'tree-folder-name' },
    ]);
  });

  test('a non-YAML file, an unusable file name and an empty file are refused', () => {
    // GIVEN notes.txt, a Kustomization without extension, a file named with a space and an empty file
    const tree = goodTree();
    tree.set('dev/hello/notes.txt', 'hi\n');
    tree.set('dev/hello/Kustomization', 'resources: []\n');
    tree.set('dev/hello/my file.yaml', 'a: 1\n');
    tree.set('dev/hello/empty.yaml', '  \n');
    // WHEN
    const found = treeShapeFindings(tree);
    // THEN each is named with its rule and fix
    expect(shape(tree).sort((a, b) => (a.file < b.file ? -1 : 1))).toEqual([
      { file: 'dev/hello/Kustomization', rule: 'tree-file-type' },
      { file: 'dev/hello/empty.yaml', rule: 'tree-empty-file' },
      { file: 'dev/hello/my file.yaml', rule: 'tree-file-name' },
      { file: 'dev/hello/notes.txt', rule: 'tree-file-type' },
    ]);
    expect(found.find(f => f.file === 'dev/hello/notes.txt')!.message).toBe('is not a .yaml or .yml file: the rendered branch holds only Kubernetes YAML '
      + '(Argo CD would ignore or choke on anything else). Remove it from the rendered folder, or render it as an object (e.g. a ConfigMap)');
    expect(found.find(f => f.file === 'dev/hello/my file.yaml')!.message).toBe('is not a usable file name (ASCII letters, digits, ".", "_" and "-", '
      + 'not starting with a dot): rename it, e.g. to "my-file.yaml"');
    expect(found.find(f => f.file === 'dev/hello/empty.yaml')!.message).toBe('is empty: it renders no object (kustomize fails on an empty resource). '
      + 'Remove it, and its line in kustomization.yaml');
  });

  test('the ownership marker is reserved for publish', () => {
    // GIVEN the marker in the rendered folder WHEN checked THEN it is refused as reserved
    const tree = goodTree();
    tree.set('.cdk8s-gitops', 'mine\n');
    expect(treeShapeFindings(tree)).toEqual([expect.objectContaining({
      file: '.cdk8s-gitops', rule: 'tree-file-type', message: 'is reserved for the ownership marker that publish writes on the branch; remove it from the rendered folder',
    })]);
  });

  test('suggestLabel makes a DNS-1123 label of any name', () => {
    expect(['Héllo World', '__', 'a'.repeat(70)].map(suggestLabel)).toEqual(['hello-world', 'app', 'a'.repeat(63)]);
  });
});

describe('object-duplicate', () => {
  const configMap = (name: string, namespace?: string): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) }, data: {} });
  const withNamespace = (tree: Map<string, string>, folder: string, ns: string) => {
    const k = `${folder}/kustomization.yaml`;
    tree.set(k, tree.get(k)!.replace(/^namespace: .*\n/m, '').replace('kind: Kustomization\n', `kind: Kustomization\nnamespace: ${ns}\n`));
    return tree;
  };

  test('one object in two app folders of one environment is refused, naming both', () => {
    // GIVEN dev/a and dev/b both rendering ConfigMap dev/shared
    const tree = new Map([...appFolder('dev/a', [configMap('shared', 'dev')]), ...appFolder('dev/b', [configMap('shared', 'dev')])]);
    // WHEN
    const found = validateTree(tree).findings.filter(f => f.rule === 'object-duplicate');
    // THEN the second is reported, naming the first
    expect(found).toEqual([expect.objectContaining({ file: 'dev/b/configmap-shared.yaml', kind: 'ConfigMap', namespace: 'dev', name: 'shared', severity: 'error' })]);
    expect(found[0].message).toBe('is rendered by the app folder dev/a/ too (dev/a/configmap-shared.yaml), for the same destination (dev/): '
      + 'two Argo CD Applications would fight over it. Render it in one app folder only (or give the copies different names or namespaces)');
  });

  test('the namespace of an object without one comes from its kustomization', () => {
    // GIVEN the same ConfigMap without metadata.namespace in dev/a and dev/b
    const tree = new Map([...appFolder('dev/a', [configMap('shared')]), ...appFolder('dev/b', [configMap('shared')])]);
    // WHEN both kustomizations set namespace: team THEN it is a duplicate
    withNamespace(withNamespace(tree, 'dev/a', 'team'), 'dev/b', 'team');
    expect(validateTree(tree).findings.filter(f => f.rule === 'object-duplicate').map(f => f.namespace)).toEqual(['team']);
    // WHEN they set different namespaces THEN it is not
    withNamespace(tree, 'dev/b', 'other');
    expect(validateTree(tree).findings.filter(f => f.rule === 'object-duplicate')).toEqual([]);
  });

  test('the same object in two environments, or two clusters, is not a duplicate', () => {
    // GIVEN dev/a, prod/a, dev/c1/a and dev/c2/a all rendering ConfigMap x/shared
    const tree = new Map(['dev/a', 'prod/a', 'dev/c1/a', 'dev/c2/a'].flatMap(f => [...appFolder(f, [configMap('shared', 'x')])]));
    // WHEN / THEN
    expect(validateTree(tree).findings.filter(f => f.rule === 'object-duplicate')).toEqual([]);
  });

  test('a cluster-scoped kind ignores namespaces', () => {
    // GIVEN a ClusterRole in two app folders whose kustomizations set different namespaces
    const found = duplicateObjectFindings(new Map([
      ['dev/a', { namespace: 'a', objects: [{ file: 'dev/a/r.yaml', group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' }] }],
      ['dev/b', { namespace: 'b', objects: [{ file: 'dev/b/r.yaml', group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' }] }],
    ]));
    // THEN it is one object
    expect(found.map(f => f.file)).toEqual(['dev/b/r.yaml']);
  });

  test('an object without a name is left to object-identity', () => {
    // GIVEN two nameless ConfigMaps in two folders WHEN validated THEN no duplicate is claimed
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-' } };
    const tree = new Map([['dev/a/configmap-x.yaml', toYaml(cm)], ['dev/b/configmap-x.yaml', toYaml(cm)]]);
    expect(validateTree(tree).findings.filter(f => f.rule === 'object-duplicate')).toEqual([]);
  });
});

describe('tree shape on disk', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tmpDir('cdk8s-gitops-shape-'));
    write(dir, goodTree());
  });
  afterEach(() => cleanup());

  test('symlinks (to a file, to a folder, dangling), a socket and a .git folder are reported and never followed', async () => {
    // GIVEN each kind of entry that is not a regular file
    fs.symlinkSync('deployment-hello.yaml', path.join(dir, 'dev/hello/link.yaml'));
    fs.symlinkSync('hello', path.join(dir, 'dev/linked'));
    fs.symlinkSync('/nonexistent/x.yaml', path.join(dir, 'dev/hello/dangling.yaml'));
    fs.mkdirSync(path.join(dir, 'dev/hello/.git'));
    fs.writeFileSync(path.join(dir, 'dev/hello/.git/HEAD'), 'ref: refs/heads/main\n');
    const server = net.createServer();
    await new Promise<void>(resolve => server.listen(path.join(dir, 'dev/hello/sock.yaml'), resolve));
    try {
      // WHEN
      const report = await validateDir(dir, { skipKustomize: true });
      // THEN each is an error naming the path
      const shapeFindings = report.findings.filter(f => f.rule.startsWith('tree-')).map(f => ({ file: f.file, rule: f.rule, value: f.value }));
      expect(shapeFindings).toEqual([
        { file: 'dev/hello/.git', rule: 'tree-git-path', value: undefined },
        { file: 'dev/hello/dangling.yaml', rule: 'tree-symlink', value: '/nonexistent/x.yaml' },
        { file: 'dev/hello/link.yaml', rule: 'tree-symlink', value: 'deployment-hello.yaml' },
        { file: 'dev/hello/sock.yaml', rule: 'tree-special-file', value: undefined },
        { file: 'dev/linked', rule: 'tree-symlink', value: 'hello' },
      ]);
      expect(report.ok).toBe(false);
      expect(report.findings.find(f => f.rule === 'tree-symlink')!.message).toBe('is a symlink: the rendered branch holds only regular files '
        + '(a link could point outside the tree, or nowhere). Replace it with the file itself');
      expect(report.findings.find(f => f.rule === 'tree-special-file')!.message).toBe('is not a regular file or folder (a socket, FIFO or device): remove it from the rendered folder');
      // AND readTreeStrict refuses, listing every problem under the shown folder name
      expect(() => readTreeStrict(dir, 'dist')).toThrow(ValidationError);
      expect(() => readTreeStrict(dir, 'dist')).toThrow(/^\[dist\/dev\/hello\/\.git\] is a "\.git" entry: a rendered folder must not be \(or hold\) a git repository/);
      expect(() => readTreeStrict(dir, 'dist')).toThrow('[dist/dev/linked] is a symlink: the rendered branch holds only regular files (a link could point outside the tree, or nowhere). '
        + 'Replace it with the file itself [tree-symlink] (got "hello")');
    } finally {
      server.close();
    }
  });

  test('readTreeStrict returns a clean tree, and refuses a missing folder', () => {
    // GIVEN a good tree WHEN read THEN every file is there
    expect([...readTreeStrict(dir).keys()]).toEqual([...goodTree().keys()].sort());
    // GIVEN a missing folder THEN it is named
    expect(() => readTreeStrict(path.join(dir, 'nope'))).toThrow('is not a directory (run `cdk8s synth` first?)');
  });

  test('a non-YAML file on disk fails validate', async () => {
    // GIVEN a stray notes.txt
    fs.writeFileSync(path.join(dir, 'dev/hello/notes.txt'), 'hi\n');
    // WHEN / THEN
    const report = await validateDir(dir, { skipKustomize: true });
    expect(report.findings.filter(f => f.rule.startsWith('tree-')).map(f => f.file)).toEqual(['dev/hello/notes.txt']);
  });

  describe('the clean roots cache', () => {
    const readWithIds = (cache: string) => readDiskTree(dir, { cacheDir: cache, treeIds: true }).tree;
    const cleanFile = (cache: string) => path.join(cache, 'tree-shape-clean.json');

    test('GIVEN a clean tree checked with a cache WHEN its id is planted for a dirty tree THEN the dirty tree is trusted as clean (the verdict comes from the cache), and a changed tree is looked at again', () => {
      // GIVEN: a clean tree's root id kept by its check
      const cache = path.join(dir, '..', `${path.basename(dir)}-cache`);
      expect(treeShapeFindings(readWithIds(cache), cache)).toEqual([]);
      const kept = JSON.parse(fs.readFileSync(cleanFile(cache), 'utf8'));
      expect(kept.roots).toEqual([readWithIds(cache).folderTrees!.rootId]);
      // WHEN a tree with a bad folder name gets its root id listed as clean (what a wrong cache would say)
      fs.renameSync(path.join(dir, 'dev'), path.join(dir, 'Dev'));
      const dirty = readWithIds(cache);
      fs.writeFileSync(cleanFile(cache), JSON.stringify({ ...kept, roots: [dirty.folderTrees!.rootId] }));
      // THEN it is trusted: proof that a listed tree is not looked at
      expect(treeShapeFindings(dirty, cache)).toEqual([]);
      // AND without the cache, or with a cache of another salt (another version or build of the rules), it is refused
      expect(treeShapeFindings(readWithIds(cache)).map(f => f.rule)).toEqual(['tree-folder-name']);
      fs.writeFileSync(cleanFile(cache), JSON.stringify({ ...kept, salt: 'other', roots: [dirty.folderTrees!.rootId] }));
      expect(treeShapeFindings(readWithIds(cache), cache).map(f => f.rule)).toEqual(['tree-folder-name']);
      fs.rmSync(cache, { recursive: true, force: true });
    });

    test('GIVEN a dirty tree read for publishing WHEN refused THEN its id is not kept, and the refusal repeats', () => {
      // GIVEN
      const cache = path.join(dir, '..', `${path.basename(dir)}-cache`);
      fs.writeFileSync(path.join(dir, 'dev/hello/empty.yaml'), '  \n');
      // WHEN / THEN
      expect(() => readRenderedDir(dir, { cacheDir: cache })).toThrow(/empty\.yaml\] is empty/);
      expect(fs.existsSync(cleanFile(cache))).toBe(false);
      expect(() => readRenderedDir(dir, { cacheDir: cache })).toThrow(/empty\.yaml\] is empty/);
      fs.rmSync(cache, { recursive: true, force: true });
    });
  });
});
