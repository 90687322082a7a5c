import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { deflateSync } from 'zlib';
import { Git } from './_git';
import { ASCII, hashTree, ObjectFormat, TreeEntry, TreeObjects, treeBody } from '../_git-tree';

export type { ObjectFormat, TreeEntry } from '../_git-tree';

/** One file of a tree in the object database. */
export interface TreeFile {
  readonly path: string;
  readonly blob: string;
  /** The content (text is written as UTF-8), or how to read it when it must be written. */
  readonly content: Buffer | string | (() => Buffer | string);
}

/** The git object id of `content` (text as UTF-8) as a blob, computed without a git process or a copy of the text. */
export function blobId(content: Buffer | string, format: ObjectFormat): string {
  const size = typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.length;
  return createHash(format).update(`blob ${size}\0`).update(content).digest('hex');
}

interface Dir { files: Map<string, string>; dirs: Map<string, Dir> }

/**
 * The git object id of the tree holding `files` (path → blob id, all mode
 * 100644), computed without a git process, plus every tree object's entries
 * (id → entries, subtrees before the trees holding them) so the missing
 * ones can be written. With `folders`, the id of a folder of at most
 * `MAX_FOLDER_ENTRIES` entries (sorted ASCII paths) is looked up by the
 * folder's whole content instead of hashed, and remembered when hashed.
 */
export function treeId(
  files: ReadonlyMap<string, string>, format: ObjectFormat, folders?: FolderIds,
): { id: string; trees: Map<string, TreeEntry[]> } {
  return sortedTreeId(files, format, folders) ?? anyTreeId(files, format);
}

/**
 * The tree ids of small folders, keyed by their whole content (`folderKey`:
 * each entry's kind, name and object id). A folder's tree id is a pure
 * function of that key, so an entry can never go stale. A one-app change
 * then hashes only the trees on its path (its folder, its environment's, the
 * root) and looks up the other ≈ 2,000 folders' ids (see `treeId`); kept on
 * disk by `FolderIdCache` (`_tree-ids.ts`), checksummed, a damaged file
 * discarded whole (it only costs time).
 */
export interface FolderIds {
  /** The id remembered for a folder's key, if any. */
  get(key: string): string | undefined;
  /** Remembers a folder's id (computed by hashing its tree object). */
  set(key: string, id: string): void;
}

/** Folders with more entries are hashed, not looked up (an environment's folder of 1,000 apps: its key would be as long as its body). */
export const MAX_FOLDER_ENTRIES = 64;

/** The key of a folder's entries for a folder id cache: each entry's kind, name and id (ids of one format have one length). */
export function folderKey(entries: readonly TreeEntry[]): string {
  let key = '';
  for (const e of entries) key += `${e.type === 'tree' ? 't' : 'b'}${e.name}\0${e.id}`;
  return key;
}

/**
 * {@link treeId} in one pass for the usual case: ASCII paths in sorted order
 * (then each folder's entries come in git's order, a folder's name followed
 * by '/', and each folder's paths are contiguous). `undefined` otherwise.
 */
function sortedTreeId(
  files: ReadonlyMap<string, string>, format: ObjectFormat, folders?: FolderIds,
): { id: string; trees: Map<string, TreeEntry[]> } | undefined {
  const trees = new Map<string, TreeEntry[]>();
  // The open folders, root first: each one's path with a trailing '/' ('' for the root), name and entries so far.
  const stack: { prefix: string; name: string; entries: TreeEntry[] }[] = [{ prefix: '', name: '', entries: [] }];
  const close = () => {
    const dir = stack.pop()!;
    let id: string | undefined;
    if (folders && dir.entries.length <= MAX_FOLDER_ENTRIES) {
      const key = folderKey(dir.entries);
      id = folders.get(key);
      if (id === undefined) {
        id = hashTree(dir.entries, true, format);
        folders.set(key, id);
      }
    } else {
      id = hashTree(dir.entries, true, format);
    }
    trees.set(id, dir.entries);
    return { id, name: dir.name };
  };
  let prev: string | undefined;
  for (const [p, blob] of files) {
    if ((prev !== undefined && !(prev < p)) || !ASCII.test(p)) return undefined;
    prev = p;
    while (!p.startsWith(stack[stack.length - 1].prefix)) {
      const { id, name } = close();
      stack[stack.length - 1].entries.push({ mode: '040000', type: 'tree', id, name });
    }
    let start = stack[stack.length - 1].prefix.length;
    for (let slash = p.indexOf('/', start); slash >= 0; slash = p.indexOf('/', start)) {
      stack.push({ prefix: p.slice(0, slash + 1), name: p.slice(start, slash), entries: [] });
      start = slash + 1;
    }
    stack[stack.length - 1].entries.push({ mode: '100644', type: 'blob', id: blob, name: p.slice(start) });
  }
  while (stack.length > 1) {
    const { id, name } = close();
    stack[stack.length - 1].entries.push({ mode: '040000', type: 'tree', id, name });
  }
  return { id: close().id, trees };
}

/** {@link treeId} for paths in any order and of any characters. */
function anyTreeId(files: ReadonlyMap<string, string>, format: ObjectFormat): { id: string; trees: Map<string, TreeEntry[]> } {
  const root: Dir = { files: new Map(), dirs: new Map() };
  for (const [p, blob] of files) {
    const segs = p.split('/');
    let d = root;
    for (const seg of segs.slice(0, -1)) {
      let next = d.dirs.get(seg);
      if (!next) { next = { files: new Map(), dirs: new Map() }; d.dirs.set(seg, next); }
      d = next;
    }
    d.files.set(segs[segs.length - 1], blob);
  }
  const trees = new Map<string, TreeEntry[]>();
  const build = (d: Dir): string => {
    // Git orders entries by the bytes of the name, a directory's name followed by '/'.
    const entries: { key: string; entry: TreeEntry }[] = [];
    let ascii = true;
    for (const [name, sub] of d.dirs) {
      ascii &&= ASCII.test(name);
      entries.push({ key: `${name}/`, entry: { mode: '040000', type: 'tree', id: build(sub), name } });
    }
    for (const [name, blob] of d.files) {
      ascii &&= ASCII.test(name);
      entries.push({ key: name, entry: { mode: '100644', type: 'blob', id: blob, name } });
    }
    // For ASCII names UTF-16 order is byte order; otherwise compare the UTF-8 bytes.
    entries.sort(ascii ? (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : (a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    const sorted = entries.map(e => e.entry);
    const id = hashTree(sorted, ascii, format);
    trees.set(id, sorted);
    return id;
  };
  const id = build(root);
  return { id, trees };
}

/**
 * `git ls-tree -r` of `treeish`: path → blob id (regular files only). With
 * `trees`, also collects the ids of every subtree into it (`-t`).
 */
export async function listTree(git: Git, treeish: string, trees?: Set<string>): Promise<Map<string, string>> {
  const out = (await git.run(['ls-tree', '-r', ...(trees ? ['-t'] : []), '-z', '--full-tree', '--end-of-options', treeish])).stdout.toString('utf8');
  const files = new Map<string, string>();
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [, type, id] = rec.slice(0, tab).split(' ');
    if (type === 'blob') files.set(rec.slice(tab + 1), id);
    else if (type === 'tree') trees?.add(id);
  }
  return files;
}

/** Reads blobs by id in one `git cat-file --batch` (id → content). */
export async function readBlobs(git: Git, ids: Iterable<string>): Promise<Map<string, Buffer>> {
  const unique = [...new Set(ids)];
  const result = new Map<string, Buffer>();
  if (unique.length === 0) return result;
  const out = (await git.run(['cat-file', '--batch'], { input: unique.join('\n') + '\n' })).stdout;
  let pos = 0;
  for (const id of unique) {
    const nl = out.indexOf(0x0a, pos);
    const header = out.subarray(pos, nl).toString('utf8').split(' ');
    pos = nl + 1;
    if (header[1] === 'missing') continue;
    const size = Number(header[2]);
    result.set(id, out.subarray(pos, pos + size));
    pos += size + 1;
  }
  return result;
}

/** Most objects one commit writes as loose files; beyond, they go into one pack (`git fast-import`) and `git mktree`. */
export const MAX_LOOSE_OBJECTS = 64;

/**
 * Writes one object as a loose file under `objectsDir` (what `git
 * hash-object -w` does: zlib-deflated header and body, written beside and
 * then linked into place, read-only) unless it is there already, and returns
 * its id. No git process: for the handful of objects a one-app change makes.
 */
export function writeLooseObject(objectsDir: string, type: 'blob' | 'tree' | 'commit', body: Buffer, format: ObjectFormat): string {
  const head = Buffer.from(`${type} ${body.length}\0`, 'latin1');
  const id = createHash(format).update(head).update(body).digest('hex');
  const dir = path.join(objectsDir, id.slice(0, 2));
  const file = path.join(dir, id.slice(2));
  if (fs.existsSync(file)) return id;
  fs.mkdirSync(dir, { recursive: true });
  // git's own temporary name: `git gc` removes one a crash left behind.
  const tmp = path.join(dir, `tmp_obj_${process.pid}_${randomBytes(4).toString('hex')}`);
  try {
    fs.writeFileSync(tmp, deflateSync(Buffer.concat([head, body])), { mode: 0o444 });
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      // Another writer made the same object meanwhile: same id, same content.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return id;
}

/**
 * Writes the blobs of `files` that `known` does not already hold and the tree
 * objects of `trees` (from {@link treeId}) that `knownTrees` does not hold,
 * and returns the root tree id written. With `loose` and at most
 * {@link MAX_LOOSE_OBJECTS} objects (a one-app change: its changed files, its
 * folder and their parents) they are written as loose files without a git
 * process; otherwise the blobs go into one pack with one `git fast-import`
 * and, beside it, the trees with one `git mktree --batch`.
 */
export async function writeTreeObjects(
  git: Git, files: readonly TreeFile[], known: ReadonlySet<string>,
  trees: TreeObjects, knownTrees: ReadonlySet<string>, root: string,
  loose?: { readonly objectsDir: string; readonly format: ObjectFormat },
): Promise<string> {
  const missing = new Map<string, Buffer>();
  for (const f of files) {
    if (known.has(f.blob) || missing.has(f.blob)) continue;
    missing.set(f.blob, Buffer.from(typeof f.content === 'function' ? f.content() : f.content));
  }
  const newTrees: [string, readonly TreeEntry[]][] = [];
  for (const id of trees.ids()) if (!knownTrees.has(id) || id === root) newTrees.push([id, trees.get(id)!]);
  if (loose && missing.size + newTrees.length <= MAX_LOOSE_OBJECTS) {
    for (const [id, content] of missing) {
      const written = writeLooseObject(loose.objectsDir, 'blob', content, loose.format);
      if (written !== id) throw new Error(`blob id mismatch: computed ${id}, wrote ${written}`);
    }
    for (const [id, entries] of newTrees) {
      const ascii = entries.every(e => ASCII.test(e.name));
      const written = writeLooseObject(loose.objectsDir, 'tree', Buffer.from(treeBody(entries, ascii, loose.format), 'latin1'), loose.format);
      if (written !== id) throw new Error(`tree id mismatch: computed ${id}, wrote ${written}`);
    }
    return root;
  }
  let blobsWritten: Promise<unknown> = Promise.resolve();
  if (missing.size > 0) {
    const chunks: Buffer[] = [];
    for (const content of missing.values()) {
      chunks.push(Buffer.from(`blob\ndata ${content.length}\n`), content, Buffer.from('\n'));
    }
    chunks.push(Buffer.from('done\n'));
    blobsWritten = git.run(['fast-import', '--quiet', '--done'], { input: Buffer.concat(chunks) });
  }
  // Subtrees come before the trees holding them, so each is written before it is referenced. Every
  // entry is in the base or is written by the fast-import above, so `--missing` lets mktree run beside
  // it and skips its per-entry object lookup (≈ 1,000 for an environment's folder); the caller still
  // checks the root id git wrote.
  const batch = newTrees.map(([, entries]) => `${entries.map(e => `${e.mode} ${e.type} ${e.id}\t${e.name}\0`).join('')}\0`);
  const [, out] = await Promise.all([blobsWritten, git.text(['mktree', '-z', '--missing', '--batch'], { input: batch.join('') })]);
  const written = out.split('\n');
  return written[written.length - 1];
}

/** Who made a commit and when, as git records it. */
export interface CommitIdent {
  readonly name: string;
  readonly email: string;
  /** Seconds since the epoch. */
  readonly when: number;
  /** Offset from UTC in minutes (east positive). */
  readonly offset: number;
}

/** Characters git strips from the ends of a name or email (ident.c `crud`). */
const CRUD = /^[\x00-\x20.,:;<>"\\']|[\x00-\x20.,:;<>"\\']$|[<>\n]/;

/** True if git records `name` and `email` exactly as given (nothing for it to strip or refuse). */
export function isPlainIdent(name: string, email: string): boolean {
  return name.length > 0 && email.length > 0 && !CRUD.test(name) && !CRUD.test(email);
}

/**
 * The body of the commit object `git commit-tree <tree> [-p <parent>] -F -`
 * writes for `message` (verbatim, UTF-8, no encoding header) with these
 * author and committer.
 */
export function commitBody(tree: string, parent: string | undefined, author: CommitIdent, committer: CommitIdent, message: string): Buffer {
  const ident = (i: CommitIdent) => {
    const abs = Math.abs(i.offset);
    const tz = `${i.offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
    return `${i.name} <${i.email}> ${i.when} ${tz}`;
  };
  return Buffer.from(`tree ${tree}\n${parent ? `parent ${parent}\n` : ''}author ${ident(author)}\ncommitter ${ident(committer)}\n\n${message}`, 'utf8');
}
