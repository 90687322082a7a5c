import { execFileSync } from 'child_process';
import { gitEnv } from './_harness';
import { filesOutside, TreeMap } from '../../src/_git-tree';
import { listChangedBase } from '../../src/publish/_base';
import { CatFile } from '../../src/publish/_cat-file';
import { Git } from '../../src/publish/_git';
import { treeId } from '../../src/publish/_objects';
import { hasTool, tmpDir } from '../support/tools';

const describeGit = hasTool('git', ['--version']) ? describe : describe.skip;

describeGit('listChangedBase (the base tree, read only where it differs)', () => {
  let dir: string;
  let cleanup: () => void;
  let env: Record<string, string>;
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: dir, env, input, encoding: 'utf8' }).trim();
  beforeEach(() => {
    ({ dir, cleanup } = tmpDir('cdk8s-gitops-base-'));
    env = gitEnv(dir);
    git(['init', '-q', '-b', 'main', '.']);
  });
  afterEach(() => cleanup());

  /** Writes `files` (path → text) as blobs and a tree through a private index; returns path → blob id and the tree id. */
  const writeTree = (files: Record<string, string>) => {
    const ids = new Map(Object.entries(files).map(([p, text]) => [p, git(['hash-object', '-w', '--stdin'], text)]));
    const idx = { ...env, GIT_INDEX_FILE: `${dir}/.git/test-index-${Math.random()}` };
    execFileSync('git', ['update-index', '-z', '--index-info'], { cwd: dir, env: idx, input: [...ids].map(([p, id]) => `100644 ${id}\t${p}\0`).join('') });
    return { ids, tree: execFileSync('git', ['write-tree'], { cwd: dir, env: idx, encoding: 'utf8' }).trim() };
  };

  const baseFiles: Record<string, string> = {
    '.cdk8s-gitops': 'marker\n',
    'argocd/a.yaml': 'a\n',
    'dev/a/k.yaml': 'dev a\n',
    'dev/a/x.yaml': 'dev a x\n',
    'dev/b/k.yaml': 'dev b\n',
    'prod/a/k.yaml': 'prod a\n',
  };
  const newFiles = { ...baseFiles, 'dev/a/x.yaml': 'dev a x, changed\n', 'dev/a/y.yaml': 'new\n' };

  test.each([
    ['no guess', [], 2],
    ['the right folders', ['dev', 'dev/a'], 0],
    ['the right folder without its parent', ['dev/a'], 1],
    ['wrong folders: unchanged, missing from the base, a file', ['prod', 'prod/a', 'dev/zz', 'dev/a/k.yaml'], 2],
  ])('GIVEN a one-app change and a guess of %s WHEN the base is listed THEN the listing is the same, and a guess saves the reads it names', async (_what, guess, byId) => {
    // GIVEN the base in git, the new tree in memory
    const base = writeTree(baseFiles);
    const ours = writeTree(newFiles);
    const made = treeId(ours.ids, 'sha1');
    expect(made.id).toBe(ours.tree);
    const real = new CatFile(new Git(dir, env));
    const names: string[] = [];
    const cat = { read: (name: string) => { names.push(name); return real.read(name); } } as unknown as CatFile;

    // WHEN
    let built = 0;
    const newTree = () => { built++; return { root: made.id, trees: new TreeMap(made.trees) }; };
    const listing = await listChangedBase(cat, base.tree, newTree, 20, new Set(guess));
    real.close();

    // THEN the base's files of the folders that differ (the root and dev/a; dev/b and prod are the same), read once each
    expect(built).toBe(1);
    expect(Object.fromEntries(listing.files)).toEqual({
      '.cdk8s-gitops': base.ids.get('.cdk8s-gitops'), 'dev/a/k.yaml': base.ids.get('dev/a/k.yaml'), 'dev/a/x.yaml': base.ids.get('dev/a/x.yaml'),
    });
    expect([...listing.sameDirs].sort()).toEqual(['argocd', 'dev/b', 'prod', 'prod/a']);
    expect(listing.sameFiles).toBe(3);
    const baseTrees = git(['ls-tree', '-r', '-t', base.tree]).split('\n').filter(l => l.includes(' tree ')).map(l => l.split(/\s+/)[2]);
    for (const id of baseTrees) expect(listing.knownTrees.has(id)).toBe(true);
    // AND the reads: the root and each guess by path first; a level without a usable guess is read by id
    expect(names.slice(0, 1 + guess.length)).toEqual([base.tree, ...guess.map(g => `${base.tree}:${g}`)]);
    expect(names.slice(1 + guess.length)).toHaveLength(byId);
    expect(names.slice(1 + guess.length).every(n => /^[0-9a-f]{40}$/.test(n))).toBe(true);
  });
});

describe('filesOutside (a commit\'s files outside the identical folders)', () => {
  test('GIVEN a tree and folders to skip WHEN visited THEN every other file comes with its blob id in git\'s order, and nothing under a skipped folder', () => {
    // GIVEN
    const ids = new Map([
      ['.cdk8s-gitops', 'a'.repeat(40)], ['argocd/a.yaml', 'b'.repeat(40)], ['dev/a/k.yaml', 'c'.repeat(40)], ['dev/a/x/y.yaml', 'd'.repeat(40)],
      ['dev/b/k.yaml', 'e'.repeat(40)], ['dev.yaml', 'f'.repeat(40)], ['prod/a/k.yaml', '1'.repeat(40)],
    ]);
    const made = treeId(ids, 'sha1');
    const trees = new TreeMap(made.trees);
    const seen = (skip: string[]) => {
      const out: [string, string][] = [];
      filesOutside(trees, made.id, new Set(skip), (p, blob) => out.push([p, blob]));
      return out;
    };
    // WHEN / THEN: nothing skipped is every file; a skipped folder takes its subfolders with it
    // (git's order: 'dev.yaml' before the folder 'dev/')
    const order = ['.cdk8s-gitops', 'argocd/a.yaml', 'dev.yaml', 'dev/a/k.yaml', 'dev/a/x/y.yaml', 'dev/b/k.yaml', 'prod/a/k.yaml'];
    expect(seen([])).toEqual(order.map(p => [p, ids.get(p)]));
    expect(seen(['argocd', 'prod', 'dev/a']).map(([p]) => p)).toEqual(['.cdk8s-gitops', 'dev.yaml', 'dev/b/k.yaml']);
    expect(seen(['dev']).map(([p]) => p)).toEqual(['.cdk8s-gitops', 'argocd/a.yaml', 'dev.yaml', 'prod/a/k.yaml']);
  });

  test('GIVEN a tree id the objects do not hold WHEN visited THEN it is an internal error naming it', () => {
    expect(() => filesOutside(new TreeMap(new Map()), 'f'.repeat(40), new Set(), () => undefined)).toThrow(`no tree ${'f'.repeat(40)}`);
  });
});
