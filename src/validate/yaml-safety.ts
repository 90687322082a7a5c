import { Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Node, parse, Scalar } from 'yaml';
import { goPlainType, isAmbiguousPlainScalar, parseYamlDocuments, toJsSafe, unsafeCharacter, YamlLimitError } from '../yaml';

/** A YAML problem in one document, before it is stamped with its file and object. */
export interface YamlProblem {
  readonly rule: 'yaml-syntax' | 'yaml-duplicate-key' | 'yaml-ambiguous' | 'yaml-unsafe-character';
  readonly field?: string;
  readonly message: string;
  readonly value?: unknown;
}

/** One parsed document with the YAML problems found in it. */
export interface ParsedDocument {
  /** The value as a YAML 1.2 reader sees it; `undefined` for an empty document or one that did not parse. */
  readonly value: unknown;
  readonly problems: readonly YamlProblem[];
}

/**
 * Parses every document of a file and checks that each reads back the same
 * under YAML 1.1 (Go's parser: Argo CD, the API server) and YAML 1.2
 * (kustomize's kyaml, JavaScript), has no duplicate keys and no character
 * Go's parser refuses or rewrites.
 */
export function parseYamlFile(content: string): ParsedDocument[] {
  const lines = new LineCounter();
  let list: Document.Parsed[];
  try {
    list = parseYamlDocuments(content, 'the file', { yaml: { version: '1.2', lineCounter: lines } });
  } catch (e) {
    if (!(e instanceof YamlLimitError)) throw e;
    return [{ value: undefined, problems: e.problems.map(p => ({ rule: 'yaml-syntax' as const, message: `${p.field ? `${p.field}: ` : ''}${p.message}` })) }];
  }
  const out: ParsedDocument[] = [];
  for (const doc of list) {
    const problems: YamlProblem[] = [];
    for (const e of doc.errors) {
      const at = lines.linePos(e.pos[0]);
      if (e.code === 'DUPLICATE_KEY') {
        problems.push({ rule: 'yaml-duplicate-key', message: `duplicate key at line ${at.line}: Go's parser rejects the document, other readers keep either value` });
      } else {
        problems.push({ rule: 'yaml-syntax', message: `line ${at.line}, column ${at.col}: ${e.message.split('\n')[0]}` });
      }
    }
    if (doc.contents === null && problems.length === 0) continue;
    walk(doc.contents, '', problems);
    let value: unknown;
    if (!doc.errors.length) {
      try {
        value = toJsSafe(doc);
      } catch (e) {
        problems.push({ rule: 'yaml-syntax', message: (e as Error).message });
      }
    }
    out.push({ value, problems });
  }
  return out;
}

function walk(node: unknown, field: string, problems: YamlProblem[]): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : '?';
      const sub = joinField(field, key);
      if (isScalar(keyNode)) checkScalar(keyNode, sub, problems, 'key');
      walk(pair.value, sub, problems);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walk(item, `${field}[${i}]`, problems));
  } else if (isScalar(node)) {
    checkScalar(node, field || '(root)', problems, 'value');
  } else if (isAlias(node)) {
    // Aliases resolve to nodes already checked where they were anchored.
  }
}

function joinField(field: string, key: string): string {
  const seg = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!field) return seg;
  return seg.startsWith('[') ? `${field}${seg}` : `${field}.${seg}`;
}

function checkScalar(node: Scalar, field: string, problems: YamlProblem[], what: 'key' | 'value'): void {
  const v = node.value;
  if (typeof v === 'string') {
    const why = unsafeCharacter(v);
    if (why) problems.push({ rule: 'yaml-unsafe-character', field, message: `${what} ${why}`, value: v });
  }
  if (node.type !== Scalar.PLAIN) return;
  const source = (node as Scalar & { source?: string }).source ?? String(v);
  if (typeof v === 'string') {
    if (isAmbiguousPlainScalar(v)) {
      problems.push({ rule: 'yaml-ambiguous', field, message: `plain ${what} reads as a string under YAML 1.2 but as another type under YAML 1.1 or Go's parser (Argo CD, the API server): quote it`, value: v });
    }
    return;
  }
  if (goPlainType(source) === 'str' && v !== null) {
    problems.push({
      rule: 'yaml-ambiguous',
      field,
      message: `plain ${what} ${source} reads as ${typeof v === 'number' ? String(v) : JSON.stringify(v)} under YAML 1.2 but as the string ${JSON.stringify(source)} under Go's parser (Argo CD, the API server): write the intended value unambiguously or quote it`,
      value: source,
    });
    return;
  }
  const v11 = readAs11(source);
  if (!sameScalar(v, v11)) {
    problems.push({
      rule: 'yaml-ambiguous',
      field,
      message: `plain ${what} ${source} reads as ${JSON.stringify(v)} under YAML 1.2 but as ${describe11(v11)} under YAML 1.1 (Go: Argo CD, the API server): write the intended value unambiguously or quote it`,
      value: source,
    });
  }
}

const UNPARSABLE = Symbol('unparsable');
const as11 = new Map<string, unknown>();

/** How a YAML 1.1 reader reads a plain scalar (cached: the same numbers and booleans recur everywhere). */
function readAs11(source: string): unknown {
  if (as11.has(source)) return as11.get(source);
  let v: unknown;
  try {
    v = parse(source, { version: '1.1' });
  } catch {
    v = UNPARSABLE;
  }
  if (as11.size > 100_000) as11.clear();
  as11.set(source, v);
  return v;
}

function sameScalar(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b);
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function describe11(v: unknown): string {
  if (v instanceof Date) return `a timestamp (${v.toISOString()})`;
  if (v === UNPARSABLE) return 'something it cannot parse';
  return JSON.stringify(v) ?? String(v);
}
