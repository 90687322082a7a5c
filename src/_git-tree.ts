import { createHash } from 'crypto';

/**
 * Git tree objects as data: their entries, bodies and ids. Shared by the
 * rendered tree read from disk (which keeps its folders' tree ids in its
 * stat cache, see `render/disk-tree.ts`) and publish, which writes them.
 */

/** The hash of a repository's objects. */
export type ObjectFormat = 'sha1' | 'sha256';

/** One entry of a tree object, as `git mktree` reads it. */
export interface TreeEntry {
  readonly mode: '100644' | '040000';
  readonly type: 'blob' | 'tree';
  readonly id: string;
  readonly name: string;
}

/** Only ASCII characters (whose UTF-16 order is git's byte order). */
export const ASCII = /^[\x00-\x7f]*$/;

/** The body of a tree object holding `entries` (in git's order), as a latin1 string (one byte per character). */
export function treeBody(entries: readonly TreeEntry[], ascii: boolean, format: ObjectFormat): string {
  const idBytes = format === 'sha256' ? 32 : 20;
  // The body as a latin1 string (one byte per character): every id decoded from hex in one call.
  let hex = '';
  for (const e of entries) hex += e.id;
  const raw = Buffer.from(hex, 'hex').toString('latin1');
  let body = '';
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const name = ascii ? entry.name : Buffer.from(entry.name, 'utf8').toString('latin1');
    body += `${entry.type === 'tree' ? '40000' : '100644'} ${name}\0${raw.slice(i * idBytes, (i + 1) * idBytes)}`;
  }
  return body;
}

/** The id of a tree object holding `entries` (in git's order). */
export function hashTree(entries: readonly TreeEntry[], ascii: boolean, format: ObjectFormat): string {
  const body = treeBody(entries, ascii, format);
  return createHash(format).update(`tree ${body.length}\0`).update(body, 'latin1').digest('hex');
}

/**
 * The tree objects of a new tree: each one's entries by id, and the folders
 * under a tree without building every entry (a one-app change writes three
 * trees and compares the ≈ 2,000 others by id only).
 */
export interface TreeObjects {
  /** The entries of the tree `id`, if it is one of these. */
  get(id: string): readonly TreeEntry[] | undefined;
  /** Every tree id (a subtree before the trees holding it). */
  ids(): Iterable<string>;
  /**
   * Visits every folder under the tree `id`, whose path is `dir` (`''` for
   * the root), with its path and tree id, and returns the number of files
   * under it (at any depth).
   */
  under(id: string, dir: string, visit: (path: string, id: string) => void): number;
}

/** {@link TreeObjects} held as a map (id → entries). */
export class TreeMap implements TreeObjects {
  constructor(private readonly trees: ReadonlyMap<string, readonly TreeEntry[]>) {}

  public get(id: string): readonly TreeEntry[] | undefined {
    return this.trees.get(id);
  }

  public ids(): Iterable<string> {
    return this.trees.keys();
  }

  public under(id: string, dir: string, visit: (path: string, id: string) => void): number {
    return underEntries(this.trees.get(id) ?? [], dir, visit, (sub, p) => this.under(sub, p, visit));
  }
}

/**
 * {@link TreeObjects.under} for a tree holding `entries` at `dir`: visits each
 * subtree and what `under` (of the subtree's id and path) visits, and counts
 * the files.
 */
export function underEntries(
  entries: readonly TreeEntry[], dir: string, visit: (path: string, id: string) => void, under: (id: string, path: string) => number,
): number {
  let files = 0;
  for (const e of entries) {
    if (e.type === 'blob') {
      files++;
    } else {
      const p = dir ? `${dir}/${e.name}` : e.name;
      visit(p, e.id);
      files += under(e.id, p);
    }
  }
  return files;
}

/**
 * Visits every file of the tree `id` (at `dir`, `''` for the root) with its
 * path and blob id, in git's order, except those under a folder `skip`
 * names: a commit's loop over what changed, without listing the thousands
 * of files of folders known to be unchanged.
 */
export function filesOutside(
  trees: TreeObjects, id: string, skip: ReadonlySet<string>, visit: (path: string, blob: string) => void, dir = '',
): void {
  const entries = trees.get(id);
  if (!entries) throw new Error(`internal error: no tree ${id} ('${dir || '/'}') among the new tree's objects`);
  for (const e of entries) {
    const p = dir ? `${dir}/${e.name}` : e.name;
    if (e.type === 'blob') visit(p, e.id);
    else if (!skip.has(p)) filesOutside(trees, e.id, skip, visit, p);
  }
}
