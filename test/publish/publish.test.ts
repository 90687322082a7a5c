import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { app, Sandbox } from './_harness';
import { MARKER_FILE, publishTree } from '../../src/publish/publish';
import { readDiskTree } from '../../src/render/disk-tree';
import { readTree } from '../../src/render/tree';
import { hasTool } from '../support/tools';

const describeGit = hasTool('git', ['--version']) ? describe : describe.skip;

describeGit('publish', () => {
  // Each test gets a copy of one fresh sandbox (2 git processes instead of 6).
  let template: Sandbox;
  let sb: Sandbox;
  beforeAll(() => { template = new Sandbox(); });
  beforeEach(() => { sb = new Sandbox(template); });
  afterEach(() => sb.cleanup());
  afterAll(() => template.cleanup());

  const v1 = () => ({ ...app('dev', 'hello', 'ghcr.io/acme/hello:1.0.0'), ...app('dev', 'api', 'ghcr.io/acme/api:2.0.0') });

  test('first publish creates an orphan branch holding exactly the tree plus the marker', async () => {
    // GIVEN a rendered tree and a dirty checkout
    sb.writeDist(v1());
    fs.writeFileSync(path.join(sb.src, 'main.ts'), '// edited, not committed\n');
    fs.writeFileSync(path.join(sb.src, 'untracked.txt'), 'x\n');
    const before = sb.checkoutState();

    // WHEN
    const res = await sb.cli(['publish', '--allow-dirty']);

    // THEN one root commit holds the tree and the marker, and the checkout is untouched
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^published rendered-manifests [0-9a-f]{12} \(0 changed, 6 added, 0 deleted\)\n/);
    const tip = sb.tip(sb.src)!;
    expect(sb.git(sb.src, 'rev-list', '--count', tip)).toBe('1');
    expect(sb.git(sb.src, 'rev-list', '--parents', '-n', '1', tip).split(' ')).toHaveLength(1);
    const files = sb.treeOf(sb.src, tip);
    expect(Object.keys(files).sort()).toEqual([MARKER_FILE, ...Object.keys(v1())].sort());
    expect(files['dev/hello/deployment-hello.yaml']).toBe(v1()['dev/hello/deployment-hello.yaml']);
    expect(sb.git(sb.src, 'ls-tree', tip, MARKER_FILE)).toMatch(/^100644 blob/);
    expect(sb.checkoutState()).toEqual(before);
  });

  test('the commit message carries the source subject and the trailers', async () => {
    // GIVEN an origin URL with a plain user name
    sb.git(sb.src, 'remote', 'set-url', 'origin', 'https://deploy@example.com/acme/app.git');
    sb.writeDist(v1());
    const head = sb.git(sb.src, 'rev-parse', 'HEAD');

    // WHEN
    await sb.cli(['publish']);

    // THEN
    const msg = sb.git(sb.src, 'log', '-1', '--format=%B', 'rendered-manifests');
    expect(msg.split('\n')[0]).toBe('feat: first source commit');
    expect(msg).toContain(`Source-Commit: ${head}`);
    expect(msg).toContain('Source-Repo: https://example.com/acme/app.git');
    expect(msg).toMatch(/Rendered-By: cdk8s-gitops\/\d+\.\d+\.\d+/);
    expect(msg).not.toContain('deploy@');
  });

  test('publishing the same tree again makes no commit and says so', async () => {
    // GIVEN a published tree
    sb.writeDist(v1());
    await sb.cli(['publish']);
    const tip = sb.tip(sb.src);

    // WHEN
    const res = await sb.cli(['publish']);

    // THEN
    expect(res.code).toBe(0);
    expect(res.out).toBe(`rendered-manifests is up to date at ${tip!.slice(0, 12)}: nothing to publish\n`);
    expect(sb.tip(sb.src)).toBe(tip);
  });

  test('the stat cache never hides an edit: same size and modification time, then a damaged cache', async () => {
    // GIVEN a published tree (the stat cache now knows every file)
    const dist = sb.writeDist(v1());
    const file = path.join(dist, 'dev', 'hello', 'deployment-hello.yaml');
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
    expect((await sb.cli(['publish'])).code).toBe(0);
    const cacheDir = path.join(sb.root, '.cache', 'cdk8s-gitops');
    expect(fs.readdirSync(cacheDir).filter(f => f.endsWith('.stat'))).toHaveLength(1);

    // WHEN a file is rewritten with the same size and its modification time put back
    const edited = fs.readFileSync(file, 'utf8').replace('replicas: 1', 'replicas: 3');
    expect(edited.length).toBe(fs.statSync(file).size);
    fs.writeFileSync(file, edited);
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
    const res = await sb.cli(['publish']);

    // THEN the edit is published
    expect(res.out).toMatch(/\(1 changed, 0 added, 0 deleted\)/);
    expect(sb.treeOf(sb.src, 'rendered-manifests')['dev/hello/deployment-hello.yaml']).toBe(edited);

    // WHEN the cache is damaged and another file changes
    for (const f of fs.readdirSync(cacheDir).filter(n => n.endsWith('.stat'))) fs.writeFileSync(path.join(cacheDir, f), '{"v":1}\nnot a checksum\n');
    const api = path.join(dist, 'dev', 'api', 'deployment-api.yaml');
    fs.writeFileSync(api, fs.readFileSync(api, 'utf8').replace('replicas: 1', 'replicas: 2'));
    const again = await sb.cli(['publish']);

    // THEN every file is read again and the branch holds exactly the folder
    expect(again.out).toMatch(/\(1 changed, 0 added, 0 deleted\)/);
    const { [MARKER_FILE]: marker, ...onBranch } = sb.treeOf(sb.src, 'rendered-manifests');
    expect(marker).toBeDefined();
    expect(onBranch).toEqual(Object.fromEntries(readTree(dist)));
  });

  /** Publishes `dist` through the library with a tree read without its folders' ids: publish's own tree id caches are used. */
  const publishDiskTree = (dist: string) => {
    const cacheDir = path.join(sb.root, '.cache', 'cdk8s-gitops');
    return publishTree({ tree: () => readDiskTree(dist, { cacheDir }).tree, cwd: sb.src, env: sb.env, cacheDir });
  };
  const oneChange = { status: 'published', changed: [expect.any(String)], added: [], deleted: [] };

  test('the tree id cache (a tree read without folder ids): an edit is still published, and a wrong cached id is refused and forgotten', async () => {
    // GIVEN a published tree (its listing's tree id is now cached)
    const dist = sb.writeDist(v1());
    await publishDiskTree(dist);
    const tip = sb.tip(sb.src)!;
    const cacheFile = path.join(sb.root, '.cache', 'cdk8s-gitops', 'publish-tree-ids.json');
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    expect(cached.entries).toEqual([[expect.stringMatching(/^sha1:[0-9a-f]{40}$/), sb.git(sb.src, 'rev-parse', 'rendered-manifests^{tree}')]]);

    // WHEN published again: THEN nothing to do
    expect(await publishDiskTree(dist)).toMatchObject({ status: 'unchanged' });

    // WHEN a file changes: THEN its listing is new and the edit is published
    const file = path.join(dist, 'dev', 'hello', 'deployment-hello.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('replicas: 1', 'replicas: 2'));
    expect(await publishDiskTree(dist)).toMatchObject(oneChange);
    expect(JSON.parse(fs.readFileSync(cacheFile, 'utf8')).entries).toHaveLength(2);

    // WHEN the cache names a wrong tree for the listing of the tip's tree
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('replicas: 2', 'replicas: 1'));
    expect(await publishDiskTree(dist)).toMatchObject(oneChange);
    const now = sb.tip(sb.src)!;
    const entries = JSON.parse(fs.readFileSync(cacheFile, 'utf8')).entries as [string, string][];
    fs.writeFileSync(cacheFile, JSON.stringify({ v: 1, entries: entries.map(([k, v]) => [k, v === sb.git(sb.src, 'rev-parse', `${tip}^{tree}`) ? 'f'.repeat(40) : v]) }));
    const wrong = publishDiskTree(dist);

    // THEN nothing is written, the message names the cache, and the entry is gone: the next run is right
    await expect(wrong).rejects.toThrow(/tree id cache named f{40} for this tree/);
    expect(sb.tip(sb.src)).toBe(now);
    expect(JSON.parse(fs.readFileSync(cacheFile, 'utf8')).entries.map((e: string[]) => e[1])).not.toContain('f'.repeat(40));
    expect(await publishDiskTree(dist)).toMatchObject({ status: 'unchanged' });
  });

  /** The tree `git add` of `dist` plus the branch's marker makes, through a private index. */
  const gitWriteTree = (dist: string) => {
    const env = { ...sb.env, GIT_INDEX_FILE: path.join(sb.root, 'check-index') };
    fs.rmSync(env.GIT_INDEX_FILE, { force: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: sb.src, env, encoding: 'utf8' }).trim();
    git(`--work-tree=${dist}`, 'add', '-A', '.');
    git('update-index', '--add', '--cacheinfo', `100644,${git('rev-parse', `rendered-manifests:${MARKER_FILE}`)},${MARKER_FILE}`);
    return git('write-tree');
  };

  test('the folder tree id cache (a tree read without folder ids): each one-app commit holds the tree git builds from the folder, also after the cache file is damaged', async () => {
    // GIVEN a published tree (its folders' tree ids are now cached)
    const dist = sb.writeDist(v1());
    await publishDiskTree(dist);
    const cacheFile = path.join(sb.root, '.cache', 'cdk8s-gitops', 'publish-folder-trees-sha1.txt');
    expect(fs.readFileSync(cacheFile, 'latin1')).toMatch(/^cdk8s-gitops-folder-trees 1 sha1 \d+ [0-9a-f]{40}\n/);
    const file = path.join(dist, 'dev', 'hello', 'deployment-hello.yaml');
    const edit = (from: string, to: string) => fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(from, to));

    // WHEN one app changes, then changes back (both states of its folder are cached now)
    for (const [from, to] of [['replicas: 1', 'replicas: 2'], ['replicas: 2', 'replicas: 1'], ['replicas: 1', 'replicas: 2']]) {
      edit(from, to);
      expect(await publishDiskTree(dist)).toMatchObject(oneChange);
      // THEN the commit's tree is git's tree of the folder
      expect(sb.git(sb.src, 'rev-parse', 'rendered-manifests^{tree}')).toBe(gitWriteTree(dist));
    }

    // WHEN the ids in the cache file are damaged (its checksum no longer matches) and another app changes
    const text = fs.readFileSync(cacheFile, 'latin1');
    const [head, ...lines] = text.split('\n');
    fs.writeFileSync(cacheFile, [head, ...lines.map(l => (l ? `${l[0] === '0' ? '1' : '0'}${l.slice(1)}` : l))].join('\n'), 'latin1');
    const api = path.join(dist, 'dev', 'api', 'deployment-api.yaml');
    fs.writeFileSync(api, fs.readFileSync(api, 'utf8').replace('replicas: 1', 'replicas: 3'));

    // THEN the file is discarded and rebuilt, and the commit is still right
    expect(await publishDiskTree(dist)).toMatchObject(oneChange);
    expect(sb.git(sb.src, 'rev-parse', 'rendered-manifests^{tree}')).toBe(gitWriteTree(dist));
    expect(fs.readFileSync(cacheFile, 'latin1')).not.toBe(text);
    const { [MARKER_FILE]: marker, ...onBranch } = sb.treeOf(sb.src, 'rendered-manifests');
    expect(marker).toBeDefined();
    expect(onBranch).toEqual(Object.fromEntries(readTree(dist)));
    expect(() => sb.git(sb.src, 'fsck', '--strict', '--no-dangling')).not.toThrow();
  });

  test('the folders\' tree ids in the stat cache: each commit holds the tree git builds from the folder, an unchanged folder is up to date', async () => {
    // GIVEN a published tree (the stat cache now holds its files' blob ids and its folders' tree ids)
    const dist = sb.writeDist(v1());
    expect((await sb.cli(['publish'])).code).toBe(0);
    expect(sb.git(sb.src, 'rev-parse', 'rendered-manifests^{tree}')).toBe(gitWriteTree(dist));
    const file = path.join(dist, 'dev', 'hello', 'deployment-hello.yaml');
    const edit = (from: string, to: string) => fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(from, to));

    // WHEN one app changes, changes back, an app is added and one removed, each published (validate reading in between)
    const steps: [string, () => void, RegExp][] = [
      ['edit', () => edit('replicas: 1', 'replicas: 2'), /\(1 changed, 0 added, 0 deleted\)/],
      ['edit back', () => edit('replicas: 2', 'replicas: 1'), /\(1 changed, 0 added, 0 deleted\)/],
      ['add an app', () => sb.writeDist({ ...v1(), ...app('prod', 'web', 'ghcr.io/acme/web:1.0.0') }), /\(0 changed, \d+ added, 0 deleted\)/],
      ['remove an app', () => fs.rmSync(path.join(dist, 'dev', 'api'), { recursive: true }), /\(0 changed, 0 added, \d+ deleted\)/],
    ];
    for (const [what, change, summary] of steps) {
      change();
      expect((await sb.cli(['validate'])).code).toBe(0);
      const res = await sb.cli(['publish', '--allow-deletions', '100%']);
      // THEN the commit's tree is git's tree of the folder, and publishing again finds nothing to do
      expect({ what, out: res.out }).toEqual({ what, out: expect.stringMatching(summary) });
      expect(sb.git(sb.src, 'rev-parse', 'rendered-manifests^{tree}')).toBe(gitWriteTree(dist));
      expect((await sb.cli(['publish'])).out).toMatch(/is up to date/);
    }
    // ...and neither of publish's own tree id caches was needed
    expect(fs.readdirSync(path.join(sb.root, '.cache', 'cdk8s-gitops')).filter(f => f.startsWith('publish-'))).toEqual([]);
    expect(() => sb.git(sb.src, 'fsck', '--strict', '--no-dangling')).not.toThrow();
  });

  test('--no-cache reads every file and writes no stat cache', async () => {
    // GIVEN
    sb.writeDist(v1());
    // WHEN
    const res = await sb.cli(['publish', '--no-cache']);
    // THEN
    expect(res.code).toBe(0);
    expect(fs.existsSync(path.join(sb.root, '.cache', 'cdk8s-gitops'))).toBe(false);
  });

  test('a no-op publish runs two git processes and reads no object (GIT_TRACE)', async () => {
    // GIVEN a published tree
    sb.writeDist(v1());
    await sb.cli(['publish']);
    const trace = path.join(sb.root, 'git-trace.log');
    // WHEN published again with git tracing every command it runs
    const res = await sb.cli(['publish'], sb.src, { ...sb.env, GIT_TRACE: trace });
    // THEN
    expect(res.out).toMatch(/is up to date/);
    const commands = fs.readFileSync(trace, 'utf8').split('\n').map(l => /trace: built-in: git (\S+)/.exec(l)?.[1]).filter(Boolean);
    expect(commands.sort()).toEqual(['for-each-ref', 'rev-parse']);
  });

  test('a changed image is one commit on top, listing the image change', async () => {
    // GIVEN a published tree
    sb.writeDist(v1());
    await sb.cli(['publish']);
    const first = sb.tip(sb.src)!;
    fs.writeFileSync(path.join(sb.src, 'main.ts'), '// bump\n');
    sb.git(sb.src, 'commit', '-q', '-am', 'chore: bump hello to 1.1.0');

    // WHEN the image changes
    sb.writeDist({ ...v1(), ...app('dev', 'hello', 'ghcr.io/acme/hello:1.1.0') });
    const res = await sb.cli(['publish', '--json']);

    // THEN
    const json = JSON.parse(res.out);
    expect(json).toMatchObject({ status: 'published', parent: first, changed: ['dev/hello/deployment-hello.yaml', 'dev/hello/kustomization.yaml'], added: [], deleted: [] });
    expect(json.imageChanges).toEqual([{ app: 'dev/hello', repository: 'ghcr.io/acme/hello', from: ['ghcr.io/acme/hello:1.0.0'], to: ['ghcr.io/acme/hello:1.1.0'] }]);
    const msg = sb.git(sb.src, 'log', '-1', '--format=%B', 'rendered-manifests');
    expect(msg).toContain('chore: bump hello to 1.1.0\n\nImages:\n- dev/hello: ghcr.io/acme/hello:1.0.0 -> ghcr.io/acme/hello:1.1.0\n');
    expect(sb.git(sb.src, 'rev-parse', 'rendered-manifests^')).toBe(first);
  });

  test('a deleted file does not survive on the branch', async () => {
    // GIVEN a published tree with a ConfigMap
    const withCm = app('dev', 'hello', 'ghcr.io/acme/hello:1.0.0', { 'dev/hello/configmap-hello.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hello\n' });
    sb.writeDist({ ...withCm, ...app('dev', 'api', 'ghcr.io/acme/api:2.0.0') });
    await sb.cli(['publish']);

    // WHEN it is removed
    sb.writeDist(v1());
    const res = await sb.cli(['publish']);

    // THEN
    expect(res.out).toContain('(1 changed, 0 added, 1 deleted)');
    const files = sb.treeOf(sb.src, 'rendered-manifests');
    expect(files['dev/hello/configmap-hello.yaml']).toBeUndefined();
    expect(Object.keys(files).sort()).toEqual([MARKER_FILE, ...Object.keys(v1())].sort());
  });

  test('a change reports only what differs when whole folders are added, removed or left alone', async () => {
    // GIVEN three apps in two environments published
    const three = {
      ...app('dev', 'hello', 'ghcr.io/acme/hello:1.0.0'),
      ...app('dev', 'api', 'ghcr.io/acme/api:2.0.0'),
      ...app('dev', 'web', 'ghcr.io/acme/web:3.0.0'),
      ...app('prod', 'hello', 'ghcr.io/acme/hello:1.0.0'),
    };
    sb.writeDist(three);
    await sb.cli(['publish']);

    // WHEN dev/web is removed, prod/api is added and dev/hello changes (dev/api and prod/hello stay)
    const next = {
      ...app('dev', 'hello', 'ghcr.io/acme/hello:1.1.0'),
      ...app('dev', 'api', 'ghcr.io/acme/api:2.0.0'),
      ...app('prod', 'hello', 'ghcr.io/acme/hello:1.0.0'),
      ...app('prod', 'api', 'ghcr.io/acme/api:2.0.0'),
    };
    sb.writeDist(next);
    const res = await sb.cli(['publish', '--json']);

    // THEN exactly those files are listed and the branch holds exactly the new tree
    const out = JSON.parse(res.out);
    const under = (dir: string, tree: Record<string, string>) => Object.keys(tree).filter(p => p.startsWith(`${dir}/`)).sort();
    expect(out.deleted).toEqual(under('dev/web', three));
    expect(out.added).toEqual(under('prod/api', next));
    expect(out.changed).toEqual(under('dev/hello', next).filter(p => three[p as keyof typeof three] !== next[p as keyof typeof next]));
    expect(sb.treeOf(sb.src, 'rendered-manifests')).toEqual(expect.objectContaining(next));
    expect(Object.keys(sb.treeOf(sb.src, 'rendered-manifests')).sort()).toEqual([MARKER_FILE, ...Object.keys(next)].sort());
  });

  test('a changed folder right after an unchanged one whose name has the same length is still written', async () => {
    // GIVEN dev/one and dev/two published (same-length names, one after the other in the tree)
    const before = { ...app('dev', 'one', 'ghcr.io/acme/one:1.0.0'), ...app('dev', 'two', 'ghcr.io/acme/two:1.0.0') };
    sb.writeDist(before);
    await sb.cli(['publish']);

    // WHEN only dev/two changes
    const next = { ...app('dev', 'one', 'ghcr.io/acme/one:1.0.0'), ...app('dev', 'two', 'ghcr.io/acme/two:1.1.0') };
    sb.writeDist(next);
    const res = await sb.cli(['publish', '--json']);

    // THEN dev/two's change is the commit, and the branch holds exactly the new tree
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ status: 'published', changed: ['dev/two/deployment-two.yaml', 'dev/two/kustomization.yaml'], added: [], deleted: [] });
    expect(sb.treeOf(sb.src, 'rendered-manifests')).toEqual({ ...next, [MARKER_FILE]: expect.any(String) });
  });

  test('with i18n.commitEncoding the commit records the encoding, as git commit-tree does (not written in-process)', async () => {
    // GIVEN
    sb.writeDist(v1());
    sb.git(sb.src, 'config', 'i18n.commitEncoding', 'ISO-8859-1');

    // WHEN
    const res = await sb.cli(['publish']);

    // THEN
    expect([res.code, res.err]).toEqual([0, '']);
    expect(sb.git(sb.src, 'cat-file', 'commit', 'rendered-manifests')).toMatch(/\nencoding ISO-8859-1\n/);
  });

  test('an identity git would tidy (outer spaces, a trailing dot) is recorded as git commit-tree records it', async () => {
    // GIVEN
    sb.writeDist(v1());

    // WHEN
    await publishTree({ tree: readTree(path.join(sb.src, 'dist')), cwd: sb.src, env: { ...sb.env, GIT_AUTHOR_NAME: ' Spaced Author. ', GIT_COMMITTER_EMAIL: ' ci@example.com' } });

    // THEN
    expect(sb.git(sb.src, 'log', '-1', '--format=%an|%ce', 'rendered-manifests')).toBe('Spaced Author|ci@example.com');
  });

  test('the tree may be given as a function that reads it (called once; what it throws is what publish throws)', async () => {
    // GIVEN
    sb.writeDist(v1());
    let calls = 0;
    const read = () => { calls++; return readTree(path.join(sb.src, 'dist')); };

    // WHEN / THEN
    await expect(publishTree({ tree: read, cwd: sb.src, env: sb.env })).resolves.toMatchObject({ status: 'published' });
    expect(calls).toBe(1);
    expect(sb.treeOf(sb.src, 'rendered-manifests')['dev/hello/kustomization.yaml']).toBe(v1()['dev/hello/kustomization.yaml']);
    const tip = sb.tip(sb.src);
    await expect(publishTree({ tree: () => { throw new Error('cannot read'); }, cwd: sb.src, env: sb.env })).rejects.toThrow('cannot read');
    expect(sb.tip(sb.src)).toBe(tip);
  });

  test('without any configured identity the commit is made by cdk8s-gitops', async () => {
    // GIVEN no GIT_AUTHOR/COMMITTER env and no user.* config
    sb.writeDist(v1());
    const env = { ...sb.env };
    for (const k of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL']) delete (env as any)[k];

    // WHEN
    await publishTree({ tree: readTree(path.join(sb.src, 'dist')), cwd: sb.src, env });

    // THEN
    expect(sb.git(sb.src, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', 'rendered-manifests'))
      .toBe('cdk8s-gitops <cdk8s-gitops@users.noreply.github.com>|cdk8s-gitops <cdk8s-gitops@users.noreply.github.com>');
  });

  test('--push to a bare remote publishes there and keeps the local branch in step', async () => {
    // GIVEN
    sb.writeDist(v1());

    // WHEN
    const res = await sb.cli(['publish', '--push']);

    // THEN
    expect(res.code).toBe(0);
    expect(res.out).toContain(`; pushed to ${sb.remote}`);
    expect(sb.tip(sb.remote)).toBe(sb.tip(sb.src));
    expect(sb.tip(sb.src, 'refs/remotes/origin/rendered-manifests')).toBe(sb.tip(sb.src));

    // AND a second push with the same tree is a no-op
    const again = await sb.cli(['publish', '--push']);
    expect(again.out).toMatch(/is up to date at [0-9a-f]{12}: nothing to publish\n$/);
  });

  test('--source-sha names the source commit', async () => {
    // GIVEN
    sb.writeDist(v1());
    const sha = 'a'.repeat(40);

    // WHEN
    await sb.cli(['publish', '--source-sha', sha]);

    // THEN
    const msg = sb.git(sb.src, 'log', '-1', '--format=%B', 'rendered-manifests');
    expect(msg.split('\n')[0]).toBe('Render aaaaaaaaaaaa');
    expect(msg).toContain(`Source-Commit: ${sha}`);
  });

  test('the local branch moving while a commit is made: the compare-and-swap fails and the commit is made again on the new tip', async () => {
    // GIVEN a published tree, and a gate that, the first time it runs, lets another publisher commit another tree
    // (the local branch moves after this publish read its tip and started its `update-ref`)
    const dist = sb.writeDist(v1());
    const first = await publishTree({ tree: readTree(dist), cwd: sb.src, env: sb.env, allowDirty: true });
    sb.writeDist({ ...v1(), ...app('dev', 'hello', 'ghcr.io/acme/hello:1.1.0') });
    const otherDir = sb.writeDist({ ...v1(), ...app('dev', 'api', 'ghcr.io/acme/api:2.1.0') }, path.join(sb.root, 'other'));
    let other: string | undefined;
    const gate = async () => {
      other ??= (await publishTree({ tree: readTree(otherDir), cwd: sb.src, env: sb.env, allowDirty: true })).commit;
      return [];
    };
    // WHEN
    const res = await publishTree({ tree: readTree(dist), cwd: sb.src, env: sb.env, allowDirty: true, gate });
    // THEN the first compare-and-swap lost, and the second attempt made its commit on the other publisher's
    expect(res.status).toBe('published');
    expect(res.attempts).toBe(2);
    expect(other).toBeDefined();
    expect(sb.git(sb.src, 'rev-parse', `${other}^`)).toBe(first.commit);
    expect(res.parent).toBe(other);
    expect(sb.tip(sb.src)).toBe(res.commit);
    expect(sb.treeOf(sb.src, res.commit)['dev/hello/deployment-hello.yaml']).toContain('ghcr.io/acme/hello:1.1.0');
    // and the reflog records each move as before
    expect(sb.git(sb.src, 'reflog', '--format=%gs', 'refs/heads/rendered-manifests').split('\n'))
      .toEqual(['cdk8s-gitops: published', 'cdk8s-gitops: published', 'cdk8s-gitops: published']);
    expect(sb.git(sb.src, 'fsck', '--no-dangling', '--connectivity-only')).toBe('');
  });
});
