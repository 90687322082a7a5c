import { createHash } from 'crypto';
import { Git } from './_git';

/** The repository's object hash: `sha1` or `sha256`. */
export type ObjectFormat = 'sha1' | 'sha256';

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

/** Names sorted by UTF-16 code units in git's (byte) order. */
const ASCII = /^[\x00-\x7f]*$/;

interface Dir { files: Map<string, string>; dirs: Map<string, Dir> }

/** One entry of a tree object, as `git mktree` reads it. */
export interface TreeEntry {
  readonly mode: '100644' | '040000';
  readonly type: 'blob' | 'tree';
  readonly id: string;
  readonly name: string;
}

/**
 * The git object id of the tree holding `files` (path → blob id, all mode
 * 100644), computed without a git process, plus every tree object's entries
 * (id → entries, subtrees before the trees holding them) so the missing
 * ones can be written.
 */
export function treeId(files: ReadonlyMap<string, string>, format: ObjectFormat): { id: string; trees: Map<string, TreeEntry[]> } {
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
  const idBytes = format === 'sha256' ? 32 : 20;
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
    // The body as a latin1 string (one byte per character): every id decoded from hex in one call.
    const raw = Buffer.from(entries.map(e => e.entry.id).join(''), 'hex').toString('latin1');
    let body = '';
    entries.forEach(({ entry }, i) => {
      const name = ascii ? entry.name : Buffer.from(entry.name, 'utf8').toString('latin1');
      body += `${entry.type === 'tree' ? '40000' : '100644'} ${name}\0${raw.slice(i * idBytes, (i + 1) * idBytes)}`;
    });
    const id = createHash(format).update(`tree ${body.length}\0`).update(body, 'latin1').digest('hex');
    trees.set(id, entries.map(e => e.entry));
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

/**
 * Writes the blobs of `files` that `known` does not already hold, with one
 * `git fast-import` (a single pack; no process per file) and, beside it, the tree
 * objects of `trees` (from {@link treeId}) that `knownTrees` does not hold,
 * with one `git mktree --batch` — for a one-app change only that app's
 * folder and its parents — and returns the root tree id git wrote.
 */
export async function writeTreeObjects(
  git: Git, files: readonly TreeFile[], known: ReadonlySet<string>,
  trees: ReadonlyMap<string, readonly TreeEntry[]>, knownTrees: ReadonlySet<string>, root: string,
): Promise<string> {
  const missing = new Map<string, Buffer>();
  for (const f of files) {
    if (known.has(f.blob) || missing.has(f.blob)) continue;
    missing.set(f.blob, Buffer.from(typeof f.content === 'function' ? f.content() : f.content));
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
  const batch: string[] = [];
  for (const [id, entries] of trees) {
    if (knownTrees.has(id) && id !== root) continue;
    batch.push(`${entries.map(e => `${e.mode} ${e.type} ${e.id}\t${e.name}\0`).join('')}\0`);
  }
  const [, out] = await Promise.all([blobsWritten, git.text(['mktree', '-z', '--missing', '--batch'], { input: batch.join('') })]);
  const written = out.split('\n');
  return written[written.length - 1];
}
