import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Git } from './_git';

/** The repository's object hash: `sha1` or `sha256`. */
export type ObjectFormat = 'sha1' | 'sha256';

/** One file of a tree in the object database. */
export interface TreeFile {
  readonly path: string;
  readonly blob: string;
  readonly content: Buffer;
}

/** The git object id of `content` as a blob, computed without a git process. */
export function blobId(content: Buffer, format: ObjectFormat): string {
  return createHash(format).update(`blob ${content.length}\0`).update(content).digest('hex');
}

interface Dir { files: Map<string, string>; dirs: Map<string, Dir> }

/**
 * The git object id of the tree holding `files` (path → blob id, all mode
 * 100644), computed without a git process, plus every tree object's bytes
 * (id → body) so they can be written if needed.
 */
export function treeId(files: ReadonlyMap<string, string>, format: ObjectFormat): { id: string; trees: Map<string, Buffer> } {
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
  const trees = new Map<string, Buffer>();
  const build = (d: Dir): string => {
    const entries: { sortKey: string; bytes: Buffer }[] = [];
    for (const [name, sub] of d.dirs) {
      const id = build(sub);
      entries.push({ sortKey: `${name}/`, bytes: Buffer.concat([Buffer.from(`40000 ${name}\0`), Buffer.from(id, 'hex')]) });
    }
    for (const [name, blob] of d.files) {
      entries.push({ sortKey: name, bytes: Buffer.concat([Buffer.from(`100644 ${name}\0`), Buffer.from(blob, 'hex')]) });
    }
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.sortKey), Buffer.from(b.sortKey)));
    const body = Buffer.concat(entries.map(e => e.bytes));
    const id = createHash(format).update(`tree ${body.length}\0`).update(body).digest('hex');
    trees.set(id, body);
    return id;
  };
  const id = build(root);
  return { id, trees };
}

/** `git ls-tree -r` of `treeish`: path → blob id (regular files only). */
export async function listTree(git: Git, treeish: string): Promise<Map<string, string>> {
  const out = (await git.run(['ls-tree', '-r', '-z', '--full-tree', treeish])).stdout.toString('utf8');
  const files = new Map<string, string>();
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [, type, id] = rec.slice(0, tab).split(' ');
    if (type === 'blob') files.set(rec.slice(tab + 1), id);
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
 * `git fast-import` (a single pack; no process per file), then the tree with
 * a temporary index (`GIT_INDEX_FILE`, never the user's), and returns the
 * tree id git wrote.
 */
export async function writeTreeObjects(git: Git, files: readonly TreeFile[], known: ReadonlySet<string>): Promise<string> {
  const missing = new Map<string, Buffer>();
  for (const f of files) if (!known.has(f.blob)) missing.set(f.blob, f.content);
  if (missing.size > 0) {
    const chunks: Buffer[] = [];
    for (const content of missing.values()) {
      chunks.push(Buffer.from(`blob\ndata ${content.length}\n`), content, Buffer.from('\n'));
    }
    chunks.push(Buffer.from('done\n'));
    await git.run(['fast-import', '--quiet', '--done'], { input: Buffer.concat(chunks) });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-index-'));
  try {
    const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
    const info = files.map(f => `100644 ${f.blob}\t${f.path}\0`).join('');
    await git.run(['update-index', '-z', '--index-info'], { env, input: info });
    return await git.text(['write-tree'], { env });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
