import * as fs from 'fs';
import * as path from 'path';
import { app, Sandbox } from './_harness';
import { hasTool } from '../support/tools';

const describeGit = hasTool('git', ['--version']) ? describe : describe.skip;

const tree = (tag: string) => ({ ...app('dev', 'hello', `ghcr.io/acme/hello:${tag}`), ...app('dev', 'api', 'ghcr.io/acme/api:2.0.0') });

/** Commits a change to main.ts; returns the new HEAD. */
function commit(sb: Sandbox, msg: string, cwd = sb.src): string {
  fs.writeFileSync(path.join(cwd, 'main.ts'), `// ${msg}\n`);
  sb.git(cwd, 'commit', '-q', '-am', msg);
  return sb.git(cwd, 'rev-parse', 'HEAD');
}

/** Runs the CLI; asserts the exit code, that stderr matches, and that no ref moved here or on the remote and the checkout is untouched. */
async function expectNothingWritten(sb: Sandbox, argv: string[], code: number, cwd = sb.src) {
  const refs = sb.git(cwd, 'for-each-ref', 'refs/heads');
  const remoteRefs = sb.git(sb.remote, 'for-each-ref');
  // The first `git status` may refresh the index's stat data (a copied sandbox): read it once before.
  sb.checkoutState();
  const state = sb.checkoutState();
  const res = await sb.cli(argv, cwd);
  expect({ code: res.code, err: res.err }).toEqual({ code, err: expect.any(String) });
  expect(sb.git(cwd, 'for-each-ref', 'refs/heads')).toBe(refs);
  expect(sb.git(sb.remote, 'for-each-ref')).toBe(remoteRefs);
  expect(sb.checkoutState()).toEqual(state);
  return res;
}

describeGit('honest provenance: a dirty checkout', () => {
  let template: Sandbox;
  let sb: Sandbox;
  beforeAll(() => { template = new Sandbox(); });
  beforeEach(() => { sb = new Sandbox(template); sb.writeDist(tree('1.0.0')); });
  afterEach(() => sb.cleanup());
  afterAll(() => template.cleanup());

  test.each([
    ['a changed tracked file', (s: Sandbox) => fs.writeFileSync(path.join(s.src, 'main.ts'), '// edited\n'), 'main.ts'],
    ['an untracked file', (s: Sandbox) => fs.writeFileSync(path.join(s.src, 'notes.txt'), 'x\n'), 'notes.txt'],
    ['a staged file', (s: Sandbox) => { fs.writeFileSync(path.join(s.src, 'new.ts'), 'x\n'); s.git(s.src, 'add', 'new.ts'); }, 'new.ts'],
  ])('%s is refused (exit 2), naming the file and the fix', async (_, dirty, file) => {
    // GIVEN
    dirty(sb);
    // WHEN / THEN
    const res = await expectNothingWritten(sb, ['publish', '--push'], 2);
    expect(res.err).toBe(`error: refusing to publish from a checkout with uncommitted changes (${file}): the commit would name a Source-Commit that did not produce this tree. `
      + 'Commit or stash them (git stash -u) and render again, or pass --allow-dirty to publish anyway with a Source-Dirty: true trailer\n');
    expect(sb.tip(sb.src)).toBeUndefined();
  });

  test('many changed files are summed up', async () => {
    for (let i = 0; i < 7; i++) fs.writeFileSync(path.join(sb.src, `f${i}.txt`), 'x\n');
    const res = await expectNothingWritten(sb, ['publish'], 2);
    expect(res.err).toContain('(f0.txt, f1.txt, f2.txt, f3.txt, f4.txt, ... (2 more))');
  });

  test('the output dir does not count, ignored or not', async () => {
    // GIVEN the tree rendered to out/, which is not ignored
    sb.writeDist(tree('1.0.0'), path.join(sb.src, 'out', 'dist'));
    // WHEN
    const res = await sb.cli(['publish', '--dir', 'out/dist']);
    // THEN
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(sb.git(sb.src, 'log', '-1', '--format=%B', 'rendered-manifests')).not.toContain('Source-Dirty');
  });

  test('--allow-dirty publishes with a Source-Dirty: true trailer that history shows', async () => {
    // GIVEN
    fs.writeFileSync(path.join(sb.src, 'main.ts'), '// edited\n');
    // WHEN
    const res = await sb.cli(['publish', '--allow-dirty']);
    // THEN
    expect(res.code).toBe(0);
    expect(sb.git(sb.src, 'log', '-1', '--format=%(trailers:only)', 'rendered-manifests')).toContain('Source-Dirty: true');
    const hist = await sb.cli(['history']);
    expect(hist.out).toMatch(/^[0-9a-f]{12} \S+ source [0-9a-f]{12} dirty {2}feat: first source commit\n$/);
    expect(JSON.parse((await sb.cli(['history', '--json'])).out)[0]).toMatchObject({ sourceDirty: true });
  });

  test('the dirty checkout is reported, not the tree\'s problems found while git status ran', async () => {
    // GIVEN a published tree, then a broken YAML file and an edited source file
    expect((await sb.cli(['publish'])).code).toBe(0);
    fs.writeFileSync(path.join(sb.src, 'dist', 'dev', 'hello', 'configmap-x.yaml'), 'a: [\n');
    fs.writeFileSync(path.join(sb.src, 'main.ts'), '// edited\n');
    // WHEN / THEN
    const res = await expectNothingWritten(sb, ['publish'], 2);
    expect(res.err).toMatch(/^error: refusing to publish from a checkout with uncommitted changes \(main\.ts\)/);
  });

  test('a no-op publish from a dirty checkout is fine (nothing is published)', async () => {
    expect((await sb.cli(['publish'])).code).toBe(0);
    fs.writeFileSync(path.join(sb.src, 'main.ts'), '// edited\n');
    const res = await sb.cli(['publish']);
    expect(res.code).toBe(0);
    expect(res.out).toContain('nothing to publish');
  });
});

describeGit('monotonic source history', () => {
  let template: Sandbox;
  let sb: Sandbox;
  const src: string[] = [];
  const rendered: string[] = [];
  beforeAll(async () => {
    // s0 -> s1 -> s2 on main; s1 published (s0 was never published)
    template = new Sandbox();
    for (const i of [0, 1, 2]) src.push(commit(template, `feat: source ${i}`));
    template.git(template.src, 'push', '-q', 'origin', 'main');
    template.writeDist(tree('1.0.1'));
    expect((await template.cli(['publish', '--push', '--source-sha', src[1]])).code).toBe(0);
    rendered.push(template.tip(template.remote)!);
  });
  beforeEach(() => { sb = new Sandbox(template); });
  afterEach(() => sb.cleanup());
  afterAll(() => template.cleanup());

  test('an older source commit is superseded: exit 0, nothing written', async () => {
    sb.writeDist(tree('1.0.0'));
    const res = await expectNothingWritten(sb, ['publish', '--push', '--source-sha', src[0]], 0);
    expect(res.out).toBe(`superseded by ${src[1].slice(0, 12)}: rendered-manifests (${rendered[0].slice(0, 12)}) already holds a newer source commit; nothing published\n`);
    expect(res.err).toBe('');
  });

  test('an older source commit is superseded even when its tree would be refused', async () => {
    sb.writeDist({ ...tree('1.0.0'), 'dev/hello/configmap-x.yaml': 'a: [\n' });
    const res = await expectNothingWritten(sb, ['publish', '--push', '--source-sha', src[0]], 0);
    expect(res.out).toMatch(/^superseded by /);
  });

  test('--json says "status": "superseded"', async () => {
    sb.writeDist(tree('1.0.0'));
    const res = await expectNothingWritten(sb, ['publish', '--push', '--json', '--source-sha', src[0]], 0);
    expect(JSON.parse(res.out)).toMatchObject({ status: 'superseded', commit: rendered[0], pushed: false, supersededBy: { sourceCommit: src[1] } });
  });

  test('a newer source commit publishes; the same one with another tree re-renders', async () => {
    sb.writeDist(tree('1.0.2'));
    const newer = await sb.cli(['publish', '--push', '--json']);
    expect(JSON.parse(newer.out)).toMatchObject({ status: 'published', parent: rendered[0] });
    sb.writeDist(tree('1.0.3'));
    const same = await sb.cli(['publish', '--push', '--json']);
    expect(JSON.parse(same.out)).toMatchObject({ status: 'published', parent: JSON.parse(newer.out).commit });
  });

  test('an unrelated source history is refused (exit 2) unless --allow-unrelated-source, which a trailer records', async () => {
    // GIVEN a commit on an orphan branch
    sb.git(sb.src, 'checkout', '-q', '--orphan', 'feature');
    const feature = commit(sb, 'feat: another history');
    sb.writeDist(tree('9.9.9'));
    // WHEN / THEN
    const res = await expectNothingWritten(sb, ['publish', '--push'], 2);
    expect(res.err).toBe(`error: refusing to publish ${feature.slice(0, 12)} to 'rendered-manifests': its tip ${rendered[0].slice(0, 12)} was rendered from ${src[1].slice(0, 12)}, `
      + 'which is neither an ancestor nor a descendant of it. Publish from a descendant of that commit (the branch Argo CD follows, e.g. main), '
      + 'publish to another --branch, or pass --allow-unrelated-source to replace it anyway (recorded by a Source-Unrelated trailer)\n');
    // AND with the flag it publishes, recording what it replaced
    const ok = await sb.cli(['publish', '--push', '--allow-unrelated-source']);
    expect(ok.code).toBe(0);
    expect(sb.git(sb.src, 'log', '-1', '--format=%(trailers:only)', 'rendered-manifests')).toMatch(new RegExp(`^Source-Commit: ${feature}\nSource-Repo: \\S+\nSource-Unrelated: ${src[1]}\n`));
    expect((await sb.cli(['history', '-n', '1'])).out).toContain(` unrelated to ${src[1].slice(0, 12)}  feat: another history`);
  });

  test('a --source-sha that is not in the repository is refused when the branch has a source', async () => {
    sb.writeDist(tree('1.0.2'));
    const res = await expectNothingWritten(sb, ['publish', '--source-sha', 'b'.repeat(40)], 2);
    expect(res.err).toBe(`error: the source commit ${'b'.repeat(40)} (--source-sha) is not in this repository, so it cannot be compared with ${src[1].slice(0, 12)}, `
      + `the source of 'rendered-manifests': fetch it (git fetch origin ${'b'.repeat(40)}) or pass the commit the tree was rendered from\n`);
  });

  test('a branch source that is in no history here is unrelated', async () => {
    // GIVEN a local branch whose tip names a source commit this repository never had
    sb.writeDist(tree('1.0.2'));
    expect((await sb.cli(['publish', '--branch', 'other', '--source-sha', 'c'.repeat(40)])).code).toBe(0);
    const tip = sb.tip(sb.src, 'refs/heads/other')!;
    sb.writeDist(tree('1.0.3'));
    // WHEN / THEN
    const res = await expectNothingWritten(sb, ['publish', '--branch', 'other'], 2);
    expect(res.err).toContain(`error: refusing to publish ${sb.git(sb.src, 'rev-parse', 'HEAD').slice(0, 12)} to 'other': its tip ${tip.slice(0, 12)} `
      + `was rendered from ${'c'.repeat(12)}, which is not in this repository's history. Publish from a descendant`);
  });

  test('a branch source that is not a commit id is unrelated', async () => {
    // GIVEN a tip whose Source-Commit trailer is not hex
    const tree0 = sb.git(sb.src, 'rev-parse', `${rendered[0]}^{tree}`);
    const odd = sb.git(sb.src, 'commit-tree', tree0, '-p', rendered[0], '-m', 'odd\n\nSource-Commit: main~1\nRendered-By: cdk8s-gitops/0.0.0');
    sb.git(sb.src, 'update-ref', 'refs/heads/rendered-manifests', odd);
    sb.writeDist(tree('1.0.2'));
    // WHEN / THEN
    const res = await expectNothingWritten(sb, ['publish'], 2);
    expect(res.err).toContain(`its tip ${odd.slice(0, 12)} names "main~1" as its source, which is not a commit id. Publish from a descendant`);
  });

  test('a publish that names no source commit (no HEAD) is unrelated to a branch that has one', async () => {
    // GIVEN a new repository without commits holding the rendered branch
    const empty = path.join(sb.root, 'empty');
    sb.git(sb.root, 'init', '-q', '-b', 'main', empty);
    sb.git(empty, 'fetch', '-q', sb.remote, 'rendered-manifests:rendered-manifests');
    sb.writeDist(tree('1.0.2'), path.join(empty, 'dist'));
    // WHEN
    const res = await sb.cli(['publish', '--dir', 'dist'], empty);
    // THEN
    expect(res.err).toBe(`error: refusing to publish a tree without a source commit to 'rendered-manifests': its tip ${rendered[0].slice(0, 12)} was rendered from `
      + `${src[1].slice(0, 12)}, and this publish names no source commit. Publish from a descendant of that commit (the branch Argo CD follows, e.g. main), `
      + 'publish to another --branch, or pass --allow-unrelated-source to replace it anyway (recorded by a Source-Unrelated trailer)\n');
    expect(res.code).toBe(2);
    expect(sb.tip(empty)).toBe(rendered[0]);
  });

  test('a source commit this clone lacks is fetched, then compared', async () => {
    // GIVEN another clone, made before s3 existed, publishing s2 late, after s3 was published
    const late = path.join(sb.root, 'late');
    sb.git(sb.root, 'clone', '-q', sb.remote, late);
    sb.git(late, 'checkout', '-q', src[2]);
    const s3 = commit(sb, 'feat: source 3');
    sb.git(sb.src, 'push', '-q', 'origin', 'main');
    sb.writeDist(tree('1.0.3'));
    expect((await sb.cli(['publish', '--push'])).code).toBe(0);
    sb.writeDist(tree('1.0.2'), path.join(late, 'dist'));
    fs.writeFileSync(path.join(late, '.git', 'info', 'exclude'), '/dist/\n');
    // WHEN
    const res = await sb.cli(['publish', '--push'], late);
    // THEN
    expect(res.out).toBe(`superseded by ${s3.slice(0, 12)}: rendered-manifests (${sb.tip(sb.remote)!.slice(0, 12)}) already holds a newer source commit; nothing published\n`);
    expect(res.code).toBe(0);
  });

  test('a shallow clone is deepened to answer', async () => {
    // GIVEN a depth-1 clone of s2's child
    const s3 = commit(sb, 'feat: source 3');
    sb.git(sb.src, 'push', '-q', 'origin', 'main');
    const shallow = path.join(sb.root, 'shallow');
    sb.git(sb.root, 'clone', '-q', '--depth', '1', '--no-single-branch', `file://${sb.remote}`, shallow);
    expect(sb.git(shallow, 'rev-parse', '--is-shallow-repository')).toBe('true');
    sb.writeDist(tree('1.0.3'), path.join(shallow, 'dist'));
    // WHEN
    const res = await sb.cli(['publish', '--push', '--json'], shallow);
    // THEN it fetched the history and published s3 on top of s1's render
    expect(res.err).toBe('');
    expect(JSON.parse(res.out)).toMatchObject({ status: 'published', parent: rendered[0] });
    expect(sb.git(shallow, 'log', '-1', '--format=%(trailers:key=Source-Commit,valueonly)', 'rendered-manifests')).toBe(s3);
  });

  test('a shallow clone that cannot be deepened fails naming the fix (exit 3)', async () => {
    // GIVEN a depth-1 clone whose only remote is a manifests repository without the source history
    const s3 = commit(sb, 'feat: source 3');
    sb.git(sb.src, 'push', '-q', 'origin', 'main');
    const shallow = path.join(sb.root, 'shallow');
    sb.git(sb.root, 'clone', '-q', '--depth', '1', `file://${sb.remote}`, shallow);
    const manifests = path.join(sb.root, 'manifests.git');
    sb.git(sb.root, 'init', '-q', '--bare', manifests);
    sb.git(sb.src, 'push', '-q', manifests, 'rendered-manifests');
    sb.git(shallow, 'remote', 'set-url', 'origin', manifests);
    sb.writeDist(tree('1.0.3'), path.join(shallow, 'dist'));
    // WHEN
    const res = await sb.cli(['publish', '--push'], shallow);
    // THEN
    expect(res.err).toBe(`error: cannot tell whether ${s3.slice(0, 12)} is newer than ${src[1].slice(0, 12)}, the source of 'rendered-manifests': this is a shallow clone and it could not be deepened. `
      + 'Check out the full history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)\n');
    expect(res.code).toBe(3);
    expect(sb.git(manifests, 'rev-parse', 'rendered-manifests')).toBe(rendered[0]);
  });
});

describeGit('rollback is the one exception, and holds until a newer source is published', () => {
  let sb: Sandbox;
  const src: string[] = [];
  const rendered: string[] = [];
  beforeAll(async () => {
    sb = new Sandbox();
    for (const i of [0, 1]) {
      src.push(commit(sb, `feat: source ${i}`));
      sb.writeDist(tree(`1.0.${i}`));
      expect((await sb.cli(['publish', '--push'])).code).toBe(0);
      rendered.push(sb.tip(sb.remote)!);
    }
    // WHEN s1 is rolled back to s0's render
    expect((await sb.cli(['rollback', '--to', rendered[0], '--push'])).code).toBe(0);
  });
  afterAll(() => sb.cleanup());

  test('the rollback commit records Rollback-To and Rollback-From', () => {
    const trailers = sb.git(sb.src, 'log', '-1', '--format=%(trailers:only)', 'rendered-manifests');
    expect(trailers).toContain(`Source-Commit: ${src[0]}\n`);
    expect(trailers).toContain(`Rollback-To: ${rendered[0]}\nRollback-From: ${src[1]}`);
  });

  test('a late run of the rolled-back source (or an older one) does not undo it', async () => {
    const tip = sb.tip(sb.remote)!;
    sb.writeDist(tree('1.0.1'));
    const again = await expectNothingWritten(sb, ['publish', '--push'], 0);
    expect(again.out).toBe(`superseded by rollback ${tip.slice(0, 12)}: rendered-manifests was rolled back to ${rendered[0].slice(0, 12)} after source ${src[1].slice(0, 12)}; `
      + 'nothing published (publish a newer source commit to move on)\n');
    const older = await expectNothingWritten(sb, ['publish', '--push', '--source-sha', src[0]], 0);
    expect(older.out).toBe(`superseded by ${src[1].slice(0, 12)}: rendered-manifests (${tip.slice(0, 12)}) already holds a newer source commit; nothing published\n`);
  });

  test('a newer source commit (the revert) publishes', async () => {
    commit(sb, 'revert: source 1');
    sb.writeDist(tree('1.0.0'));
    const res = await sb.cli(['publish', '--push', '--json']);
    expect(JSON.parse(res.out)).toMatchObject({ status: 'unchanged' });
    sb.writeDist(tree('1.0.2'));
    const next = await sb.cli(['publish', '--push', '--json']);
    expect(JSON.parse(next.out)).toMatchObject({ status: 'published' });
  });
});
