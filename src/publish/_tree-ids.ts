import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FolderIds, MAX_FOLDER_ENTRIES, ObjectFormat } from './_objects';
import { writeCacheFile } from '../_cache-files';

/**
 * A cache of tree ids by listing: the key is a hash of a tree's paths and
 * blob ids, the value the id of the git tree holding them. A tree id is a
 * pure function of that listing, so a publish whose rendered folder was
 * published (or checked) before gets its root tree id without building its
 * ≈ 2,000 tree objects; they are built only if a commit is made.
 */

/** Version of the cache file (bumped when its format or the keys' meaning changes). */
const VERSION = 1;

/** The cache file in the cache folder. */
const FILE = 'publish-tree-ids.json';

/** Listings remembered (the newest first): a few rendered folders, or a folder's recent states. */
const MAX_ENTRIES = 16;

const HEX = { sha1: /^[0-9a-f]{40}$/, sha256: /^[0-9a-f]{64}$/ } as const;

/**
 * The key of a listing, fed entry by entry: the object format and a sha1
 * over `path NUL blob-id` for each entry in order. A path never holds a NUL
 * and every id of one format has the same length, so different listings
 * give different inputs.
 */
export class ListingKey {
  private readonly hash = createHash('sha1');
  private chunk = '';
  constructor(private readonly format: ObjectFormat) {}

  public add(p: string, blob: string): void {
    this.chunk += `${p}\0${blob}`;
    if (this.chunk.length > 65536) {
      this.hash.update(this.chunk, 'utf8');
      this.chunk = '';
    }
  }

  public digest(): string {
    this.hash.update(this.chunk, 'utf8');
    return `${this.format}:${this.hash.digest('hex')}`;
  }
}

type Entries = [string, string][];

function load(cacheDir: string): Entries {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(cacheDir, FILE), 'utf8'));
  } catch {
    return [];
  }
  const { v, entries } = (parsed ?? {}) as { v?: unknown; entries?: unknown };
  if (v !== VERSION || !Array.isArray(entries)) return [];
  // Anything malformed discards the whole file (it only costs time).
  const ok = entries.every(e => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string'
    && /^(sha1|sha256):[0-9a-f]{40}$/.test(e[0]) && HEX[e[0].slice(0, e[0].indexOf(':')) as ObjectFormat].test(e[1]));
  return ok ? entries as Entries : [];
}

/** The tree id remembered for `key`, if any. */
export function cachedTreeId(cacheDir: string, key: string): string | undefined {
  return load(cacheDir).find(([k]) => k === key)?.[1];
}

/** Remembers `treeId` for `key`. */
export function rememberTreeId(cacheDir: string, key: string, treeId: string): void {
  save(cacheDir, [[key, treeId] as [string, string], ...load(cacheDir).filter(([k]) => k !== key)].slice(0, MAX_ENTRIES));
}

/** Forgets `key` (its remembered tree id turned out wrong). */
export function forgetTreeId(cacheDir: string, key: string): void {
  save(cacheDir, load(cacheDir).filter(([k]) => k !== key));
}

/** Writes the file whole (temporary file, then rename: a concurrent reader sees the old or the new one). Failures only cost time. */
function save(cacheDir: string, entries: Entries): void {
  writeCacheFile(path.join(cacheDir, FILE), `${JSON.stringify({ v: VERSION, entries })}\n`);
}

/** First word of the folder cache's header line, and its version (bumped when the format or the keys' meaning changes). */
const FOLDER_MAGIC = 'cdk8s-gitops-folder-trees';
const FOLDER_VERSION = 1;

/** The folder cache's file for an object format. */
export function folderIdsFile(cacheDir: string, format: ObjectFormat): string {
  return path.join(cacheDir, `publish-folder-trees-${format}.txt`);
}

/**
 * The folder tree id cache of `cacheDir`: a header line (`<magic> <version>
 * <format> <count> <sha1 of the body>`), then one line per folder, `<tree id>
 * <key>` (keys are ASCII without a newline; the newest tree's folders
 * first). {@link FolderIdCache.save} rewrites it when something was added.
 */
export class FolderIdCache implements FolderIds {
  /** Loads the cache (empty when missing, damaged, of another version or format). */
  public static load(cacheDir: string, format: ObjectFormat): FolderIdCache {
    const ids = new Map<string, string>();
    let text: string | undefined;
    try {
      text = fs.readFileSync(folderIdsFile(cacheDir, format), 'latin1');
    } catch {
      // No cache yet.
    }
    const nl = text?.indexOf('\n') ?? -1;
    if (text !== undefined && nl > 0) {
      const head = text.slice(0, nl).split(' ');
      const body = text.slice(nl + 1);
      const idLength = format === 'sha256' ? 64 : 40;
      const ok = head.length === 5 && head[0] === FOLDER_MAGIC && head[1] === String(FOLDER_VERSION) && head[2] === format
        && createHash('sha1').update(body, 'latin1').digest('hex') === head[4];
      if (ok) {
        const lines = body.split('\n');
        lines.pop();
        // Anything malformed discards the whole file.
        const hex = HEX[format];
        const valid = lines.length === Number(head[3]) && lines.every(l => l.charCodeAt(idLength) === 0x20 && hex.test(l.slice(0, idLength)));
        if (valid) for (const l of lines) ids.set(l.slice(idLength + 1), l.slice(0, idLength));
      }
    }
    return new FolderIdCache(cacheDir, format, ids);
  }

  /** Keys found or added by this run, in order (an array: a push per folder is cheaper than a map's set). */
  private readonly used: string[] = [];
  private added = 0;

  private constructor(private readonly cacheDir: string, private readonly format: ObjectFormat, private readonly ids: Map<string, string>) {}

  public get(key: string): string | undefined {
    const id = this.ids.get(key);
    if (id !== undefined) this.used.push(key);
    return id;
  }

  public set(key: string, id: string): void {
    // The file is ASCII lines: keys of other names are not kept (`treeId` asks only for ASCII ones).
    if (/[\n\x80-\uffff]/.test(key)) return;
    this.used.push(key);
    this.ids.set(key, id);
    this.added++;
  }

  /**
   * Writes the file when this run added a folder: this run's folders first,
   * then older ones up to as many again (a folder's previous states stay, so
   * switching back and forth hashes nothing). Failures only cost time.
   */
  public save(): void {
    if (this.added === 0) return;
    const keep = new Map<string, string>();
    for (const k of this.used) keep.set(k, this.ids.get(k)!);
    const limit = 2 * keep.size + MAX_FOLDER_ENTRIES;
    for (const [k, id] of this.ids) {
      if (keep.size >= limit) break;
      if (!keep.has(k)) keep.set(k, id);
    }
    let body = '';
    for (const [k, id] of keep) body += `${id} ${k}\n`;
    const sum = createHash('sha1').update(body, 'latin1').digest('hex');
    writeCacheFile(folderIdsFile(this.cacheDir, this.format), `${FOLDER_MAGIC} ${FOLDER_VERSION} ${this.format} ${keep.size} ${sum}\n${body}`, 'latin1');
    this.added = 0;
  }

  /** Removes the file (a tree built with it did not have the id another check expected). */
  public forget(): void {
    fs.rmSync(folderIdsFile(this.cacheDir, this.format), { force: true });
  }
}
