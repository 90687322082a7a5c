import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { RenderedTree, TextsOnDemand } from './tree';
import { EnvironmentError, ValidationError } from '../errors';

/**
 * Seconds a file's modification and change times must lie behind the start of
 * a read for its blob id to be trusted next time (racy-timestamp guard): a
 * file written in the same clock tick as it was read could change again
 * without changing its times. 2 s also covers file systems with 1-2 s
 * timestamps.
 */
const RACY_MARGIN_MS = 2000;

/** Version of the cache file (bumped when its format or the ids' meaning changes). */
const CACHE_VERSION = 1;

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
   * change time is less than 2 s before it are hashed but not trusted by the
   * next read (a file can change again within its timestamps' granularity).
   *
   * @default Date.now()
   */
  readonly now?: number;
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

interface StatEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly blob: string;
  readonly blank: boolean;
  /** Times too close to the read: not to be trusted by the next read. */
  readonly racy: boolean;
}

/**
 * A rendered tree on disk, as a {@link RenderedTree}: the file list and each
 * file's git blob id are known up front; a file's text is read when first
 * asked for (`get`, iteration), and checked against its blob id then, so a
 * file changed after the listing is never mistaken for the listed one.
 */
export class DiskTree implements RenderedTree {
  /** The folder (absolute). */
  public readonly dir: string;
  /** Path → blob id and blank flag, in sorted path order. */
  private readonly index: ReadonlyMap<string, { readonly blob: string; readonly blank: boolean }>;
  private readonly texts: Map<string, string>;

  /** @internal use {@link readDiskTree} */
  constructor(dir: string, index: ReadonlyMap<string, { readonly blob: string; readonly blank: boolean }>, texts: Map<string, string>) {
    this.dir = dir;
    this.index = index;
    this.texts = texts;
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
    const entry = this.index.get(p);
    if (!entry) return undefined;
    const file = `${this.dir}/${p}`;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new EnvironmentError(`${file} changed while it was being read (${(e as Error).message}); run the command again`, { cause: e });
    }
    if (gitBlobId(text) !== entry.blob) {
      throw new EnvironmentError(`${file} changed while it was being read (its content is not the one listed); run the command again`);
    }
    this.texts.set(p, text);
    return text;
  }

  /** The git blob id (sha1) of `p`'s text, without reading it when the stat cache knows it. */
  public blobId(p: string): string | undefined {
    return this.index.get(p)?.blob;
  }

  /** True if `p` holds only white space (without reading it when the stat cache knows it). */
  public isBlank(p: string): boolean {
    return this.index.get(p)?.blank ?? false;
  }

  public keys(): MapIterator<string> {
    return this.index.keys();
  }

  public values(): MapIterator<string> {
    return iterate(this.index.keys(), p => this.get(p)!);
  }

  public entries(): MapIterator<[string, string]> {
    return iterate(this.index.keys(), p => [p, this.get(p)!]);
  }

  public [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  public forEach(fn: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    for (const [p, text] of this.entries()) fn.call(thisArg, text, p, this);
  }
}

/** A map iterator over `keys` that reads each value with `read` when it is reached. */
function iterate<T>(keys: MapIterator<string>, read: (p: string) => T): MapIterator<T> {
  function* gen() {
    for (const p of keys) yield read(p);
  }
  // A generator is a MapIterator in all but its type name (the lib types add methods Node 20 lacks).
  return gen() as unknown as MapIterator<T>;
}

/** The blob id of `p` in `tree`: from a {@link DiskTree} without reading it, else computed from the text. */
export function blobIdIn(tree: RenderedTree, p: string): string | undefined {
  if (tree instanceof DiskTree) return tree.blobId(p);
  const text = tree.get(p);
  return text === undefined ? undefined : gitBlobId(text);
}

/** True if `p` in `tree` holds only white space (a {@link DiskTree} or `TextsOnDemand` answers without reading it). */
export function isBlankIn(tree: RenderedTree, p: string): boolean {
  if (tree instanceof DiskTree || tree instanceof TextsOnDemand) return tree.isBlank(p);
  return (tree.get(p) ?? '').trim() === '';
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

  const paths: string[] = [];
  const others: OtherEntry[] = [];
  const fresh = new Map<string, StatEntry>();
  const texts = new Map<string, string>();
  let filesRead = 0;
  let changed = false;
  const walk = (abs: string, rel: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const childAbs = `${abs}/${entry.name}`;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name.toLowerCase() === '.git') {
        others.push({ path: childRel, kind: 'git' });
      } else if (entry.isSymbolicLink()) {
        let target: string | undefined;
        try {
          target = fs.readlinkSync(childAbs);
        } catch {
          // unreadable link: reported without its target
        }
        others.push({ path: childRel, kind: 'symlink', ...(target ? { target } : {}) });
      } else if (entry.isDirectory()) {
        walk(childAbs, childRel);
      } else if (entry.isFile()) {
        paths.push(childRel);
        if (!cacheFile) {
          const text = fs.readFileSync(childAbs, 'utf8');
          texts.set(childRel, text);
          fresh.set(childRel, { size: 0, mtimeMs: 0, ctimeMs: 0, ino: 0, blob: gitBlobId(text), blank: text.trim() === '', racy: true });
          filesRead++;
          continue;
        }
        const st = fs.lstatSync(childAbs);
        const old = cached?.get(childRel);
        if (old && !old.racy && old.size === st.size && old.mtimeMs === st.mtimeMs && old.ctimeMs === st.ctimeMs && old.ino === st.ino) {
          fresh.set(childRel, old);
          continue;
        }
        const text = fs.readFileSync(childAbs, 'utf8');
        texts.set(childRel, text);
        filesRead++;
        const racy = Math.max(st.mtimeMs, st.ctimeMs) > started - RACY_MARGIN_MS;
        const next: StatEntry = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, blob: gitBlobId(text), blank: text.trim() === '', racy };
        fresh.set(childRel, next);
        if (!old || !sameEntry(old, next)) changed = true;
      } else {
        others.push({ path: childRel, kind: 'special' });
      }
    }
  };
  walk(root, '');
  paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (cacheFile && (changed || !cached || cached.size !== fresh.size)) saveCache(cacheFile, paths, fresh);
  return { tree: new DiskTree(root, new Map(paths.map(p => [p, fresh.get(p)!])), texts), others, filesRead };
}

function sameEntry(a: StatEntry, b: StatEntry): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino
    && a.blob === b.blob && a.blank === b.blank && a.racy === b.racy;
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * Reads a cache file: a JSON object (`v`, the paths, five numbers per path:
 * size, modification time, change time, inode and flags, and the blob ids
 * concatenated) followed by a line holding the sha1 of the JSON text.
 * Anything unexpected (another version, a bad checksum, arrays that do not
 * line up) discards the whole cache.
 */
function loadCache(file: string): Map<string, StatEntry> | undefined {
  let data: string;
  try {
    data = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const nl = data.lastIndexOf('\n', data.length - 2);
  if (nl < 0 || !data.endsWith('\n')) return undefined;
  const json = data.slice(0, nl);
  if (createHash('sha1').update(json).digest('hex') !== data.slice(nl + 1, -1)) return undefined;
  let parsed: { v?: unknown; paths?: unknown; nums?: unknown; blobs?: unknown };
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  const { v, paths, nums, blobs } = parsed;
  if (v !== CACHE_VERSION || !Array.isArray(paths) || !Array.isArray(nums) || typeof blobs !== 'string'
    || nums.length !== paths.length * 5 || blobs.length !== paths.length * 40 || !/^[0-9a-f]*$/.test(blobs)) return undefined;
  const entries = new Map<string, StatEntry>();
  for (let i = 0; i < paths.length; i++) {
    const flags = nums[i * 5 + 4];
    entries.set(String(paths[i]), {
      size: nums[i * 5],
      mtimeMs: nums[i * 5 + 1],
      ctimeMs: nums[i * 5 + 2],
      ino: nums[i * 5 + 3],
      blank: flags === 1 || flags === 3,
      racy: flags === 2 || flags === 3,
      blob: blobs.slice(i * 40, i * 40 + 40),
    });
  }
  return entries;
}

/** Writes the cache whole (temporary file, then rename: a concurrent reader sees the old or the new one). Failures only cost time. */
function saveCache(file: string, paths: readonly string[], entries: ReadonlyMap<string, StatEntry>): void {
  const nums: number[] = [];
  let blobs = '';
  for (const p of paths) {
    const e = entries.get(p)!;
    nums.push(e.size, e.mtimeMs, e.ctimeMs, e.ino, (e.blank ? 1 : 0) + (e.racy ? 2 : 0));
    blobs += e.blob;
  }
  const json = JSON.stringify({ v: CACHE_VERSION, paths, nums, blobs });
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, `${json}\n${createHash('sha1').update(json).digest('hex')}\n`);
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
    return;
  }
  prune(path.dirname(file));
}

/** Stat cache files kept per cache folder (one per rendered folder read); the least recently written go first. */
const MAX_CACHE_FILES = 32;

/** Removes the oldest stat cache files beyond {@link MAX_CACHE_FILES} (temporary folders read once leave theirs behind). */
function prune(dir: string): void {
  try {
    const files = fs.readdirSync(dir).filter(f => /^tree-[0-9a-f]{20}\.stat$/.test(f));
    if (files.length <= MAX_CACHE_FILES) return;
    const byAge = files.map(f => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const { f } of byAge.slice(MAX_CACHE_FILES)) fs.rmSync(path.join(dir, f), { force: true });
  } catch {
    // another process pruned at the same time: nothing lost
  }
}
