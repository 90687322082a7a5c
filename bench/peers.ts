/**
 * Whole-process render against honest peers, alternated, on tmpfs:
 *   node -r esbuild-register bench/peers.ts [--apps 1000,5000] [--reps 5] [--naive-reps 1]
 *
 * Every command is a fresh `node <bundle>.js` process (start-up included),
 * each bundle built by esbuild with the dependencies external, so no command
 * pays TypeScript transpiling:
 * - ours: this library, N apps × 2 environments, render + validation gate + write
 *   (it also renders kustomizations and Argo CD objects the peers do not);
 * - fair peer (a): raw cdk8s-plus-28, one Chart per environment, objects written to app folders;
 * - fair peer (b): raw cdk8s-plus-28, one Chart per app, each in its own App, `chart.toJson()` per folder;
 * - naive peer (c): one Chart per app in one App, `app.synth()` file per chart (grows with charts²);
 * - floors: the same plain objects ours rendered, stringified with `yaml` / `JSON.stringify` and written.
 * The commands of a round run in rotated order; min and median of the rounds are reported.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { REPO, median, runProcess } from './_util';

/** One command's runs. */
export interface PeerTimes {
  readonly ms: number[];
  /** CPU time (user + system) of each run, when GNU time measured it. */
  readonly cpuMs?: number[];
  readonly maxRssMiB?: number;
  readonly failed?: string;
}

/** Everything one app count measured. */
export interface PeerResult {
  readonly apps: number;
  readonly files: Record<string, number>;
  readonly times: Record<string, PeerTimes>;
}

export const PEER_ROWS: Array<[string, string]> = [
  ['ours', 'cdk8s-gitops: render + validation gate + write (also kustomizations, Argo CD objects)'],
  ['envChart', 'fair peer (a): cdk8s-plus-28, one Chart per environment, written per app folder'],
  ['appChart', 'fair peer (b): cdk8s-plus-28, one Chart per app in its own App, chart.toJson() per folder'],
  ['naive', 'naive peer (c): cdk8s-plus-28, one Chart per app, app.synth() file per chart'],
  ['floorYaml', 'floor: the same objects, yaml stringify + write'],
  ['floorJson', 'floor: the same objects, JSON.stringify + write'],
];

/** Bundles bench/whole/*.ts into `bin` (dependencies external: node_modules is linked beside it). */
export function buildPeerBundles(work: string): string {
  const bin = path.join(work, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const nm = path.join(work, 'node_modules');
  if (!fs.existsSync(nm)) fs.symlinkSync(path.join(REPO, 'node_modules'), nm, 'dir');
  // The library's schema files stay beside its code, as in the published
  // package (lib/validate/schemas/*.json, required on first use) and the
  // app command's prebuilt bundle: inlined, they would add 4.7 MB of
  // JavaScript to parse to every run of ours (~0.1 s of CPU) that no user pays.
  const schemas = path.join(bin, 'schemas');
  if (!fs.existsSync(schemas)) fs.symlinkSync(path.join(REPO, 'src', 'validate', 'schemas'), schemas, 'dir');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  // The validation gate's worker script goes beside ours, as in the package and the prebuilt bundle.
  const entries: [string, string][] = [
    ...['ours', 'peer-env-chart', 'peer-app-chart', 'peer-naive', 'floor'].map((name): [string, string] => [name, path.join(__dirname, 'whole', `${name}.ts`)]),
    ['_gate-worker', path.join(REPO, 'src', 'validate', '_gate-worker.ts')],
  ];
  for (const [name, entry] of entries) {
    esbuild.buildSync({
      entryPoints: [entry],
      outfile: path.join(bin, `${name}.js`),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      external: ['./schemas/*'],
      logLevel: 'error',
    });
  }
  return bin;
}

function countFiles(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

function readObjects(dir: string, rel = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...readObjects(dir, r));
    else out.push([r, parse(fs.readFileSync(path.join(dir, r), 'utf8'))]);
  }
  return out;
}

/**
 * Runs every command `reps` times, alternated, for `apps` apps; with
 * `oursOnly` (the scaling run) only ours.
 */
export function runPeers(
  work: string, bin: string, apps: number, reps: number, naiveReps: number, log: (m: string) => void, oursOnly = false,
): PeerResult {
  const dir = path.join(work, `peers-${apps}`);
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, 'out');
  const objectsFile = path.join(dir, 'objects.json');
  const env = { ...process.env, NO_COLOR: '1' };
  const node = (script: string, ...a: string[]) => ['node', [path.join(bin, script), ...a]] as const;
  const commands: Record<string, readonly [string, readonly string[]]> = {
    ours: node('ours.js', String(apps), out),
    envChart: node('peer-env-chart.js', String(apps), out),
    appChart: node('peer-app-chart.js', String(apps), out),
    floorYaml: node('floor.js', 'yaml', objectsFile, out),
    floorJson: node('floor.js', 'json', objectsFile, out),
    naive: node('peer-naive.js', String(apps), out),
  };
  const times: Record<string, { ms: number[]; cpu: number[]; rss: number[]; failed?: string }> = {};
  const files: Record<string, number> = {};
  const run = (key: string): void => {
    const t = (times[key] ??= { ms: [], cpu: [], rss: [] });
    if (t.failed) return;
    fs.rmSync(out, { recursive: true, force: true });
    const [cmd, args] = commands[key];
    const r = runProcess(cmd, [...args], { cwd: dir, env, timeoutMs: 1_800_000 });
    if (r.status !== 0) {
      t.failed = `exit ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
      return;
    }
    t.ms.push(r.ms);
    if (r.maxRssMiB !== undefined) t.rss.push(r.maxRssMiB);
    if (r.cpuMs !== undefined) t.cpu.push(r.cpuMs);
    files[key] = countFiles(out);
  };

  // Warm-up (untimed): ours once, whose output becomes the floors' objects.
  log(`${apps} apps: warm-up and the floors' objects`);
  fs.rmSync(out, { recursive: true, force: true });
  const warm = runProcess(...[commands.ours[0], [...commands.ours[1]]] as [string, string[]], { cwd: dir, env, timeoutMs: 1_800_000 });
  if (warm.status !== 0) throw new Error(`ours failed at ${apps} apps: ${warm.stderr}`);
  if (!oursOnly) fs.writeFileSync(objectsFile, JSON.stringify(readObjects(out)));

  const order = oursOnly ? ['ours'] : ['ours', 'envChart', 'appChart', 'floorYaml', 'floorJson'];
  for (let round = 0; round < reps; round++) {
    log(`${apps} apps: round ${round + 1}/${reps}`);
    for (let k = 0; k < order.length; k++) run(order[(k + round) % order.length]);
  }
  for (let i = 0; i < naiveReps; i++) {
    log(`${apps} apps: naive peer ${i + 1}/${naiveReps}`);
    run('naive');
  }
  fs.rmSync(out, { recursive: true, force: true });
  const result: Record<string, PeerTimes> = {};
  for (const [k, t] of Object.entries(times)) {
    const cpuMs = t.cpu.length === t.ms.length ? t.cpu : undefined;
    result[k] = { ms: t.ms, cpuMs, maxRssMiB: t.rss.length ? Math.max(...t.rss) : undefined, failed: t.failed };
  }
  return { apps, files, times: result };
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function stat(t: PeerTimes | undefined): { min: number; med: number } | undefined {
  if (!t || t.failed || !t.ms.length) return undefined;
  return { min: Math.min(...t.ms), med: median(t.ms) };
}

/** Min and median CPU time (user + system), when measured. */
function cpuStat(t: PeerTimes | undefined): { min: number; med: number } | undefined {
  if (!t || t.failed || !t.cpuMs?.length) return undefined;
  return { min: Math.min(...t.cpuMs), med: median(t.cpuMs) };
}

/** The best fair peer (lowest median): (a) or (b). */
export function bestFairPeer(r: PeerResult): string | undefined {
  const a = stat(r.times.envChart);
  const b = stat(r.times.appChart);
  if (!a && !b) return undefined;
  if (!a) return 'appChart';
  if (!b) return 'envChart';
  return a.med <= b.med ? 'envChart' : 'appChart';
}

/** One target line: ratio of medians (and of minimums) against a limit. */
export interface PeerTarget { readonly target: string; readonly measured: string; readonly limit: string; readonly met?: boolean }

function ratio(target: string, a: PeerTimes | undefined, b: PeerTimes | undefined, limit: number): PeerTarget {
  const x = stat(a);
  const y = stat(b);
  if (!x || !y) return { target, measured: `not measured${a?.failed ? `: ${a.failed}` : b?.failed ? `: ${b.failed}` : ''}`, limit: `≤ ${limit}×` };
  const med = x.med / y.med;
  const min = x.min / y.min;
  const cx = cpuStat(a);
  const cy = cpuStat(b);
  const cpu = cx && cy ? `; CPU time ${(cx.med / cy.med).toFixed(2)}× of medians (${fmt(cx.med)} / ${fmt(cy.med)} ms)` : '';
  return { target, measured: `${med.toFixed(2)}× of medians (${fmt(x.med)} / ${fmt(y.med)} ms), ${min.toFixed(2)}× of minimums${cpu}`, limit: `≤ ${limit}×`, met: med <= limit };
}

/** The peer targets of issue 13 for the measured app counts. */
export function peerTargets(results: readonly PeerResult[]): PeerTarget[] {
  const out: PeerTarget[] = [];
  const at = (n: number) => results.find(r => r.apps === n) ?? [...results].sort((x, y) => y.apps - x.apps)[0];
  const main = results.find(r => r.apps === 1000) ?? at(0);
  if (!main) return out;
  const best = bestFairPeer(main);
  const label = PEER_ROWS.find(([k]) => k === best)?.[1].split(':')[0] ?? 'best fair peer';
  out.push(ratio(`${main.apps} apps: ours (render + gate) vs the best fair peer, ${label}`, main.times.ours, best ? main.times[best] : undefined, 1.0));
  out.push(ratio(`${main.apps} apps: ours vs the yaml floor`, main.times.ours, main.times.floorYaml, 1.6));
  out.push({ ...ratio(`${main.apps} apps: ours vs the naive peer (c), for reference`, main.times.ours, main.times.naive, Infinity), limit: '-', met: undefined });
  const big = results.find(r => r.apps > main.apps);
  if (big) {
    const a = stat(big.times.ours);
    const b = stat(main.times.ours);
    if (a && b) {
      const r = (a.med / big.apps) / (b.med / main.apps);
      const ca = cpuStat(big.times.ours);
      const cb = cpuStat(main.times.ours);
      const cpu = ca && cb ? `; CPU time ${((ca.med / big.apps) / (cb.med / main.apps)).toFixed(2)}× (${(ca.med / big.apps).toFixed(2)} vs ${(cb.med / main.apps).toFixed(2)} ms/app)` : '';
      out.push({ target: `per-app time of ours at ${big.apps} vs ${main.apps} apps`, measured: `${r.toFixed(2)}× (${(a.med / big.apps).toFixed(2)} vs ${(b.med / main.apps).toFixed(2)} ms/app)${cpu}`, limit: '≤ 1.2×', met: r <= 1.2 });
    }
    const rss = big.times.ours?.maxRssMiB;
    out.push(rss === undefined
      ? { target: `peak RSS of ours at ${big.apps} apps`, measured: 'not measured (no GNU time)', limit: '≤ 400 MiB' }
      : { target: `peak RSS of ours at ${big.apps} apps`, measured: `${rss.toFixed(0)} MiB`, limit: '≤ 400 MiB', met: rss <= 400 });
  }
  return out;
}

/** The printed tables: per app count every command (min, median, ms/app, CPU time, peak RSS), then the targets. */
export function renderPeerTable(results: readonly PeerResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`| whole process, ${r.apps} apps × 2 envs (fresh node, tmpfs, alternated) | min ms | median ms | ms/app | CPU min / median ms | peak RSS | runs | files |`);
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [k, label] of PEER_ROWS) {
      const t = r.times[k];
      if (!t) continue;
      const s = stat(t);
      if (!s) {
        lines.push(`| ${label} | - | - | - | - | - | - | ${t?.failed ? `failed: ${t.failed}` : 'not run'} |`);
        continue;
      }
      const c = cpuStat(t);
      lines.push(`| ${label} | ${fmt(s.min)} | ${fmt(s.med)} | ${(s.med / r.apps).toFixed(2)} | ${c ? `${fmt(c.min)} / ${fmt(c.med)}` : '-'} | ${t.maxRssMiB === undefined ? '-' : `${t.maxRssMiB.toFixed(0)} MiB`} | ${t.ms.length} | ${r.files[k] ?? '-'} |`);
    }
    lines.push('');
  }
  lines.push('| peer target | measured | limit | result |');
  lines.push('|---|---|---|---|');
  for (const t of peerTargets(results)) lines.push(`| ${t.target} | ${t.measured} | ${t.limit} | ${t.met === undefined ? '-' : t.met ? 'met' : 'MISSED'} |`);
  return `${lines.join('\n')}\n`;
}

function scratch(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

if (require.main === module) {
  const arg = (name: string, dflt: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : dflt;
  };
  const apps = arg('apps', '1000').split(',').map(Number);
  const reps = Number(arg('reps', '5'));
  const naiveReps = Number(arg('naive-reps', '1'));
  const work = fs.mkdtempSync(path.join(scratch(), 'cdk8s-gitops-peers-'));
  const log = (m: string) => process.stderr.write(`[peers] ${m}\n`);
  try {
    const bin = buildPeerBundles(work);
    // Above 1,000 apps only ours runs (the scaling target), with at most 3 rounds.
    const results: PeerResult[] = [];
    for (const n of apps) {
      results.push(runPeers(work, bin, n, n > 1000 ? Math.min(reps, 3) : reps, n > 1000 ? 0 : naiveReps, log, n > 1000));
      process.stdout.write(`${renderPeerTable(results)}\n`); // after each count: a partial run still reports
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
