import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CliIo } from '../../src/cli/io';
import { runCli } from '../../src/cli/main';
import { hasTool, tmpDir } from '../support/tools';

function io(cwd: string, env: Record<string, string> = {}, errIsTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  const withCache = { CDK8S_GITOPS_CACHE_DIR: process.env.CDK8S_GITOPS_CACHE_DIR!, ...env };
  const value: CliIo = { out: t => out.push(t), err: t => err.push(t), cwd, env: withCache, isTTY: false, errIsTTY };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

const SERVICE = [
  'apiVersion: v1', 'kind: Service', 'metadata:', '  name: hello', '  namespace: dev', 'spec:',
  '  selector:', '    app: hello', '  ports:', '    - port: 80', '      targetPort: http', '',
].join('\n');

describe('CLI conventions', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tmpDir('cdk8s-gitops-cli-conv-'));
    fs.mkdirSync(path.join(dir, 'dist', 'dev', 'hello'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', 'dev', 'hello', 'service-hello.yaml'), SERVICE);
  });
  afterEach(() => cleanup());

  test.each(['validate', 'diff', 'publish', 'history', 'rollback', 'set-image', 'promote', 'status', 'init', 'migrate'])(
    'GIVEN %s --help THEN it offers --output', async cmd => {
      const t = io(dir);
      expect(await runCli([cmd, '--help'], t.io)).toBe(0);
      expect(t.out()).toMatch(/--output <format>/);
    });

  test('GIVEN validate WHEN --output json or the older --format json THEN the same JSON', async () => {
    const a = io(dir);
    const b = io(dir);
    const codeA = await runCli(['validate', '--skip-kustomize', '--no-cache', '--output', 'json'], a.io);
    const codeB = await runCli(['validate', '--skip-kustomize', '--no-cache', '--format', 'json'], b.io);
    expect(codeA).toBe(codeB);
    expect(JSON.parse(a.out())).toEqual(JSON.parse(b.out()));
    expect(a.out().length).toBeGreaterThan(2);
  });

  test('GIVEN a command without markdown output WHEN --output markdown THEN a usage error naming the choices, exit 2', async () => {
    const t = io(dir);
    expect(await runCli(['validate', '--output', 'markdown'], t.io)).toBe(2);
    expect(t.err()).toContain("option '-o, --output <format>' argument 'markdown' is invalid. 'markdown' is not one of text, json.");
  });

  test('GIVEN init WHEN --output json THEN it prints the files as JSON like --json', async () => {
    const t = io(dir);
    expect(await runCli(['init', 'repo', '--output', 'json'], t.io)).toBe(0);
    expect(JSON.parse(t.out())).toMatchObject({ dir: path.join(dir, 'repo') });
  });

  test('GIVEN a user error THEN one line and no stack; WITH --debug or CDK8S_GITOPS_DEBUG=1 THEN the stack too', async () => {
    fs.writeFileSync(path.join(dir, 'package.json'), '{}');
    const plain = io(dir);
    expect(await runCli(['init', '.', '--name', 'x'], plain.io)).toBe(2);
    expect(plain.err()).toBe(`error: [${path.join(dir, 'package.json')}] already exists; init never overwrites a file (move it away, or init another folder)\n`);
    for (const [args, env] of [[['--debug', 'init', '.', '--name', 'x'], {}], [['init', '.', '--name', 'x'], { CDK8S_GITOPS_DEBUG: '1' }]] as const) {
      const t = io(dir, env);
      expect(await runCli(args, t.io)).toBe(2);
      expect(t.err()).toMatch(/^error: .*already exists.*\nValidationError: .*\n\s+at /);
    }
  });

  (hasTool('kubectl') ? test : test.skip)('GIVEN stderr is a terminal WHEN validate builds with kustomize THEN progress on stderr, cleared at the end; --quiet or a pipe shows none', async () => {
    // GIVEN a second app folder, so there are two builds
    fs.mkdirSync(path.join(dir, 'dist', 'dev', 'world'));
    fs.writeFileSync(path.join(dir, 'dist', 'dev', 'world', 'service-world.yaml'), SERVICE.replace(/hello/g, 'world'));
    for (const app of ['hello', 'world']) {
      fs.writeFileSync(path.join(dir, 'dist', 'dev', app, 'kustomization.yaml'),
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - service-${app}.yaml\n`);
    }
    // WHEN
    const tty = io(dir, {}, true);
    await runCli(['validate', '--no-cache', '--concurrency', '2', '--output', 'json'], tty.io);
    const quiet = io(dir, {}, true);
    await runCli(['--quiet', 'validate', '--no-cache', '--output', 'json'], quiet.io);
    const piped = io(dir, {}, false);
    await runCli(['validate', '--no-cache', '--output', 'json'], piped.io);
    // THEN
    expect(tty.err()).toMatch(/^\rkustomize builds: 1\/2\r\u001b\[2K$/);
    expect(JSON.parse(tty.out()).stats.kustomizeBuilds).toBeGreaterThan(0);
    expect(quiet.err()).toBe('');
    expect(piped.err()).toBe('');
  });

  (hasTool('kubectl') && hasTool('git', ['--version']) ? test : test.skip)('GIVEN stderr is a terminal WHEN publish runs its gate THEN kustomize progress on stderr, cleared at the end; --quiet shows none', async () => {
    // GIVEN a source repo with one commit and two app folders (a ConfigMap each) in dist/ (ignored)
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(dir, '.gitignore'), 'dist/\n');
    git('add', '.gitignore');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'source');
    fs.rmSync(path.join(dir, 'dist', 'dev', 'hello', 'service-hello.yaml'));
    for (const app of ['hello', 'world']) {
      fs.mkdirSync(path.join(dir, 'dist', 'dev', app), { recursive: true });
      fs.writeFileSync(path.join(dir, 'dist', 'dev', app, `configmap-${app}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${app}\n  namespace: dev\ndata:\n  greeting: hi\n`);
      fs.writeFileSync(path.join(dir, 'dist', 'dev', app, 'kustomization.yaml'),
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - configmap-${app}.yaml\n`);
    }
    const env = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    // WHEN publishing with a terminal, then (a second branch) with --quiet
    const tty = io(dir, env, true);
    const code = await runCli(['publish', '--no-cache', '--output', 'json'], tty.io);
    const quiet = io(dir, env, true);
    const quietCode = await runCli(['--quiet', 'publish', '--no-cache', '--branch', 'rendered-quiet', '--output', 'json'], quiet.io);
    // THEN both published, the first with progress on stderr (cleared), the second silent
    expect([code, quietCode, quiet.err()]).toEqual([0, 0, '']);
    expect(tty.err()).toMatch(/^\rkustomize builds: 1\/2\r\u001b\[2K$/);
    expect(quiet.err()).toBe('');
  });
});
