import { isAscii } from 'buffer';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { pruneCacheFiles, writeCacheFile } from '../_cache-files';

/**
 * The stat cache of a rendered folder read from disk (`readDiskTree`): what
 * each file's size, times and inode were when it was last hashed, its blob
 * id, and each folder's git tree id; when a file's times are too recent to
 * be trusted; and the cache file's format.
 */

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

/** True if `dir` is on one of the {@link LOCAL_FILE_SYSTEMS}. */
export function onLocalFileSystem(dir: string): boolean {
  try {
    return LOCAL_FILE_SYSTEMS.has(Number(fs.statfsSync(dir).type));
  } catch {
    return false;
  }
}

/**
 * When a file's (or a folder's) times are too close to a read that starts at
 * `started` for what it found to be trusted by the next read: within 100 ms
 * on a local file system (`local`, see {@link onLocalFileSystem}) when both
 * times have sub-second parts (else the file system may keep whole seconds
 * only), within 2 s otherwise.
 */
export function racyTimes(local: boolean, started: number): (st: fs.Stats) => boolean {
  const after = started - RACY_MARGIN_MS;
  const localAfter = local ? started - LOCAL_RACY_MARGIN_MS : after;
  return st => {
    const limit = st.mtimeMs % 1000 !== 0 && st.ctimeMs % 1000 !== 0 ? localAfter : after;
    return st.mtimeMs > limit || st.ctimeMs > limit;
  };
}

/** Version of the cache file (bumped when its format or the ids' meaning changes). */
const CACHE_VERSION = 5;

/**
 * A file's flags, as the cache stores them: 1 if its text is only white
 * space, plus 2 if its times were too close to the read to be trusted next time.
 */
export const isBlankFlag = (flag: number) => flag === 1 || flag === 3;
export const isRacyFlag = (flag: number) => flag >= 2;

/**
 * The stat cache as read: the paths (in sorted order, as a read lists them),
 * five numbers per path (size, modification time, change time, inode, flags)
 * and the blob ids concatenated. Kept as arrays, not an object per file: a
 * read of 8,000 unchanged files compares numbers in place.
 */
export interface StatCache {
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
 * the number of folders under it, its git tree id (sha1; '' when not
 * computed), and — when its entries were exactly its files and subfolders
 * (no other entry, no folder without files) and its own times were safely in
 * the past — the folder's modification time, change time and inode (three
 * numbers per folder in `dirs`; -1, 0, 0 otherwise): a folder whose times and
 * inode are still those holds the same entries (adding, removing or renaming
 * one changes them), so the next read need not list it (git's untracked
 * cache). Kept only when every path is ASCII (whose UTF-16 order is git's).
 */
export interface Folders {
  readonly prefixes: string[];
  readonly starts: number[];
  readonly counts: number[];
  readonly nested: number[];
  readonly ids: string[];
  readonly dirs: number[];
}

export const noFolders = (): Folders => ({ prefixes: [], starts: [], counts: [], nested: [], ids: [], dirs: [] });

/** Keeps the first `k` folders of `folders` (the walk drops a folder it found without files). */
export function truncateFolders(folders: Folders, k: number): void {
  for (const list of [folders.prefixes, folders.starts, folders.counts, folders.nested, folders.ids]) list.length = k;
  folders.dirs.length = k * 3;
}

/** True if two folder lists are the same (then the cache need not be written again for them). */
export function sameFolders(a: Folders, b: Folders): boolean {
  const n = a.prefixes.length;
  if (b.prefixes.length !== n) return false;
  for (let k = 0; k < n; k++) {
    if (a.prefixes[k] !== b.prefixes[k] || a.starts[k] !== b.starts[k] || a.counts[k] !== b.counts[k]
      || a.nested[k] !== b.nested[k] || a.ids[k] !== b.ids[k]) return false;
  }
  for (let x = 0; x < n * 3; x++) if (a.dirs[x] !== b.dirs[x]) return false;
  return true;
}

/** The stat cache file of the folder `root` in `cacheDir` (named after its real path). */
export function statCacheFile(cacheDir: string, root: string): string {
  let real = root;
  try {
    real = fs.realpathSync(root);
  } catch {
    // a folder that cannot be resolved is named as given
  }
  return path.join(cacheDir, `tree-${createHash('sha1').update(real).digest('hex').slice(0, 20)}.stat`);
}

/** The first word of a cache file's header line. */
const CACHE_MAGIC = 'cdk8s-gitops-stat';

/** Where a cache file's body starts: after the header line, at a multiple of 8 (the numbers are read in place). */
const bodyAt = (nl: number) => Math.ceil((nl + 1) / 8) * 8;

/** A NUL-separated list of strings (NUL is in no path). */
const splitList = (text: string, n: number) => (n === 0 ? [] : text.split('\0'));

/** zlib's CRC-32 (Node.js 20.15 and later; the types claim it always). */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/**
 * The checksum of a cache file's body: CRC-32 (zlib's, Node.js 20.15 and
 * later), else SHA-1; named in the header with its method, so a file is
 * checked with the method that wrote it (a method this Node.js lacks: the
 * cache is discarded). It guards against a damaged file, not an attacker:
 * the cache folder is the user's own.
 */
function checksum(body: Uint8Array, method: string = crc32 ? 'crc32' : 'sha1'): string | undefined {
  if (method === 'crc32') return crc32 ? `crc32-${crc32(body).toString(16).padStart(8, '0')}` : undefined;
  return `sha1-${createHash('sha1').update(body).digest('hex')}`;
}

/**
 * Reads a cache file: a header line (`cdk8s-gitops-stat <version>
 * <endianness> <paths> <bytes of paths> <folders> <bytes of folder paths>
 * <checksum of the body>`), zeros up to a multiple of 8, then the body: five
 * float64 numbers per path (size, modification time, change time, inode,
 * flags; in this machine's byte order), seven per folder (first path, paths,
 * folders under it, 1 if its tree id is known, and the folder's modification
 * time, change time and inode, see {@link Folders}), the blob ids and the
 * folders' tree ids in hex (each one decoding of the bytes), then the paths
 * and the folders' paths in UTF-8, each list separated by NUL (a byte no path
 * holds). Nothing is parsed per file: the numbers are read in place.
 * Anything unexpected (another version or byte order, a bad checksum, sizes
 * that do not line up) discards the whole cache.
 */
export function loadCache(file: string): StatCache | undefined {
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
    || !/^(0|[1-9][0-9]{0,9}) (0|[1-9][0-9]{0,11}) (0|[1-9][0-9]{0,9}) (0|[1-9][0-9]{0,11}) (crc32-[0-9a-f]{8}|sha1-[0-9a-f]{40})$/.test(head.slice(3).join(' '))) {
    return undefined;
  }
  const [n, pathBytes, m, prefixBytes] = head.slice(3, 7).map(Number);
  const at = bodyAt(nl);
  const numsEnd = n * 40 + m * 56;
  const idsEnd = numsEnd + n * 40 + m * 40;
  if (data.length !== at + idsEnd + pathBytes + prefixBytes) return undefined;
  const body = data.subarray(at);
  if (checksum(body, head[7].slice(0, head[7].indexOf('-'))) !== head[7]) return undefined;
  // A Float64Array needs an offset that is a multiple of 8: read in place when it is (a file's own buffer), else from a copy.
  let all: Float64Array;
  if (body.byteOffset % 8 === 0) {
    all = new Float64Array(body.buffer, body.byteOffset, numsEnd / 8);
  } else {
    all = new Float64Array(numsEnd / 8);
    new Uint8Array(all.buffer).set(body.subarray(0, numsEnd));
  }
  const nums = all.subarray(0, n * 5);
  // Paths of ASCII bytes (the usual case) decode as Latin-1, several times faster than UTF-8.
  const text = (from: number, to: number) => body.toString(isAscii(body.subarray(from, to)) ? 'latin1' : 'utf8', from, to);
  const paths = splitList(text(idsEnd, idsEnd + pathBytes), n);
  const prefixes = splitList(text(idsEnd + pathBytes, body.length), m);
  if (paths.length !== n || prefixes.length !== m) return undefined;
  const folders: Folders = { prefixes, starts: [], counts: [], nested: [], ids: [], dirs: [] };
  const treeIds = body.toString('latin1', numsEnd + n * 40, idsEnd);
  for (let k = 0, x = n * 5; k < m; k++, x += 7) {
    folders.starts.push(all[x]);
    folders.counts.push(all[x + 1]);
    folders.nested.push(all[x + 2]);
    folders.ids.push(all[x + 3] === 1 ? treeIds.slice(k * 40, k * 40 + 40) : '');
    folders.dirs.push(all[x + 4], all[x + 5], all[x + 6]);
  }
  return { paths, nums, blobs: body.toString('latin1', numsEnd, numsEnd + n * 40), folders };
}

/** Writes the cache whole (temporary file, then rename: a concurrent reader sees the old or the new one). Failures only cost time. */
export function saveCache(file: string, paths: readonly string[], nums: readonly number[], blobs: readonly string[], folders: Folders): void {
  const n = paths.length;
  const m = folders.prefixes.length;
  const pathBytes = Buffer.from(paths.join('\0'), 'utf8');
  const prefixBytes = Buffer.from(folders.prefixes.join('\0'), 'utf8');
  const folderNums: number[] = [];
  for (let k = 0; k < m; k++) {
    folderNums.push(folders.starts[k], folders.counts[k], folders.nested[k], folders.ids[k] ? 1 : 0);
    folderNums.push(folders.dirs[k * 3], folders.dirs[k * 3 + 1], folders.dirs[k * 3 + 2]);
  }
  const treeIds = folders.ids.map(id => id || '0'.repeat(40)).join('');
  const body = Buffer.concat([
    new Uint8Array(Float64Array.from([...nums, ...folderNums]).buffer),
    Buffer.from(blobs.join(''), 'latin1'), Buffer.from(treeIds, 'latin1'), pathBytes, prefixBytes,
  ]);
  const line = Buffer.from(`${CACHE_MAGIC} ${CACHE_VERSION} ${os.endianness()} ${n} ${pathBytes.length} ${m} ${prefixBytes.length} ${checksum(body)}\n`, 'latin1');
  if (writeCacheFile(file, Buffer.concat([line, Buffer.alloc(bodyAt(line.length - 1) - line.length), body]))) {
    pruneCacheFiles(path.dirname(file), /^tree-[0-9a-f]{20}\.stat$/, MAX_CACHE_FILES, path.basename(file));
  }
}

/** Stat cache files kept per cache folder (one per rendered folder read; temporary folders read once leave theirs behind); the least recently written go first. */
const MAX_CACHE_FILES = 32;
