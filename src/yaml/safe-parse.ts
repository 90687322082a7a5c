import * as fs from 'fs';
import { Document, Node, ParseOptions, DocumentOptions, isAlias, isCollection, isPair, parseAllDocuments } from 'yaml';
import { EnvironmentError, Problem, ValidationError } from '../errors';

/** Limits that keep a hostile or runaway YAML input from exhausting memory or the stack. */
export interface YamlLimits {
  /**
   * Largest input accepted, in bytes (UTF-8).
   *
   * @default 268435456 (256 MiB)
   */
  readonly maxBytes?: number;
  /**
   * Most nodes the aliases of one document may add when every alias is
   * followed (a "billion laughs" alias bomb adds billions).
   *
   * @default - the document's own node count, and at least 10,000
   */
  readonly maxAliasNodes?: number;
  /**
   * Deepest nesting of collections accepted.
   *
   * @default 1000
   */
  readonly maxDepth?: number;
}

/** Options of `parseYamlDocuments`. */
export interface SafeParseOptions extends YamlLimits {
  /**
   * Report duplicate keys as errors (`doc.errors`), as Go's strict parser does.
   *
   * @default true
   */
  readonly uniqueKeys?: boolean;
  /**
   * Other `yaml` parse options (`lineCounter`, `version`, `prettyErrors`…).
   *
   * @default - none
   */
  readonly yaml?: ParseOptions & DocumentOptions;
}

/** A YAML input over one of the `YamlLimits`. Bad input: CLI exit code 2. */
export class YamlLimitError extends ValidationError {
  constructor(problems: readonly Problem[]) {
    super(problems);
    this.name = 'YamlLimitError';
  }
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const MIN_ALIAS_NODES = 10_000;
const DEFAULT_MAX_DEPTH = 1000;

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Throws `YamlLimitError` if `text` is larger than `limits.maxBytes`; `source` names it. */
export function checkYamlSize(text: string, source: string, limits: YamlLimits = {}): void {
  const max = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  // A UTF-16 string of n units is at most 3n UTF-8 bytes: measure only when it could be over.
  if (text.length * 3 <= max) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > max) {
    throw new YamlLimitError([{ path: source, message: `is ${mib(bytes)}, more than the ${mib(max)} a YAML input may be`, value: bytes }]);
  }
}

/**
 * Reads a YAML file as text after checking its size on disk, so a huge file
 * is refused before it is read. Throws `YamlLimitError` (too big),
 * `ValidationError` (missing, a directory) or `EnvironmentError` (unreadable).
 */
export function readYamlText(file: string, limits: YamlLimits = {}): string {
  const max = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    const size = fs.statSync(file).size;
    if (size > max) throw new YamlLimitError([{ path: file, message: `is ${mib(size)}, more than the ${mib(max)} a YAML input may be`, value: size }]);
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof YamlLimitError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ValidationError([{ path: file, message: 'does not exist' }], { cause: e });
    if (code === 'EISDIR') throw new ValidationError([{ path: file, message: 'is a directory, not a YAML file' }], { cause: e });
    throw new EnvironmentError(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** Node counts of one document: its own nodes, and the nodes its aliases add when followed. */
interface Counts { own: number; viaAliases: number; depth: number }

function countNodes(root: unknown, maxDepth: number): Counts {
  const anchors = new Map<string, Node>();
  const sizes = new Map<unknown, number>();
  const counts: Counts = { own: 0, viaAliases: 0, depth: 0 };
  // Iterative post-order walk: deep nesting must not overflow the stack here.
  const stack: { node: unknown; depth: number; exit: boolean }[] = [{ node: root, depth: 0, exit: false }];
  while (stack.length) {
    const frame = stack.pop()!;
    const node = frame.node as Node | null;
    if (frame.exit) {
      let size = 1;
      for (const child of childrenOf(node)) size += sizes.get(child) ?? 1;
      sizes.set(node, size);
      continue;
    }
    counts.own++;
    if (frame.depth > counts.depth) counts.depth = frame.depth;
    if (frame.depth > maxDepth) continue;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      // An alias of an ancestor (a cycle) has no size yet: it expands without end.
      const size = target === undefined ? 1 : sizes.get(target) ?? Infinity;
      sizes.set(node, size);
      counts.viaAliases += size;
      continue;
    }
    if (node && typeof node === 'object' && 'anchor' in node && typeof node.anchor === 'string' && node.anchor) anchors.set(node.anchor, node);
    if (!isCollection(node)) {
      sizes.set(node, 1);
      continue;
    }
    stack.push({ node, depth: frame.depth, exit: true });
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], depth: frame.depth + 1, exit: false });
  }
  return counts;
}

function childrenOf(node: unknown): unknown[] {
  if (!isCollection(node)) return [];
  const out: unknown[] = [];
  for (const item of node.items) {
    if (isPair(item)) out.push(item.key, item.value);
    else out.push(item);
  }
  return out;
}

/**
 * Parses every document of `text` with the `yaml` library, refusing inputs
 * over the limits (size, alias expansion, nesting) with a `YamlLimitError`
 * that names `source` and each offending document. Syntax errors and
 * duplicate keys are left in each document's `errors` for the caller to
 * report. Read values with `toJsSafe`, which follows aliases without
 * `yaml`'s own alias-count heuristic (already checked here).
 */
export function parseYamlDocuments(text: string, source: string, options: SafeParseOptions = {}): Document.Parsed[] {
  checkYamlSize(text, source, options);
  const parsed = parseAllDocuments(text, { prettyErrors: false, ...options.yaml, uniqueKeys: options.uniqueKeys ?? true });
  const docs: Document.Parsed[] = Array.isArray(parsed) ? parsed : [parsed as unknown as Document.Parsed];
  const problems: Problem[] = [];
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  docs.forEach((doc, i) => {
    const counts = countNodes(doc.contents, maxDepth);
    const where = { path: source, field: `document ${i + 1}` };
    if (counts.depth > maxDepth) {
      problems.push({ ...where, message: `nests collections more than ${maxDepth} deep` });
    }
    const maxAlias = options.maxAliasNodes ?? Math.max(MIN_ALIAS_NODES, counts.own);
    if (counts.viaAliases > maxAlias) {
      const added = Number.isFinite(counts.viaAliases) ? `${counts.viaAliases} nodes` : 'nodes without end (an alias inside its own anchor)';
      problems.push({ ...where, message: `its aliases expand to ${added}, more than the ${maxAlias} allowed: an alias bomb? Write the repeated values out`, value: counts.viaAliases });
    }
  });
  if (problems.length) throw new YamlLimitError(problems);
  return docs;
}

/** The JavaScript value of a document that came from `parseYamlDocuments`. */
export function toJsSafe(doc: Document.Parsed): unknown {
  return doc.toJS({ maxAliasCount: -1 });
}

/**
 * Parses a single-document YAML input to its value, refusing anything over
 * the limits or not valid YAML with a `ValidationError` naming `source`, the
 * line and column.
 */
export function parseYamlSafe(text: string, source: string, options: SafeParseOptions = {}): unknown {
  const docs = parseYamlDocuments(text, source, options);
  const problems: Problem[] = [];
  for (const doc of docs) {
    for (const e of doc.errors) {
      const [line, col] = e.linePos?.[0] ? [e.linePos[0].line, e.linePos[0].col] : lineCol(text, e.pos[0]);
      problems.push({ path: `${source}:${line}:${col}`, message: `is not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` });
    }
  }
  if (docs.length > 1) problems.push({ path: source, message: `holds ${docs.length} YAML documents; one is expected` });
  if (problems.length) throw new ValidationError(problems);
  return docs.length ? toJsSafe(docs[0]) : undefined;
}

function lineCol(text: string, offset: number): [number, number] {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return [line, offset - start + 1];
}
