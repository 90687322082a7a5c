import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { gitEnv } from './_harness';
import { blobId, commitBody, folderKey, isPlainIdent, treeId, writeLooseObject } from '../../src/publish/_objects';
import { FolderIdCache, folderIdsFile } from '../../src/publish/_tree-ids';
import { hasTool, tmpDir } from '../support/tools';

const describeGit = hasTool('git', ['--version']) ? describe : describe.skip;

describeGit('treeId (tree object ids computed in-process)', () => {
  let dir: string;
  let cleanup: () => void;
  let env: Record<string, string>;
  beforeEach(() => {
    ({ dir, cleanup } = tmpDir('cdk8s-gitops-objects-'));
    env = gitEnv(dir);
    execFileSync('git', ['init', '-q', '-b', 'main', '.'], { cwd: dir, env });
  });
  afterEach(() => cleanup());

  /** The root tree id git writes for `files` (path → blob id) through an index. */
  const gitTreeId = (files: ReadonlyMap<string, string>) => {
    const info = [...files].map(([p, id]) => `100644 ${id}\t${p}\n`).join('');
    const idx = { ...env, GIT_INDEX_FILE: `${dir}/.git/test-index` };
    execFileSync('git', ['update-index', '-z', '--index-info'], { cwd: dir, env: idx, input: info.replace(/\n/g, '\0') });
    return execFileSync('git', ['write-tree', '--missing-ok'], { cwd: dir, env: idx, encoding: 'utf8' }).trim();
  };
  const blob = (text: string) => blobId(text, 'sha1');

  test.each([
    ['sorted ASCII paths at several depths (the one-pass case)', [
      '.cdk8s-gitops', 'a-b/y.yaml', 'a.yaml', 'a/x.yaml', 'a/z/deep.yaml', 'a0.yaml', 'argocd/app.yaml', 'dev/app-1/k.yaml', 'dev/app-2/k.yaml',
    ]],
    ['the same paths unsorted', ['dev/app-2/k.yaml', 'a/x.yaml', 'a.yaml', '.cdk8s-gitops', 'a-b/y.yaml', 'a/z/deep.yaml', 'a0.yaml', 'argocd/app.yaml']],
    ['non-ASCII names (byte order differs from UTF-16 order)', ['dev/héllo/a.yaml', 'dev/hello/a.yaml', 'dev/\u{1F600}/a.yaml', 'dev/\uFF21/a.yaml', 'z.yaml']],
    ['one file at the root', ['only.yaml']],
  ])('GIVEN %s WHEN the tree id is computed THEN it is the one git writes, and every tree object is listed', (_what, paths) => {
    // GIVEN
    const files = new Map(paths.map(p => [p, blob(`${p}\n`)]));
    // WHEN
    const { id, trees } = treeId(files, 'sha1');
    // THEN
    expect(id).toBe(gitTreeId(files));
    const folders = new Set(paths.flatMap(p => p.split('/').slice(0, -1).map((_s, i, segs) => segs.slice(0, i + 1).join('/'))));
    expect(trees.size).toBe(folders.size + 1);
    expect([...trees.keys()].pop()).toBe(id);
  });

  test('GIVEN a folder id cache WHEN the tree id is computed twice THEN the second pass looks every small folder up, hashes only the large ones, and both ids are git\'s', () => {
    // GIVEN 3 small app folders and one folder of 70 entries (more than the cache keeps)
    const paths = ['.cdk8s-gitops', 'dev/a/k.yaml', 'dev/a/x.yaml', 'dev/b/k.yaml', 'prod/a/k.yaml', ...Array.from({ length: 70 }, (_, i) => `zz/f${String(i).padStart(2, '0')}.yaml`)];
    const files = new Map(paths.map(p => [p, blob(`${p}\n`)]));
    const map = new Map<string, string>();
    const gets: string[] = [];
    const folders = { get: (k: string) => { gets.push(k); return map.get(k); }, set: (k: string, id: string) => { map.set(k, id); } };
    // WHEN
    const first = treeId(files, 'sha1', folders);
    const missesOnFirst = gets.filter(k => !map.has(k)).length;
    gets.length = 0;
    const second = treeId(files, 'sha1', folders);
    // THEN the folders dev/a, dev/b, dev, prod/a, prod and the root are cached (zz is not), and the second pass finds them all
    expect(first.id).toBe(gitTreeId(files));
    expect(second.id).toBe(first.id);
    expect(map.size).toBe(6);
    expect(gets).toHaveLength(6);
    expect(gets.every(k => map.has(k))).toBe(true);
    expect(missesOnFirst).toBe(0);
    expect(second.trees.size).toBe(first.trees.size);
    // AND a wrong id under a folder's key is used as given (the file holding the cache is checksummed, see below)
    const devA = folderKey(first.trees.get([...first.trees].find(([, e]) => e.some(x => x.name === 'x.yaml'))![0])!);
    map.set(devA, 'f'.repeat(40));
    expect(treeId(files, 'sha1', folders).id).not.toBe(first.id);
  });

  test('GIVEN a saved folder id cache WHEN it is loaded, damaged, of another version or format THEN only an intact file of this format is used, and a damaged one is rebuilt', () => {
    // GIVEN a tree's folder ids saved
    const cacheDir = path.join(dir, 'cache');
    const files = new Map(['dev/a/k.yaml', 'dev/b/k.yaml', 'prod/a/k.yaml'].map(p => [p, blob(`${p}\n`)]));
    const expected = gitTreeId(files);
    const cold = FolderIdCache.load(cacheDir, 'sha1');
    expect(treeId(files, 'sha1', cold).id).toBe(expected);
    cold.save();
    const file = folderIdsFile(cacheDir, 'sha1');
    const saved = fs.readFileSync(file, 'latin1');
    expect(saved.split('\n')[0]).toMatch(/^cdk8s-gitops-folder-trees 1 sha1 6 [0-9a-f]{40}$/);
    const count = (c: FolderIdCache) => {
      let n = 0;
      treeId(files, 'sha1', { get: k => { const id = c.get(k); if (id) n++; return id; }, set: (k, id) => c.set(k, id) });
      return n;
    };
    // WHEN loaded intact THEN every folder is found
    expect(count(FolderIdCache.load(cacheDir, 'sha1'))).toBe(6);
    expect(count(FolderIdCache.load(cacheDir, 'sha256'))).toBe(0);
    // WHEN one id is changed (the checksum no longer matches), the version or the count differs THEN nothing is used
    const lines = saved.split('\n');
    const flipped = [lines[0], `${lines[1][0] === '0' ? '1' : '0'}${lines[1].slice(1)}`, ...lines.slice(2)].join('\n');
    for (const damaged of [flipped, saved.replace(' 1 sha1 ', ' 2 sha1 '), saved.replace(' sha1 6 ', ' sha1 5 '), saved.slice(0, -10), '']) {
      fs.writeFileSync(file, damaged, 'latin1');
      const c = FolderIdCache.load(cacheDir, 'sha1');
      expect(count(c)).toBe(0);
      // AND the tree id is still git's, and saving rewrites an intact file
      expect(treeId(files, 'sha1', c).id).toBe(expected);
      c.save();
      expect(count(FolderIdCache.load(cacheDir, 'sha1'))).toBe(6);
    }
  });

  test('GIVEN a blob, a tree and a commit written as loose objects WHEN git reads them THEN they have the computed ids, fsck finds nothing, and a rewrite is a no-op', () => {
    // GIVEN
    const objects = path.join(dir, '.git', 'objects');
    const text = 'a: 1\n';
    const written = writeLooseObject(objects, 'blob', Buffer.from(text), 'sha1');
    const { id: tree, trees } = treeId(new Map([['dev/app/a.yaml', written]]), 'sha1');
    for (const [, entries] of trees) {
      const body = Buffer.concat(entries.map(e => Buffer.concat([Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`), Buffer.from(e.id, 'hex')])));
      writeLooseObject(objects, 'tree', body, 'sha1');
    }
    const who = { name: 'Test Committer', email: 'committer@example.com', when: 1_700_000_000, offset: 90 };
    const commit = writeLooseObject(objects, 'commit', commitBody(tree, undefined, who, who, 'Render\n\nSource-Commit: abc\n'), 'sha1');
    // WHEN
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });
    // THEN
    expect(written).toBe(blobId(text, 'sha1'));
    expect(git('cat-file', 'blob', written)).toBe(text);
    expect(git('rev-parse', `${commit}^{tree}`).trim()).toBe(tree);
    expect(git('show', '-s', '--format=%an <%ae> %at %ai|%B', commit)).toBe('Test Committer <committer@example.com> 1700000000 2023-11-14 23:43:20 +0130|Render\n\nSource-Commit: abc\n\n');
    expect(() => git('fsck', '--strict', '--no-dangling')).not.toThrow();
    const file = path.join(objects, commit.slice(0, 2), commit.slice(2));
    const before = fs.statSync(file).mtimeMs;
    expect(writeLooseObject(objects, 'commit', commitBody(tree, undefined, who, who, 'Render\n\nSource-Commit: abc\n'), 'sha1')).toBe(commit);
    expect(fs.statSync(file).mtimeMs).toBe(before);
    expect(fs.readdirSync(path.join(objects, commit.slice(0, 2))).filter(f => f.startsWith('tmp_obj_'))).toEqual([]);
  });

  test('GIVEN a commit body WHEN git commit-tree writes the same commit THEN the ids are equal (with and without a parent)', () => {
    // GIVEN the tree in git's database
    const run = (args: string[], input: string, extra: Record<string, string> = {}) => execFileSync('git', args, { cwd: dir, env: { ...env, ...extra }, input }).toString().trim();
    const a = run(['hash-object', '-w', '--stdin'], 'a: 1\n');
    const tree = run(['mktree'], `100644 blob ${a}\ta.yaml\n`);
    expect(treeId(new Map([['a.yaml', a]]), 'sha1').id).toBe(tree);
    const message = 'feat: café ✓\n\nbody without a final newline';
    const who = { name: 'Test Committer', email: 'committer@example.com', when: 1_700_000_000, offset: -300 };
    const identity = {
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
      GIT_AUTHOR_DATE: '1700000000 -0500',
      GIT_COMMITTER_DATE: '1700000000 -0500',
    };
    // WHEN
    const first = run(['commit-tree', tree, '-F', '-'], message, identity);
    const second = run(['commit-tree', tree, '-p', first, '-F', '-'], message, identity);
    // THEN
    expect(idOf('commit', commitBody(tree, undefined, who, who, message))).toBe(first);
    expect(idOf('commit', commitBody(tree, first, who, who, message))).toBe(second);
  });

  test.each([
    ['Test Committer', 'c@example.com', true],
    ['', 'c@example.com', false],
    [' leading space', 'c@example.com', false],
    ['trailing dot.', 'c@example.com', false],
    ['a <b>', 'c@example.com', false],
    ['name', '<c@example.com>', false],
  ])('GIVEN the identity %j <%s> WHEN checked THEN git would record it verbatim: %s', (name, email, plain) => {
    expect(isPlainIdent(name, email)).toBe(plain);
  });
});

function idOf(type: string, body: Buffer): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('crypto') as typeof import('crypto')).createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}
