import { Document, Scalar, isScalar, parse, visit } from 'yaml';
import { Problem } from '../errors';

/**
 * YAML that every consumer reads the same.
 *
 * Argo CD and the Kubernetes API server parse with Go's YAML 1.1 rules, where
 * `on`, `no`, `y`, `0755`, `1_000`, `1:20` and `2024-01-01` are not strings;
 * YAML 1.2 readers (kustomize's kyaml, js-yaml, this library) treat `0o755`
 * and `1e3` as numbers. Every string we emit is double-quoted whenever either
 * rule set would read it as anything but the same string.
 */

/** First characters a plain scalar needs to be resolved as a non-string. */
const SUSPECT_START = /^[-+.0-9~<=nNyYtTfFoO]/;

/** Characters Go's YAML parser rejects, or folds into line breaks, even when escaped in some styles. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDFFF]/u;

/**
 * What Go's yaml.v2 resolver reads as numbers beyond YAML 1.1's grammar: it
 * strips `_` and calls `strconv.ParseInt(s, 0, 64)`, so `0X1F`, `0O17`, `0B1`
 * and `1_0` are integers there; its float pattern accepts `1e3` and `1.`.
 */
const GO_NUMBER = /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*|(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

const ambiguity = new Map<string, boolean>();

/**
 * True when a YAML 1.1 or YAML 1.2 reader would not read `s`, written plain,
 * back as the same string.
 */
export function isAmbiguousPlainScalar(s: string): boolean {
  if (s === '') return true;
  if (!SUSPECT_START.test(s) && s !== 'null' && s !== 'Null' && s !== 'NULL') return false;
  let known = ambiguity.get(s);
  if (known === undefined) {
    known = s === '<<' || s === '=' || GO_NUMBER.test(s) || !readsBackAs(s, '1.1') || !readsBackAs(s, '1.2');
    if (ambiguity.size > 100_000) ambiguity.clear();
    ambiguity.set(s, known);
  }
  return known;
}

function readsBackAs(s: string, version: '1.1' | '1.2'): boolean {
  try {
    return parse(s, { version }) === s;
  } catch {
    return false;
  }
}

/**
 * Describes why `s` cannot be emitted safely, or `undefined` if it can.
 * Go's parser refuses raw control characters and rewrites NEL, LS and PS as
 * line breaks; a BOM or a non-character inside a value is never intended.
 */
export function unsafeCharacter(s: string): string | undefined {
  const m = FORBIDDEN.exec(s);
  if (!m) return undefined;
  const cp = m[0].codePointAt(0)!;
  return `contains the character U+${cp.toString(16).toUpperCase().padStart(4, '0')} at index ${m.index}, which Go's YAML parser (Argo CD, the API server) rejects or rewrites`;
}

/**
 * Collects every string (keys and values) in `value` that cannot be emitted
 * safely, as problems naming the field path.
 */
export function findUnsafeStrings(value: unknown, where: string, fieldPrefix = ''): Problem[] {
  const problems: Problem[] = [];
  const walk = (v: unknown, field: string): void => {
    if (typeof v === 'string') {
      const why = unsafeCharacter(v);
      if (why) problems.push({ path: where, field: field || '(root)', message: why, value: v });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${field}[${i}]`));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        const sub = field ? `${field}.${k}` : k;
        const why = unsafeCharacter(k);
        if (why) problems.push({ path: where, field: sub, message: `key ${why}`, value: k });
        walk(item, sub);
      }
    }
  };
  walk(value, fieldPrefix);
  return problems;
}

/** True if any key or string value in `value` needs explicit quotes. */
function needsQuoting(v: unknown): boolean {
  if (typeof v === 'string') return isAmbiguousPlainScalar(v) || v.includes('\r');
  if (Array.isArray(v)) return v.some(needsQuoting);
  if (v !== null && typeof v === 'object') {
    for (const [k, item] of Object.entries(v)) {
      if (isAmbiguousPlainScalar(k) || needsQuoting(item)) return true;
    }
  }
  return false;
}

const STRINGIFY_OPTIONS = { lineWidth: 0, indentSeq: true } as const;

/**
 * Emits one object as a YAML document: block style, two-space indent, no line
 * folding, no document marker, ending in one newline. Strings that YAML 1.1
 * or 1.2 would misread are double-quoted. Callers check `findUnsafeStrings`
 * first; this function assumes the value is JSON-like.
 */
export function toYaml(value: unknown): string {
  const doc = new Document(value);
  if (needsQuoting(value)) {
    visit(doc, {
      Scalar(_key, node: Scalar) {
        if (isScalar(node) && typeof node.value === 'string' && (isAmbiguousPlainScalar(node.value) || node.value.includes('\r'))) {
          node.type = Scalar.QUOTE_DOUBLE;
        }
      },
    });
  }
  return doc.toString(STRINGIFY_OPTIONS);
}
