import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as posix from 'path/posix';
import { Finding, makeReport, ValidationReport, WaivedFinding } from './finding';
import { bundledKubernetesVersion, DEFAULT_KUBERNETES_VERSION } from './kubernetes-versions';
import type { KustomizeCheckOptions } from './kustomize-build';
import type { ValidateTreeOptions } from './validate-tree';
import { pruneCacheFiles, statKey, writeCacheFile } from '../_cache-files';
import { blobIdIn, DiskTree } from '../render/disk-tree';
import { RenderedTree } from '../render/tree';
import { VERSION } from '../version';

/*
 * The keys of the check-result cache and its whole-tree entries: light enough
 * to load before the validation rules, so a run that the whole-tree entry
 * answers (publish's gate right after `validate`) never loads them.
 */

/** What the keys depend on besides the tree. */
export interface TreeKeyOptions extends Pick<ValidateTreeOptions, 'kubernetesVersion' | 'rules'>, Pick<KustomizeCheckOptions, 'kubectl'> {
  readonly skipKustomize?: boolean;
  readonly cacheDir?: string;
}

/** A tree's folders, their content keys, the salt, kubectl's identity and (with a cache) the whole-tree key. */
export interface TreeKeys {
  readonly byFolder: Map<string, string[]>;
  readonly keys: Map<string, string>;
  readonly saltId: string;
  readonly kubectlId: string;
  readonly whole?: string;
}

/**
 * The {@link TreeKeys} of `tree`. With a cache and a tree read from disk
 * (its blob ids known without reading it), the whole-tree key of a listing
 * seen before comes from a small index keyed by the salt, kubectl and every
 * path and blob id: the folder keys are then hashed only when used.
 */
export function treeKeys(tree: RenderedTree, options: TreeKeyOptions): TreeKeys {
  const saltId = options.cacheDir ? salt(options) : '';
  const kubectlId = options.skipKustomize ? '' : statKey(resolveCommand(options.kubectl ?? 'kubectl')) ?? 'missing';
  let folders: { byFolder: Map<string, string[]>; keys: Map<string, string> } | undefined;
  const folderKeys = () => (folders ??= keysByFolder(tree));
  const listed = options.cacheDir && tree instanceof DiskTree ? listingKey(tree, saltId, kubectlId) : undefined;
  const indexed = listed ? readIndex(options.cacheDir!).find(([k]) => k === listed)?.[1] : undefined;
  if (indexed) {
    return { get byFolder() { return folderKeys().byFolder; }, get keys() { return folderKeys().keys; }, saltId, kubectlId, whole: indexed };
  }
  const { byFolder, keys } = folderKeys();
  const whole = options.cacheDir ? wholeTreeKey(saltId, kubectlId, keys) : undefined;
  if (listed && whole) rememberIndex(options.cacheDir!, listed, whole);
  return { byFolder, keys, saltId, kubectlId, whole };
}

/** Each folder's files and content key. */
function keysByFolder(tree: RenderedTree): { byFolder: Map<string, string[]>; keys: Map<string, string> } {
  const byFolder = new Map<string, string[]>();
  for (const p of tree.keys()) {
    const dir = posix.dirname(p);
    let list = byFolder.get(dir);
    if (!list) byFolder.set(dir, list = []);
    list.push(p);
  }
  const keys = new Map<string, string>();
  for (const [folder, files] of byFolder) keys.set(folder, folderKey(tree, folder, files));
  return { byFolder, keys };
}

/**
 * The index key of a listing: the salt, kubectl, and each path and blob id
 * (a path holds no NUL and the ids have one length, so the input tells the
 * listings apart) — or, when the read gave the folder's git tree id, that id,
 * which is a hash of the same paths and blob ids. The folder keys, and so the
 * whole-tree key, follow from it.
 */
function listingKey(tree: DiskTree, saltId: string, kubectlId: string): string {
  const h = createHash('sha256').update(`${saltId}\0${kubectlId}\0`);
  const trees = tree.folderTrees;
  if (trees) return h.update(`git tree ${trees.rootId}`).digest('hex').slice(0, 32);
  let chunk = '';
  for (const p of tree.keys()) {
    chunk += `${p}\0${tree.blobId(p)}`;
    if (chunk.length > 65536) {
      h.update(chunk);
      chunk = '';
    }
  }
  return h.update(chunk).digest('hex').slice(0, 32);
}

/** Listings whose whole-tree key the index keeps (the newest first). */
const MAX_INDEXED = 16;
const INDEX_FILE = 'whole-tree-index.json';

function readIndex(dir: string): [string, string][] {
  try {
    const data = JSON.parse(fs.readFileSync(path.join(dir, INDEX_FILE), 'utf8')) as { v?: unknown; entries?: unknown };
    const ok = data.v === 1 && Array.isArray(data.entries)
      && data.entries.every(e => Array.isArray(e) && e.length === 2 && e.every(x => typeof x === 'string' && /^[0-9a-f]{32}$/.test(x)));
    return ok ? data.entries as [string, string][] : [];
  } catch {
    return [];
  }
}

/** Adds a listing's whole-tree key to the index (temporary file, then rename). Failures only cost time. */
function rememberIndex(dir: string, listed: string, whole: string): void {
  const entries = [[listed, whole], ...readIndex(dir).filter(([k]) => k !== listed)].slice(0, MAX_INDEXED);
  writeCacheFile(path.join(dir, INDEX_FILE), JSON.stringify({ v: 1, entries }));
}

/**
 * The report of `folders` (all when undefined) from the whole-tree entry of
 * `keys` (see {@link treeKeys}), if the cache holds one.
 */
export function wholeTreeLookup(
  keys: TreeKeys, options: { readonly cacheDir?: string; readonly folders?: ReadonlySet<string> },
): ValidationReport | undefined {
  const known = options.cacheDir && keys.whole ? readWholeTree(options.cacheDir, keys.whole) : undefined;
  return known ? wholeTreeReport(known, options.folders) : undefined;
}

/** One folder's results in a whole-tree entry: folder, files, objects, findings (kustomize included), waived. */
export type WholeTreeFolder = [string, number, number, Finding[], WaivedFinding[]];

/** The results of a full run over one tree: the rules that span folders, and each folder's. */
export interface WholeTree {
  readonly cross: Finding[];
  readonly crossWaived: WaivedFinding[];
  readonly folders: WholeTreeFolder[];
}

/** Whole-tree entries kept per cache folder (the newest first). */
const MAX_WHOLE_TREES = 8;

/** The key of a whole-tree entry: the salt, kubectl and every folder's name and content key. */
function wholeTreeKey(saltId: string, kubectlId: string, keys: ReadonlyMap<string, string>): string {
  const h = createHash('sha256').update(`${saltId}\0${kubectlId}\0`);
  for (const [folder, key] of keys) h.update(`${folder}\0${key}\0`);
  return h.digest('hex').slice(0, 32);
}

function readWholeTree(dir: string, key: string): WholeTree | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(path.join(dir, `checked-tree-${key}.json`), 'utf8')) as WholeTree;
    return Array.isArray(data.cross) && Array.isArray(data.crossWaived) && Array.isArray(data.folders) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a whole-tree entry (temporary file, then rename) and drops the oldest beyond {@link MAX_WHOLE_TREES}. */
export function writeWholeTree(dir: string, key: string, data: WholeTree): void {
  const file = path.join(dir, `checked-tree-${key}.json`);
  if (writeCacheFile(file, JSON.stringify(data))) pruneCacheFiles(dir, /^checked-tree-[0-9a-f]{32}\.json$/, MAX_WHOLE_TREES, path.basename(file));
}

/** The report of a run over `folders` (all when undefined) from a whole-tree entry. */
function wholeTreeReport(known: WholeTree, folders: ReadonlySet<string> | undefined): ValidationReport {
  const findings: Finding[] = [...known.cross];
  const waived: WaivedFinding[] = [...known.crossWaived];
  let files = 0;
  let objects = 0;
  let inScope = 0;
  for (const [folder, n, o, f, w] of known.folders) {
    if (folders && !folders.has(folder)) continue;
    inScope++;
    files += n;
    objects += o;
    findings.push(...f);
    waived.push(...w);
  }
  return { ...makeReport(findings, files, objects, waived), stats: { foldersChecked: 0, foldersCached: inScope, kustomizeBuilds: 0 } };
}

/**
 * A folder's key: its path (its results name its files, so two folders with
 * the same files share no entry), then its files' names and git blob ids (a
 * DiskTree knows them without reading the files).
 */
function folderKey(tree: RenderedTree, folder: string, files: readonly string[]): string {
  let text = `${folder}\0`;
  for (const p of files) text += `${p.slice(p.lastIndexOf('/') + 1)}\0${blobIdIn(tree, p)}\0`;
  return createHash('sha256').update(text).digest('hex');
}

/** The cache's salt: everything besides a folder's content that its results depend on. */
function salt(options: TreeKeyOptions): string {
  const h = createHash('sha256');
  const asked = options.kubernetesVersion;
  const k8s = asked === undefined ? DEFAULT_KUBERNETES_VERSION : bundledKubernetesVersion(asked) ?? asked;
  h.update(`v2\0${VERSION}\0${k8s}\0${JSON.stringify(options.rules ?? {})}\0`);
  // This module's code and schemas (a changed rule or bundle, even at the same version); not
  // dotfiles (in a prebuilt bundle's folder: code caches and build records, rewritten without a code change).
  for (const dir of [__dirname, path.join(__dirname, 'rules'), path.join(__dirname, 'schemas')]) {
    for (const name of safeReaddir(dir).filter(n => !n.startsWith('.')).sort()) h.update(`${name}\0${statKey(path.join(dir, name))}\0`);
  }
  return h.digest('hex').slice(0, 32);
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function resolveCommand(cmd: string): string | undefined {
  if (cmd.includes('/') || cmd.includes(path.sep)) return path.resolve(cmd);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

