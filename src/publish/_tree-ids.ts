import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ObjectFormat } from './_objects';

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
  const file = path.join(cacheDir, FILE);
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(tmp, `${JSON.stringify({ v: VERSION, entries })}\n`);
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}
