/**
 * Start-up of the repo's own `cdk8s synth` set-up and of a project made by
 * `init`, alternated with their baselines: the app commands (the repo's
 * prebuilt bundle of src/main.ts; the project's bin/cdk8s-gitops-app.js, and
 * the esbuild-register command init wrote before it) against `node -e
 * "require('cdk8s-plus-28')"`, and `npx cdk8s synth --no-check-upgrade` with
 * the validation plugin against the same command on an app that renders
 * nothing (the CLI's own fixed cost).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO, runProcess } from './_util';
import { scaffold } from '../src/init/scaffold';

type Timed = { ms: number[]; cpuMs: number[]; maxRssMiB?: number; failed?: string };

/** A folder laid out like the repo (links to src/, scripts/, node_modules…) with the repo's cdk8s.yaml, writing dist/ inside it. */
function repoLikeDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const link of ['src', 'imports', 'scripts', 'node_modules', 'images.yaml', 'bootstrap', 'package.json']) {
    const target = path.join(REPO, link);
    if (fs.existsSync(target) && !fs.existsSync(path.join(dir, link))) fs.symlinkSync(target, path.join(dir, link));
  }
  fs.copyFileSync(path.join(REPO, 'cdk8s.yaml'), path.join(dir, 'cdk8s.yaml'));
}

/**
 * A project as `init` writes it, with this package installed as npm would
 * (its compiled lib/, bin/ and package.json copied into node_modules) and
 * links to the repo's installed packages for the rest.
 */
function projectDir(dir: string): void {
  if (fs.existsSync(path.join(dir, 'cdk8s.yaml'))) return;
  if (!fs.existsSync(path.join(REPO, 'lib', 'src', 'index.js'))) {
    execFileSync(path.join(REPO, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: REPO, stdio: 'pipe' });
  }
  scaffold(dir, { app: 'shop' });
  const nm = path.join(dir, 'node_modules');
  const ours = path.join(nm, 'cdk8s-gitops');
  fs.mkdirSync(path.join(nm, '.bin'), { recursive: true });
  for (const part of ['lib', 'bin', 'package.json']) fs.cpSync(path.join(REPO, part), path.join(ours, part), { recursive: true });
  for (const name of fs.readdirSync(path.join(REPO, 'node_modules'))) {
    if (!name.startsWith('.') && name !== 'cdk8s-gitops') fs.symlinkSync(path.join(REPO, 'node_modules', name), path.join(nm, name));
  }
  for (const bin of fs.readdirSync(path.join(REPO, 'node_modules', '.bin'))) {
    fs.symlinkSync(fs.realpathSync(path.join(REPO, 'node_modules', '.bin', bin)), path.join(nm, '.bin', bin));
  }
}

function emptyAppDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const nm = path.join(dir, 'node_modules');
  if (!fs.existsSync(nm)) fs.symlinkSync(path.join(REPO, 'node_modules'), nm, 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "empty-app", "private": true }\n');
  // The CLI requires the app to create its output folder: that is all this app does.
  fs.writeFileSync(path.join(dir, 'empty.js'), "require('fs').mkdirSync(process.env.CDK8S_OUTDIR || '.cdk8s.out', { recursive: true });\n");
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node empty.js\noutput: .cdk8s.out\n');
}

/**
 * Runs the eight commands `reps` times in rotated order; returns each one's runs.
 *
 * The validation plugin keeps its results in a cache of its own here
 * (`CDK8S_GITOPS_CACHE_DIR`): `repoCdk8sSynth` is the everyday re-synth
 * (output unchanged since the last check: no parse, no kustomize build),
 * `repoCdk8sSynthCold` empties the cache before each run (every folder
 * checked and built). One untimed synth first fills the bundles, their code
 * cache and the check cache, as a user's first run does.
 */
export function startupOfRepoApp(work: string, reps: number, env: NodeJS.ProcessEnv): Record<string, Timed> {
  const repoDir = path.join(work, 'repo');
  const emptyDir = path.join(work, 'empty');
  const project = path.join(work, 'project');
  repoLikeDir(repoDir);
  emptyAppDir(emptyDir);
  projectDir(project);
  const warm = { ...env, CDK8S_GITOPS_CACHE_DIR: path.join(work, 'check-cache') };
  const coldCache = path.join(work, 'check-cache-cold');
  const cold = { ...env, CDK8S_GITOPS_CACHE_DIR: coldCache };
  // Build the prebuilt bundles once, untimed (npm ci's prepare does it for a user), and synth once.
  runProcess('node', ['scripts/prebuilt.js'], { cwd: repoDir, env });
  runProcess('npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], { cwd: repoDir, env: warm });
  // The project's app bundle lives in its node_modules/.cache (its first synth builds it).
  const { CDK8S_GITOPS_CACHE_DIR: _unset, ...projectEnv } = warm;
  const projectWarm = { ...projectEnv, XDG_CACHE_HOME: path.join(work, 'project-xdg-cache') };
  runProcess('npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], { cwd: project, env: projectWarm });
  const commands: Record<string, [string, string[], string, NodeJS.ProcessEnv]> = {
    requirePlus: ['node', ['-e', "require('cdk8s-plus-28')"], repoDir, env],
    repoAppCommand: ['node', ['scripts/prebuilt.js', 'run', 'app'], repoDir, env],
    repoCdk8sSynth: ['npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], repoDir, warm],
    repoCdk8sSynthCold: ['npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], repoDir, cold],
    emptyCdk8sSynth: ['npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], emptyDir, env],
    projectAppCommand: ['node', ['node_modules/cdk8s-gitops/bin/cdk8s-gitops-app.js', 'src/main.ts'], project, projectWarm],
    projectAppCommandRegister: ['node', ['--require', 'esbuild-register', 'src/main.ts'], project, projectWarm],
    projectCdk8sSynth: ['npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], project, projectWarm],
  };
  const keys = Object.keys(commands);
  const out: Record<string, Timed> = Object.fromEntries(keys.map(k => [k, { ms: [] as number[], cpuMs: [] as number[] }]));
  for (let round = 0; round < reps; round++) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(i + round) % keys.length];
      const t = out[key];
      if (t.failed) continue;
      const [cmd, args, cwd, cmdEnv] = commands[key];
      fs.rmSync(coldCache, { recursive: true, force: true });
      const r = runProcess(cmd, args, { cwd, env: cmdEnv });
      if (r.status !== 0) {
        t.failed = `${cmd} ${args.join(' ')} exited ${r.status}: ${`${r.stderr}`.trim().split('\n').slice(-8).join(' | ')}`;
      } else {
        t.ms.push(r.ms);
        if (r.cpuMs !== undefined) t.cpuMs.push(r.cpuMs);
      }
    }
  }
  return out;
}
