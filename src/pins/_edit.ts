import type { Document } from 'yaml';
import { PinsIndex, ScalarStyle } from './_index';
import { ImageRef } from '../image-ref';

/**
 * What one environment of one app should hold after an edit: one reference
 * for every image (`single`), or named images (`images`: these names are set,
 * other names already in the file stay; an environment in the single form, or
 * new, gets exactly these).
 */
export type EnvEdit =
  | { readonly app: string; readonly env: string; readonly single: ImageRef; readonly images?: undefined }
  | { readonly app: string; readonly env: string; readonly images: ReadonlyMap<string, ImageRef>; readonly single?: undefined };

interface Splice {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

/** Where an edit wrote: the new text of every app it touched, so only those need reading back. */
export interface EditedText {
  readonly text: string;
  /**
   * The ranges of the new text holding the edited apps (`app`) and the apps
   * added at the end (`app` undefined); everything else is the old text,
   * byte for byte. Absent when the file was re-emitted whole (flow style).
   */
  readonly blocks?: ReadonlyArray<{ readonly app?: string; readonly start: number; readonly end: number }>;
}

/**
 * Applies `edits` to `text` in one pass: replaced values keep their quoting,
 * new lines take the indentation of their neighbours, everything else
 * (comments, order, blank lines) stays byte for byte. Linear in the size of
 * the text whatever the number of edits. Flow collections (`{…}`) are edited
 * through the `yaml` Document API instead (`doc`, parsed if not given).
 */
export function applyEdits(text: string, index: PinsIndex, edits: readonly EnvEdit[], doc?: Document): EditedText {
  if (needsDocument(index, edits)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { text: viaDocument(doc ?? (require('yaml') as typeof import('yaml')).parseDocument(text, { uniqueKeys: true }), index, edits) };
  }
  const splices: Splice[] = [];
  const newApps = new Map<string, EnvEdit[]>();
  const firstApp = index.apps.values().next().value;
  const step = firstApp ? firstApp.childIndent : 2;
  for (const edit of edits) {
    const app = index.apps.get(edit.app);
    if (!app) {
      const list = newApps.get(edit.app) ?? [];
      list.push(edit);
      newApps.set(edit.app, list);
      continue;
    }
    const env = app.envs.get(edit.env);
    if (!env) {
      splices.push({ at: app.end, remove: 0, insert: `\n${envLines(edit, app.childIndent, step)}` });
    } else if (edit.single && env.single) {
      splices.push(replaceScalar(env.single, edit.single));
    } else if (edit.images && env.images) {
      const indent = env.childIndent ?? app.childIndent + step;
      for (const [name, ref] of edit.images) {
        const old = env.images.get(name);
        if (old) {
          splices.push(replaceScalar(old, ref));
        } else {
          splices.push({ at: env.end, remove: 0, insert: `\n${' '.repeat(indent)}${renderKey(name)}: ${renderScalar(ref.toString(), 'PLAIN')}` });
        }
      }
    } else if (edit.images && env.single) {
      // single -> images: drop the value (a comment after it stays on the key's line), add the image lines.
      splices.push({ at: env.afterColon, remove: env.single.end - env.afterColon, insert: '' });
      splices.push({ at: env.end, remove: 0, insert: `\n${imageLines(edit.images, app.childIndent + step)}` });
    } else {
      // images -> single: the value replaces the whole block.
      splices.push({ at: env.afterColon, remove: env.end - env.afterColon, insert: ` ${renderScalar(edit.single!.toString(), 'PLAIN')}` });
    }
  }
  const sorted = splices.map((sp, i) => ({ sp, i })).sort((a, b) => a.sp.at - b.sp.at || a.i - b.i).map(x => x.sp);
  let out = applySplices(text, sorted);
  // A flow collection's extent is not a line range: read such a file back whole.
  const edited = index.flow || edits.some(e => index.apps.get(e.app)?.flow) ? undefined : blocksOf(index, edits, sorted);
  const added: Array<{ start: number; end: number }> = [];
  if (newApps.size > 0) {
    const apps = [...index.apps.values()];
    const last = apps[apps.length - 1];
    const blank = last !== undefined && apps.length > 1 && blankLineBefore(text, last.keyStart);
    if (out.length > 0 && !out.endsWith('\n')) out += '\n';
    const blocks: string[] = [];
    for (const [app, list] of newApps) {
      blocks.push(`${blank ? '\n' : ''}${renderKey(app)}:\n${list.map(e => envLines(e, step, step)).join('\n')}\n`);
    }
    const start = out.length;
    out += blocks.join('');
    added.push({ start, end: out.length });
  }
  return { text: out, blocks: edited && [...edited, ...added] };
}

/**
 * The new ranges of the existing apps that `sorted` splices touch (a splice
 * belongs to the app whose block holds it): one sweep over apps and splices.
 */
function blocksOf(index: PinsIndex, edits: readonly EnvEdit[], sorted: readonly Splice[]): Array<{ app?: string; start: number; end: number }> {
  const touched = [...new Set(edits.map(e => e.app))]
    .map(name => ({ name, node: index.apps.get(name) }))
    .filter((a): a is { name: string; node: NonNullable<typeof a.node> } => a.node !== undefined)
    .sort((a, b) => a.node.keyStart - b.node.keyStart);
  const out: Array<{ app?: string; start: number; end: number }> = [];
  let k = 0;
  let shift = 0;
  for (const { name, node } of touched) {
    while (k < sorted.length && sorted[k].at < node.keyStart) shift += sorted[k].insert.length - sorted[k++].remove;
    const start = node.keyStart + shift;
    while (k < sorted.length && sorted[k].at <= node.end) shift += sorted[k].insert.length - sorted[k++].remove;
    out.push({ app: name, start, end: node.end + shift });
  }
  return out;
}

/** True when an edit adds lines inside a flow collection (`{…}`): only a value replacement is a splice there. */
function needsDocument(index: PinsIndex, edits: readonly EnvEdit[]): boolean {
  for (const edit of edits) {
    const app = index.apps.get(edit.app);
    const env = app?.envs.get(edit.env);
    const inPlace = env !== undefined && (edit.single
      ? env.single !== undefined
      : env.images !== undefined && [...edit.images.keys()].every(name => env.images!.has(name)));
    if (!inPlace && (!app ? index.flow : app.flow || env?.flow)) return true;
  }
  return false;
}

/** Fallback for flow-style maps: let the Document API re-emit the file. */
function viaDocument(source: Document, index: PinsIndex, edits: readonly EnvEdit[]): string {
  const doc = source.clone();
  for (const edit of edits) {
    if (edit.single) {
      doc.setIn([edit.app, edit.env], edit.single.toString());
    } else if (index.apps.get(edit.app)?.envs.get(edit.env)?.images) {
      for (const [name, ref] of edit.images) doc.setIn([edit.app, edit.env, name], ref.toString());
    } else {
      doc.setIn([edit.app, edit.env], doc.createNode(Object.fromEntries([...edit.images].map(([k, v]) => [k, v.toString()]))));
    }
  }
  return doc.toString({ lineWidth: 0 });
}

function envLines(edit: EnvEdit, indent: number, step: number): string {
  const head = `${' '.repeat(indent)}${renderKey(edit.env)}:`;
  if (edit.single) return `${head} ${renderScalar(edit.single.toString(), 'PLAIN')}`;
  return `${head}\n${imageLines(edit.images, indent + step)}`;
}

function imageLines(images: ReadonlyMap<string, ImageRef>, indent: number): string {
  return [...images].map(([name, ref]) => `${' '.repeat(indent)}${renderKey(name)}: ${renderScalar(ref.toString(), 'PLAIN')}`).join('\n');
}

function replaceScalar(node: { start: number; end: number; style: ScalarStyle }, ref: ImageRef): Splice {
  return { at: node.start, remove: node.end - node.start, insert: renderScalar(ref.toString(), node.style) };
}

/** Applies splices, sorted by offset, in one pass. */
function applySplices(text: string, sorted: readonly Splice[]): string {
  if (sorted.length === 0) return text;
  const parts: string[] = [];
  let pos = 0;
  for (const s of sorted) {
    parts.push(text.slice(pos, s.at), s.insert);
    pos = s.at + s.remove;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

/** Writes `value` the way the old scalar was written (plain or quoted), quoting when plain would be misread. */
export function renderScalar(value: string, style: ScalarStyle): string {
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (style === 'QUOTE_DOUBLE' || /[#:]\s|^[!&*'"%@`|>{[]|\s$/.test(value) || ambiguous(value)) return JSON.stringify(value);
  return value;
}

/**
 * True when YAML 1.1 or 1.2 would read `value`, written plain, as something
 * else. Only values starting like a number, a bool or null can be; the
 * resolver (and the `yaml` library behind it) is loaded for those alone, so a
 * plain `ghcr.io/…` edit never pays for loading it.
 */
function ambiguous(value: string): boolean {
  if (/^[a-eg-mp-su-xz]/.test(value)) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../yaml') as typeof import('../yaml')).isAmbiguousPlainScalar(value);
}

function renderKey(name: string): string {
  return renderScalar(name, 'PLAIN');
}

function blankLineBefore(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1);
  if (lineStart <= 0) return false;
  const prevStart = text.lastIndexOf('\n', lineStart - 1);
  return text.slice(prevStart + 1, lineStart).trim() === '';
}
