import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentError, ValidationError } from '../errors';

/**
 * A rendered tree: POSIX-style relative path → file content. This is exactly
 * what lands on the rendered branch. Keys are kept in sorted order.
 */
export type RenderedTree = ReadonlyMap<string, string>;

/** Returns a copy of `tree` with its paths in sorted (byte) order. */
export function sortTree(tree: Iterable<[string, string]>): Map<string, string> {
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
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(parent, `.${base}.tmp-${suffix}`);
  const old = path.join(parent, `.${base}.old-${suffix}`);
  try {
    fs.mkdirSync(parent, { recursive: true });
    fs.mkdirSync(tmp, { mode: 0o755 });
    const made = new Set<string>();
    for (const [rel, content] of tree) {
      const file = safeJoin(tmp, rel);
      const dir = path.dirname(file);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
        made.add(dir);
      }
      fs.writeFileSync(file, content, { mode: 0o644 });
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (e instanceof ValidationError) throw e;
    throw new EnvironmentError(`cannot write the rendered tree to ${tmp}: ${(e as Error).message}`, { cause: e });
  }
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
