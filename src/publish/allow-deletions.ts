import { PublishRefusedError } from './publish-error';

/**
 * Parses the value of `--allow-deletions` (`50`, `50%` or `100%`) into a
 * number between 0 and 100; refuses anything else (`PublishRefusedError`).
 */
export function parseAllowedDeletions(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= 100)) {
    throw new PublishRefusedError('bad-argument', `--allow-deletions must be a percentage between 0% and 100% (got ${JSON.stringify(value)})`);
  }
  return n;
}
