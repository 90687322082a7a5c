import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { app, Sandbox } from './_harness';
import { branchNameProblem, remoteProblem } from '../../src/publish/_input';
import { fetchBranch, openRepo, pushBranch } from '../../src/publish/_repo';
import { diffBranch } from '../../src/publish/diff';
import { readHistory } from '../../src/publish/history';
import { publishTree } from '../../src/publish/publish';
import { PublishRefusedError } from '../../src/publish/publish-error';
import { rollback } from '../../src/publish/rollback';
import { readTree } from '../../src/render/tree';
import { hasTool } from '../support/tools';

const describeGit = hasTool('git', ['--version']) ? describe : describe.skip;

const FIX = 'Pass a configured remote name (git remote -v), a path, or an https://, ssh://, git:// or file:// URL (or user@host:path)';

describeGit('no option injection: user values are checked before git sees them', () => {
  let sb: Sandbox;
  let marker: string;
  let renders: string;
  beforeAll(async () => {
    sb = new Sandbox();
    marker = path.join(sb.root, 'INJECTED');
    sb.writeDist(app('dev', 'hello', 'ghcr.io/acme/hello:1.0.0'));
    expect((await sb.cli(['publish', '--push'])).code).toBe(0);
    renders = sb.tip(sb.src)!;
    sb.writeDist(app('dev', 'hello', 'ghcr.io/acme/hello:1.0.1'));
  });
  afterAll(() => sb.cleanup());
  afterEach(() => expect(fs.existsSync(marker)).toBe(false));

  /** The attacks: each would run `touch <marker>` if it reached git as written. */
  const attacks = () => ({
    uploadPack: `--upload-pack=touch ${marker} #`,
    receivePack: `--receive-pack=touch ${marker} #`,
    ext: `ext::sh -c touch% ${marker}`,
    fd: 'fd::17',
  });

  test('control: git itself runs the injected command when the value is passed as an option', () => {
    // GIVEN the attack value handed to git the way the old code did
    const control = path.join(sb.root, 'CONTROL');
    // WHEN
    try {
      execFileSync('git', ['fetch', `--upload-pack=touch ${control} #`, sb.remote], { cwd: sb.src, env: sb.env, stdio: 'ignore' });
    } catch { /* the fetch itself fails; the command ran before */ }
    // THEN the marker technique detects it
    expect(fs.existsSync(control)).toBe(true);
  });

  /** Runs the CLI; asserts exit 2, the message, no ref moved here or on the remote, and the marker absent. */
  async function expectRefused(argv: string[], message: string) {
    const refs = sb.git(sb.src, 'for-each-ref');
    const remoteRefs = sb.git(sb.remote, 'for-each-ref');
    const state = sb.checkoutState();
    const res = await sb.cli(argv);
    expect(res.err).toBe(`error: ${message}\n`);
    expect(res.code).toBe(2);
    expect(sb.git(sb.src, 'for-each-ref')).toBe(refs);
    expect(sb.git(sb.remote, 'for-each-ref')).toBe(remoteRefs);
    expect(sb.checkoutState()).toEqual(state);
    expect(fs.existsSync(marker)).toBe(false);
  }

  test.each([
    ['diff --fetch', ['diff', '--fetch']],
    ['publish --push', ['publish', '--push']],
    ['rollback --push', ['rollback', '--push', '--to', 'abcdef12']],
  ])('%s --remote --upload-pack=... is refused and never runs', async (_, argv) => {
    const v = attacks().uploadPack;
    await expectRefused([...argv, '--remote', v], `--remote ${JSON.stringify(v)} is refused: it starts with '-' (git would read it as an option). ${FIX}`);
  });

  test.each([
    ['diff --fetch', ['diff', '--fetch']],
    ['publish --push', ['publish', '--push']],
    ['rollback --push', ['rollback', '--push', '--to', 'abcdef12']],
  ])('%s --remote ext::... is refused and never runs', async (_, argv) => {
    const v = attacks().ext;
    await expectRefused([...argv, '--remote', v], `--remote ${JSON.stringify(v)} is refused: it names the remote helper 'ext::', which can run any command. ${FIX}`);
  });

  test('publish --push --remote fd::17 is refused', async () => {
    await expectRefused(['publish', '--push', '--remote', 'fd::17'], `--remote "fd::17" is refused: it names the remote helper 'fd::', which can run any command. ${FIX}`);
  });

  test('publish --push --remote --receive-pack=... is refused', async () => {
    const v = attacks().receivePack;
    await expectRefused(['publish', '--push', '--remote', v], `--remote ${JSON.stringify(v)} is refused: it starts with '-' (git would read it as an option). ${FIX}`);
  });

  test('a transport that is not allowed, and an ssh host that is an option', async () => {
    await expectRefused(['publish', '--push', '--remote', 'http://example.com/x.git'],
      `--remote "http://example.com/x.git" is refused: its transport 'http://' is not allowed. ${FIX}`);
    await expectRefused(['diff', '--fetch', '--remote', `ssh://-oProxyCommand=touch ${marker}/x`],
      `--remote "ssh://-oProxyCommand=touch ${marker}/x" is refused: its user or host starts with '-' (ssh would read it as an option). ${FIX}`);
    await expectRefused(['diff', '--fetch', '--remote', `-oProxyCommand=touch ${marker}:x`],
      `--remote "-oProxyCommand=touch ${marker}:x" is refused: it starts with '-' (git would read it as an option). ${FIX}`);
  });

  test('a configured remote whose URL is a remote helper is refused', async () => {
    // GIVEN a remote configured with an ext:: URL
    sb.git(sb.src, 'remote', 'add', 'evil', attacks().ext);
    try {
      // WHEN / THEN
      await expectRefused(['publish', '--push', '--remote', 'evil'],
        `remote 'evil' is refused: its URL ${JSON.stringify(attacks().ext)} is not allowed: it names the remote helper 'ext::', which can run any command. `
        + `Set an allowed URL with git remote set-url evil <url>. ${FIX}`);
    } finally {
      sb.git(sb.src, 'remote', 'remove', 'evil');
    }
  });

  test.each(['--upload-pack=x', '-b'])('--branch %j starting with "-" is refused by every command', async name => {
    const msg = `--branch ${JSON.stringify(name)} is not a valid branch name: it starts with '-' (git would read it as an option). `
      + 'Pass a name git check-ref-format --branch accepts, e.g. rendered-manifests or rendered/prod';
    await expectRefused(['publish', '--push', '--branch', name], msg);
    await expectRefused(['diff', '--fetch', '--branch', name], msg);
    await expectRefused(['history', '--branch', name], msg);
    await expectRefused(['rollback', '--to', 'abcdef12', '--branch', name], msg);
  });

  test('--to starting with "-" is refused', async () => {
    await expectRefused(['rollback', '--push', '--to', '--output=x'],
      '--to must be a commit id in hex, 4 to 64 digits (got "--output=x"); run `cdk8s-gitops history` to list them');
  });

  test('several bad values are reported at once', async () => {
    const res = await sb.cli(['diff', '--fetch', '--branch', 'a..b', '--remote', '-x']);
    expect(res.code).toBe(2);
    expect(res.err).toBe('error: --branch "a..b" is not a valid branch name: it contains \'..\'. Pass a name git check-ref-format --branch accepts, e.g. rendered-manifests or rendered/prod\n'
      + `--remote "-x" is refused: it starts with '-' (git would read it as an option). ${FIX}\n`);
  });

  test('the library entry points check too: diffBranch, publishTree, rollback, readHistory', async () => {
    // GIVEN library calls with an injected remote
    const remote = attacks().uploadPack;
    const tree = readTree(path.join(sb.src, 'dist'));
    const calls = [
      diffBranch({ tree, cwd: sb.src, env: sb.env, fetch: true, remote }),
      publishTree({ tree, cwd: sb.src, env: sb.env, push: true, remote }),
      rollback({ to: renders, cwd: sb.src, env: sb.env, push: true, remote }),
      readHistory({ cwd: sb.src, env: sb.env, remote }),
    ];
    // WHEN / THEN each refuses with the same message, before git runs
    for (const call of calls) {
      await expect(call).rejects.toThrow(PublishRefusedError);
      await expect(call).rejects.toThrow(`--remote ${JSON.stringify(remote)} is refused: it starts with '-'`);
    }
    expect(sb.tip(sb.remote)).toBe(renders);
  });

  test('defence in depth: fetch and push pass the remote after --end-of-options and allow only safe transports', async () => {
    // GIVEN the internal fetch and push called directly, bypassing the checks
    const repo = await openRepo(sb.src, sb.env, 'rendered-manifests');
    // WHEN / THEN git reads the values as repository names, never as options or helpers
    for (const remote of [attacks().uploadPack, attacks().ext]) {
      await expect(fetchBranch(repo, remote, 'rendered-manifests')).rejects.toThrow(/cannot fetch 'rendered-manifests' from /);
      await expect(pushBranch(repo, remote, 'rendered-manifests', renders)).rejects.toThrow(/cannot push 'rendered-manifests' to /);
    }
    await expect(fetchBranch(repo, attacks().ext, 'rendered-manifests')).rejects.toThrow("transport 'ext' not allowed");
  });
});

describe('user value rules (no git needed)', () => {
  test.each([
    ['rendered-manifests', undefined],
    ['rendered/prod', undefined],
    ['héllo', undefined],
    ['', 'it is empty'],
    ['-x', "it starts with '-' (git would read it as an option)"],
    ['a b', 'it contains " " (no spaces, control characters or any of ~ ^ : ? * [ \\)'],
    ['a\u0001b', 'it contains "\\u0001" (no spaces, control characters or any of ~ ^ : ? * [ \\)'],
    ['x~1', 'it contains "~" (no spaces, control characters or any of ~ ^ : ? * [ \\)'],
    ['a:b', 'it contains ":" (no spaces, control characters or any of ~ ^ : ? * [ \\)'],
    ['a\\b', 'it contains "\\\\" (no spaces, control characters or any of ~ ^ : ? * [ \\)'],
    ['a..b', "it contains '..'"],
    ['@{-1}', "it contains '@{'"],
    ['@', "'@' is reserved by git"],
    ['HEAD', "'HEAD' is reserved by git"],
    ['/a', "it starts or ends with '/' or contains '//'"],
    ['a//b', "it starts or ends with '/' or contains '//'"],
    ['a.', "it ends with '.'"],
    ['a/.b', "its part '.b' starts with '.'"],
    ['a.lock/b', "its part 'a.lock' ends with '.lock'"],
  ])('branch %j', (name, why) => {
    expect(branchNameProblem(name)).toBe(why);
  });

  test.each([
    ['origin', undefined],
    ['/srv/git/app.git', undefined],
    ['../app.git', undefined],
    ['https://github.com/acme/app.git', undefined],
    ['ssh://git@github.com/acme/app.git', undefined],
    ['git://127.0.0.1:9418/x', undefined],
    ['file:///srv/x.git', undefined],
    ['git@github.com:acme/app.git', undefined],
    ['', 'it is empty'],
    ['--upload-pack=x', "it starts with '-' (git would read it as an option)"],
    ['a\nb', 'it contains a control character'],
    ['ext::sh', "it names the remote helper 'ext::', which can run any command"],
    ['fd::0', "it names the remote helper 'fd::', which can run any command"],
    ['https::x', "it names the remote helper 'https::', which can run any command"],
    ['http://x/y', "its transport 'http://' is not allowed"],
    ['ftp://x/y', "its transport 'ftp://' is not allowed"],
    ['ssh://-oProxyCommand=x/y', "its user or host starts with '-' (ssh would read it as an option)"],
    ['ssh://-u@h/y', "its user or host starts with '-' (ssh would read it as an option)"],
    ['-u@h:y', "it starts with '-' (git would read it as an option)"],
    ['u@-h:y', "its user or host starts with '-' (ssh would read it as an option)"],
  ])('remote %j', (remote, why) => {
    expect(remoteProblem(remote)).toBe(why);
  });
});
