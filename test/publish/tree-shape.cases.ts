import * as fs from 'fs';
import * as path from 'path';
import { app, Sandbox } from './_harness';
import { publishTree } from '../../src/publish/publish';
import { PublishRefusedError } from '../../src/publish/publish-error';
import { hasTool } from '../support/tools';

const describeGit = hasTool('git', ['--version']) ? describe : describe.skip;

describeGit('publish refuses a tree of the wrong shape (exit 2, nothing written or pushed)', () => {
  let sb: Sandbox;
  let dist: string;
  beforeAll(async () => {
    // GIVEN a published branch
    sb = new Sandbox();
    dist = sb.writeDist({ ...app('dev', 'hello', 'ghcr.io/acme/hello:1.0.0'), ...app('dev', 'api', 'ghcr.io/acme/api:2.0.0') });
    expect((await sb.cli(['publish', '--push'])).code).toBe(0);
  });
  afterAll(() => sb.cleanup());

  /** Applies `mutate` to a copy of dist, publishes it, expects exit 2 and `message`, and that no ref moved; then restores dist. */
  async function expectRefused(mutate: (dir: string) => void, message: string | RegExp) {
    const saved = path.join(sb.root, 'dist-saved');
    fs.cpSync(dist, saved, { recursive: true });
    try {
      mutate(dist);
      const refsBefore = sb.git(sb.src, 'for-each-ref');
      const remoteBefore = sb.git(sb.remote, 'for-each-ref');
      const res = await sb.cli(['publish', '--push']);
      expect(res.code).toBe(2);
      expect(res.err).toMatch(message);
      expect(res.out).toBe('');
      expect(sb.git(sb.src, 'for-each-ref')).toBe(refsBefore);
      expect(sb.git(sb.remote, 'for-each-ref')).toBe(remoteBefore);
    } finally {
      fs.rmSync(dist, { recursive: true, force: true });
      fs.renameSync(saved, dist);
    }
  }

  test.each(['.git', '.GIT', '.Git'])('a %s folder at depth', async seg => {
    await expectRefused(dir => {
      fs.mkdirSync(path.join(dir, 'dev', 'hello', seg));
      fs.writeFileSync(path.join(dir, 'dev', 'hello', seg, 'config'), '[core]\n');
    }, `[dist/dev/hello/${seg}] is a "${seg}" entry: a rendered folder must not be (or hold) a git repository; git refuses such paths. `
      + 'Remove it, and render into a folder that is not a git checkout [tree-git-path]');
  });

  test.each([
    ['to a file', 'dev/hello/link.yaml', 'deployment-hello.yaml'],
    ['to a folder', 'dev/linked', 'hello'],
    ['dangling', 'dev/hello/gone.yaml', 'missing.yaml'],
  ])('a symlink %s', async (_what, link, target) => {
    await expectRefused(dir => fs.symlinkSync(target, path.join(dir, ...link.split('/'))),
      `[dist/${link}] is a symlink: the rendered branch holds only regular files (a link could point outside the tree, or nowhere). `
      + `Replace it with the file itself [tree-symlink] (got "${target}")`);
  });

  test('a non-YAML file', async () => {
    await expectRefused(dir => fs.writeFileSync(path.join(dir, 'dev', 'hello', 'notes.txt'), 'todo\n'),
      '[dist/dev/hello/notes.txt] is not a .yaml or .yml file: the rendered branch holds only Kubernetes YAML');
  });

  test('an empty file', async () => {
    await expectRefused(dir => fs.writeFileSync(path.join(dir, 'dev', 'hello', 'extra.yaml'), ''),
      '[dist/dev/hello/extra.yaml] is empty: it renders no object (kustomize fails on an empty resource). Remove it, and its line in kustomization.yaml [tree-empty-file]');
  });

  test.each([['dev/héllo', 'hello'], ['Dev', 'dev'], ['dev/a_b', 'a-b']])('a folder named %s', async (folder, fix) => {
    await expectRefused(dir => fs.cpSync(path.join(dir, 'dev', 'hello'), path.join(dir, ...folder.split('/')), { recursive: true }),
      `[dist/${folder}/] is not a DNS-1123 label (lowercase a-z, 0-9 and "-", at most 63 characters, starting and ending with a letter or digit): `
      + `an ApplicationSet git generator turns folder names into Application names, which Argo CD would refuse. Rename it to "${fix}" [tree-folder-name]`);
  });

  test('the library refuses the same trees', async () => {
    // GIVEN an in-memory tree with a stray file WHEN published through the library THEN it is refused before git runs
    const tree = new Map([...Object.entries(app('dev', 'hello', 'ghcr.io/acme/hello:1.0.0')), ['dev/hello/notes.txt', 'x\n']]);
    const err = await publishTree({ tree, cwd: sb.src, env: sb.env }).catch(e => e);
    expect(err).toBeInstanceOf(PublishRefusedError);
    expect(err.reason).toBe('tree-shape');
    expect(err.message).toMatch(/^\[dev\/hello\/notes\.txt\] is not a \.yaml or \.yml file/);
  });
});
