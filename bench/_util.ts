/** Small helpers shared by the benchmark scripts (timing, statistics, optional modules). */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The checkout the benchmark runs against. */
export const REPO = path.resolve(__dirname, '..');

/** Median of `xs` (NaN when empty). */
export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Milliseconds since `start` (from `process.hrtime.bigint()`). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `fn` `reps` times (after `setup` each time, untimed) and returns every duration in ms. */
export async function timeReps(reps: number, fn: (rep: number) => unknown, setup?: (rep: number) => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    if (setup) await setup(rep);
    const start = process.hrtime.bigint();
    await fn(rep);
    out.push(msSince(start));
  }
  return out;
}

/**
 * Loads `src/<rel>.ts` of the checkout if it exists (another helper's phase
 * may not have landed yet); returns undefined, with the reason, otherwise.
 */
export function optionalModule<T = any>(rel: string): { mod?: T; why?: string } {
  const file = path.join(REPO, 'src', `${rel}.ts`);
  if (!fs.existsSync(file)) return { why: `src/${rel}.ts does not exist yet` };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { mod: require(file) as T };
  } catch (e) {
    return { why: `src/${rel}.ts failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** True if `cmd args` runs (exit 0). */
export function hasCommand(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** Result of one whole-process run. */
export interface ProcessRun {
  readonly ms: number;
  /** Peak resident memory in MiB of the process (and its waited-for children), if measurable. */
  readonly maxRssMiB?: number;
  /** CPU time in ms (user + system) of the process and its waited-for children, if measurable: on a loaded machine it varies less than wall time. */
  readonly cpuMs?: number;
  readonly status: number | null;
  readonly stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command as a whole process, timing it from the outside. Peak memory
 * comes from GNU time (`%M`, which covers reaped children too) when present.
 */
export function runProcess(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): ProcessRun {
  const useTime = fs.existsSync(GNU_TIME);
  const rssFile = path.join(opts.cwd, `.bench-rss-${process.pid}`);
  const [file, argv] = useTime ? [GNU_TIME, ['-q', '-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  const r = spawnSync(file, argv, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeoutMs ?? 600_000, maxBuffer: 64 * 2 ** 20 });
  const ms = msSince(start);
  let maxRssMiB: number | undefined;
  let cpuMs: number | undefined;
  if (useTime && fs.existsSync(rssFile)) {
    const [kb, user, sys] = (fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
    if (Number.isFinite(kb)) maxRssMiB = kb / 1024;
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user + sys) * 1000;
    fs.rmSync(rssFile, { force: true });
  }
  return { ms, maxRssMiB, cpuMs, status: r.status, stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Runs a shell command line synchronously and throws with its output if it fails. */
export function sh(line: string, cwd: string): void {
  const r = spawnSync('sh', ['-c', line], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`\`${line}\` failed in ${cwd}: ${r.stderr || r.stdout}`);
}
