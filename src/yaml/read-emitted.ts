/**
 * A reader for the narrow YAML subset {@link toYaml} writes — one document
 * of block mappings and sequences, two-space indentation, plain, single- or
 * double-quoted one-line scalars of printable ASCII, `[]` and `{}` — that
 * returns what the `yaml` library's `parse` (YAML 1.2 core schema) returns
 * for the same text, or `undefined` for any text outside the subset (a
 * comment, an anchor, a tag, a flow collection, a block scalar, a blank line,
 * a tab, a duplicate key, a scalar it does not resolve exactly...), which the
 * caller then parses with `yaml` itself.
 *
 * What it accepts it reads exactly; it never reports an error of its own.
 * It exists because loading `yaml` and the first parses of a fresh process
 * cost ≈ 20 ms, most of a one-app publish's reading of YAML.
 */
export function readEmittedYaml(text: string): { readonly value: unknown } | undefined {
  // Printable ASCII and line feeds only: no tab, CR, BOM or other character whose handling differs between readers.
  if (text.length === 0 || NOT_PRINTABLE_ASCII.test(text)) return undefined;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const indents: number[] = [];
  const bodies: string[] = [];
  for (const line of lines) {
    let n = 0;
    while (line.charCodeAt(n) === 0x20) n++;
    // A blank line, a comment line or a document marker: outside the subset.
    if (n === line.length || line.charCodeAt(n) === 0x23 /* # */ || line.startsWith('---') || line.startsWith('...')) return undefined;
    indents.push(n);
    bodies.push(line.slice(n));
  }
  const reader = new Reader(indents, bodies);
  try {
    if (indents[0] !== 0) return undefined;
    const value = reader.node(0);
    // A line no collection took (deeper than its siblings, or a key among sequence items) stops the read.
    return reader.at === lines.length ? { value } : undefined;
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

const NOT_PRINTABLE_ASCII = /[^\x20-\x7e\n]/;

/** Thrown inside the reader when the text leaves the subset. */
const OUTSIDE = Symbol('outside the subset');

function outside(): never {
  throw OUTSIDE;
}

/**
 * A plain scalar of the subset: no indicator first (a `-` only before a
 * non-space), then any printable ASCII (see {@link plainValue} for the
 * pairs it must not hold: `: `, ` #`, a trailing space or colon).
 */
const PLAIN = /^(?:[^-?:,[\]{}#&*!|>'"%@` ]|-(?=[^ ]))[\x20-\x7e]*$/;

/** A plain key of the subset, followed by its `:`. */
const PLAIN_KEY = /^([A-Za-z0-9_./$()+=~^][A-Za-z0-9_./@$()+=,;~%^-]*):(?: |$)/;

/** Double-quoted: printable ASCII, and only the escapes YAML and JSON read alike (no surrogate halves). */
const DOUBLE_QUOTED = /^"(?:[^"\\]|\\["\\/bfnrt]|\\u(?![dD][89a-fA-F])[0-9a-fA-F]{4})*"/;

/** Single-quoted: `''` is a quote. */
const SINGLE_QUOTED = /^'(?:[^']|'')*'/;

class Reader {
  public at = 0;

  public constructor(private readonly indents: number[], private readonly bodies: string[]) {}

  /** The block collection whose first line is the current one, at `indent`. */
  public node(indent: number): unknown {
    return this.bodies[this.at].startsWith('- ') ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.at < this.bodies.length && this.indents[this.at] === indent) {
      const body = this.bodies[this.at];
      const [key, rest] = this.key(body);
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key)) outside();
      if (rest === '') {
        // The value is the block collection on the next lines, indented deeper (a sequence too: the emitter indents it).
        this.at++;
        if (this.at >= this.bodies.length || this.indents[this.at] <= indent) outside();
        out[key] = this.node(this.indents[this.at]);
      } else {
        out[key] = scalar(rest);
        this.at++;
      }
    }
    return out;
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    while (this.at < this.bodies.length && this.indents[this.at] === indent && this.bodies[this.at].startsWith('- ')) {
      const item = this.bodies[this.at].slice(2);
      if (item.startsWith('-') || item.startsWith(' ')) outside();
      if (keyEnd(item) >= 0) {
        // `- key: ...`: a mapping whose first line starts after the dash.
        this.bodies[this.at] = item;
        this.indents[this.at] = indent + 2;
        out.push(this.mapping(indent + 2));
      } else {
        out.push(scalar(item));
        this.at++;
      }
    }
    return out;
  }

  /** The key of a mapping line and what follows `key:` (`''` when the value is on the next lines). */
  private key(body: string): [string, string] {
    const end = keyEnd(body);
    if (end < 0) outside();
    const raw = body.slice(0, end);
    // A plain key must read as the string it spells (not `true`, `1`, `~`...).
    if (raw.charCodeAt(0) !== 0x22 /* " */ && plainValue(raw) !== raw) outside();
    const key = raw.charCodeAt(0) === 0x22 ? JSON.parse(raw) as string : raw;
    const after = end + 1;
    if (after === body.length) return [key, ''];
    if (body.charCodeAt(after) !== 0x20 || after + 1 === body.length) outside();
    return [key, body.slice(after + 1)];
  }
}

/** Where the key a line starts with ends (the index of its `:`), or -1 when it starts with no key of the subset. */
function keyEnd(line: string): number {
  if (line.charCodeAt(0) === 0x22 /* " */) {
    const m = DOUBLE_QUOTED.exec(line);
    return m && line.charCodeAt(m[0].length) === 0x3a /* : */ ? m[0].length : -1;
  }
  const m = PLAIN_KEY.exec(line);
  return m ? m[1].length : -1;
}

/** A whole scalar after `key: ` or `- `. */
function scalar(s: string): unknown {
  switch (s.charCodeAt(0)) {
    case 0x22: { // "
      const m = DOUBLE_QUOTED.exec(s);
      if (!m || m[0].length !== s.length) outside();
      return JSON.parse(s);
    }
    case 0x27: { // '
      const m = SINGLE_QUOTED.exec(s);
      if (!m || m[0].length !== s.length) outside();
      return s.slice(1, -1).replace(/''/g, '\'');
    }
    default:
      if (s === '[]') return [];
      if (s === '{}') return {};
      return plainValue(s);
  }
}

/** A plain scalar's value as the YAML 1.2 core schema of `yaml` resolves it (the forms it would not read exactly: outside). */
function plainValue(s: string): unknown {
  if (!PLAIN.test(s) || s.endsWith(':') || s.endsWith(' ') || s.includes(': ') || s.includes(' #')) outside();
  const c = s.charCodeAt(0);
  const numeric = (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e; // 0-9 - + .
  if (numeric) {
    // int: `yaml` calls parseInt (exact up to 15 digits); float and exponent forms: parseFloat.
    if (/^[-+]?[0-9]+$/.test(s)) return s.replace(/^[-+]/, '').length <= 15 ? parseInt(s, 10) : outside();
    if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s)) return parseFloat(s);
    // `.inf`, `.nan` and the 0o/0x integers: left to `yaml`.
    if (/^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/.test(s) || /^0o[0-7]+$|^0x[0-9a-fA-F]+$/.test(s)) outside();
    return s;
  }
  switch (s) {
    case 'true': case 'True': case 'TRUE': return true;
    case 'false': case 'False': case 'FALSE': return false;
    case '~': case 'null': case 'Null': case 'NULL': return null;
    default:
      return s;
  }
}
