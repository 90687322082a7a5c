/**
 * The image-pins rows of the benchmark: `set-image` on a large `images.yaml`, as whole processes (start-up included: that is what CI pays).
 *
 * Run by bench/run.ts, or alone while working on the pins:
 *   node --require esbuild-register bench/pins.ts [--apps 20000,200000] [--reps 3] [--quick]
 *
 * Targets (issue 13): `set-image` on a 20,000-app file ≤ 0.5 s; 200,000 apps
 * scale linearly (per-app cost, start-up subtracted, within 1.2× of 20,000's).
 * Compared in the same run: the CLI's start-up (`--version`), the I/O floor
 * (a node process reading and rewriting the same file), and — in a full run —
 * the `yaml` library parsing the 20,000-app file alone (what the previous
 * implementation did, several times per edit).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median, REPO, runProcess } from './_util';

/** Timings of one whole-process command. */
export interface PinsTimed {
  readonly ms: number[];
  readonly maxRssMiB?: number;
  readonly failed?: string;
}

/** What the pins rows measured. */
export interface PinsMeasurements {
  /** `cdk8s-gitops --version`: the CLI's fixed cost. */
  readonly cliStartup: PinsTimed;
  readonly sizes: Array<{
    readonly apps: number;
    readonly bytes: number;
    readonly setImage: PinsTimed;
    /** A node process reading and atomically rewriting the file. */
    readonly ioFloor: PinsTimed;
    /** `yaml`'s parseDocument of the file, in a process (full runs, 20,000 apps and fewer). */
    readonly yamlParse?: PinsTimed;
  }>;
}

const SHAS = ['5d41402abc4b2a76b9719d911017c592ae8f1b23', '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12'];

/** A pins file like a big estate's: a comment header, then `apps` apps pinned in dev and prod. */
export function pinsFile(apps: number): string {
  const parts = ['# Image pins: edited by `cdk8s-gitops set-image` and `promote`; read at synth.\n'];
  for (let i = 0; i < apps; i++) {
    parts.push(`app-${i}:\n  dev: ghcr.io/example/app-${i}:${SHAS[0]}\n  prod: ghcr.io/example/app-${i}:${SHAS[1]}\n`);
  }
  return parts.join('');
}

function timed(runs: ReturnType<typeof runProcess>[], what: string): PinsTimed {
  const bad = runs.find(r => r.status !== 0);
  if (bad) return { ms: [], failed: `${what} exited ${bad.status}: ${bad.stderr.trim().split('\n').slice(-2).join(' | ')}` };
  const rss = runs.map(r => r.maxRssMiB).filter((x): x is number => x !== undefined);
  return { ms: runs.map(r => r.ms), maxRssMiB: rss.length ? Math.max(...rss) : undefined };
}

/** Measures the pins rows in `work` (created; on tmpfs when the caller's work dir is). */
export function runPinsBench(
  work: string,
  opts: { apps: readonly number[]; reps: number; quick: boolean },
  log: (msg: string) => void,
): PinsMeasurements {
  fs.mkdirSync(work, { recursive: true });
  const nm = path.join(work, 'node_modules');
  if (!fs.existsSync(nm)) fs.symlinkSync(path.join(REPO, 'node_modules'), nm, 'dir');
  // The CLI compiled file by file, like the published package's lib/ (a command loads only the modules it uses).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const sources = (fs.readdirSync(path.join(REPO, 'src'), { recursive: true }) as string[])
    .filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts')).map(f => path.join(REPO, 'src', f));
  esbuild.buildSync({
    entryPoints: sources,
    outdir: path.join(work, 'lib'),
    bundle: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    supported: { 'dynamic-import': false },
    logLevel: 'error',
  });
  fs.writeFileSync(path.join(work, 'cli.js'), "require('./lib/cli/main.js').main();\n");
  const floorScript = path.join(work, 'io-floor.js');
  fs.writeFileSync(floorScript, "const fs = require('fs'); const f = process.argv[2]; const t = fs.readFileSync(f, 'utf8'); "
    + "fs.writeFileSync(f + '.tmp', t); fs.renameSync(f + '.tmp', f);\n");
  const yamlScript = path.join(work, 'yaml-parse.js');
  fs.writeFileSync(yamlScript, "require('yaml').parseDocument(require('fs').readFileSync(process.argv[2], 'utf8'), { uniqueKeys: true });\n");

  const cli = (...args: string[]) => runProcess('node', ['cli.js', ...args], { cwd: work });
  const startup: ReturnType<typeof runProcess>[] = [];
  const sizes: PinsMeasurements['sizes'] = [];
  for (const apps of opts.apps) {
    const reps = opts.reps || (opts.quick ? 1 : apps > 20_000 ? 3 : 5);
    const file = `images-${apps}.yaml`;
    const text = pinsFile(apps);
    fs.writeFileSync(path.join(work, file), text);
    log(`pins: ${apps} apps (${(text.length / 2 ** 20).toFixed(1)} MiB), ${reps} repetition(s)`);
    const setImage: ReturnType<typeof runProcess>[] = [];
    const ioFloor: ReturnType<typeof runProcess>[] = [];
    const middle = `app-${Math.floor(apps / 2)}`;
    // Alternate the compared commands; each set-image really rewrites the file (the tag flips).
    for (let rep = 0; rep < reps; rep++) {
      setImage.push(cli('set-image', `${middle}=ghcr.io/example/${middle}:${SHAS[(rep + 1) % 2]}`, '--file', file));
      ioFloor.push(runProcess('node', [floorScript, file], { cwd: work }));
      if (startup.length < reps) startup.push(cli('--version'));
    }
    const yamlParse = !opts.quick && apps <= 20_000 ? timed([runProcess('node', [yamlScript, file], { cwd: work })], 'yaml parseDocument') : undefined;
    sizes.push({
      apps,
      bytes: text.length,
      setImage: timed(setImage, 'set-image'),
      ioFloor: timed(ioFloor, 'the I/O floor'),
      ...(yamlParse ? { yamlParse } : {}),
    });
    fs.rmSync(path.join(work, file), { force: true });
  }
  return { cliStartup: timed(startup, 'cdk8s-gitops --version'), sizes };
}

function stats(t: PinsTimed | undefined): string {
  if (!t) return '-';
  if (t.failed) return `failed: ${t.failed}`;
  const min = Math.min(...t.ms);
  return `${min.toFixed(0)} / ${median(t.ms).toFixed(0)} ms${t.maxRssMiB ? `, ${t.maxRssMiB.toFixed(0)} MiB` : ''}`;
}

/** The pins rows and their two targets, as printed by `npm run bench`. */
export function renderPinsTable(m: PinsMeasurements): string {
  const lines = ['', 'Image pins (whole processes; min / median, peak RSS)', ''];
  lines.push('| apps × 2 envs | file | set-image | I/O floor | yaml parse only |', '|---|---|---|---|---|');
  for (const s of m.sizes) {
    lines.push(`| ${s.apps.toLocaleString('en-US')} | ${(s.bytes / 2 ** 20).toFixed(1)} MiB | ${stats(s.setImage)} | ${stats(s.ioFloor)} | ${stats(s.yamlParse)} |`);
  }
  lines.push(`\nCLI start-up (\`--version\`): ${stats(m.cliStartup)}`, '');
  const minOf = (t: PinsTimed | undefined) => (t && !t.failed && t.ms.length ? Math.min(...t.ms) : undefined);
  const start = minOf(m.cliStartup);
  const small = m.sizes.find(s => s.apps === 20_000);
  const big = m.sizes.find(s => s.apps === 200_000);
  const t20 = minOf(small?.setImage);
  lines.push(t20 === undefined
    ? '- set-image, 20,000 apps ≤ 500 ms: not measured'
    : `- set-image, 20,000 apps ≤ 500 ms: ${t20.toFixed(0)} ms (min) → ${t20 <= 500 ? 'met' : 'MISSED'}`
      + `${start !== undefined ? ` (${(t20 / start).toFixed(2)}× the CLI's start-up)` : ''}`);
  const t200 = minOf(big?.setImage);
  if (t20 !== undefined && t200 !== undefined && start !== undefined) {
    const ratio = (t200 - start) / (10 * Math.max(1, t20 - start));
    lines.push(`- set-image, 200,000 apps linear (per-app cost, start-up subtracted, ≤ 1.2× of 20,000's): ${ratio.toFixed(2)}× `
      + `(${t200.toFixed(0)} ms vs ${t20.toFixed(0)} ms, start-up ${start.toFixed(0)} ms) → ${ratio <= 1.2 ? 'met' : 'MISSED'}`);
  } else {
    lines.push('- set-image, 200,000 apps linear: not measured');
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const apps = (value('--apps') ?? '20000,200000').split(',').map(Number);
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const work = fs.mkdtempSync(path.join(base, 'cdk8s-gitops-bench-pins-'));
  try {
    const m = runPinsBench(work, { apps, reps: Number(value('--reps') ?? 0), quick }, msg => process.stderr.write(`[bench] ${msg}\n`));
    process.stdout.write(renderPinsTable(m));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
