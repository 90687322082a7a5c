import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentError, ValidationError } from '../errors';

/**
 * A rendered tree: POSIX-style relative path → file content. This is exactly
 * what lands on the rendered branch. Keys are kept in sorted order.
 */
export type RenderedTree = ReadonlyMap<string, string>;

/** True if `text` holds only white space (what the empty-file rule refuses). */
export function isBlankText(text: string): boolean {
  return text.trim() === '';
}

/** Returns a copy of `tree` with its paths in sorted (byte) order. */
export function sortTree<T = string>(tree: Iterable<[string, T]>): Map<string, T> {
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Checks a relative tree path: POSIX separators, no empty, `.` or `..`
 * segment, not absolute. Returns the problem, or `undefined` if it is safe.
 */
export function unsafeTreePath(p: string): string | undefined {
  if (p.length === 0) return 'is empty';
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return 'is absolute';
  if (p.includes('\\')) return 'contains a backslash';
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') return 'has an empty, "." or ".." segment';
  }
  return undefined;
}

/** Joins a relative tree path under `root`, refusing anything that escapes it. */
export function safeJoin(root: string, rel: string): string {
  const why = unsafeTreePath(rel);
  if (why) throw new ValidationError([{ path: rel, message: `unsafe output path: it ${why}` }]);
  return path.join(root, ...rel.split('/'));
}

/**
 * Reads every file under `dir` into a tree (paths relative, `/`-separated,
 * sorted). Symlinks and special files are refused: the branch holds only files.
 */
export function readTree(dir: string): Map<string, string> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ValidationError([{ path: dir, message: 'is not a directory (run `cdk8s synth` first?)' }]);
  }
  const files: [string, string][] = [];
  const walk = (abs: string, rel: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const childAbs = path.join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(childAbs, childRel);
      else if (entry.isFile()) files.push([childRel, fs.readFileSync(childAbs, 'utf8')]);
      else throw new ValidationError([{ path: path.join(dir, childRel), message: 'is not a regular file or directory (symlinks are not published)' }]);
    }
  };
  walk(dir, '');
  return sortTree(files);
}

/**
 * Writes `tree` to `outdir` all-or-nothing: into a sibling temporary
 * directory first, then swapped in with renames. On failure the previous
 * `outdir` is left untouched and the temporary directory removed. Files are
 * 0644, directories 0755; nothing but the tree's files ends up in `outdir`.
 */
export function writeTree(outdir: string, tree: RenderedTree): void {
  const staged = new StagedTree(outdir);
  try {
    for (const [rel, content] of tree) staged.add(rel, content);
  } catch (e) {
    staged.abort();
    throw e;
  }
  staged.commit();
}

/**
 * A tree written file by file into a sibling temporary directory of
 * `outdir`, then swapped in whole by `commit()` (or removed by `abort()`), as
 * `writeTree` does: a renderer can write each text as soon as it is emitted
 * instead of holding every text until the tree is checked, and the previous
 * `outdir` stays untouched until the commit.
 */
export class StagedTree {
  private readonly target: string;
  private readonly tmp: string;
  private readonly old: string;
  private readonly made = new Set<string>();
  private started = false;
  private done = false;

  constructor(outdir: string) {
    this.target = path.resolve(outdir);
    const parent = path.dirname(this.target);
    const base = path.basename(this.target);
    const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
    this.tmp = path.join(parent, `.${base}.tmp-${suffix}`);
    this.old = path.join(parent, `.${base}.old-${suffix}`);
  }

  /**
   * Writes one file (a relative tree path) into the temporary directory.
   * Throws `ValidationError` for an unsafe path and `EnvironmentError` when
   * the file cannot be written; the caller then calls `abort()`.
   */
  public add(rel: string, content: string): void {
    const file = safeJoin(this.tmp, rel);
    try {
      this.start();
      writeFileIn(file, content, this.made);
    } catch (e) {
      throw stagingError(this.tmp, e);
    }
  }

  /**
   * Creates the temporary directory (once) and returns its path, for a writer
   * elsewhere (the gate's worker thread) that adds files with `writeFileIn`.
   * Throws `EnvironmentError` when it cannot be created.
   */
  public open(): string {
    try {
      this.start();
    } catch (e) {
      throw stagingError(this.tmp, e);
    }
    return this.tmp;
  }

  /** The text of a file already added (read back from the temporary directory). */
  public read(rel: string): string {
    return fs.readFileSync(safeJoin(this.tmp, rel), 'utf8');
  }

  /** Replaces `outdir` with the files added (none: an empty folder); on failure `outdir` is left as it was. */
  public commit(): void {
    try {
      this.start();
    } catch (e) {
      this.abort();
      throw stagingError(this.tmp, e);
    }
    this.done = true;
    const { target, tmp, old } = this;
    let movedOld = false;
    try {
      if (fs.existsSync(target)) {
        fs.renameSync(target, old);
        movedOld = true;
      }
      fs.renameSync(tmp, target);
    } catch (e) {
      if (movedOld && !fs.existsSync(target)) fs.renameSync(old, target);
      fs.rmSync(tmp, { recursive: true, force: true });
      throw new EnvironmentError(`cannot swap the rendered tree into ${target}: ${(e as Error).message}`, { cause: e });
    }
    if (movedOld) fs.rmSync(old, { recursive: true, force: true });
  }

  /** Removes the temporary directory (nothing once committed). */
  public abort(): void {
    if (this.done) return;
    this.done = true;
    if (this.started) fs.rmSync(this.tmp, { recursive: true, force: true });
  }

  private start(): void {
    if (this.started) return;
    fs.mkdirSync(path.dirname(this.target), { recursive: true });
    fs.mkdirSync(this.tmp, { mode: 0o755 });
    this.started = true;
  }
}

/**
 * Writes one file of a tree being staged: `file` (a path from `safeJoin`),
 * creating its folder (0755) unless `made` lists it; the file is 0644. Throws
 * the file system's error.
 */
export function writeFileIn(file: string, content: string, made: Set<string>): void {
  const dir = path.dirname(file);
  if (!made.has(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    made.add(dir);
  }
  // The encoding named: Node.js writes a string with a given utf8 encoding in one
  // native call; options without it take the generic open/Buffer/write/close path.
  fs.writeFileSync(file, content, { mode: 0o644, encoding: 'utf8' });
}

/** The error of a file that could not be written into the staging folder `tmp`. */
export function stagingError(tmp: string, cause: unknown): EnvironmentError {
  return new EnvironmentError(`cannot write the rendered tree to ${tmp}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
}

/**
 * A rendered tree that fetches texts only when asked for: a subclass gives
 * its paths (`keys`, in byte order), `get`, `has`, `size` and `isBlank`; the
 * iteration of a `ReadonlyMap` is built on them, each text fetched when it is
 * reached.
 */
export abstract class LazyTree implements RenderedTree {
  public abstract readonly size: number;
  public abstract has(p: string): boolean;
  public abstract get(p: string): string | undefined;
  public abstract keys(): MapIterator<string>;
  /** True if `p` holds only white space, answered without reading its text where the tree can (see `isBlankIn`). */
  public abstract isBlank(p: string): boolean;

  public values(): MapIterator<string> {
    return lazily(this.keys(), p => this.get(p)!);
  }

  public entries(): MapIterator<[string, string]> {
    return lazily(this.keys(), p => [p, this.get(p)!]);
  }

  public [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  public forEach(fn: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    for (const [p, text] of this.entries()) fn.call(thisArg, text, p, this);
  }
}

/**
 * A rendered tree whose texts are not held in memory: its paths are known
 * (sorted), each text is fetched by `read` when asked for, unless it was
 * handed over with its path. What `GitOpsApp.synth()` hands its gates while
 * the texts already sit in the temporary directory of a `StagedTree`.
 */
export class TextsOnDemand extends LazyTree {
  private readonly texts: ReadonlyMap<string, string | undefined>;

  /**
   * `files`: path → its text, or `undefined` to `read` it when asked for (only
   * for a text that is not blank: a blank one is handed over, so `isBlank`
   * never reads); in byte order of paths.
   */
  constructor(files: ReadonlyMap<string, string | undefined>, private readonly read: (path: string) => string) {
    super();
    this.texts = files;
  }

  public isBlank(p: string): boolean {
    const text = this.texts.get(p);
    return text !== undefined && isBlankText(text);
  }

  public get size(): number {
    return this.texts.size;
  }

  public has(p: string): boolean {
    return this.texts.has(p);
  }

  public get(p: string): string | undefined {
    if (!this.texts.has(p)) return undefined;
    return this.texts.get(p) ?? this.read(p);
  }

  public keys(): MapIterator<string> {
    return this.texts.keys();
  }
}

/** A map iterator over `keys` that computes each value when it is reached. */
function lazily<T>(keys: MapIterator<string>, value: (p: string) => T): MapIterator<T> {
  function* gen() {
    for (const p of keys) yield value(p);
  }
  // A generator is a MapIterator in all but its type name (the lib types add methods Node 20 lacks).
  return gen() as unknown as MapIterator<T>;
}
