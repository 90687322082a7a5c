import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { folderEntries, FolderTrees } from './_folder-trees';
import { isBlankFlag, isRacyFlag, loadCache, noFolders, onLocalFileSystem, racyTimes, sameFolders, saveCache, statCacheFile, truncateFolders } from './_stat-cache';
import { isBlankText, LazyTree, RenderedTree } from './tree';
import { ASCII, hashTree } from '../_git-tree';
import { EnvironmentError, ValidationError } from '../errors';

export { FolderTrees } from './_folder-trees';

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
 * cache; on a local file system, a folder whose own times and inode match
 * the last read, which found only files and folders holding files in it, is
 * not listed again either: its entries come from the cache (each file is
 * still looked at). A missing, unreadable or damaged cache only costs time. Throws
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
  const cacheFile = options.cacheDir ? statCacheFile(options.cacheDir, root) : undefined;
  const cached = cacheFile ? loadCache(cacheFile) : undefined;

  // Per file, in sorted path order: the path, five numbers (size, modification and change times, inode, flags) and the blob id.
  const paths: string[] = [];
  const nums: number[] = [];
  const blobs: string[] = [];
  const flags: number[] = [];
  const others: OtherEntry[] = [];
  const texts = new Map<string, string>();
  // On a local file system a folder's own times show whether its entries changed (see `Folders`): a folder whose
  // times and inode are as the last read found them is not listed again. Elsewhere every folder is listed.
  const local = cacheFile !== undefined && onLocalFileSystem(root);
  const isRacy = racyTimes(local, started);
  let filesRead = 0;
  let changed = false;
  const add = (rel: string, text: string, st?: fs.Stats) => {
    texts.set(rel, text);
    filesRead++;
    const racy = !st || isRacy(st);
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
  /** One regular file of the folder `abs` (its path `childRel`): hashed, or its blob id taken from the cache. */
  const file = (abs: string, name: string, childRel: string, listed: boolean) => {
    if (!cacheFile) {
      add(childRel, fs.readFileSync(abs + name, 'utf8'));
      return;
    }
    const st = fs.lstatSync(abs + name);
    // A file the folder's cached entries named must still be one (it cannot change kind without changing the folder).
    if (listed && !st.isFile()) throw new EnvironmentError(`${childRel} changed while it was being read; run the command again`);
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
      return;
    }
    const added = add(childRel, fs.readFileSync(abs + name, 'utf8'), st);
    const sameBlob = i >= 0 && cached!.blobs.slice(i * 40, i * 40 + 40) === added.blob;
    if (i !== expected || !sameBlob) lastBreak = paths.length - 1;
    if (!sameBlob || old![at] !== st.size || old![at + 1] !== st.mtimeMs || old![at + 2] !== st.ctimeMs || old![at + 3] !== st.ino
      || old![at + 4] !== added.flag) changed = true;
  };
  // `abs` and `rel` end with '/' (`rel` is '' at the root). True when the folder holds files and its entries were
  // only its files and subfolders holding files (a folder whose listing the next read may take from the cache).
  const walk = (abs: string, rel: string): boolean => {
    const f = folders.prefixes.length;
    const start = paths.length;
    const oldStart = next;
    const oldFolder = oldFolderAt(rel);
    folders.prefixes.push(rel);
    folders.starts.push(start);
    folders.counts.push(0);
    folders.nested.push(0);
    folders.ids.push('');
    folders.dirs.push(-1, 0, 0);
    // The folder's own times, taken before its entries are listed: an entry added or removed after this gives it
    // later ones, which the next read sees. A subfolder is looked at without following a link (no trailing '/'):
    // one replaced by a symlink since its parent was listed is never entered. The root may be a link to a folder.
    const own = !local ? undefined : rel === '' ? fs.statSync(abs) : fs.lstatSync(abs.slice(0, -1));
    if (own && !own.isDirectory()) throw new EnvironmentError(`${rel.slice(0, -1)} changed while it was being read; run the command again`);
    let complete = true;
    const od = oldFolder >= 0 ? oldFolders!.dirs : undefined;
    if (own && od && od[oldFolder * 3] !== -1 && od[oldFolder * 3] === own.mtimeMs && od[oldFolder * 3 + 1] === own.ctimeMs
      && od[oldFolder * 3 + 2] === own.ino) {
      // The same entries as the last read found (its paths, in git's order; ASCII, as every path of a cache with folders).
      const { prefixes, starts, counts, nested } = oldFolders!;
      let child = oldFolder + 1;
      for (let i = starts[oldFolder], end = i + counts[oldFolder]; i < end;) {
        const p = oldPaths[i];
        const slash = p.indexOf('/', rel.length);
        if (slash < 0) {
          file(abs, p.slice(rel.length), p, true);
          i++;
          continue;
        }
        if (prefixes[child] !== p.slice(0, slash + 1) || starts[child] !== i) {
          throw new Error(`internal error: the stat cache's folders do not match its paths at ${p}`);
        }
        if (!walk(abs + prefixes[child].slice(rel.length), prefixes[child])) complete = false;
        i += counts[child];
        child += nested[child] + 1;
      }
    } else {
      const entries = fs.readdirSync(abs, { withFileTypes: true });
      // Visited in the order git sorts a tree's entries (a folder's name followed by '/'), so the paths come
      // out sorted with no sort of the whole list; a folder read in that order already is not sorted again.
      if (!inGitOrder(entries)) entries.sort(gitOrder);
      for (let k = 0; k < entries.length; k++) {
        const entry = entries[k];
        const name = entry.name;
        if (name.length === 4 && name.charCodeAt(0) === 46 && name.toLowerCase() === '.git') {
          others.push({ path: rel + name, kind: 'git' });
          complete = false;
        } else if (entry.isFile()) {
          if (ascii && !ASCII.test(name)) ascii = false;
          file(abs, name, rel + name, false);
        } else if (entry.isDirectory()) {
          if (ascii && !ASCII.test(name)) ascii = false;
          if (!walk(`${abs}${name}/`, `${rel}${name}/`)) complete = false;
        } else if (entry.isSymbolicLink()) {
          let target: string | undefined;
          try {
            target = fs.readlinkSync(abs + name);
          } catch {
            // unreadable link: reported without its target
          }
          others.push({ path: rel + name, kind: 'symlink', ...(target ? { target } : {}) });
          complete = false;
        } else {
          others.push({ path: rel + name, kind: 'special' });
          complete = false;
        }
      }
    }
    const count = paths.length - start;
    if (count === 0) {
      // No file under it: no tree of its own (git keeps no empty folder), and the folder holding it lists it anew.
      truncateFolders(folders, f);
      return false;
    }
    folders.counts[f] = count;
    folders.nested[f] = folders.prefixes.length - f - 1;
    if (lastBreak < start && oldFolder >= 0 && oldFolders!.starts[oldFolder] === oldStart
      && oldFolders!.counts[oldFolder] === count && oldFolders!.nested[oldFolder] === folders.nested[f]) {
      folders.ids[f] = oldFolders!.ids[oldFolder];
    }
    if (own && complete && !isRacy(own)) {
      folders.dirs[f * 3] = own.mtimeMs;
      folders.dirs[f * 3 + 1] = own.ctimeMs;
      folders.dirs[f * 3 + 2] = own.ino;
    }
    return true;
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
