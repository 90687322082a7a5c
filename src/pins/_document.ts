import { Document, LineCounter, Pair, Scalar, isAlias, isMap, isScalar, isSeq } from 'yaml';
import { AppNode, EnvNode, PinNode, PinsIndex, ScalarStyle, nameProblem } from './_index';
import { Problem } from '../errors';
import { ImageRef } from '../image-ref';
import { parseYamlDocuments } from '../yaml';

/**
 * The general path: any YAML, through the `yaml` library. Used when the fast
 * line scanner (`_scan.ts`) meets something outside the plain block subset
 * (flow collections, anchors, odd quoting) and to report every problem of an
 * invalid file with its line.
 */
export function indexFromDocument(text: string, file: string, maxBytes: number): { index?: PinsIndex; doc?: Document; problems: Problem[] } {
  const lineCounter = new LineCounter();
  // Size, alias-expansion (alias bomb) and nesting limits: a YamlLimitError (exit 2) naming the file.
  const docs = parseYamlDocuments(text, file, { maxBytes, yaml: { lineCounter } });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  const where = (offset: number | undefined) => (offset === undefined ? file : `${file}:${lineOf(offset)}`);
  if (docs.length > 1) {
    return { problems: [{ path: where(docs[1].range[0]), message: `holds ${docs.length} YAML documents; an image pins file is one mapping` }] };
  }
  const doc = docs[0];
  if (!doc) return { index: { apps: new Map(), flow: false }, problems: [] };
  if (doc.errors.length > 0) {
    return {
      doc,
      problems: doc.errors.map(e => ({
        path: where(e.pos[0]),
        message: `is not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    };
  }
  const problems: Problem[] = [];
  const describe = (node: unknown) => describeIn(doc, node);
  const apps = new Map<string, AppNode>();
  const root = doc.contents;
  if (root !== null && !(isScalar(root) && root.value === null) && !isMap(root)) {
    problems.push({
      path: where(root.range?.[0]),
      message: 'must be a mapping of app -> environment -> image reference',
      value: describe(root),
    });
  }
  const pinOf = (node: unknown, field: string, at: string): PinNode | undefined => {
    if (!isScalar(node) || typeof node.value !== 'string'
      || (node.type !== 'PLAIN' && node.type !== 'QUOTE_DOUBLE' && node.type !== 'QUOTE_SINGLE')) {
      problems.push({
        path: at,
        field,
        message: 'must be an image reference on one line, like ghcr.io/org/app:<tag> or ghcr.io/org/app@sha256:<digest>',
        value: describe(node),
      });
      return undefined;
    }
    const ref = ImageRef.tryParse(node.value);
    if (typeof ref === 'string') {
      problems.push({ path: at, field, message: ref });
      return undefined;
    }
    const [start, end] = node.range!;
    return { value: node.value, ref, start, end, style: node.type as ScalarStyle, line: lineOf(start) };
  };
  if (isMap(root)) {
    for (const pair of root.items) {
      const app = checkName(pair, 'app', undefined, where, problems, describe);
      if (app === undefined) continue;
      const value = pair.value;
      if (!isMap(value)) {
        problems.push({
          path: where(nodeStart(value) ?? nodeStart(pair.key)),
          field: app,
          message: 'must be a mapping of environment -> image reference',
          value: describe(value),
        });
        continue;
      }
      const envs = new Map<string, EnvNode>();
      for (const envPair of value.items) {
        const env = checkName(envPair, 'environment', app, where, problems, describe);
        if (env === undefined) continue;
        const field = `${app}.${env}`;
        const node = envPair.value;
        const at = where(nodeStart(node) ?? nodeStart(envPair.key));
        const keyEnd = (envPair.key as Scalar).range![1];
        const base = {
          line: lineOf(nodeStart(envPair.key)!),
          afterColon: text.indexOf(':', keyEnd) + 1,
          flow: Boolean(root.flow || value.flow || (isMap(node) && node.flow)),
        };
        if (isMap(node)) {
          const images = new Map<string, PinNode>();
          for (const imagePair of node.items) {
            const image = checkName(imagePair, 'image', field, where, problems, describe);
            if (image === undefined) continue;
            const pin = pinOf(imagePair.value, `${field}.${image}`, where(nodeStart(imagePair.value) ?? nodeStart(imagePair.key)));
            if (pin) images.set(image, pin);
          }
          if (node.items.length === 0) {
            problems.push({ path: at, field, message: 'must name at least one image (image name -> image reference)', value: {} });
            continue;
          }
          const last = [...images.values()].pop();
          const childIndent = node.flow ? undefined : lineCounter.linePos(nodeStart(node.items[0].key)!).col - 1;
          envs.set(env, { ...base, images, childIndent, end: last ? lineEnd(text, last.end) : 0 });
        } else {
          const single = pinOf(node, field, at);
          if (single) envs.set(env, { ...base, single, end: lineEnd(text, single.end) });
        }
      }
      const keyStart = nodeStart(pair.key)!;
      const childIndent = value.flow || value.items.length === 0 ? 2 : lineCounter.linePos(nodeStart(value.items[0].key)!).col - 1;
      const end = Math.max(lineEnd(text, keyStart), ...[...envs.values()].map(e => e.end));
      apps.set(app, { line: lineOf(keyStart), keyStart, end, flow: Boolean(root.flow || value.flow), childIndent, envs });
    }
  }
  if (problems.length > 0) return { doc, problems };
  return { index: { apps, flow: isMap(root) && Boolean(root.flow) }, doc, problems };
}

function checkName(
  pair: Pair,
  what: 'app' | 'environment' | 'image',
  field: string | undefined,
  where: (offset: number | undefined) => string,
  problems: Problem[],
  describe: (node: unknown) => unknown,
): string | undefined {
  const key = pair.key;
  const at = where(nodeStart(key));
  if (!isScalar(key) || typeof key.value !== 'string') {
    problems.push({ path: at, field, message: `${what} name must be a string`, value: describe(key) });
    return undefined;
  }
  const why = nameProblem(key.value);
  if (why) {
    problems.push({ path: at, field, message: `${what} name ${why}`, value: key.value });
    return undefined;
  }
  return key.value;
}

/** Offset of the `\n` ending the line that holds `offset` (or the text's length). */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

function nodeStart(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}

/** A short description of a node for a message; never expands aliases (an alias bomb stays small). */
function describeIn(doc: Document, node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return `*${node.source}`;
  if (isScalar(node)) return node.value;
  if (isMap(node) || isSeq(node)) {
    try {
      return node.toJS(doc, { maxAliasCount: 100 });
    } catch {
      return isMap(node) ? 'a mapping' : 'a sequence';
    }
  }
  return String(node);
}
