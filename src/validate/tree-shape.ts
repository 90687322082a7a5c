import * as fs from 'fs';
import * as path from 'path';
import { Finding } from './finding';
import { statKey, writeCacheFile } from '../_cache-files';
import { ValidationError } from '../errors';
import { DiskTree, isBlankIn, OtherEntry, readDiskTree, ReadDiskTreeOptions } from '../render/disk-tree';
import { RenderedTree } from '../render/tree';
import { VERSION } from '../version';

/**
 * The tree's shape rules: what may sit on the rendered branch at all.
 * Argo CD applies every file of an app folder and an ApplicationSet git
 * generator turns folder names into Application names, so the tree holds
 * only regular, non-empty `.yaml`/`.yml` files in folders named with
 * DNS-1123 labels, and never a `.git` path component, a symlink or a
 * special file. The only other file on the branch is the ownership marker
 * that publish itself writes (`.cdk8s-gitops`); it is not allowed in the
 * rendered folder.
 */
export const TREE_SHAPE_RULES = [
  'tree-git-path', 'tree-symlink', 'tree-special-file', 'tree-file-type', 'tree-folder-name', 'tree-file-name', 'tree-empty-file',
] as const;

/**
 * The one file on the rendered branch that is not YAML: the ownership marker
 * publish writes at the branch's root (see `MARKER_FILE` of the publish module).
 * The rendered folder itself must not hold it.
 */
export const OWNERSHIP_MARKER = '.cdk8s-gitops';

/** A DNS-1123 label: what Argo CD and Kubernetes accept as an Application (and namespace) name. */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** File names: ASCII letters, digits, `.`, `_` and `-`, not starting with a dot, ending in .yaml/.yml. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/;
/** {@link FILE_NAME} from `lastIndex` on (a path's last segment, matched without slicing it out). */
const FILE_NAME_AT = /[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/y;

/** True if a path segment is `.git` in any letter case (git, and case-insensitive file systems, treat them alike). */
function isGitSegment(seg: string): boolean {
  return seg.toLowerCase() === '.git';
}

/** A DNS-1123 label close to `name` (for the fix in a message). */
export function suggestLabel(name: string): string {
  const s = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return s || 'app';
}

const emptyFile = (file: string) => finding(file, 'tree-empty-file',
  'is empty: it renders no object (kustomize fails on an empty resource). Remove it, and its line in kustomization.yaml');

function finding(file: string, rule: string, message: string, value?: unknown): Finding {
  return { file, rule, severity: 'error', message, ...(value !== undefined ? { value } : {}) };
}

/**
 * The shape problems of a tree's paths and contents (in memory): `.git`
 * components, files that are not `.yaml`/`.yml`, folder names that are not
 * DNS-1123 labels, unusable file names and empty files. Each folder is
 * reported once. Symlinks and special files can only be seen on disk
 * ({@link readTreeChecked}).
 *
 * With `cacheDir`, a tree read from disk with its folders' git tree ids
 * whose root id was found clean before (by this version of the rules) is not
 * looked at again; a clean tree's id is kept there (the 16 newest).
 */
export function treeShapeFindings(tree: RenderedTree, cacheDir?: string): Finding[] {
  // A DiskTree cannot change: its findings are computed once (readRenderedDir, then publish's own check).
  const known = tree instanceof DiskTree ? shapeMemo.get(tree) : undefined;
  if (known) return [...known];
  // A folder read from disk with its git tree id: the rules look only at paths and at which files are blank, which
  // that id covers, so a folder found clean before (`validate`, then `publish`) is not looked at again.
  const root = cacheDir !== undefined && tree instanceof DiskTree ? tree.folderTrees?.rootId : undefined;
  const clean = root ? readCleanRoots(cacheDir!) : [];
  const trusted = root !== undefined && clean.includes(root);
  const out = trusted ? [] : shapeFindingsOf(tree);
  if (root && !trusted && out.length === 0) rememberCleanRoot(cacheDir!, root, clean);
  if (tree instanceof DiskTree) shapeMemo.set(tree, out);
  return [...out];
}

const shapeMemo = new WeakMap<DiskTree, readonly Finding[]>();

/** The cache file of the root tree ids found clean: `{ salt, roots }`, the newest first. */
const CLEAN_ROOTS_FILE = 'tree-shape-clean.json';
/** Root tree ids kept in it. */
const MAX_CLEAN_ROOTS = 16;

/** What the shape rules' verdict depends on besides the tree: this package's version and this module's file. */
function shapeSalt(): string {
  return `${VERSION}:${statKey(__filename) ?? ''}`;
}

function readCleanRoots(cacheDir: string): string[] {
  try {
    const data = JSON.parse(fs.readFileSync(path.join(cacheDir, CLEAN_ROOTS_FILE), 'utf8')) as { salt?: unknown; roots?: unknown };
    const ok = data.salt === shapeSalt() && Array.isArray(data.roots) && data.roots.every(r => typeof r === 'string' && /^[0-9a-f]{40}$/.test(r));
    return ok ? data.roots as string[] : [];
  } catch {
    return [];
  }
}

/** Adds `root` to the clean roots (temporary file, then rename). A cache that cannot be written only costs time. */
function rememberCleanRoot(cacheDir: string, root: string, clean: readonly string[]): void {
  writeCacheFile(path.join(cacheDir, CLEAN_ROOTS_FILE), JSON.stringify({ salt: shapeSalt(), roots: [root, ...clean].slice(0, MAX_CLEAN_ROOTS) }));
}

function shapeFindingsOf(tree: RenderedTree): Finding[] {
  const out: Finding[] = [];
  const seenDirs = new Set<string>();
  // The folder of the previous file whose folders were looked at: a folder's files come one after the other in a
  // listing, so the next file's folder is compared with it in place (no split or slice per file).
  let lastFolder: string | undefined;
  // Paths only: a file's text is looked at (isBlankIn) only for the empty-file rule.
  for (const file of tree.keys()) {
    if (/\.git/i.test(file)) {
      const parts = file.split('/');
      const gitAt = parts.findIndex(isGitSegment);
      if (gitAt >= 0) {
        const where = parts.slice(0, gitAt + 1).join('/');
        if (!seenDirs.has(where)) {
          seenDirs.add(where);
          out.push(finding(where, 'tree-git-path', `is a "${parts[gitAt]}" path component: git refuses such paths and Argo CD would never see them. `
            + 'Remove it from the rendered folder (render into a folder that is not a git checkout)'));
        }
        continue;
      }
    }
    const slash = file.lastIndexOf('/');
    // A file's folders are looked at once, with the first file of its folder.
    if (slash >= 0 && !(lastFolder !== undefined && slash === lastFolder.length && file.startsWith(lastFolder))) {
      const folder = file.slice(0, slash);
      const segs = folder.split('/');
      for (let i = 0; i < segs.length && !seenDirs.has(folder); i++) {
        const dir = segs.slice(0, i + 1).join('/');
        if (seenDirs.has(dir)) continue;
        seenDirs.add(dir);
        const name = segs[i];
        if (!DNS_LABEL.test(name)) {
          out.push(finding(`${dir}/`, 'tree-folder-name', 'is not a DNS-1123 label (lowercase a-z, 0-9 and "-", at most 63 characters, starting and ending with a letter or digit): '
            + `an ApplicationSet git generator turns folder names into Application names, which Argo CD would refuse. Rename it to "${suggestLabel(name)}"`, name));
        }
      }
      lastFolder = folder;
    }
    // Most files: a usable YAML file name (so not the marker), matched in place after the last slash.
    FILE_NAME_AT.lastIndex = slash + 1;
    if (FILE_NAME_AT.test(file)) {
      if (isBlankIn(tree, file)) out.push(emptyFile(file));
      continue;
    }
    const base = file.slice(slash + 1);
    if (file === OWNERSHIP_MARKER) {
      out.push(finding(file, 'tree-file-type', 'is reserved for the ownership marker that publish writes on the branch; remove it from the rendered folder'));
    } else if (!/\.ya?ml$/.test(base)) {
      out.push(finding(file, 'tree-file-type', 'is not a .yaml or .yml file: the rendered branch holds only Kubernetes YAML (Argo CD would ignore or choke on anything else). '
        + 'Remove it from the rendered folder, or render it as an object (e.g. a ConfigMap)'));
    } else if (!FILE_NAME.test(base)) {
      out.push(finding(file, 'tree-file-name', 'is not a usable file name (ASCII letters, digits, ".", "_" and "-", not starting with a dot): '
        + `rename it, e.g. to "${suggestLabel(base.replace(/\.ya?ml$/, ''))}.yaml"`, base));
    } else if (isBlankIn(tree, file)) {
      out.push(emptyFile(file));
    }
  }
  return out;
}

/** A tree read from disk with the shape problems only the disk shows (symlinks, special files, `.git`). */
export interface CheckedTree {
  /** The regular files read (paths relative, `/`-separated, sorted). */
  readonly tree: Map<string, string>;
  /** Symlinks, special files and `.git` entries found, which were not read. */
  readonly findings: Finding[];
}

/**
 * Reads every regular file under `dir` into a tree, never following a
 * symlink nor entering a `.git` entry (any case); those, and special files
 * (sockets, FIFOs, devices), are returned as findings instead. Throws
 * `ValidationError` if `dir` is not a directory.
 */
export function readTreeChecked(dir: string): CheckedTree {
  const { tree, findings } = readDirChecked(dir);
  return { tree: new Map(tree), findings };
}

/**
 * {@link readTreeChecked} for large trees: the files come as a
 * {@link DiskTree}, which reads a file's text only when asked for it; with
 * `cacheDir`, files unchanged since the last read are not even hashed.
 */
export function readDirChecked(dir: string, options: ReadDiskTreeOptions = {}): { readonly tree: DiskTree; readonly findings: Finding[] } {
  const { tree, others } = readDiskTree(dir, options);
  return { tree, findings: others.map(otherFinding) };
}

/** A `.git` entry, symlink or special file as a finding. */
function otherFinding(entry: OtherEntry): Finding {
  if (entry.kind === 'git') {
    const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
    return finding(entry.path, 'tree-git-path', `is a "${name}" entry: a rendered folder must not be (or hold) a git repository; git refuses such paths. `
      + 'Remove it, and render into a folder that is not a git checkout');
  }
  if (entry.kind === 'symlink') {
    return finding(entry.path, 'tree-symlink', 'is a symlink: the rendered branch holds only regular files (a link could point outside the tree, or nowhere). '
      + 'Replace it with the file itself', entry.target);
  }
  return finding(entry.path, 'tree-special-file', 'is not a regular file or folder (a socket, FIFO or device): remove it from the rendered folder');
}

/**
 * Reads `dir` for publishing: like {@link readTreeChecked}, but any shape
 * problem (disk or path rules) throws a `ValidationError` listing every one,
 * each path shown under `shownAs` (default `dir`).
 */
export function readTreeStrict(dir: string, shownAs: string = dir): Map<string, string> {
  const { tree, findings } = readTreeChecked(dir);
  const all = [...findings, ...treeShapeFindings(tree)];
  if (all.length) throw new ValidationError(shapeProblems(all, shownAs));
  return tree;
}

/** Options of {@link readRenderedDir}. */
export interface ReadRenderedDirOptions {
  /**
   * How `dir` is shown in messages.
   *
   * @default - `dir`
   */
  readonly shownAs?: string;
  /**
   * A folder for the stat cache: files unchanged since the last read (same
   * size, times and inode) are neither read nor hashed again (see `readDiskTree`).
   *
   * @default - no cache: every file is read
   */
  readonly cacheDir?: string;
}

/**
 * {@link readTreeStrict} for large trees: the same checks, but the result is
 * a {@link DiskTree} that reads a file's text only when asked for it, and
 * with `cacheDir` files unchanged since the last read are not even hashed
 * (their git blob ids, which publish needs, come from the cache), nor are
 * the folders holding only such files (their git tree ids, see
 * `DiskTree.folderTrees`).
 */
export function readRenderedDir(dir: string, options: ReadRenderedDirOptions = {}): DiskTree {
  const { tree, findings } = readDirChecked(dir, { cacheDir: options.cacheDir, treeIds: true });
  const all = [...findings, ...treeShapeFindings(tree, options.cacheDir)];
  if (all.length) throw new ValidationError(shapeProblems(all, options.shownAs ?? dir));
  return tree;
}

/** Shape findings as problems (`[<shownAs>/<file>] message [rule] (got value)`). */
export function shapeProblems(findings: readonly Finding[], shownAs?: string): { path: string; message: string; value?: unknown }[] {
  return findings.map(f => ({
    path: shownAs ? `${shownAs.replace(/\/+$/, '')}/${f.file}` : f.file,
    message: `${f.message} [${f.rule}]`,
    ...(f.value !== undefined ? { value: f.value } : {}),
  }));
}
