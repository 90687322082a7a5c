/**
 * Fresh-process publish and validate, as CI runs them:
 *   node -r esbuild-register bench/publish-cli.ts --apps N --reps R --work DIR [--kustomize yes|no]
 *
 * In a source checkout holding the rendered tree of N apps × 2 environments
 * (dist/, ignored), it alternates, R times each:
 *   - `node bin/cdk8s-gitops.js publish` of a one-app change (after an untimed
 *     `validate` of the same tree, as a CI job does: the gate finds its results
 *     in the cache) and `git add -A && git commit -q` of the same change in a
 *     checkout of the same tree;
 *   - a no-op `publish` and `git add -A && git diff --cached --quiet`;
 *   - `node -e 0`: what any Node.js CLI pays before its first line runs
 *     (its ratio to the git no-op is the floor of the no-op ratio); the
 *     publish ratios are also given against `node -e 0` plus the git command;
 *   - then, R times each, a one-app change after a full re-render (the whole
 *     folder written anew and swapped in, as `cdk8s synth` does: no stat
 *     cache knows a file) and `git add -A && git commit -q` after every file
 *     of the checkout was rewritten (git hashes every file again).
 * With --kustomize yes it also times `validate --no-cache` (the kustomize
 * check included) against one `kubectl kustomize` of a root listing every app
 * folder. Process start-up is included everywhere. Prints one JSON line.
 * The CLI runs from lib/ (compiled by `npx tsc` when older than src/, with
 * the post-compile step's lib/src/_vendor/yaml.js).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { median, REPO, runProcess, sh } from './_util';
import { appName, buildApp, ENVIRONMENTS } from './generate';
import { renderApp } from '../src/render/render';
import { RenderedTree, writeTree } from '../src/render/tree';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  NO_COLOR: '1',
};

/** Newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Makes sure lib/ is compiled from the current src/, with the post-compile step's one-file build of `yaml`. */
function ensureCompiled(): void {
  const lib = path.join(REPO, 'lib', 'src', 'cli', 'main.js');
  if (!fs.existsSync(lib) || fs.statSync(lib).mtimeMs < newest(path.join(REPO, 'src'))) {
    const r = spawnSync('npx', ['tsc'], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npx tsc failed: ${r.stdout}${r.stderr}`);
  }
  if (!fs.existsSync(path.join(REPO, 'lib', 'src', '_vendor', 'yaml.js'))) {
    const r = spawnSync('node', [path.join(REPO, 'scripts', 'vendor-yaml.js')], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scripts/vendor-yaml.js failed: ${r.stdout}${r.stderr}`);
  }
}

function writeFiles(dir: string, tree: RenderedTree, only?: ReadonlySet<string>): void {
  for (const [rel, content] of tree) {
    if (only && !only.has(rel)) continue;
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
}

function main(): void {
  const apps = Number(arg('apps', '100'));
  const reps = Number(arg('reps', '5'));
  const work = path.resolve(arg('work', '.'));
  const withKustomize = arg('kustomize', 'yes') === 'yes';
  ensureCompiled();
  const cli = path.join(REPO, 'bin', 'cdk8s-gitops.js');
  fs.mkdirSync(work, { recursive: true });
  const tree = renderApp(buildApp(apps, path.join(work, 'unused')));
  const changed = renderApp(buildApp(apps, path.join(work, 'unused'), { app: 0, env: 'dev' }));
  const delta = new Set([...changed].filter(([p, c]) => tree.get(p) !== c).map(([p]) => p));

  // The source checkout (dist/ ignored, its own cache) and the git floor's checkout of the same tree.
  const src = path.join(work, 'src');
  const floor = path.join(work, 'floor');
  const env = { ...ENV, CDK8S_GITOPS_CACHE_DIR: path.join(work, 'cache') };
  for (const d of [src, floor]) {
    fs.rmSync(d, { recursive: true, force: true });
    fs.mkdirSync(d, { recursive: true });
    sh('git init -q -b main . && echo src > README.md && printf "/dist/\\n.bench-rss-*\\n" > .gitignore && git add -A && git -c user.name=b -c user.email=b@e commit -q -m init', d);
  }
  const dist = path.join(src, 'dist');
  writeTree(dist, tree);
  writeFiles(floor, tree);
  sh('git -c user.name=b -c user.email=b@e add -A && git -c user.name=b -c user.email=b@e commit -q -m render', floor);
  const node = (args: string[]) => runProcess('node', [cli, ...args], { cwd: src, env, timeoutMs: 1_800_000 });
  const check = (r: { status: number | null; stderr: string }, what: string) => {
    if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  };
  // The branch exists, every folder checked (untimed).
  check(node(['validate']), 'validate');
  check(node(['publish']), 'first publish');

  const keys = ['publishOneApp', 'gitCommit', 'publishNoop', 'gitNoop', 'nodeStart', 'publishRerender', 'gitRerender'];
  const out: Record<string, number[]> = Object.fromEntries(keys.map(k => [k, []]));
  // CPU time (user + system, children included, from GNU time): on a machine shared with other jobs it varies less than wall time.
  const cpu: Record<string, number[]> = Object.fromEntries(keys.map(k => [k, []]));
  /** Runs one timed command, checks it and records its wall and CPU time under `key`. */
  const timed = (key: string, what: string, run: () => { status: number | null; stderr: string; ms: number; cpuMs?: number }) => {
    const r = run();
    check(r, what);
    out[key].push(r.ms);
    if (r.cpuMs !== undefined) cpu[key].push(r.cpuMs);
  };
  const gitIn = (dir: string, script: string) => () => runProcess('sh', ['-c', script], { cwd: dir, env });
  for (let rep = 0; rep < reps; rep++) {
    const next = rep % 2 === 0 ? changed : tree;
    // One-app change: alternate the two commands, the same change each.
    writeFiles(dist, next, delta);
    check(node(['validate']), 'validate');
    timed('publishOneApp', 'publish', () => node(['publish']));
    writeFiles(floor, next, delta);
    timed('gitCommit', 'git commit', gitIn(floor, 'git add -A && git commit -q -m change'));
    // No-op.
    timed('publishNoop', 'no-op publish', () => node(['publish']));
    timed('gitNoop', 'git diff --cached --quiet', gitIn(floor, 'git add -A && git diff --cached --quiet'));
    timed('nodeStart', 'node -e 0', () => runProcess('node', ['-e', '0'], { cwd: src, env }));
  }

  // After a full re-render: `cdk8s synth` writes a whole new folder and swaps it in (every file a new inode), so
  // neither publish's stat cache nor git's index knows any file. The peer rewrites every file of its checkout
  // (new times: git hashes every file again), then commits.
  for (let rep = 0; rep < reps; rep++) {
    // Continues the alternation above: each run publishes a change.
    const next = (reps + rep) % 2 === 0 ? changed : tree;
    writeTree(dist, next);
    check(node(['validate']), 'validate');
    timed('publishRerender', 'publish after a re-render', () => node(['publish']));
    writeFiles(floor, next);
    timed('gitRerender', 'git commit after a rewrite', gitIn(floor, 'git add -A && git commit -q -m change'));
  }

  const result: Record<string, unknown> = { apps, reps, files: tree.size, runs: out, cpuMs: cpu };
  if (withKustomize) {
    // validate (kustomize included, no cache) vs one kubectl kustomize of a root listing every app folder, sequentially.
    const v = node(['validate', '--no-cache']);
    check(v, 'validate --no-cache');
    const rootDir = path.join(work, 'kroot');
    fs.rmSync(rootDir, { recursive: true, force: true });
    writeTree(rootDir, tree);
    const folders = ENVIRONMENTS.flatMap(e => Array.from({ length: apps }, (_, i) => `${e.name}/${appName(i)}`));
    fs.writeFileSync(path.join(rootDir, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${folders.map(f => `- ${f}`).join('\n')}\n`);
    const k = runProcess('kubectl', ['kustomize', rootDir], { cwd: work, env, timeoutMs: 1_800_000 });
    check(k, 'kubectl kustomize');
    result.validate = { validateMs: v.ms, kubectlKustomizeRootMs: k.ms, ratio: v.ms / k.ms };
  }
  const ratio = (a: number[], b: number[]) => ({ min: Math.min(...a) / Math.min(...b), median: median(a) / median(b) });
  result.ratios = {
    oneApp: ratio(out.publishOneApp, out.gitCommit),
    noop: ratio(out.publishNoop, out.gitNoop),
    nodeStartVsGitNoop: ratio(out.nodeStart, out.gitNoop),
    // What a Node.js CLI can aim at: against `node -e 0` plus the git command (the lead's restated target, ≤ 2×).
    oneAppVsNodePlusGit: ratio(out.publishOneApp, out.nodeStart.map((n, i) => n + out.gitCommit[i])),
    noopVsNodePlusGit: ratio(out.publishNoop, out.nodeStart.map((n, i) => n + out.gitNoop[i])),
    rerender: ratio(out.publishRerender, out.gitRerender),
    rerenderVsNodePlusGit: ratio(out.publishRerender, out.nodeStart.map((n, i) => n + out.gitRerender[i])),
  };
  if (cpu.gitCommit.length === reps && cpu.gitCommit.every(x => x > 0) && cpu.gitNoop.every(x => x > 0)) {
    result.cpuRatios = { oneApp: ratio(cpu.publishOneApp, cpu.gitCommit), noop: ratio(cpu.publishNoop, cpu.gitNoop) };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
