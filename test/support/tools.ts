import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValidationError } from '../../src/errors';

const seen = new Map<string, boolean>();

/**
 * True if `tool` (e.g. `git`, `kubectl`) runs. When it does not: under
 * CI=true this throws (CI must have every tool); elsewhere it prints why the
 * calling tests skip and returns false. Use with `(has ? describe : describe.skip)`.
 */
export function hasTool(tool: string, versionArgs: string[] = ['version', '--client']): boolean {
  if (!seen.has(tool)) {
    let ok = true;
    try {
      execFileSync(tool, versionArgs, { stdio: 'ignore', timeout: 20_000 });
    } catch {
      ok = false;
    }
    seen.set(tool, ok);
    if (!ok) {
      if (process.env.CI === 'true') throw new Error(`${tool} is required under CI=true but is not installed`);
      // eslint-disable-next-line no-console
      console.warn(`skipping tests that need ${tool}: it is not installed`);
    }
  }
  return seen.get(tool)!;
}

/** The repo's `../shared` folder if present; under CI=true its absence throws. */
export function sharedDir(): string | undefined {
  const dir = path.resolve(__dirname, '..', '..', '..', 'shared');
  if (fs.existsSync(dir)) return dir;
  if (process.env.CI === 'true') throw new Error(`../shared is required under CI=true but ${dir} does not exist`);
  // eslint-disable-next-line no-console
  console.warn(`skipping tests that need ../shared: ${dir} does not exist`);
  return undefined;
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tmpDir(prefix = 'cdk8s-gitops-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The ValidationError `fn` throws (fails the test if it throws nothing or something else). */
export function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}
