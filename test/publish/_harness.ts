import { ChildProcess, execFileSync, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { parse } from 'yaml';
import { runCli } from '../../src/cli/main';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { ImageRef } from '../../src/image-ref';
import { renderFiles } from '../../src/testing';
import { toYaml } from '../../src/yaml';
import { tmpDir } from '../support/tools';

/** Git env independent of the user's config: no global/system config, fixed identities. */
export function gitEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(home, 'no-global-gitconfig'),
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    NO_COLOR: '1',
    ...extra,
  };
}

/** A sandbox: a bare remote and a source repository cloned from it, with `dist/` ignored. */
export class Sandbox {
  public readonly root: string;
  public readonly remote: string;
  public readonly src: string;
  public readonly env: Record<string, string>;
  private readonly cleanupFn: () => void;

  constructor(from?: Sandbox) {
    const { dir, cleanup } = tmpDir('cdk8s-gitops-publish-');
    this.root = dir;
    this.cleanupFn = cleanup;
    this.env = gitEnv(dir);
    this.remote = path.join(dir, 'remote.git');
    this.src = path.join(dir, 'src');
    if (from) {
      // A copy of another sandbox (cheaper than replaying its history). The
      // copied index's stat data is stale: refreshed here, as a fresh clone's
      // is, so a test's first `git status` does not rewrite it.
      fs.cpSync(from.root, dir, { recursive: true });
      this.git(this.src, 'remote', 'set-url', 'origin', this.remote);
      this.git(this.src, 'update-index', '-q', '--refresh');
      return;
    }
    this.git(dir, 'init', '-q', '--bare', '-b', 'main', this.remote);
    this.git(dir, 'init', '-q', '-b', 'main', this.src);
    this.git(this.src, 'remote', 'add', 'origin', this.remote);
    fs.writeFileSync(path.join(this.src, '.gitignore'), '/dist/\n');
    fs.writeFileSync(path.join(this.src, 'main.ts'), '// app\n');
    this.git(this.src, 'add', '.');
    this.git(this.src, 'commit', '-q', '-m', 'feat: first source commit');
    this.git(this.src, 'push', '-q', 'origin', 'main');
  }

  /** Runs git with the sandbox env and `-c user.*`; returns trimmed stdout. */
  public git(cwd: string, ...args: string[]): string {
    return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
      cwd, env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  }

  /** Replaces `<src>/dist` (or `dir`) with `files`. */
  public writeDist(files: Record<string, string>, dir = path.join(this.src, 'dist')): string {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    return dir;
  }

  /** Runs the CLI in-process in `cwd` (default the source repo). */
  public async cli(argv: string[], cwd = this.src, env: Record<string, string> = this.env): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(argv, { out: t => { out += t; }, err: t => { err += t; }, cwd, env, isTTY: false });
    return { code, out, err };
  }

  /** The commit a ref points at in `repo`, or undefined. */
  public tip(repo: string, ref = 'refs/heads/rendered-manifests'): string | undefined {
    try {
      return this.git(repo, 'rev-parse', '--verify', '-q', ref);
    } catch {
      return undefined;
    }
  }

  /** Path → content of a commit's tree. */
  public treeOf(repo: string, rev: string): Record<string, string> {
    const files: Record<string, string> = {};
    for (const p of this.git(repo, 'ls-tree', '-r', '--name-only', rev).split('\n').filter(Boolean)) {
      files[p] = this.git(repo, 'show', `${rev}:${p}`) + '\n';
    }
    return files;
  }

  /** HEAD, index bytes and `git status --porcelain` of the source checkout. */
  public checkoutState(): { head: string; index: string; status: string } {
    return {
      head: this.git(this.src, 'rev-parse', 'HEAD') + ' ' + this.git(this.src, 'symbolic-ref', 'HEAD'),
      index: fs.readFileSync(path.join(this.src, '.git', 'index')).toString('hex'),
      status: this.git(this.src, 'status', '--porcelain', '--untracked-files=all'),
    };
  }

  public cleanup(): void {
    this.cleanupFn();
  }
}

/**
 * An app folder as the constructs render it (a secure WebService pinned to
 * `image`, its Service and kustomization), so every tree passes the
 * validation gate; `extra` files are added and listed in the kustomization.
 */
export function app(env: string, name: string, image: string, extra: Record<string, string> = {}): Record<string, string> {
  const files: Record<string, string> = { ...rendered(env, name, image), ...extra };
  const kustomization = `${env}/${name}/kustomization.yaml`;
  const k = parse(files[kustomization]);
  k.resources = Object.keys(files).filter(p => p !== kustomization && p.startsWith(`${env}/${name}/`)).map(p => p.slice(env.length + name.length + 2)).sort();
  files[kustomization] = toYaml(k);
  return files;
}

/** The rendered files of one app, rendered once per test file (tests render the same few apps again and again). */
const renders = new Map<string, Readonly<Record<string, string>>>();
function rendered(env: string, name: string, image: string): Readonly<Record<string, string>> {
  const key = JSON.stringify([env, name, image]);
  let files = renders.get(key);
  if (!files) {
    const root = new GitOpsApp();
    new WebService(new AppChart(new Environment(root, env), name), 'web', { image: ImageRef.parse(image), replicas: 1 });
    files = renderFiles(root);
    renders.set(key, files);
  }
  return files;
}

const ROOT = path.join(__dirname, '..', '..');

/** Every file under `dir` (sorted), for the bundle's key. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap(e => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

/**
 * The CLI (src/cli/main.ts) bundled with esbuild, dependencies external as
 * in the installed package, independent of a stale lib/. Built once per
 * content of src/ and imports/ into node_modules/.cache, shared by every test
 * file and worker (written beside, then renamed); returns the script path.
 */
export function builtCli(): string {
  const hash = createHash('sha256');
  for (const f of [...filesUnder(path.join(ROOT, 'src')), ...filesUnder(path.join(ROOT, 'imports'))]) {
    hash.update(`${path.relative(ROOT, f)}\0`).update(fs.readFileSync(f)).update('\0');
  }
  const dir = path.join(ROOT, 'node_modules', '.cache', 'cdk8s-gitops-test-cli');
  const outfile = path.join(dir, `cli-${hash.digest('hex').slice(0, 16)}.js`);
  if (fs.existsSync(outfile)) return outfile;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.cli-${process.pid}-${Date.now()}.js`);
  buildSync({
    entryPoints: [path.join(ROOT, 'src', 'cli', 'main.ts')],
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    outfile: tmp,
    logLevel: 'silent',
    footer: { js: 'module.exports.main();' },
  });
  fs.renameSync(tmp, outfile);
  return outfile;
}

/** Spawns the built CLI as a separate process. */
export function spawnCli(script: string, args: string[], cwd: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [script, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits for a process; returns its exit code (or signal), stdout and stderr. */
export function waitFor(child: ChildProcess, timeoutMs = 30_000): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise(resolve => {
    let out = '';
    let err = '';
    child.stdout?.on('data', d => { out += d; });
    child.stderr?.on('data', d => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, out, err }); });
  });
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `git daemon` serving `basePath` on 127.0.0.1 with pushes enabled; resolves once it accepts connections. */
export async function startDaemon(basePath: string, env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn('git', ['daemon', '--reuseaddr', '--export-all', '--enable=receive-pack', `--base-path=${basePath}`,
    '--listen=127.0.0.1', `--port=${port}`, '--timeout=30', '--init-timeout=10', basePath], { env, stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>(resolve => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`git daemon did not start on 127.0.0.1:${port}`);
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return {
    url: `git://127.0.0.1:${port}`,
    stop: () => new Promise(resolve => {
      if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
