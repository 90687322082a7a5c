import { parse } from 'yaml';

/**
 * How plain (unquoted) scalars are read.
 *
 * Three readers matter for rendered manifests:
 * - Go's `gopkg.in/yaml.v2` behind `sigs.k8s.io/yaml` (the API server,
 *   kubectl, Argo CD). Modelled here after its `resolve.go`: it looks the
 *   string up in a table (YAML 1.1 booleans, nulls, `.inf`/`.nan`, `<<`),
 *   tries a timestamp, then drops every `_` and calls Go's
 *   `strconv.ParseInt(s, 0, 64)`, `ParseUint`, a float pattern with
 *   `ParseFloat`, and `0b` binary.
 * - YAML 1.1 as the spec (and the `yaml` library's 1.1 schema) reads it.
 * - YAML 1.2 core schema (kustomize's kyaml, JavaScript readers).
 */

/** The type Go's yaml.v2 gives a plain scalar. */
export type GoPlainType = 'str' | 'int' | 'float' | 'bool' | 'null' | 'timestamp' | 'merge';

const GO_TABLE = new Map<string, GoPlainType>();
const GO_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) GO_TABLE.set(s, 'bool');
for (const s of ['', '~', 'null', 'Null', 'NULL']) GO_TABLE.set(s, 'null');
for (const s of ['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']) GO_TABLE.set(s, 'float');
GO_TABLE.set('<<', 'merge');

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's `yamlStyleFloat`. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** The layouts yaml.v2 tries with `time.Parse`, as patterns (`2006-1-2…`); ranges are checked after. */
const TIMESTAMP = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?(?:Z|[+-]\d\d:\d\d))|(?: +(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?))?$/;

/**
 * The type Go's yaml.v2 (sigs.k8s.io/yaml) resolves the plain scalar `s` to.
 * Anything but `'str'` means the string must be quoted to survive.
 */
export function goPlainType(s: string): GoPlainType {
  const table = GO_TABLE.get(s);
  if (table) return table;
  const c = s.charCodeAt(0);
  if (c === 0x2e /* . */) return goParseFloat(s) ? 'float' : 'str';
  const digit = c >= 0x30 && c <= 0x39;
  if (!digit && c !== 0x2b /* + */ && c !== 0x2d /* - */) return 'str';
  if (digit && isGoTimestamp(s)) return 'timestamp';
  const plain = s.includes('_') ? s.replace(/_/g, '') : s;
  const n = goParseInteger(plain);
  if (n !== undefined && n >= INT64_MIN && n <= UINT64_MAX) return 'int';
  if (YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain))) return 'float';
  if (goBinary(plain) !== undefined) return 'int';
  return 'str';
}

/** yaml.v2's own `0b`/`-0b` binary: `ParseInt`/`ParseUint` of the digits in base 2, in range. */
function goBinary(plain: string): bigint | undefined {
  if (!/^-?0b[01]+$/.test(plain)) return undefined;
  const v = plain.startsWith('-') ? -BigInt(plain.slice(1)) : BigInt(plain);
  return (plain.startsWith('-') ? v >= INT64_MIN : v <= UINT64_MAX) ? v : undefined;
}

/**
 * The value sigs.k8s.io/yaml gives the plain scalar `s` once converted to
 * JSON (what kubectl, the API server and Argo CD read): by `goPlainType`, a
 * number, boolean or null, else the string itself (a timestamp too:
 * yaml.v2 keeps timestamp-like scalars strings when decoding into an
 * untyped value, and `<<` is only a merge key where a key is expected).
 */
export function goPlainValue(s: string): unknown {
  switch (goPlainType(s)) {
    case 'null':
      return null;
    case 'bool':
      return GO_TRUE.has(s);
    case 'int': {
      const plain = s.includes('_') ? s.replace(/_/g, '') : s;
      return Number(goParseInteger(plain) ?? goBinary(plain));
    }
    case 'float': {
      const lower = s.toLowerCase();
      if (lower === '.nan') return NaN;
      if (lower.endsWith('.inf')) return lower.startsWith('-') ? -Infinity : Infinity;
      return Number(s.includes('_') ? s.replace(/_/g, '') : s);
    }
    default:
      return s;
  }
}

/**
 * `strconv.ParseInt(s, 0, 64)` falling back to `ParseUint`: the value if the
 * syntax is valid (range is checked by the caller), otherwise `undefined`.
 */
function goParseInteger(s: string): bigint | undefined {
  const m = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]([0-7]+)|0([0-7]*)|([1-9][0-9]*))$/.exec(s);
  if (!m) return undefined;
  const [, sign, hex, bin, oct, legacyOct, dec] = m;
  let v: bigint;
  if (hex !== undefined) v = BigInt(`0x${hex}`);
  else if (bin !== undefined) v = BigInt(`0b${bin}`);
  else if (oct !== undefined) v = BigInt(`0o${oct}`);
  else if (legacyOct !== undefined) v = legacyOct ? BigInt(`0o${legacyOct}`) : 0n;
  else v = BigInt(dec);
  if (sign === '-') return v <= -INT64_MIN ? -v : undefined; // ParseInt only; ParseUint refuses a sign
  if (sign === '+' && v > INT64_MAX) return undefined; // ParseUint refuses a sign too
  return v;
}

/**
 * Go's `strconv.ParseFloat(s, 64)` for a string starting with `.`: decimal
 * digits with `_` only between digits, an optional exponent, finite.
 */
function goParseFloat(s: string): boolean {
  if (!/^\.[0-9_]*[0-9][0-9_]*(?:[eE][-+]?[0-9][0-9_]*)?$/.test(s)) return false;
  if (/(^|[^0-9])_|_($|[^0-9])/.test(s)) return false;
  return Number.isFinite(Number(s.replace(/_/g, '')));
}

function isGoTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, Number(m[1]))) return false;
  const hour = m[4] ?? m[7];
  if (hour === undefined) return true;
  const min = m[5] ?? m[8];
  const sec = m[6] ?? m[9];
  return Number(hour) < 24 && Number(min) < 60 && Number(sec) < 60;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** First characters a plain scalar needs to be read as a non-string by any of the readers. */
const SUSPECT_START = /^[-+.0-9~<=nNyYtTfFoO]/;

const ambiguity = new Map<string, boolean>();

/**
 * True when Go's yaml.v2, a YAML 1.1 reader or a YAML 1.2 reader would not
 * read `s`, written plain, back as the same string (so it must be quoted).
 * Only the resolution of a plain scalar is judged here; whether `s` can be
 * written plain at all (indicators, `: `, ` #`) is the emitter's concern.
 */
export function isAmbiguousPlainScalar(s: string): boolean {
  if (s === '') return true;
  if (!SUSPECT_START.test(s)) return false;
  let known = ambiguity.get(s);
  if (known === undefined) {
    known = s === '=' || goPlainType(s) !== 'str' || !readsBackAs(s, '1.1') || !readsBackAs(s, '1.2');
    if (ambiguity.size > 100_000) ambiguity.clear();
    ambiguity.set(s, known);
  }
  return known;
}

function readsBackAs(s: string, version: '1.1' | '1.2'): boolean {
  try {
    return parse(s, { version, logLevel: 'silent' }) === s;
  } catch {
    return false;
  }
}
