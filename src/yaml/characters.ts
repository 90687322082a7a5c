import { Problem } from '../errors';
import { emitKey } from './emit';

/** Characters Go's YAML parser rejects, or folds into line breaks, even when escaped in some styles. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDFFF]/u;

/** Anything but tab, line feed, carriage return and printable ASCII: only such strings can hold a FORBIDDEN character (a test without the `u` flag, for the common all-ASCII string). */
// eslint-disable-next-line no-control-regex
const MAYBE_FORBIDDEN = /[^\t\n\r\x20-\x7E]/;

/** Longest implicit key YAML allows (Go's parser and the `yaml` library both enforce it). */
export const MAX_KEY_LENGTH = 1024;

/**
 * Describes why `s` cannot be emitted safely, or `undefined` if it can.
 * Go's parser refuses raw control characters and rewrites NEL, LS and PS as
 * line breaks; a BOM or a non-character inside a value is never intended.
 */
export function unsafeCharacter(s: string): string | undefined {
  if (!MAYBE_FORBIDDEN.test(s)) return undefined;
  const m = FORBIDDEN.exec(s);
  if (!m) return undefined;
  const cp = m[0].codePointAt(0)!;
  return `contains the character U+${cp.toString(16).toUpperCase().padStart(4, '0')} at index ${m.index}, which Go's YAML parser (Argo CD, the API server) rejects or rewrites`;
}

/** True if `k` is longer than YAML allows as written (escapes take at most 6 characters per character, plus 2 quotes). */
function keyTooLong(k: string): boolean {
  return k.length * 6 + 2 > MAX_KEY_LENGTH && emitKey(k).length > MAX_KEY_LENGTH;
}

/**
 * True if `findUnsafeStrings(value, …)` would find anything: the same walk
 * without the field paths, for the common clean object.
 */
export function hasUnsafeStrings(value: unknown): boolean {
  if (typeof value === 'string') return unsafeCharacter(value) !== undefined;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasUnsafeStrings(value[i])) return true;
    return false;
  }
  for (const k of Object.keys(value)) {
    if (unsafeCharacter(k) !== undefined) return true;
    if (keyTooLong(k)) return true;
    if (hasUnsafeStrings((value as Record<string, unknown>)[k])) return true;
  }
  return false;
}

/**
 * Collects every string (keys and values) in `value` that cannot be emitted
 * safely, as problems naming the field path.
 */
export function findUnsafeStrings(value: unknown, where: string, fieldPrefix = ''): Problem[] {
  const problems: Problem[] = [];
  // The field path is built only for a problem: `at` holds the keys and
  // indexes from the root, so a clean walk allocates no path strings.
  const at: (string | number)[] = [];
  const fieldOf = (key?: string): string => {
    let field = fieldPrefix;
    const step = (k: string | number) => {
      field = typeof k === 'number' ? `${field}[${k}]` : field ? `${field}.${k}` : k;
    };
    at.forEach(step);
    if (key !== undefined) step(key);
    return field;
  };
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const why = unsafeCharacter(v);
      if (why) problems.push({ path: where, field: fieldOf() || '(root)', message: why, value: v });
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        at.push(i);
        walk(v[i]);
        at.pop();
      }
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        const why = unsafeCharacter(k);
        if (why) problems.push({ path: where, field: fieldOf(k), message: `key ${why}`, value: k });
        if (!why && keyTooLong(k)) {
          problems.push({ path: where, field: fieldOf(k), message: `key is ${emitKey(k).length} characters long as written; YAML keys are limited to ${MAX_KEY_LENGTH}`, value: `${k.slice(0, 40)}...` });
        }
        at.push(k);
        walk((v as Record<string, unknown>)[k]);
        at.pop();
      }
    }
  };
  walk(value);
  return problems;
}
