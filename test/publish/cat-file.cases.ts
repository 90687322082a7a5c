import { execFileSync } from 'child_process';
import { gitEnv } from './_harness';
import { CatFile, parseTree } from '../../src/publish/_cat-file';
import { openRepo, sourceCommit } from '../../src/publish/_repo';
import { hasTool, tmpDir } from '../support/tools';

const describeGit = hasTool('git', ['--version']) ? describe : describe.skip;

describeGit('object reader (cat-file --batch)', () => {
  let dir: string;
  let cleanup: () => void;
  let env: Record<string, string>;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
  beforeEach(() => {
    ({ dir, cleanup } = tmpDir('cdk8s-gitops-cat-'));
    env = gitEnv(dir);
    git('init', '-q', '-b', 'main', '.');
  });
  afterEach(() => cleanup());

  test.each([
    ['a one-line subject', 'feat: one line'],
    ['a subject over two lines, trailing blanks and a body', '\n\nfeat: first line   \nsecond line\t\n\nbody\n'],
    ['a subject with non-ASCII text', 'fix: café ✓ 世界'],
  ])('reads the source subject exactly as git log %%s does: %s', async (_what, message) => {
    // GIVEN a commit with that message
    git('commit', '-q', '--allow-empty', '--cleanup=verbatim', '-m', message);
    const repo = await openRepo(dir, env, 'rendered-manifests');
    const cat = new CatFile(repo.git);

    // WHEN the subject is read through the object reader and through git log
    const fromReader = await sourceCommit(repo, 'HEAD', cat);
    const fromLog = await sourceCommit(repo, 'HEAD');
    cat.close();

    // THEN both agree
    expect(fromLog).toBeDefined();
    expect(fromReader).toEqual(fromLog);
  });

  test('an unknown or ambiguous revision reads as missing, and later reads still work', async () => {
    // GIVEN a repository with one commit
    git('commit', '-q', '--allow-empty', '-m', 'one');
    const repo = await openRepo(dir, env, 'rendered-manifests');
    const cat = new CatFile(repo.git);

    // WHEN a missing revision is read, then HEAD
    const missing = await sourceCommit(repo, 'deadbeef', cat);
    const head = await cat.read('HEAD^{commit}');
    cat.close();

    // THEN the first is undefined and the second is the commit
    expect(missing).toBeUndefined();
    expect(head?.id).toBe(git('rev-parse', 'HEAD'));
    expect(head?.type).toBe('commit');
  });

  test('parses a tree object into names, kinds and ids as ls-tree lists them', async () => {
    // GIVEN a tree with a file, an executable and a folder
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, env, input: 'x\n', encoding: 'utf8' }).trim();
    const sub = execFileSync('git', ['mktree'], { cwd: dir, env, input: `100644 blob ${blob}\tinner.yaml\n`, encoding: 'utf8' }).trim();
    const tree = execFileSync('git', ['mktree'], {
      cwd: dir, env, input: `100644 blob ${blob}\ta.yaml\n100755 blob ${blob}\trun.sh\n040000 tree ${sub}\tdev\n`, encoding: 'utf8',
    }).trim();
    const repo = await openRepo(dir, env, 'rendered-manifests');
    const cat = new CatFile(repo.git);

    // WHEN it is read and parsed
    const obj = await cat.read(tree);
    cat.close();

    // THEN the entries match
    expect(parseTree(obj!.content, 20)).toEqual([
      { name: 'a.yaml', kind: 'blob', id: blob },
      { name: 'dev', kind: 'tree', id: sub },
      { name: 'run.sh', kind: 'blob', id: blob },
    ]);
  });

  test('GIVEN names in UTF-8 and a submodule WHEN a tree is parsed THEN names, kinds and ids are those git ls-tree prints', async () => {
    // GIVEN
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, env, input: 'x\n', encoding: 'utf8' }).trim();
    const commit = 'c'.repeat(40);
    const tree = execFileSync('git', ['mktree'], {
      cwd: dir, env, input: `100644 blob ${blob}\thé.yaml\n160000 commit ${commit}\tmod\n100644 blob ${blob}\t🚀\n100644 blob ${blob}\tz\n`, encoding: 'utf8',
    }).trim();
    const listed = execFileSync('git', ['-c', 'core.quotePath=false', 'ls-tree', tree], { cwd: dir, env, encoding: 'utf8' }).trim().split('\n')
      .map(line => { const [meta, name] = line.split('\t'); const [, type, id] = meta.split(' '); return { name, kind: type, id }; });
    const repo = await openRepo(dir, env, 'rendered-manifests');
    const cat = new CatFile(repo.git);

    // WHEN
    const obj = await cat.read(tree);
    cat.close();

    // THEN
    expect(parseTree(obj!.content, 20)).toEqual(listed);
    expect(listed.map(e => e.name)).toEqual(['hé.yaml', 'mod', 'z', '🚀']);
  });
});
