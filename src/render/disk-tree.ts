import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isBlankText, LazyTree, RenderedTree } from './tree';
import { pruneCacheFiles } from '../_cache-files';
import { ASCII, hashTree, TreeEntry, TreeObjects } from '../_git-tree';
import { EnvironmentError, ValidationError } from '../errors';

/**
 * Milliseconds a file's modification and change times must lie behind the
 * start of a read for its blob id to be trusted next time (racy-timestamp
 * guard): a file written in the same clock tick as it was read could change
 * again without changing its times. 2 s covers file systems with 1-2 s
 * timestamps, and clocks of a remote file system's server a little apart.
 */
const RACY_MARGIN_MS = 2000;

/**
 * The margin on a local file system that keeps sub-second times (the file's
 * own times show it): such times come from the kernel's clock, which lags the
 * time a read starts by one clock tick at most (≤ 10 ms), so a change made
 * after the read gets later times than any file time this far behind its
 * start. It lets the `publish` right after a `validate` (or a `cdk8s synth`)
 * trust what that read hashed instead of hashing every file again.
 */
const LOCAL_RACY_MARGIN_MS = 100;

/**
 * File systems (statfs `f_type`) whose files' times are the local kernel's:
 * tmpfs, ext2/3/4, xfs, btrfs, overlayfs, zfs, f2fs. Any other (a network
 * file system, FUSE, anything unknown) keeps the 2 s margin.
 */
const LOCAL_FILE_SYSTEMS = new Set([0x01021994, 0xef53, 0x58465342, 0x9123683e, 0x794c7630, 0x2fc12fc1, 0xf2f52010]);

/**
 * True if `dir` is on one of the {@link LOCAL_FILE_SYSTEMS}.
 * @internal
 */
export function onLocalFileSystem(dir: string): boolean {
  try {
    return LOCAL_FILE_SYSTEMS.has(Number(fs.statfsSync(dir).type));
  } catch {
    return false;
  }
}

/** Version of the cache file (bumped when its format or the ids' meaning changes). */
const CACHE_VERSION = 3;

/** An entry of the folder that is not a regular file or folder, found while reading it (never followed nor read). */
export interface OtherEntry {
  /** Its path relative to the folder, `/`-separated. */
  readonly path: string;
  /** A `.git` entry (any letter case), a symlink, or a socket/FIFO/device. */
  readonly kind: 'git' | 'symlink' | 'special';
  /** A symlink's target, when readable. */
  readonly target?: string;
}

/** Options of {@link readDiskTree}. */
export interface ReadDiskTreeOptions {
  /**
   * A folder for the stat cache (path, size, times and inode → blob id),
   * so that files unchanged since the last read are neither read nor hashed
   * again. The cache file is named after the folder's real path.
   *
   * @default - no cache: every file is read
   */
  readonly cacheDir?: string;
  /**
   * When the read starts, in ms since the epoch: files whose modification or
   * change time is less than 2 s before it (100 ms on a local file system
   * whose times have sub-second parts) are hashed but not trusted by the next
   * read (a file can change again within its timestamps' granularity).
   *
   * @default Date.now()
   */
  readonly now?: number;
  /**
   * Also give the git tree id (sha1) of every folder (`DiskTree.folderTrees`):
   * with `cacheDir`, a folder whose files are all as the last read listed
   * them keeps the id that read computed, so only the folders holding a
   * changed, added or removed file (and their parents) are hashed.
   *
   * @default false - the ids the cache knows are kept for the next read, none is computed
   */
  readonly treeIds?: boolean;
}

/** What {@link readDiskTree} found. */
export interface DiskTreeRead {
  /** The regular files (read lazily where the stat cache knows them). */
  readonly tree: DiskTree;
  /** `.git` entries, symlinks and special files (not part of `tree`). */
  readonly others: readonly OtherEntry[];
  /** Files read and hashed by this call (the others came from the cache). */
  readonly filesRead: number;
}

/** The git blob id (sha1) of `text` as UTF-8. */
export function gitBlobId(text: string): string {
  return createHash('sha1').update(`blob ${Buffer.byteLength(text, 'utf8')}\0`).update(text, 'utf8').digest('hex');
}

/**
 * A file's flags, as the cache stores them: 1 if its text is only white
 * space, plus 2 if its times were too close to the read to be trusted next time.
 */
const isBlankFlag = (flag: number) => flag === 1 || flag === 3;
const isRacyFlag = (flag: number) => flag >= 2;

/**
 * The stat cache as read: the paths (in sorted order, as a read lists them),
 * five numbers per path (size, modification time, change time, inode, flags)
 * and the blob ids concatenated. Kept as arrays, not an object per file: a
 * read of 8,000 unchanged files compares numbers in place.
 */
interface StatCache {
  readonly paths: readonly string[];
  readonly nums: Float64Array;
  readonly blobs: string;
  /** The folders the read found (see {@link Folders}), with the tree ids it knew ('' for none). */
  readonly folders: Folders;
}

/**
 * The folders of a read that hold at least one file, in the order the walk
 * entered them (a folder before its subfolders; all paths under a folder are
 * contiguous in the sorted paths): each one's path with a trailing '/' (''
 * for the root), its first path's position, the number of paths under it,
 * the number of folders under it, and its git tree id (sha1; '' when not
 * computed). Kept only when every path is ASCII (whose UTF-16 order is git's).
 */
interface Folders {
  readonly prefixes: string[];
  readonly starts: number[];
  readonly counts: number[];
  readonly nested: number[];
  readonly ids: string[];
}

const noFolders = (): Folders => ({ prefixes: [], starts: [], counts: [], nested: [], ids: [] });

/**
 * A rendered tree on disk, as a {@link RenderedTree}: the file list and each
 * file's git blob id are known up front; a file's text is read when first
 * asked for (`get`, iteration), and checked against its blob id then, so a
 * file changed after the listing is never mistaken for the listed one.
 */
export class DiskTree extends LazyTree {
  /** The folder (absolute). */
  public readonly dir: string;
  /** Path → position in `blobs` and `flags`, in sorted path order. */
  private readonly index: ReadonlyMap<string, number>;
  private readonly blobs: readonly string[];
  private readonly flags: readonly number[];
  private readonly texts: Map<string, string>;
  private readonly trees: FolderTrees | undefined;

  /** @internal use {@link readDiskTree} */
  constructor(
    dir: string, index: ReadonlyMap<string, number>, blobs: readonly string[], flags: readonly number[], texts: Map<string, string>,
    trees?: FolderTrees,
  ) {
    super();
    this.dir = dir;
    this.index = index;
    this.blobs = blobs;
    this.flags = flags;
    this.texts = texts;
    this.trees = trees;
  }

  /**
   * The git tree (sha1) of every folder, when the read was asked for them
   * (`treeIds`) and every path is ASCII; else `undefined`.
   */
  public get folderTrees(): FolderTrees | undefined {
    return this.trees;
  }

  public get size(): number {
    return this.index.size;
  }

  public has(p: string): boolean {
    return this.index.has(p);
  }

  /** The text of `p`, read from disk on first use; throws `EnvironmentError` if the file changed since it was listed. */
  public get(p: string): string | undefined {
    const known = this.texts.get(p);
    if (known !== undefined) return known;
    const i = this.index.get(p);
    if (i === undefined) return undefined;
    const file = `${this.dir}/${p}`;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new EnvironmentError(`${file} changed while it was being read (${(e as Error).message}); run the command again`, { cause: e });
    }
    if (gitBlobId(text) !== this.blobs[i]) {
      throw new EnvironmentError(`${file} changed while it was being read (its content is not the one listed); run the command again`);
    }
    this.texts.set(p, text);
    return text;
  }

  /** The git blob id (sha1) of `p`'s text, without reading it when the stat cache knows it. */
  public blobId(p: string): string | undefined {
    const i = this.index.get(p);
    return i === undefined ? undefined : this.blobs[i];
  }

  /** True if `p` holds only white space (without reading it when the stat cache knows it). */
  public isBlank(p: string): boolean {
    const i = this.index.get(p);
    return i !== undefined && isBlankFlag(this.flags[i]);
  }

  public keys(): MapIterator<string> {
    return this.index.keys();
  }

  /** The paths whose text is in memory: read by the listing (new, or changed since the stat cache was written) or asked for since. */
  public readPaths(): MapIterator<string> {
    return this.texts.keys();
  }
}

/**
 * The git trees (sha1, every file mode 100644) of a folder read from disk:
 * each folder's tree id, computed by the read or kept from the last one when
 * none of its files changed, and each tree's entries, built when asked for.
 * A {@link TreeObjects} of every folder, the root included.
 */
export class FolderTrees implements TreeObjects {
  private byId: Map<string, number> | undefined;

  /** @internal made by {@link readDiskTree} */
  constructor(private readonly paths: readonly string[], private readonly blobs: readonly string[], private readonly folders: Folders) {}

  /** The tree id of the folder itself. */
  public get rootId(): string {
    return this.folders.ids[0];
  }

  /** The entries of the folder itself. */
  public rootEntries(): TreeEntry[] {
    return folderEntries(this.paths, this.blobs, this.folders, 0);
  }

  public get(id: string): readonly TreeEntry[] | undefined {
    const k = this.indexOf(id);
    return k === undefined ? undefined : folderEntries(this.paths, this.blobs, this.folders, k);
  }

  public ids(): string[] {
    // Subfolders first; identical folders are one tree.
    return [...new Set([...this.folders.ids].reverse())];
  }

  public under(id: string, dir: string, visit: (path: string, id: string) => void): number {
    const k = this.indexOf(id);
    if (k === undefined) return 0;
    const { prefixes, ids, nested, counts } = this.folders;
    const skip = prefixes[k].length;
    for (let j = k + 1, last = k + nested[k]; j <= last; j++) {
      const rel = prefixes[j].slice(skip, -1);
      visit(dir ? `${dir}/${rel}` : rel, ids[j]);
    }
    return counts[k];
  }

  private indexOf(id: string): number | undefined {
    if (!this.byId) {
      this.byId = new Map();
      const ids = this.folders.ids;
      // The first folder with an id: identical folders have the same entries and folders under them.
      for (let k = ids.length - 1; k >= 0; k--) this.byId.set(ids[k], k);
    }
    return this.byId.get(id);
  }
}

/**
 * The entries of folder `k` in git's order (its paths are sorted and
 * contiguous; each subfolder's id is known): a file per path right under it,
 * a tree per subfolder.
 */
function folderEntries(paths: readonly string[], blobs: readonly string[], folders: Folders, k: number): TreeEntry[] {
  const { prefixes, starts, counts, nested, ids } = folders;
  const prefix = prefixes[k];
  const entries: TreeEntry[] = [];
  let child = k + 1;
  for (let i = starts[k], end = starts[k] + counts[k]; i < end;) {
    const p = paths[i];
    const slash = p.indexOf('/', prefix.length);
    if (slash < 0) {
      entries.push({ mode: '100644', type: 'blob', id: blobs[i], name: p.slice(prefix.length) });
      i++;
      continue;
    }
    if (prefixes[child] !== p.slice(0, slash + 1) || starts[child] !== i) {
      throw new Error(`internal error: the folder list does not match the paths at ${p}`);
    }
    entries.push({ mode: '040000', type: 'tree', id: ids[child], name: p.slice(prefix.length, slash) });
    i += counts[child];
    child += nested[child] + 1;
  }
  return entries;
}

/** The blob id of `p` in `tree`: from a {@link DiskTree} without reading it, else computed from the text. */
export function blobIdIn(tree: RenderedTree, p: string): string | undefined {
  if (tree instanceof DiskTree) return tree.blobId(p);
  const text = tree.get(p);
  return text === undefined ? undefined : gitBlobId(text);
}

/** True if `p` in `tree` holds only white space (a `LazyTree` answers without reading it). */
export function isBlankIn(tree: RenderedTree, p: string): boolean {
  if (tree instanceof LazyTree) return tree.isBlank(p);
  return isBlankText(tree.get(p) ?? '');
}

/**
 * Lists every regular file under `dir` with its git blob id, never following
 * a symlink nor entering a `.git` entry (any case); those and special files
 * are returned in `others`. With `cacheDir`, a file whose size, modification
 * and change times and inode match the last read (and whose times were
 * safely in the past then) is not read again: its blob id comes from the
 * cache. A missing, unreadable or damaged cache only costs time. Throws
 * `ValidationError` if `dir` is not a directory.
 */
export function readDiskTree(dir: string, options: ReadDiskTreeOptions = {}): DiskTreeRead {
  const root = path.resolve(dir);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(root);
  } catch {
    stat = undefined;
  }
  if (!stat?.isDirectory()) {
    throw new ValidationError([{ path: dir, message: 'is not a directory (run `cdk8s synth` first?)' }]);
  }
  const started = options.now ?? Date.now();
  const cacheName = `tree-${createHash('sha1').update(realpath(root)).digest('hex').slice(0, 20)}.stat`;
  const cacheFile = options.cacheDir ? path.join(options.cacheDir, cacheName) : undefined;
  const cached = cacheFile ? loadCache(cacheFile) : undefined;

  // Per file, in sorted path order: the path, five numbers (size, modification and change times, inode, flags) and the blob id.
  const paths: string[] = [];
  const nums: number[] = [];
  const blobs: string[] = [];
  const flags: number[] = [];
  const others: OtherEntry[] = [];
  const texts = new Map<string, string>();
  const racyAfter = started - RACY_MARGIN_MS;
  const localRacyAfter = onLocalFileSystem(root) ? started - LOCAL_RACY_MARGIN_MS : racyAfter;
  let filesRead = 0;
  let changed = false;
  const add = (rel: string, text: string, st?: fs.Stats) => {
    texts.set(rel, text);
    filesRead++;
    // Sub-second parts in both times: the file system keeps them (whole seconds: assume it may not).
    const after = st && st.mtimeMs % 1000 !== 0 && st.ctimeMs % 1000 !== 0 ? localRacyAfter : racyAfter;
    const racy = !st || st.mtimeMs > after || st.ctimeMs > after;
    const flag = (isBlankText(text) ? 1 : 0) + (racy ? 2 : 0);
    const blob = gitBlobId(text);
    paths.push(rel);
    if (st) nums.push(st.size, st.mtimeMs, st.ctimeMs, st.ino, flag);
    else nums.push(0, 0, 0, 0, flag);
    blobs.push(blob);
    flags.push(flag);
    return { blob, flag };
  };
  // The cache lists its paths in the order of this walk: the next path expected is compared in place
  // (no lookup); a path out of that order (a file added or removed since) is looked up by name.
  const old = cached?.nums;
  const oldPaths = cached?.paths ?? [];
  let next = 0;
  let byName: Map<string, number> | undefined;
  const cachedAt = (childRel: string): number => {
    if (next < oldPaths.length && oldPaths[next] === childRel) return next++;
    if (!byName) {
      byName = new Map<string, number>();
      for (let k = 0; k < oldPaths.length; k++) byName.set(oldPaths[k], k);
    }
    const i = byName.get(childRel);
    if (i === undefined) return -1;
    next = i + 1;
    return i;
  };
  // The folders, as `Folders` lists them. A folder keeps the tree id the last read knew when every path
  // under it is the one the cache lists at the same place, with the same blob id, and the cache's folder
  // started at the same place with as many paths and folders under it: then its files are the same.
  const folders = noFolders();
  const oldFolders = cached?.folders;
  let nextFolder = 0;
  let folderByPrefix: Map<string, number> | undefined;
  const oldFolderAt = (prefix: string): number => {
    if (!oldFolders) return -1;
    if (nextFolder < oldFolders.prefixes.length && oldFolders.prefixes[nextFolder] === prefix) return nextFolder++;
    if (!folderByPrefix) {
      folderByPrefix = new Map<string, number>();
      for (let k = 0; k < oldFolders.prefixes.length; k++) folderByPrefix.set(oldFolders.prefixes[k], k);
    }
    const j = folderByPrefix.get(prefix);
    if (j === undefined) return -1;
    nextFolder = j + 1;
    return j;
  };
  // Where the last path not listed as the cache lists it is (its blob id, or its place, differs).
  let lastBreak = -1;
  let ascii = true;
  // `abs` and `rel` end with '/' (`rel` is '' at the root).
  const walk = (abs: string, rel: string) => {
    const entries = fs.readdirSync(abs, { withFileTypes: true });
    // Visited in the order git sorts a tree's entries (a folder's name followed by '/'), so the paths come
    // out sorted with no sort of the whole list; a folder read in that order already is not sorted again.
    if (!inGitOrder(entries)) entries.sort(gitOrder);
    const f = folders.prefixes.length;
    const start = paths.length;
    const oldStart = next;
    const oldFolder = oldFolderAt(rel);
    folders.prefixes.push(rel);
    folders.starts.push(start);
    folders.counts.push(0);
    folders.nested.push(0);
    folders.ids.push('');
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[k];
      const name = entry.name;
      if (name.length === 4 && name.charCodeAt(0) === 46 && name.toLowerCase() === '.git') {
        others.push({ path: rel + name, kind: 'git' });
      } else if (entry.isFile()) {
        const childRel = rel + name;
        if (ascii && !ASCII.test(name)) ascii = false;
        if (!cacheFile) {
          add(childRel, fs.readFileSync(abs + name, 'utf8'));
          continue;
        }
        const st = fs.lstatSync(abs + name);
        const expected = next;
        const i = old ? cachedAt(childRel) : -1;
        const at = i * 5;
        if (i >= 0 && !isRacyFlag(old![at + 4]) && old![at] === st.size && old![at + 1] === st.mtimeMs
          && old![at + 2] === st.ctimeMs && old![at + 3] === st.ino) {
          // Unchanged since the last read, whose times were safely in the past (flag 0 or 1: not racy).
          const flag = old![at + 4];
          if (i !== expected) lastBreak = paths.length;
          paths.push(childRel);
          nums.push(st.size, st.mtimeMs, st.ctimeMs, st.ino, flag);
          blobs.push(cached!.blobs.slice(i * 40, i * 40 + 40));
          flags.push(flag);
          continue;
        }
        const added = add(childRel, fs.readFileSync(abs + name, 'utf8'), st);
        const sameBlob = i >= 0 && cached!.blobs.slice(i * 40, i * 40 + 40) === added.blob;
        if (i !== expected || !sameBlob) lastBreak = paths.length - 1;
        if (!sameBlob || old![at] !== st.size || old![at + 1] !== st.mtimeMs || old![at + 2] !== st.ctimeMs || old![at + 3] !== st.ino
          || old![at + 4] !== added.flag) changed = true;
      } else if (entry.isDirectory()) {
        if (ascii && !ASCII.test(name)) ascii = false;
        walk(`${abs}${name}/`, `${rel}${name}/`);
      } else if (entry.isSymbolicLink()) {
        let target: string | undefined;
        try {
          target = fs.readlinkSync(abs + name);
        } catch {
          // unreadable link: reported without its target
        }
        others.push({ path: rel + name, kind: 'symlink', ...(target ? { target } : {}) });
      } else {
        others.push({ path: rel + name, kind: 'special' });
      }
    }
    const count = paths.length - start;
    if (count === 0) {
      // No file under it: no tree of its own (git keeps no empty folder).
      for (const list of Object.values(folders)) list.length = f;
      return;
    }
    folders.counts[f] = count;
    folders.nested[f] = folders.prefixes.length - f - 1;
    if (lastBreak < start && oldFolder >= 0 && oldFolders!.starts[oldFolder] === oldStart
      && oldFolders!.counts[oldFolder] === count && oldFolders!.nested[oldFolder] === folders.nested[f]) {
      folders.ids[f] = oldFolders!.ids[oldFolder];
    }
  };
  walk(root === '/' ? root : `${root}/`, '');
  const known = ascii ? folders : noFolders();
  if (ascii && options.treeIds) {
    // Subfolders first (the walk entered each before the folders under it): a folder's entries need their ids.
    for (let k = known.prefixes.length - 1; k >= 0; k--) {
      if (!known.ids[k]) known.ids[k] = hashTree(folderEntries(paths, blobs, known, k), true, 'sha1');
    }
  }
  if (cacheFile && (changed || !cached || oldPaths.length !== paths.length || !sameFolders(cached.folders, known))) {
    saveCache(cacheFile, paths, nums, blobs, known);
  }
  const index = new Map<string, number>();
  for (let i = 0; i < paths.length; i++) index.set(paths[i], i);
  const trees = ascii && options.treeIds && paths.length ? new FolderTrees(paths, blobs, folders) : undefined;
  return { tree: new DiskTree(root, index, blobs, flags, texts, trees), others, filesRead };
}

/** True if two folder lists are the same (then the cache need not be written again for them). */
function sameFolders(a: Folders, b: Folders): boolean {
  const n = a.prefixes.length;
  if (b.prefixes.length !== n) return false;
  for (let k = 0; k < n; k++) {
    if (a.prefixes[k] !== b.prefixes[k] || a.starts[k] !== b.starts[k] || a.counts[k] !== b.counts[k]
      || a.nested[k] !== b.nested[k] || a.ids[k] !== b.ids[k]) return false;
  }
  return true;
}

/**
 * Git's order of a folder's entries: by name, a folder's name followed by
 * '/'. It differs from the names' order only where one name starts with
 * the other (`dev/` sorts after `dev.yaml` and `dev-2/`, before `dev0.yaml`).
 */
function gitOrder(a: fs.Dirent, b: fs.Dirent): number {
  const x = a.name;
  const y = b.name;
  if (x.length < y.length && y.startsWith(x)) return a.isDirectory() && y.charCodeAt(x.length) < 47 ? 1 : -1;
  if (y.length < x.length && x.startsWith(y)) return b.isDirectory() && x.charCodeAt(y.length) < 47 ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True if `entries` are in {@link gitOrder} already. */
function inGitOrder(entries: readonly fs.Dirent[]): boolean {
  for (let k = 1; k < entries.length; k++) if (gitOrder(entries[k - 1], entries[k]) > 0) return false;
  return true;
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** The first word of a cache file's header line. */
const CACHE_MAGIC = 'cdk8s-gitops-stat';

/** Where a cache file's body starts: after the header line, at a multiple of 8 (the numbers are read in place). */
const bodyAt = (nl: number) => Math.ceil((nl + 1) / 8) * 8;

/** A NUL-separated list of strings (NUL is in no path). */
const splitList = (text: string, n: number) => (n === 0 ? [] : text.split('\0'));

/**
 * Reads a cache file: a header line (`cdk8s-gitops-stat <version>
 * <endianness> <paths> <bytes of paths> <folders> <bytes of folder paths>
 * <sha1 of the body>`), zeros up to a multiple of 8, then the body: five
 * float64 numbers per path (size, modification time, change time, inode,
 * flags; in this machine's byte order), four per folder (first path, paths,
 * folders under it, 1 if its tree id is known), the 20-byte blob ids, the
 * folders' 20-byte tree ids, then the paths and the folders' paths in UTF-8,
 * each list separated by NUL (a byte no path holds). Nothing is parsed per
 * file: the numbers are read in place. Anything unexpected (another version
 * or byte order, a bad checksum, sizes that do not line up) discards the
 * whole cache.
 */
function loadCache(file: string): StatCache | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const nl = data.indexOf(10);
  if (nl < 0 || nl > 200) return undefined;
  const head = data.toString('latin1', 0, nl).split(' ');
  if (head.length !== 8 || head[0] !== CACHE_MAGIC || head[1] !== String(CACHE_VERSION) || head[2] !== os.endianness()
    || !/^(0|[1-9][0-9]{0,9}) (0|[1-9][0-9]{0,11}) (0|[1-9][0-9]{0,9}) (0|[1-9][0-9]{0,11}) [0-9a-f]{40}$/.test(head.slice(3).join(' '))) return undefined;
  const [n, pathBytes, m, prefixBytes] = head.slice(3, 7).map(Number);
  const at = bodyAt(nl);
  const numsEnd = n * 40 + m * 32;
  const idsEnd = numsEnd + n * 20 + m * 20;
  if (data.length !== at + idsEnd + pathBytes + prefixBytes) return undefined;
  const body = data.subarray(at);
  if (createHash('sha1').update(body).digest('hex') !== head[7]) return undefined;
  // A Float64Array needs an offset that is a multiple of 8: read in place when it is (a file's own buffer), else from a copy.
  let all: Float64Array;
  if (body.byteOffset % 8 === 0) {
    all = new Float64Array(body.buffer, body.byteOffset, numsEnd / 8);
  } else {
    all = new Float64Array(numsEnd / 8);
    new Uint8Array(all.buffer).set(body.subarray(0, numsEnd));
  }
  const nums = all.subarray(0, n * 5);
  const paths = splitList(body.toString('utf8', idsEnd, idsEnd + pathBytes), n);
  const prefixes = splitList(body.toString('utf8', idsEnd + pathBytes), m);
  if (paths.length !== n || prefixes.length !== m) return undefined;
  const folders: Folders = { prefixes, starts: [], counts: [], nested: [], ids: [] };
  const treeIds = body.toString('hex', numsEnd + n * 20, idsEnd);
  for (let k = 0, x = n * 5; k < m; k++, x += 4) {
    folders.starts.push(all[x]);
    folders.counts.push(all[x + 1]);
    folders.nested.push(all[x + 2]);
    folders.ids.push(all[x + 3] === 1 ? treeIds.slice(k * 40, k * 40 + 40) : '');
  }
  return { paths, nums, blobs: body.toString('hex', numsEnd, numsEnd + n * 20), folders };
}

/** Writes the cache whole (temporary file, then rename: a concurrent reader sees the old or the new one). Failures only cost time. */
function saveCache(file: string, paths: readonly string[], nums: readonly number[], blobs: readonly string[], folders: Folders): void {
  const n = paths.length;
  const m = folders.prefixes.length;
  const pathBytes = Buffer.from(paths.join('\0'), 'utf8');
  const prefixBytes = Buffer.from(folders.prefixes.join('\0'), 'utf8');
  const folderNums: number[] = [];
  for (let k = 0; k < m; k++) folderNums.push(folders.starts[k], folders.counts[k], folders.nested[k], folders.ids[k] ? 1 : 0);
  const treeIds = folders.ids.map(id => id || '0'.repeat(40)).join('');
  const body = Buffer.concat([
    new Uint8Array(Float64Array.from([...nums, ...folderNums]).buffer),
    Buffer.from(blobs.join(''), 'hex'), Buffer.from(treeIds, 'hex'), pathBytes, prefixBytes,
  ]);
  const line = Buffer.from(`${CACHE_MAGIC} ${CACHE_VERSION} ${os.endianness()} ${n} ${pathBytes.length} ${m} ${prefixBytes.length} ${createHash('sha1').update(body).digest('hex')}\n`, 'latin1');
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, Buffer.concat([line, Buffer.alloc(bodyAt(line.length - 1) - line.length), body]));
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
    return;
  }
  pruneCacheFiles(path.dirname(file), /^tree-[0-9a-f]{20}\.stat$/, MAX_CACHE_FILES, path.basename(file));
}

/** Stat cache files kept per cache folder (one per rendered folder read; temporary folders read once leave theirs behind); the least recently written go first. */
const MAX_CACHE_FILES = 32;
