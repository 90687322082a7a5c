import * as fs from 'fs';
import * as path from 'path';
import { COMMENTED, DIGEST, SHA_A, SHA_B, SHA_C, cli, pinsFixture } from './harness';

let fx: ReturnType<typeof pinsFixture>;
beforeEach(() => { fx = pinsFixture(COMMENTED); });
afterEach(() => fx.cleanup());

describe('set-image', () => {
  test('pins one app in dev by default, prints old → new, keeps comments', async () => {
    // WHEN
    const run = await cli(fx.dir, 'set-image', `hello=ghcr.io/example/hello:${SHA_C}`);
    // THEN
    expect(run).toEqual({
      code: 0,
      out: `hello/dev: ghcr.io/example/hello:${SHA_A} → ghcr.io/example/hello:${SHA_C}\nupdated images.yaml\n`,
      err: '',
    });
    expect(fx.read()).toBe(`# Image pins: edited by \`cdk8s-gitops set-image\` and \`promote\`; read at synth.

hello:            # the example app
  # dev follows main
  dev: ghcr.io/example/hello:${SHA_C}   # set by CI
  prod: "ghcr.io/example/hello:${SHA_B}"

worker:
  dev: 'ghcr.io/example/worker:${SHA_A}'
  prod: ghcr.io/example/worker:${SHA_B}
# end of pins
`);
  });

  test('--env, --file and several pins at once; --json', async () => {
    // GIVEN the pins file somewhere else
    const other = path.join(fx.dir, 'deploy');
    fs.mkdirSync(other);
    fs.renameSync(fx.file, path.join(other, 'pins.yaml'));
    // WHEN
    const run = await cli(fx.dir, 'set-image', `hello=ghcr.io/example/hello@${DIGEST}`, `worker=ghcr.io/example/worker:${SHA_C}`,
      '--env', 'prod', '--file', 'deploy/pins.yaml', '--json');
    // THEN
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual({
      file: 'deploy/pins.yaml',
      written: true,
      changes: [
        { app: 'hello', env: 'prod', old: `ghcr.io/example/hello:${SHA_B}`, new: `ghcr.io/example/hello@${DIGEST}`, changed: true },
        { app: 'worker', env: 'prod', old: `ghcr.io/example/worker:${SHA_B}`, new: `ghcr.io/example/worker:${SHA_C}`, changed: true },
      ],
    });
    expect(fs.readFileSync(path.join(other, 'pins.yaml'), 'utf8')).toBe(COMMENTED
      .replace(`"ghcr.io/example/hello:${SHA_B}"`, `"ghcr.io/example/hello@${DIGEST}"`)
      .replace(`worker:${SHA_B}`, `worker:${SHA_C}`));
  });

  test('the same value again: "unchanged", exit 0, the file is not written', async () => {
    // GIVEN the file's identity before
    const before = fs.statSync(fx.file);
    // WHEN
    const run = await cli(fx.dir, 'set-image', `hello=ghcr.io/example/hello:${SHA_A}`);
    // THEN
    expect(run).toEqual({ code: 0, out: `hello/dev: ghcr.io/example/hello:${SHA_A} (unchanged)\nimages.yaml unchanged\n`, err: '' });
    const after = fs.statSync(fx.file);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  test('writes atomically: a new inode renamed into place, same mode, no temp file left', async () => {
    // GIVEN an unusual file mode
    fs.chmodSync(fx.file, 0o640);
    const before = fs.statSync(fx.file);
    // WHEN
    expect((await cli(fx.dir, 'set-image', `hello=ghcr.io/example/hello:${SHA_C}`)).code).toBe(0);
    // THEN the file was replaced (rename), kept its mode, and nothing else is in the folder
    const after = fs.statSync(fx.file);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode % 0o1000).toBe(0o640);
    expect(fs.readdirSync(fx.dir)).toEqual(['images.yaml']);
  });

  test('a symlinked pins file stays a symlink; its target is updated', async () => {
    const link = path.join(fx.dir, 'link.yaml');
    fs.symlinkSync('images.yaml', link);
    expect((await cli(fx.dir, 'set-image', `hello=ghcr.io/example/hello:${SHA_C}`, '--file', 'link.yaml')).code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fx.read()).toContain(`hello:${SHA_C}   # set by CI`);
  });

  test('--create adds a new environment', async () => {
    const run = await cli(fx.dir, 'set-image', 'hello=ghcr.io/example/hello:1.2.3', '--env', 'staging', '--create');
    expect(run.out).toBe('hello/staging: (none) → ghcr.io/example/hello:1.2.3\nupdated images.yaml\n');
    expect(fx.read()).toBe(COMMENTED.replace(
      `  prod: "ghcr.io/example/hello:${SHA_B}"\n`,
      `  prod: "ghcr.io/example/hello:${SHA_B}"\n  staging: ghcr.io/example/hello:1.2.3\n`));
  });

  test('<app>/<image>= pins one image of a multi-image app; text and JSON name the image', async () => {
    // GIVEN hello with two images in dev
    fs.writeFileSync(fx.file, COMMENTED.replace(`  dev: ghcr.io/example/hello:${SHA_A}   # set by CI\n`,
      `  dev:   # set by CI\n    hello: ghcr.io/example/hello:${SHA_A}\n    worker: ghcr.io/example/hello-worker:${SHA_A}\n`));
    // WHEN both are set, one by name
    const run = await cli(fx.dir, 'set-image', `hello/worker=ghcr.io/example/hello-worker:${SHA_C}`, `hello=ghcr.io/example/hello:${SHA_C}`);
    // THEN
    expect(run).toEqual({
      code: 0,
      out: `hello/dev/worker: ghcr.io/example/hello-worker:${SHA_A} → ghcr.io/example/hello-worker:${SHA_C}\n`
        + `hello/dev/hello: ghcr.io/example/hello:${SHA_A} → ghcr.io/example/hello:${SHA_C}\n`
        + 'updated images.yaml\n',
      err: '',
    });
    expect(fx.read()).toContain(`    hello: ghcr.io/example/hello:${SHA_C}\n    worker: ghcr.io/example/hello-worker:${SHA_C}\n`);
    const json = await cli(fx.dir, 'set-image', `hello/worker=ghcr.io/example/hello-worker:${SHA_A}`, '--json');
    expect(JSON.parse(json.out).changes).toEqual([{
      app: 'hello', env: 'dev', image: 'worker', old: `ghcr.io/example/hello-worker:${SHA_C}`, new: `ghcr.io/example/hello-worker:${SHA_A}`, changed: true,
    }]);
  });

  describe('bad input: exit 2, a message naming the value, the file unchanged byte-for-byte', () => {
    const cases: Array<[string, string[], string]> = [
      ['uppercase repository', ['hello=Hello:latest'],
        'error: [hello=Hello:latest] invalid image reference "Hello:latest": the repository path "Hello" must be lowercase\n'],
      ['space in the tag', ['hello=repo:tag with space'],
        'error: [hello=repo:tag with space] invalid image reference "repo:tag with space": must not contain whitespace\n'],
      ['tag over 128 characters', [`hello=ghcr.io/example/hello:${'a'.repeat(129)}`],
        `error: [hello=ghcr.io/example/hello:${'a'.repeat(129)}] invalid image reference "ghcr.io/example/hello:${'a'.repeat(129)}": the tag is 129 characters long (at most 128)\n`],
      ['digest not 64 hex', ['hello=ghcr.io/example/hello@sha256:abc123'],
        'error: [hello=ghcr.io/example/hello@sha256:abc123] invalid image reference "ghcr.io/example/hello@sha256:abc123": '
        + 'the digest "sha256:abc123" must be "sha256:" followed by 64 lowercase hex characters\n'],
      ['no app=', ['ghcr.io/example/hello:1'],
        'error: [ghcr.io/example/hello:1] expected <app>[/<image>]=<repository>[:tag][@sha256:<digest>]\n'],
      ['a mutable tag', ['hello=ghcr.io/example/hello:latest'],
        'error: [images.yaml] \'hello.dev\' "ghcr.io/example/hello:latest" is a mutable tag: pin an immutable one '
        + '(the commit SHA the image was built from) or a digest (ghcr.io/example/hello@sha256:<64 hex>)\n'],
      ['two slashes before =', ['hello/web/x=ghcr.io/example/hello:1'],
        'error: [hello/web/x=ghcr.io/example/hello:1] expected <app>=… or <app>/<image>=… before "="\n'],
      ['an image of a single-image app without --create', ['hello/worker=ghcr.io/example/worker:1'],
        'error: [images.yaml] \'hello.dev\' pins one image for the whole app; to pin image "worker" on its own, '
        + 'use --create (the current reference stays as image "hello") or write the multi form by hand (see docs/ci-cd.md)\n'],
      ['unknown app', ['helo=ghcr.io/example/hello:1'],
        'error: [images.yaml] unknown app "helo"; known apps: hello, worker (use --create to add a new app)\n'],
      ['unknown environment', ['hello=ghcr.io/example/hello:1', '--env', 'stagin'],
        'error: [images.yaml] unknown environment "stagin" for app "hello"; known: dev, prod (use --create to add it)\n'],
      ['one good and one bad pin (all or nothing)', [`hello=ghcr.io/example/hello:${SHA_C}`, 'worker=Worker:1'],
        'error: [worker=Worker:1] invalid image reference "Worker:1": the repository path "Worker" must be lowercase\n'],
      ['a missing pins file', ['hello=ghcr.io/example/hello:1', '--file', 'nope.yaml'],
        'error: [nope.yaml] image pins file does not exist (create it, or point to it with --file)\n'],
    ];
    test.each(cases)('%s', async (_name, args, message) => {
      const run = await cli(fx.dir, 'set-image', ...args);
      expect(run.code).toBe(2);
      expect(run.out).toBe('');
      expect(run.err.replace(fx.dir + path.sep, '')).toBe(message);
      expect(fx.read()).toBe(COMMENTED);
      expect(fs.readdirSync(fx.dir)).toEqual(['images.yaml']);
    });

    test('a pins file that is not valid YAML', async () => {
      const broken = `${COMMENTED}oops: [\n`;
      fs.writeFileSync(fx.file, broken);
      const run = await cli(fx.dir, 'set-image', `hello=ghcr.io/example/hello:${SHA_C}`);
      expect(run.code).toBe(2);
      expect(run.err).toMatch(new RegExp(`^error: \\[${fx.file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1[0-9]\\] is not valid YAML: `));
      expect(fx.read()).toBe(broken);
    });

    test('an alias bomb in the pins file is exit 2 naming the file, not a crash', async () => {
      const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
      for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
      const bomb = `${COMMENTED}${levels.join('\n')}\n`;
      fs.writeFileSync(fx.file, bomb);
      const run = await cli(fx.dir, 'set-image', `hello=ghcr.io/example/hello:${SHA_C}`);
      expect(run.code).toBe(2);
      expect(run.err).toMatch(new RegExp(`^error: \\[${fx.file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\] 'document 1' its aliases expand to \\d+ nodes, more than the \\d+ allowed: an alias bomb\\? Write the repeated values out`));
      expect(fx.read()).toBe(bomb);
    });

    test('a huge pins file is exit 2 before it is read', async () => {
      fs.truncateSync(fx.file, 65 * 1024 * 1024);
      const run = await cli(fx.dir, 'set-image', `hello=ghcr.io/example/hello:${SHA_C}`);
      expect(run.code).toBe(2);
      expect(run.err).toBe(`error: [${fx.file}] is 65.0 MiB; an image pins file may be at most 64 MiB (is it the right file?)\n`);
    });

    test('a pins file holding a bad reference', async () => {
      const bad = COMMENTED.replace(`worker:${SHA_B}`, 'worker:bad tag');
      fs.writeFileSync(fx.file, bad);
      const run = await cli(fx.dir, 'set-image', `hello=ghcr.io/example/hello:${SHA_C}`);
      expect(run.code).toBe(2);
      expect(run.err).toBe(`error: [${fx.file}:10] 'worker.prod' invalid image reference "ghcr.io/example/worker:bad tag": must not contain whitespace\n`);
      expect(fx.read()).toBe(bad);
    });
  });
});
