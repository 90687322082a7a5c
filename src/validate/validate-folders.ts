import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as posix from 'path/posix';
import { pruneCacheFiles, writeCacheFile } from '../_cache-files';
import { TreeKeys, treeKeys, WholeTreeFolder, wholeTreeLookup, writeWholeTree } from './_whole-tree';
import { FolderObjects, duplicateObjectFindings } from './duplicate-objects';
import { Finding, makeReport, ValidationReport, WaivedFinding } from './finding';
import { checkKustomizeFolders, KustomizeCheckOptions, kustomizeStats } from './kustomize-build';
import { treeShapeFindings } from './tree-shape';
import { acrossFolderFindings, checkOptions, isKustomizationFile, RuleFact, validateTreeParsed, ValidateTreeOptions } from './validate-tree';
import { RenderedTree, safeJoin } from '../render/tree';

export { defaultCacheDir } from '../cache-dir';

/** Options of {@link validateFolders}. */
export interface ValidateFoldersOptions extends ValidateTreeOptions, KustomizeCheckOptions {
  /**
   * Skip the `kubectl kustomize` builds (and so the need for kubectl).
   *
   * @default false
   */
  readonly skipKustomize?: boolean;
  /**
   * The folders to check file by file (schemas, YAML, policy, kustomize).
   * The rules that span folders (tree shape, `object-duplicate`) always see
   * the whole tree.
   *
   * @default - every folder
   */
  readonly folders?: ReadonlySet<string>;
  /**
   * A folder on disk holding exactly `tree` (the kustomize builds read it).
   *
   * @default - the folders to build are written to a temporary folder
   */
  readonly dir?: string;
  /**
   * Where results are kept between runs, per folder content and tool
   * versions (see {@link defaultCacheDir}); a folder found there is not
   * checked again (no parse, no `kubectl kustomize`).
   *
   * @default - no cache
   */
  readonly cacheDir?: string;
}

/** What a validation run did, for tests and the benchmark. */
export interface ValidationStats {
  /** Folders checked file by file in this run. */
  readonly foldersChecked: number;
  /** Folders whose results came from the cache. */
  readonly foldersCached: number;
  /** `kubectl kustomize` processes run. */
  readonly kustomizeBuilds: number;
}

/** One folder's results, as cached. */
interface FolderEntry {
  readonly files: number;
  readonly objects: number;
  readonly findings: Finding[];
  readonly waived: WaivedFinding[];
  /** Findings of the kustomize check; absent when it was skipped. */
  kustomize?: Finding[];
  /** The kubectl (path, size, modification time) that made `kustomize`. */
  kustomizeBy?: string;
  readonly identities: FolderObjects;
  /** Facts of the policy rules that span folders, judged over the whole tree on every run. */
  readonly facts: readonly RuleFact[];
  /**
   * Each file's document values by file name, kept by a run that had them without parsing
   * (`validateRenderedFolders`) until a kustomize check compares with them.
   */
  readonly docs?: Readonly<Record<string, unknown[]>>;
}

/**
 * Validates `tree` folder by folder: the checks of `validateTree` and, unless
 * `skipKustomize`, the kustomize equivalence check, for the `folders` asked
 * (all by default), plus the rules that span folders over the whole tree.
 * With `cacheDir`, each folder's results are kept under a key of its content
 * and of the tool versions (this package, its schemas and rules, kubectl,
 * the options; the kustomize results also by kubectl's path, size and
 * modification time), so a folder already checked is not checked again.
 *
 * `looked`: the {@link treeKeys} of `tree` and `options` from a caller that
 * has already looked up their whole-tree entry and found none (publish's gate).
 */
export async function validateFolders(tree: RenderedTree, options: ValidateFoldersOptions = {}, looked?: TreeKeys): Promise<ValidationReport> {
  const run = beginFolders(tree, options, looked);
  if ('report' in run) return run.report;
  return finishFolders(run, run.builds ? await run.builds : undefined);
}

/**
 * `validateFolders` without the kustomize builds, run at once, for a tree
 * rendered by this process: `objects` holds the value every file was emitted
 * from (see `ValidateTreeOptions.objects`), and each folder's results are
 * cached with these values as its documents, so the kustomize check of a
 * later run over the same files (the cdk8s plugin after `GitOpsApp.synth`)
 * compares kubectl's output with them instead of parsing the files.
 * @internal
 */
export function validateRenderedFolders(
  tree: RenderedTree, options: Omit<ValidateFoldersOptions, 'skipKustomize' | 'folders'> & { readonly objects: ReadonlyMap<string, unknown> },
): ValidationReport {
  const run = beginFolders(tree, { ...options, skipKustomize: true }, undefined, true);
  return 'report' in run ? run.report : finishFolders(run, undefined);
}

/** A run of `validateFolders` whose kustomize builds (if any) are under way. */
interface FoldersRun {
  readonly tree: RenderedTree;
  readonly options: ValidateFoldersOptions;
  readonly treeKeyed: TreeKeys;
  readonly cache?: Cache;
  readonly entries: Map<string, FolderEntry>;
  readonly toCheck: readonly string[];
  readonly checked: readonly string[];
  readonly needKustomize: readonly string[];
  readonly cached: number;
  readonly buildsBefore: number;
  readonly builds?: Promise<Map<string, Finding[]>>;
}

/**
 * Looks the tree up in the cache, starts the kustomize builds and checks the
 * folders not found (the builds run meanwhile). `keepDocs`: cache each
 * checked folder's document values with it (see `validateRenderedFolders`).
 */
function beginFolders(
  tree: RenderedTree, options: ValidateFoldersOptions, looked: TreeKeys | undefined, keepDocs = false,
): FoldersRun | { report: ValidationReport } {
  const buildsBefore = kustomizeStats.builds;
  const treeKeyed = looked ?? treeKeys(tree, options);
  const { byFolder, keys } = treeKeyed;
  // The whole tree's results, as the last full run over exactly this tree left them (`validate`, then `publish`
  // in one CI job): no folder's entry is read, and the rules that span folders are not judged again.
  const known = looked ? undefined : wholeTreeLookup(treeKeyed, options);
  if (known) return { report: known };
  const cache = options.cacheDir ? openCache(options.cacheDir, treeKeyed.saltId) : undefined;
  const entries = new Map<string, FolderEntry>();
  const toCheck: string[] = [];
  const needKustomize: string[] = [];
  let cached = 0;
  for (const [folder, files] of byFolder) {
    const inScope = !options.folders || options.folders.has(folder);
    const key = keys.get(folder)!;
    const hit = cache?.entries.get(key);
    if (hit) {
      entries.set(folder, hit);
      if (!inScope) continue;
      cached++;
      if (!options.skipKustomize && (!hit.kustomize || hit.kustomizeBy !== treeKeyed.kubectlId) && files.some(isKustomizationFile)) {
        entries.set(folder, { ...hit, kustomize: undefined });
        needKustomize.push(folder);
      }
      continue;
    }
    toCheck.push(folder);
  }

  // Folders outside the scope that are not cached are parsed too: `object-duplicate` needs every folder's objects.
  const checked = toCheck.filter(f => !options.folders || options.folders.has(f));
  if (!options.skipKustomize) needKustomize.push(...checked.filter(f => byFolder.get(f)!.some(isKustomizationFile)));
  // The kustomize builds start first, so that `kubectl kustomize` runs while this thread parses and checks
  // the folders; the builds' outputs are compared with the files as parsed here (`parsed`, filled meanwhile).
  const parsed = new Map<string, unknown[]>();
  // Documents cached with a folder (by the run that rendered it) are what parsing its files gives: not parsed again.
  for (const folder of needKustomize) {
    const hit = entries.get(folder);
    if (!hit?.docs) continue;
    const { docs, ...entry } = hit;
    for (const [name, values] of Object.entries(docs)) parsed.set(folder === '.' ? name : `${folder}/${name}`, values);
    entries.set(folder, entry);
  }
  checkOptions(options); // bad options are refused before any build starts
  const builds = needKustomize.length ? startKustomize(tree, needKustomize, byFolder, options, parsed) : undefined;
  // A failure is awaited (and thrown) in finishFolders; until then it must not count as unhandled.
  builds?.catch(() => undefined);
  {
    // Also run with nothing to check: it checks the options.
    const only = new Set(toCheck);
    const report = validateTreeParsed(tree, { ...options, only, crossFolder: false }, parsed);
    const perFolder = new Map<string, FolderEntry>(toCheck.map(f => [f, {
      files: 0, objects: 0, findings: [], waived: [], identities: { objects: [] }, facts: [],
    }]));
    for (const f of report.findings) perFolder.get(posix.dirname(f.file))?.findings.push(f);
    for (const w of report.waived) perFolder.get(posix.dirname(w.file))?.waived.push(w);
    for (const [folder, stat] of report.folderStats ?? []) {
      const e = perFolder.get(folder);
      if (e) perFolder.set(folder, { ...e, files: stat.files, objects: stat.objects, identities: stat.identities, facts: stat.facts });
    }
    if (keepDocs) {
      // Only a folder that a kustomize check will build needs them.
      for (const [folder, e] of perFolder) {
        if (!byFolder.get(folder)!.some(isKustomizationFile)) continue;
        const docs = Object.fromEntries(byFolder.get(folder)!.map(file => [file.slice(file.lastIndexOf('/') + 1), parsed.get(file)!]));
        if (Object.values(docs).every(Boolean)) perFolder.set(folder, { ...e, docs });
      }
    }
    for (const [folder, e] of perFolder) entries.set(folder, e);
  }
  return { tree, options, treeKeyed, cache, entries, toCheck, checked, needKustomize, cached, buildsBefore, builds };
}

/** Completes a run with its kustomize builds' findings (per kustomization file): the cache, and the report. */
function finishFolders(run: FoldersRun, built: Map<string, Finding[]> | undefined): ValidationReport {
  const { tree, options, treeKeyed, cache, entries, toCheck, checked, needKustomize, cached, buildsBefore } = run;
  const { byFolder, keys, kubectlId, whole } = treeKeyed;
  for (const [file, findings] of built ?? []) Object.assign(entries.get(posix.dirname(file))!, { kustomize: findings, kustomizeBy: kubectlId });

  if (cache && (toCheck.length > 0 || needKustomize.length > 0)) {
    // Only folders that reference nothing outside themselves are cached (their results depend on their content alone);
    // a folder found in the cache was. Rewritten only when something was checked.
    const fresh = new Set(toCheck);
    const keep = new Map<string, FolderEntry>();
    for (const [folder, e] of entries) if (!fresh.has(folder) || selfContained(tree, byFolder.get(folder)!)) keep.set(keys.get(folder)!, e);
    cache.save(keep);
  }

  const findings: Finding[] = [...treeShapeFindings(tree, options.cacheDir)];
  const waived: WaivedFinding[] = [];
  let files = 0;
  let objects = 0;
  const identities = new Map<string, FolderObjects>();
  for (const [folder, e] of entries) {
    identities.set(folder, e.identities);
    if (options.folders && !options.folders.has(folder)) continue;
    files += e.files;
    objects += e.objects;
    findings.push(...e.findings, ...(options.skipKustomize ? [] : e.kustomize ?? []));
    waived.push(...e.waived);
  }
  findings.push(...duplicateObjectFindings(identities));
  // The policy rules that span folders judge every folder's objects against the whole tree's facts (a changed
  // folder can change the verdict on an unchanged one), in or out of `folders`.
  const across = acrossFolderFindings([...entries.values()].flatMap(e => e.facts ?? []), options);
  findings.push(...across.findings);
  waived.push(...across.waived);
  const stats: ValidationStats = { foldersChecked: checked.length, foldersCached: cached, kustomizeBuilds: kustomizeStats.builds - buildsBefore };
  // Kept for the next run over the same tree when this run saw every folder (kustomize included unless skipped)
  // and every result depends on the tree alone (folders that reference nothing outside themselves).
  const fresh = new Set(toCheck);
  const complete = (folder: string, e: FolderEntry) => options.skipKustomize || e.kustomize || !byFolder.get(folder)!.some(isKustomizationFile);
  if (whole && !options.folders && [...entries].every(([folder, e]) => complete(folder, e)
    && (!fresh.has(folder) || selfContained(tree, byFolder.get(folder)!)))) {
    const cross = [...treeShapeFindings(tree), ...duplicateObjectFindings(identities), ...across.findings];
    writeWholeTree(options.cacheDir!, whole, {
      cross,
      crossWaived: across.waived,
      folders: [...entries].map(([folder, e]) => [folder, e.files, e.objects,
        [...e.findings, ...(options.skipKustomize ? [] : e.kustomize ?? [])], e.waived] as WholeTreeFolder),
    });
  }
  return { ...makeReport(findings, files, objects, waived), stats };
}

/**
 * Starts the kustomize check of `folders` (`dir`, else a temporary copy of
 * their files): the first builds are spawned before this returns.
 */
function startKustomize(
  tree: RenderedTree, folders: readonly string[], byFolder: ReadonlyMap<string, readonly string[]>,
  options: ValidateFoldersOptions, parsed: Map<string, unknown[]>,
): Promise<Map<string, Finding[]>> {
  const kfiles = folders.map(f => byFolder.get(f)!.find(isKustomizationFile)!);
  return options.dir
    ? checkKustomizeFolders(options.dir, tree, kfiles, options, parsed)
    : inTempDir(tree, folders.flatMap(f => byFolder.get(f)!), dir => checkKustomizeFolders(dir, tree, kfiles, options, parsed));
}

/** True if the folder's kustomization lists only files beside it. */
function selfContained(tree: RenderedTree, files: readonly string[]): boolean {
  const k = files.find(isKustomizationFile);
  if (!k) return true;
  return !/^\s*-\s*['"]?\.\.|^\s*-\s*['"]?[^\s'"]*\//m.test(tree.get(k) ?? '');
}

async function inTempDir<T>(tree: RenderedTree, paths: readonly string[], fn: (dir: string) => Promise<T>): Promise<T> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-kustomize-'));
  try {
    for (const rel of paths) {
      const file = safeJoin(tmp, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, tree.get(rel)!);
    }
    return await fn(tmp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

interface Cache {
  readonly entries: ReadonlyMap<string, FolderEntry>;
  save(entries: ReadonlyMap<string, FolderEntry>): void;
}

/**
 * Per-folder cache files kept in a cache folder, one per salt (tool versions, rules, the package's own files):
 * an upgrade, other rule settings or a rebuilt package start a new file, and the least recently written go.
 */
const MAX_SALT_FILES = 4;

/**
 * The cache file of one salt: `<dir>/validate-<salt>.json`, written whole (temporary file, then rename);
 * the oldest other salts' files are removed beyond {@link MAX_SALT_FILES}. A broken file is ignored.
 */
function openCache(dir: string, saltId: string): Cache {
  const file = path.join(dir, `validate-${saltId}.json`);
  let entries = new Map<string, FolderEntry>();
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (data && typeof data.entries === 'object') entries = new Map(Object.entries(data.entries));
  } catch {
    // no cache yet, or unreadable: start empty
  }
  return {
    entries,
    save(keep) {
      // A cache that cannot be written only costs time.
      if (writeCacheFile(file, JSON.stringify({ entries: Object.fromEntries(keep) }))) {
        pruneCacheFiles(dir, /^validate-[0-9a-f]{32}\.json$/, MAX_SALT_FILES, path.basename(file));
      }
    },
  };
}
