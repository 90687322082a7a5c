/**
 * `status` and `promote` on a large rendered history:
 *   node -r esbuild-register bench/status.ts [--apps 1000] [--commits 40] [--reps 5] [--keep]
 *
 * Writes, with `git fast-import`, a rendered branch of N apps × 3 stages
 * (dev, staging, prod: a kustomization and a Deployment per folder) and C
 * commits, each moving 5% of the apps one version on in dev, and every
 * fourth also promoting to staging and prod. Then times, alternating, whole
 * processes (start-up included): `cdk8s-gitops status --output json`,
 * `cdk8s-gitops promote --to prod --app <one>` (refused or not, it reads the
 * whole history), and the floor: the one `git log` that `status` runs.
 * Prints min and median of each and their ratios. Needs `lib/` (npx projen compile).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const APPS = arg('apps', 1000);
const COMMITS = arg('commits', 40);
const REPS = arg('reps', 5);
const STAGES = ['dev', 'staging', 'prod'];
const BIN = path.resolve(__dirname, '..', 'bin', 'cdk8s-gitops');
const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  NO_COLOR: '1',
};

const app = (i: number) => `app-${String(i).padStart(4, '0')}`;
const image = (i: number, v: number) => `ghcr.io/example/${app(i)}:v${v}`;

function kustomization(i: number, v: number): string {
  return ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', '  - deployment-web.yaml',
    'images:', `  - name: ghcr.io/example/${app(i)}`, `    newTag: v${v}`, ''].join('\n');
}

function deployment(i: number, stage: string, v: number): string {
  return ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${app(i)}`, `  namespace: ${stage}`, 'spec:', '  template:', '    spec:',
    '      containers:', `        - image: ${image(i, v)}`, '          name: web', ''].join('\n');
}

/** A fast-import stream: commit k at a fixed hourly date, only the changed folders written. */
function stream(): string {
  const versions = STAGES.map(() => new Array<number>(APPS).fill(1));
  const out: string[] = [];
  const start = Date.UTC(2026, 0, 1) / 1000;
  for (let k = 0; k < COMMITS; k++) {
    const changed = new Set<string>();
    if (k > 0) {
      for (let j = 0; j < Math.ceil(APPS / 20); j++) {
        const i = (k * 37 + j * 53) % APPS;
        versions[0][i]++;
        changed.add(`0:${i}`);
      }
      if (k % 4 === 0) {
        for (let i = 0; i < APPS; i++) {
          for (const s of [2, 1]) {
            if (versions[s][i] !== versions[s - 1][i]) { versions[s][i] = versions[s - 1][i]; changed.add(`${s}:${i}`); }
          }
        }
      }
    }
    const msg = `Render ${k}\n\nSource-Commit: ${k.toString(16).padStart(40, '0')}\nRendered-By: cdk8s-gitops/bench\n`;
    out.push('commit refs/heads/rendered-manifests', `committer bench <bench@example.invalid> ${start + k * 3600} +0000`,
      `data ${Buffer.byteLength(msg)}`, msg);
    const files: Array<[string, string]> = [];
    if (k === 0) {
      files.push(['.cdk8s-gitops', 'rendered by cdk8s-gitops\n']);
      for (let s = 0; s < STAGES.length; s++) for (let i = 0; i < APPS; i++) changed.add(`${s}:${i}`);
    }
    for (const c of changed) {
      const [s, i] = c.split(':').map(Number);
      files.push([`${STAGES[s]}/${app(i)}/kustomization.yaml`, kustomization(i, versions[s][i])]);
      files.push([`${STAGES[s]}/${app(i)}/deployment-web.yaml`, deployment(i, STAGES[s], versions[s][i])]);
    }
    for (const [p, content] of files) out.push(`M 100644 inline ${p}`, `data ${Buffer.byteLength(content)}`, content);
    out.push('');
  }
  return out.join('\n');
}

function time(cmd: string, args: string[], cwd: string): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env: ENV, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1024 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && !(args.includes('promote') && r.status === 2)) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

function main(): void {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, 'cdk8s-gitops-status-bench-'));
  try {
    spawnSync('git', ['init', '-q', '-b', 'main', dir], { env: ENV });
    const fi = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, env: ENV, input: stream(), maxBuffer: 1024 * 1024 * 1024 });
    if (fi.status !== 0) throw new Error(`fast-import: ${fi.stderr}`);
    fs.writeFileSync(path.join(dir, 'pipeline.yaml'), 'stages:\n  - name: dev\n  - name: staging\n    soak: 1h\n  - name: prod\n    soak: 24h\n');
    fs.writeFileSync(path.join(dir, 'images.yaml'), `${app(0)}:\n  dev: ${image(0, 1)}\n  staging: ${image(0, 1)}\n  prod: ${image(0, 1)}\n`);
    const runs: Record<string, [string, string[]]> = {
      'git log (floor)': ['git', ['log', '--first-parent', '--reverse', '--root', '--no-renames', '--raw', '--no-abbrev',
        '--format=%x1e%H%x00%cI%x00%(trailers:only,unfold)%x00', 'rendered-manifests', '--', ':(glob)**/kustomization.yaml']],
      'status --output json': [process.execPath, [BIN, 'status', '--output', 'json']],
      'promote --to prod --app app-0000': [process.execPath, [BIN, 'promote', '--to', 'prod', '--app', app(0), '--output', 'json']],
    };
    const ms: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map(k => [k, []]));
    for (let r = 0; r < REPS + 1; r++) {
      for (const [name, [cmd, args]] of Object.entries(runs)) {
        const t = time(cmd, args, dir);
        if (r > 0) ms[name].push(t); // the first round warms the page cache
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const floor = med(ms['git log (floor)']);
    process.stdout.write(`${APPS} apps x ${STAGES.length} stages, ${COMMITS} rendered commits, ${REPS} reps (load ${os.loadavg()[0].toFixed(1)})\n`);
    for (const [name, xs] of Object.entries(ms)) {
      process.stdout.write(`${name.padEnd(36)} min ${Math.min(...xs).toFixed(0).padStart(6)} ms  median ${med(xs).toFixed(0).padStart(6)} ms  ${(med(xs) / floor).toFixed(1)}x the git log\n`);
    }
  } finally {
    if (process.argv.includes('--keep')) process.stdout.write(`kept ${dir}\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
