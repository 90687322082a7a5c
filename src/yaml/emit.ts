import { Document, Scalar } from 'yaml';
import type * as YamlUtil from 'yaml/dist/util';
import { isAmbiguousPlainScalar } from './resolve';

// `yaml/util` is a public entry point that this project's `moduleResolution`
// cannot type; its types are those of `yaml/dist/util`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stringifyString } = require('yaml/util') as typeof YamlUtil;

/**
 * YAML that every consumer reads the same.
 *
 * Argo CD and the Kubernetes API server parse with Go's yaml.v2 (YAML 1.1
 * rules plus Go's own number parsing), where `on`, `no`, `y`, `0755`, `1_000`,
 * `1:20` and `2024-01-01` are not strings; YAML 1.2 readers (kustomize's kyaml,
 * JavaScript) treat `0o755` and `1e3` as numbers. Every string we emit is
 * double-quoted whenever any of them would read it as anything but the same
 * string (`isAmbiguousPlainScalar`), or when Go's parser cannot read the
 * style the `yaml` library would otherwise choose (`needsDoubleQuotes`).
 *
 * The emitter writes the narrow subset rendered manifests use directly (block
 * maps and sequences in insertion order, JSON scalars) instead of building a
 * `yaml` Document; the bytes are those `yaml`'s `Document#toString` produces
 * with `{ lineWidth: 0, indentSeq: true }` for the same quoting decisions,
 * and every non-trivial string goes through `yaml`'s own `stringifyString`.
 */

const INDENT_STEP = '  ';

/** Stringify options as `yaml` resolves them for `{ lineWidth: 0, indentSeq: true }`. */
const OPTIONS = {
  blockQuote: true,
  defaultKeyType: null,
  defaultStringType: 'PLAIN',
  doubleQuotedAsJSON: false,
  doubleQuotedMinMultiLineLength: 40,
  indentSeq: true,
  lineWidth: 0,
  minContentWidth: 20,
  singleQuote: null,
  commentString: (s: string) => s.replace(/^(?!$)(?: $)?/gm, '#'),
};

/** The schema `yaml` checks plain strings against (YAML 1.2 core). */
const SCHEMA_DOC = new Document();

/** Plain-safe at a glance: no indicator first, no `: `, ` #`, trailing space or colon, no line break. */
const SIMPLE_PLAIN = /^[A-Za-z0-9_/$(][\w./@$()+=,;~%:^-]*$/;

type Ctx = Record<string, unknown>;

const valueCtx = new Map<string, Ctx>();
const keyCtx = new Map<string, Ctx>();

function contextFor(indent: string, implicitKey: boolean): Ctx {
  const cache = implicitKey ? keyCtx : valueCtx;
  let ctx = cache.get(indent);
  if (!ctx) {
    ctx = { doc: SCHEMA_DOC, indent, indentStep: INDENT_STEP, implicitKey, inFlow: null, actualString: true, options: OPTIONS };
    cache.set(indent, ctx);
  }
  return ctx;
}

/** A multi-line string whose first non-empty line starts with a tab. */
const TAB_LED_BLOCK = /^(?:\n+\t|\t[^]*\n)/;

/** Only spaces, tabs and line breaks, with a space and a break: all of it would be block-scalar indentation. */
const BLANK_BLOCK = /^(?=[^]*\n)(?=[^]*[ \t])[ \t\n]+$/;

/**
 * Strings the emitter quoted before it modelled Go's parser exactly (like
 * `0X_`, which every reader takes as a string); still quoted so that their
 * rendered bytes do not change.
 */
const QUOTED_SINCE_BEFORE = /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+)$/;

/**
 * True when a string must be double-quoted: a reader would resolve it, plain,
 * as something else; or it holds a carriage return (folded away by readers in
 * block and plain styles); or Go's parser cannot read the block scalar `yaml`
 * would write: when its first non-empty line starts with a tab, Go's scanner
 * stops at "found a tab character where an indentation space is expected"
 * (libyaml detects the indentation before the tab); or it is blank lines only,
 * which Go reads as indentation (`" \n"` would come back as `"\n"`).
 */
export function needsDoubleQuotes(s: string): boolean {
  return isAmbiguousPlainScalar(s) || s.includes('\r') || TAB_LED_BLOCK.test(s) || BLANK_BLOCK.test(s) || QUOTED_SINCE_BEFORE.test(s);
}

function emitString(s: string, indent: string, implicitKey: boolean): string {
  if (SIMPLE_PLAIN.test(s) && s.charCodeAt(s.length - 1) !== 0x3a /* : */ && !needsDoubleQuotes(s)) return s;
  // A fresh context: `yaml` may set `forceBlockIndent` on it.
  const ctx = { ...contextFor(indent, implicitKey) };
  const type = needsDoubleQuotes(s) ? Scalar.QUOTE_DOUBLE : undefined;
  return stringifyString({ value: s, type } as Scalar, ctx as never);
}

/** A top-level mapping key as `toYaml` writes it (before the `:`). */
export function emitKey(key: string): string {
  return emitString(key, INDENT_STEP, true);
}

function emitNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? '.nan' : n < 0 ? '-.inf' : '.inf';
  return Object.is(n, -0) ? '-0' : JSON.stringify(n);
}

function isCollection(v: unknown): v is object {
  return v !== null && typeof v === 'object';
}

/** Non-collection value, as it appears after `key: ` or `- `. */
function emitScalar(v: unknown, indent: string): string {
  switch (typeof v) {
    case 'string': return emitString(v, indent, false);
    case 'number':
    case 'bigint': return emitNumber(v);
    case 'boolean': return v ? 'true' : 'false';
    default: return 'null';
  }
}

/**
 * Appends a block collection to `out`: its first line starts where the
 * caller put it and its later lines start with `indent`. Every piece goes to
 * one array joined once per document, so the text is one flat string
 * instead of a rope of nested concatenations (less memory held per file,
 * fewer objects for the garbage collector to copy).
 */
function emitCollection(v: object, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push('[]');
      return;
    }
    const itemIndent = indent + INDENT_STEP;
    for (let i = 0; i < v.length; i++) {
      out.push(i > 0 ? `\n${indent}- ` : '- ');
      const item = v[i];
      if (isCollection(item)) emitCollection(item, itemIndent, out);
      else out.push(emitScalar(item, itemIndent));
    }
    return;
  }
  const pairIndent = indent + INDENT_STEP;
  let first = true;
  for (const key of Object.keys(v)) {
    const value = (v as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (!first) out.push(`\n${indent}`);
    first = false;
    out.push(emitString(key, pairIndent, true));
    if (isCollection(value)) {
      const empty = Array.isArray(value) ? value.length === 0 : !hasDefinedValue(value);
      if (empty) {
        out.push(Array.isArray(value) ? ': []' : ': {}');
      } else {
        out.push(`:\n${pairIndent}`);
        emitCollection(value, pairIndent, out);
      }
    } else {
      out.push(': ', emitScalar(value, pairIndent));
    }
  }
  if (first) out.push('{}');
}

function hasDefinedValue(o: object): boolean {
  for (const k in o) if ((o as Record<string, unknown>)[k] !== undefined) return true;
  return false;
}

/**
 * Emits one JSON-like value as a YAML document: block style, two-space
 * indent, sequences indented under their key, no line folding, no document
 * marker, ending in one newline. Strings that Go's parser, YAML 1.1 or YAML
 * 1.2 would misread are double-quoted. Callers check `findUnsafeStrings`
 * first (characters no reader keeps intact).
 */
export function toYaml(value: unknown): string {
  if (!isCollection(value)) return `${emitScalar(value, '')}\n`;
  const out: string[] = [];
  emitCollection(value, '', out);
  out.push('\n');
  return out.join('');
}
