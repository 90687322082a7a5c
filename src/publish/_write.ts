import { listChangedBase } from './_base';
import { CatFile } from './_cat-file';
import { checkDeletions, checkYaml, ParsedYaml } from './_checks';
import { GitResult, PendingGit } from './_git';
import { ImageChange, imageChanges } from './_images';
import { MARKER_CONTENT, MARKER_FILE } from './_marker';
import { blobId, commitBody, isPlainIdent, ObjectFormat, TreeFile, treeId, writeLooseObject, writeTreeObjects } from './_objects';
import {
  assertOwned, checkRemote, fetchBranch, isAncestor, pushBranch, readConfig, readTips, Repo, RepoConfig, Tip, trackingRef, zeroId,
} from './_repo';
import { cachedTreeId, FolderIdCache, forgetTreeId, ListingKey, rememberTreeId } from './_tree-ids';
import { PublishError, PublishRefusedError } from './publish-error';
import { ASCII, filesOutside, hashTree, TreeMap, TreeObjects, underEntries } from '../_git-tree';
import { Problem } from '../errors';
import { DiskTree, FolderTrees } from '../render/disk-tree';
import { RenderedTree } from '../render/tree';

/** What changed on the branch, and how. */
export interface WriteResult {
  /**
   * `published` if a commit was made, `unchanged` if the tree was already
   * there, `superseded` if the branch holds a newer source (nothing written).
   */
  readonly status: 'published' | 'unchanged' | 'superseded';
  /** The branch. */
  readonly branch: string;
  /** The branch tip afterwards (the new commit, or the unchanged tip). */
  readonly commit: string;
  /** The tip the new commit was made on (absent for the branch's first commit). */
  readonly parent?: string;
  /** True if the remote was updated. */
  readonly pushed: boolean;
  /** The remote's URL without user info, when `push` was set. */
  readonly remoteUrl?: string;
  /** Push attempts made (1 unless the branch moved under us). */
  readonly attempts: number;
  /** Files added, changed and deleted (sorted; the marker file is not counted). */
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly deleted: readonly string[];
  /** Image changes, as listed in the commit message. */
  readonly imageChanges: readonly ImageChange[];
  /** The commit message (when a commit was made). */
  readonly message?: string;
  /** Why nothing was published (status `superseded`). */
  readonly supersededBy?: Superseded;
  /** The branch pushed to instead of `branch` (`pushTo`). */
  readonly pushedTo?: string;
}

/** The branch holds a newer source than the one being published. */
export interface Superseded {
  /** The newer source commit the branch holds. */
  readonly sourceCommit: string;
  /** When the branch tip is a rollback: the rendered commit it restored (a rollback holds until a newer source is published). */
  readonly rollbackTo?: string;
}

/** Inputs of {@link writeBranch}. */
export interface WriteRequest {
  readonly repo: Repo;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly branch: string;
  readonly remote: string;
  readonly push: boolean;
  readonly tree: RenderedTree;
  readonly allowDeletions: number;
  readonly maxAttempts: number;
  /** Checks the folders a commit touches (the validation gate); problems refuse the publish. */
  readonly gate?: Gate;
  /** Builds the message once the image changes against the base are known. */
  readonly message: (changes: readonly ImageChange[], config: RepoConfig) => Promise<string>;
  /**
   * Decides, before each commit (so again after every lost race), whether to
   * write on `base`: returns why the publish is superseded, or undefined to go on.
   */
  readonly admit?: (base: Tip | undefined) => Promise<Superseded | undefined>;
  /** With `push`, push the commit to this branch instead (the rendered branch does not move). */
  readonly pushTo?: string;
  /** A started object reader to use (the caller closes it); else one is started per commit. */
  readonly cat?: CatFile;
  /** `tree`'s blob and tree ids, if computed already (see {@link prepare}). */
  readonly prepared?: Prepared;
  /** The cache folder for tree ids (see {@link prepare}). */
  readonly cacheDir?: string;
  /** The local branch's tip as read before this call (not pushing), to save a git process. */
  readonly localTips?: Promise<Map<string, Tip> | undefined>;
}

/**
 * The validation gate: given the files of the folders to check (`touched`)
 * and, in `context`, the whole tree and those folders (`undefined`: every
 * folder, because the branch's tip skipped a check), returns the problems
 * that refuse the publish.
 */
export type Gate = (touched: RenderedTree, context: GateContext) => Problem[] | Promise<Problem[]>;

/** What the gate is asked to check. */
export interface GateContext {
  /** The whole tree being published. */
  readonly tree: RenderedTree;
  /** The folders to check file by file; `undefined` means all of them. */
  readonly folders?: ReadonlySet<string>;
}

/** Blob ids and tree ids of a tree plus the marker. */
export interface Prepared {
  readonly format: ObjectFormat;
  /** Path → blob id, the marker included (in sorted order when the tree's paths are). */
  readonly byPath: Map<string, string>;
  /** The content of a path of `byPath`, read when its blob must be written. */
  readonly content: (p: string) => Buffer | string;
  readonly treeId: string;
  /** Every tree object (built on first use when `treeId` came from a cache). */
  readonly trees: TreeObjects;
}

/**
 * Blob ids of the texts of the last prepared tree, per format: a process that
 * publishes again (watch mode, a benchmark) hashes only the texts that changed.
 * Holds one tree's texts at most.
 */
let lastBlobIds: { format: ObjectFormat; ids: Map<string, string> } | undefined;

/**
 * Blob ids and the tree id of `tree` plus the marker, computed in-process.
 * With `cacheDir`, a tree read from disk whose listing (paths and blob ids,
 * which the stat cache knows) was prepared before gets its tree id from the
 * cache: `byPath` and `trees` are then built only when used (a commit is
 * made), and checked against that id. The trees are built with the folder
 * id cache of `cacheDir` (a one-app change hashes only the trees it changes).
 */
export function prepare(format: ObjectFormat, tree: RenderedTree, cacheDir?: string): Prepared {
  const content = (p: string) => (p === MARKER_FILE ? MARKER_CONTENT : tree.get(p)!);
  const marker = blobId(MARKER_CONTENT, format);
  if (format === 'sha1' && tree instanceof DiskTree) {
    // Blob ids known without reading the files; a file's text is read only if its blob must be written.
    const listing = (visit: (p: string, blob: string) => void) => withMarker(tree.keys(), p => tree.blobId(p)!, marker, visit);
    const byPath = () => {
      const map = new Map<string, string>();
      listing((p, blob) => map.set(p, blob));
      return map;
    };
    // The read gave every folder's tree id (hashed only where a file changed since the last read): only the root is new.
    const folderTrees = tree.folderTrees;
    if (folderTrees) return withFolderTrees(format, content, byPath, folderTrees, marker);
    if (!cacheDir) return lazyPrepared(format, content, byPath, undefined);
    const folders = () => FolderIdCache.load(cacheDir, format);
    // The key: the marker, then every file (the marker's place in the order is fixed by the paths).
    const k = new ListingKey(format);
    k.add(MARKER_FILE, marker);
    for (const p of tree.keys()) k.add(p, tree.blobId(p)!);
    const key = k.digest();
    const known = cachedTreeId(cacheDir, key);
    if (known) return lazyPrepared(format, content, byPath, folders, { treeId: known, forget: () => forgetTreeId(cacheDir, key) });
    const prepared = lazyPrepared(format, content, byPath, folders);
    rememberTreeId(cacheDir, key, prepared.treeId);
    return prepared;
  }
  const byPath = new Map<string, string>();
  const cached = lastBlobIds?.format === format ? lastBlobIds.ids : undefined;
  const ids = new Map<string, string>();
  const blobOf = (p: string) => {
    const text = tree.get(p)!;
    let blob = ids.get(text) ?? cached?.get(text);
    if (blob === undefined) blob = blobId(text, format);
    ids.set(text, blob);
    return blob;
  };
  withMarker(tree.keys(), blobOf, marker, (p, blob) => byPath.set(p, blob));
  lastBlobIds = { format, ids };
  return lazyPrepared(format, content, () => byPath, undefined);
}

/**
 * A {@link Prepared} from the folder's own tree ids: the root's tree is the
 * folder's with the marker added; every tree under it is the folder's.
 */
function withFolderTrees(
  format: ObjectFormat, content: (p: string) => Buffer | string, byPath: () => Map<string, string>, folderTrees: FolderTrees, marker: string,
): Prepared {
  const rootEntries = folderTrees.rootEntries();
  // Git's order: a folder's name followed by '/'.
  const after = rootEntries.findIndex(e => (e.type === 'tree' ? `${e.name}/` : e.name) > MARKER_FILE);
  rootEntries.splice(after < 0 ? rootEntries.length : after, 0, { mode: '100644', type: 'blob', id: marker, name: MARKER_FILE });
  const root = hashTree(rootEntries, rootEntries.every(e => ASCII.test(e.name)), format);
  const trees: TreeObjects = {
    get: id => (id === root ? rootEntries : folderTrees.get(id)),
    // The folder's own tree (the last one) is not published: the root with the marker is.
    ids: () => [...folderTrees.ids().slice(0, -1), root],
    under: (id, dir, visit) => (id === root
      ? underEntries(rootEntries, dir, visit, (sub, p) => folderTrees.under(sub, p, visit))
      : folderTrees.under(id, dir, visit)),
  };
  let paths: Map<string, string> | undefined;
  return { format, content, get byPath() { return (paths ??= byPath()); }, treeId: root, trees };
}

/** Visits `paths` with their blob ids and the marker where it sorts (so sorted paths stay sorted: the tree id is then computed in one pass). */
function withMarker(paths: Iterable<string>, blobOf: (p: string) => string, marker: string, visit: (p: string, blob: string) => void): void {
  let markerAdded = false;
  for (const p of paths) {
    if (!markerAdded && MARKER_FILE < p) {
      visit(MARKER_FILE, marker);
      markerAdded = true;
    }
    visit(p, blobOf(p));
  }
  if (!markerAdded) visit(MARKER_FILE, marker);
}

/**
 * A {@link Prepared} whose `byPath` and tree objects are built on first use.
 * With `known` (a tree id from the cache), `treeId` needs neither; building
 * the trees then checks it (a wrong cached id is forgotten and refused, and
 * so is the folder id cache the trees were built with).
 */
function lazyPrepared(
  format: ObjectFormat, content: (p: string) => Buffer | string, byPath: () => Map<string, string>,
  folderIds: (() => FolderIdCache) | undefined, known?: { readonly treeId: string; readonly forget: () => void },
): Prepared {
  let paths: Map<string, string> | undefined;
  let built: { id: string; trees: TreeObjects } | undefined;
  const getPaths = () => (paths ??= byPath());
  const build = () => {
    if (built) return built;
    const folders = folderIds?.();
    const made = treeId(getPaths(), format, folders);
    built = { id: made.id, trees: new TreeMap(made.trees) };
    if (known && built.id !== known.treeId) {
      known.forget();
      folders?.forget();
      throw new PublishError('git', `the tree id cache named ${known.treeId} for this tree, but it is ${built.id}: the entry was removed, run the command again`);
    }
    folders?.save();
    return built;
  };
  return {
    format,
    content,
    get byPath() { return getPaths(); },
    get treeId() { return known?.treeId ?? build().id; },
    get trees() { return build().trees; },
  };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Makes the branch's tree exactly `tree` (plus the marker) with one commit on
 * its tip — or none if it is already there — and, with `push`, pushes it
 * without force, re-applying the same tree on the new tip when another
 * publisher won the race. The user's HEAD, index and working tree are never
 * touched: objects are written with plumbing and a temporary index, and refs
 * move only by compare-and-swap.
 */
export async function writeBranch(req: WriteRequest): Promise<WriteResult> {
  const { repo, branch, remote } = req;
  const prepared = req.prepared?.format === repo.format ? req.prepared : prepare(repo.format, req.tree, req.cacheDir);
  const pushTo = req.push ? req.pushTo : undefined;
  const localRef = `refs/heads/${branch}`;
  const tracking = trackingRef(remote, branch);
  const proposalRef = pushTo ? trackingRef(remote, pushTo) : undefined;
  let config: RepoConfig | undefined;
  let remoteUrl: string | undefined;
  if (req.push) {
    config = await readConfig(repo, req.env);
    remoteUrl = checkRemote(remote, config);
  }
  for (let attempt = 1; ; attempt++) {
    // A `git update-ref --stdin` started before the commit is made (see below): ended on every way out of the attempt.
    let refUpdate: PendingGit | undefined;
    try {
      const [remoteHas, proposalHas] = await Promise.all([
        req.push ? fetchBranch(repo, remote, branch) : false,
        pushTo ? fetchBranch(repo, remote, pushTo) : false,
      ]);
      const early = attempt === 1 && !req.push ? await req.localTips : undefined;
      const tips = early ?? await readTips(repo, req.push ? [localRef, tracking, ...(proposalRef ? [proposalRef] : [])] : [localRef]);
      const local = tips.get(localRef);
      const remoteTip = remoteHas ? tips.get(tracking) : undefined;
      const proposal = proposalHas && proposalRef ? tips.get(proposalRef) : undefined;
      let base: Tip | undefined = remoteTip ?? local;
      if (pushTo) base = await proposalBase(repo, branch, pushTo, remoteTip, proposal);
      else if (remoteTip && local && local.commit !== remoteTip.commit && await isAncestor(repo, remoteTip.commit, local.commit)) base = local;

      let target: string;
      let result: Omit<WriteResult, 'commit' | 'pushed' | 'attempts' | 'remoteUrl'>;
      if (base && base.tree === prepared.treeId) {
        // Our tree holds the marker (prepare adds it): only the tip's trailer is left to check.
        assertOwned(branch, base, new Set([MARKER_FILE]));
        target = base.commit;
        result = { status: 'unchanged', branch, parent: undefined, added: [], changed: [], deleted: [], imageChanges: [] };
      } else {
        // Checked before every commit, so also after every lost race: an older source never lands on a newer one.
        // Its git processes (status, lineage) and the config read run while the commit's first checks do; the
        // gate runs and objects are written only once it admits the commit, and its refusal or verdict wins.
        const admitted = req.admit ? req.admit(base) : Promise.resolve(undefined);
        admitted.catch(() => undefined);
        // The local branch's compare-and-swap starts up now, while the commit is made, and gets its one line at the end.
        if (!pushTo) {
          refUpdate = repo.git.open(['update-ref', '-m', 'cdk8s-gitops: published', '--stdin', '-z'], { allowFailure: true });
          refUpdate.result.catch(() => undefined);
        }
        const configP = config ? Promise.resolve(config) : readConfig(repo, req.env);
        configP.catch(() => undefined);
        const made = await makeCommit(req, prepared, base, configP, admitted).catch(async (e: unknown) => {
          if (await admitted) return undefined;
          throw e;
        });
        if (!made) {
          const superseded = (await admitted)!;
          return {
            status: 'superseded',
            branch,
            commit: base!.commit,
            supersededBy: superseded,
            pushed: false,
            remoteUrl,
            attempts: attempt,
            added: [],
            changed: [],
            deleted: [],
            imageChanges: [],
            ...(pushTo ? { pushedTo: pushTo } : {}),
          };
        }
        config = await configP;
        target = made.commit;
        result = made.result;
      }

      const pushedTip = pushTo ? proposal : remoteTip;
      const pushing = req.push && target !== pushedTip?.commit && !(pushTo && result.status === 'unchanged');
      if (pushing) {
        const outcome = await pushBranch(repo, remote, pushTo ?? branch, target);
        if (outcome === 'rejected') {
          if (attempt >= req.maxAttempts) {
            throw new PublishError('push-rejected', `the push of '${pushTo ?? branch}' to ${remoteUrl} was rejected ${attempt} times: other publishers keep moving the branch. `
            + 'Nothing was lost and the remote was not changed by this run; run publish again.');
          }
          await sleep(backoff(attempt));
          continue;
        }
      }
      // The local branch follows (not for a proposal): compare-and-swap against the value read above.
      if (!pushTo && target !== local?.commit) {
        const old = local?.commit ?? zeroId(repo);
        let cas: GitResult;
        if (refUpdate && result.status === 'published') {
          refUpdate.end(`update ${localRef}\0${target}\0${old}\0`);
          cas = await refUpdate.result;
        } else {
          cas = await repo.git.run(['update-ref', '-m', `cdk8s-gitops: ${result.status}`, '--end-of-options', localRef, target, old], { allowFailure: true });
        }
        if (cas.code !== 0 && !req.push) {
          if (attempt >= req.maxAttempts) {
            throw new PublishError('push-rejected', `'${branch}' kept moving while publishing (${attempt} attempts): ${cas.stderr.trim()}`);
          }
          await sleep(backoff(attempt));
          continue;
        }
      }
      return { ...result, commit: target, pushed: pushing, remoteUrl, attempts: attempt, ...(pushTo ? { pushedTo: pushTo } : {}) };
    } finally {
      // Not used (no commit, a refusal, a lost race): no input, so it changes nothing and exits.
      refUpdate?.end();
    }
  }
}

/**
 * Where a proposal (`pushTo`) builds: on a pending proposal that leads from
 * the rendered branch's tip (newer renders stack on it, so the pull request
 * shows the whole change), else on the rendered branch's tip. A proposal
 * branch that does not lead from the tip would need a force push: refused.
 */
async function proposalBase(repo: Repo, branch: string, pushTo: string, tip: Tip | undefined, proposal: Tip | undefined): Promise<Tip | undefined> {
  if (!proposal) return tip;
  if (!tip || proposal.commit === tip.commit || await isAncestor(repo, tip.commit, proposal.commit)) return proposal;
  if (await isAncestor(repo, proposal.commit, tip.commit)) return tip;
  throw new PublishRefusedError('push-to-diverged', `refusing to push to '${pushTo}': it exists on the remote and does not lead from the tip of '${branch}' `
    + `(${proposal.commit.slice(0, 12)} is not a descendant of ${tip.commit.slice(0, 12)}), so the push would need force. `
    + `Delete it once its pull request is merged or closed (git push origin --delete ${pushTo}), or pass another --push-to`);
}

/** Exponential backoff with full jitter: 50 ms, 100 ms, ... capped at 2 s. */
function backoff(attempt: number): number {
  return Math.round(Math.random() * Math.min(2000, 50 * 2 ** attempt));
}

/** Most folders {@link likelyChangedDirs} names. */
const MAX_GUESSED_DIRS = 64;

/**
 * The folders (and their parents) of the files a {@link DiskTree}'s listing
 * read again because their size, times or inode changed: the folders a
 * commit most likely changes. Empty for other trees.
 */
function likelyChangedDirs(tree: RenderedTree): Set<string> {
  const dirs = new Set<string>();
  if (!(tree instanceof DiskTree)) return dirs;
  for (const p of tree.readPaths()) {
    for (let slash = p.indexOf('/'); slash >= 0; slash = p.indexOf('/', slash + 1)) dirs.add(p.slice(0, slash));
    // A first listing (no stat cache) read every file: no guess.
    if (dirs.size > MAX_GUESSED_DIRS) return new Set();
  }
  return dirs;
}

/** The folder of a path ('' for the root). */
const dirOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));

async function makeCommit(
  req: WriteRequest, prepared: Prepared, base: Tip | undefined, configP: Promise<RepoConfig>, admitted: Promise<Superseded | undefined>,
) {
  if (req.cat) return makeCommitWith(req, prepared, base, configP, admitted, req.cat);
  const cat = new CatFile(req.repo.git);
  try {
    return await makeCommitWith(req, prepared, base, configP, admitted, cat);
  } finally {
    cat.close();
  }
}

/** The commit of `prepared` on `base`, or undefined when `admitted` says the publish is superseded (nothing written). */
async function makeCommitWith(
  req: WriteRequest, prepared: Prepared, base: Tip | undefined, configP: Promise<RepoConfig>, admitted: Promise<Superseded | undefined>, cat: CatFile,
) {
  const { repo, branch } = req;
  const parsed = new ParsedYaml();
  // Only the folders whose tree differs from the base are listed: the others hold the same files. The base's trees
  // are asked for first (with, by path, the folders of the files the listing read again: those likely changed), and
  // git answers while the new tree's objects are built.
  const ours = () => ({ root: prepared.treeId, trees: prepared.trees });
  const listing = base
    ? await listChangedBase(cat, base.tree, ours, repo.format === 'sha256' ? 32 : 20, likelyChangedDirs(req.tree))
    : { files: new Map<string, string>(), knownTrees: new Set<string>(), sameDirs: new Set<string>(), sameFiles: 0 };
  const oldFiles = listing.files;
  if (base) assertOwned(branch, base, oldFiles);
  oldFiles.delete(MARKER_FILE);
  checkDeletions([...oldFiles.keys()], req.tree, req.allowDeletions, listing.sameFiles);

  // One pass over the new tree: the files outside identical folders (to write, and to compare with the base's).
  const added: string[] = [];
  const changed: string[] = [];
  const files: TreeFile[] = [];
  const visit = (p: string, blob: string) => {
    files.push({ path: p, blob, content: () => prepared.content(p) });
    if (p === MARKER_FILE) return;
    const old = oldFiles.get(p);
    if (old === undefined) added.push(p);
    else if (old !== blob) changed.push(p);
  };
  // The new tree's objects lead to the files outside the identical folders without a look at the others.
  if (listing.sameDirs.size) filesOutside(prepared.trees, prepared.treeId, listing.sameDirs, visit);
  else for (const [p, blob] of prepared.byPath) visit(p, blob);
  const deleted = [...oldFiles.keys()].filter(p => !req.tree.has(p));
  // Unchanged files were checked when they were published: parse only what this commit brings (each text once).
  checkYaml(req.tree, [...added, ...changed], parsed);
  const touchedDirs = new Set([...added, ...changed, ...deleted].map(p => p.slice(0, p.lastIndexOf('/'))));
  // The gate (kustomize builds on a cache miss) runs only for an admitted commit.
  if (await admitted) return undefined;
  if (req.gate) {
    // Unchanged folders were checked when they were published, unless that publish skipped a check.
    const all = !base || Boolean(base.checksSkipped);
    const touched = all ? req.tree
      : new Map(files.filter(f => f.path !== MARKER_FILE && touchedDirs.has(dirOf(f.path))).map(f => [f.path, req.tree.get(f.path)!]));
    const problems = await req.gate(touched, { tree: req.tree, folders: all ? undefined : touchedDirs });
    if (problems.length) throw new PublishRefusedError('gate', problems);
  }
  const before = new Map<string, string>();
  const wanted = [...oldFiles].filter(([p]) => touchedDirs.has(p.slice(0, p.lastIndexOf('/'))));
  const blobs = await Promise.all(wanted.map(([, id]) => cat.read(id)));
  wanted.forEach(([p], i) => before.set(p, blobs[i]?.content.toString('utf8') ?? ''));
  const images = imageChanges(before, req.tree, [...added, ...changed, ...deleted], parsed);

  // The objects are written while the message is built (it reads the source commit).
  const messageP = configP.then(c => req.message(images, c));
  messageP.catch(() => undefined);
  const loose = repo.objectsDir ? { objectsDir: repo.objectsDir, format: repo.format } : undefined;
  const written = await writeTreeObjects(repo.git, files, new Set(oldFiles.values()), prepared.trees, listing.knownTrees, prepared.treeId, loose);
  if (written !== prepared.treeId) {
    throw new Error(`tree id mismatch: computed ${prepared.treeId}, git wrote ${written}`);
  }
  const config = await configP;
  const message = await messageP;
  const commit = writeCommitLoose(repo, req.env, config, written, base?.commit, message)
    ?? await repo.git.text(['commit-tree', written, ...(base ? ['-p', base.commit] : []), '-F', '-'], { input: message, env: config.identityEnv });
  return {
    commit,
    result: {
      status: 'published' as const,
      branch,
      parent: base?.commit,
      added: added.sort(),
      changed: changed.sort(),
      deleted: deleted.sort(),
      imageChanges: images,
      message,
    },
  };
}

/**
 * Writes the commit as a loose object, as `git commit-tree` would (same
 * identity, the current time and time zone), and returns its id — or
 * undefined when git would record something else: a date or an identity it
 * rewrites from the environment, a commit encoding, no loose-object folder.
 */
function writeCommitLoose(
  repo: Repo, env: Readonly<Record<string, string | undefined>>, config: RepoConfig, tree: string, parent: string | undefined, message: string,
): string | undefined {
  const all = { ...env, ...config.identityEnv };
  if (!repo.objectsDir || config.commitEncoding !== undefined) return undefined;
  if (all.GIT_AUTHOR_DATE !== undefined || all.GIT_COMMITTER_DATE !== undefined) return undefined;
  const [aName, aEmail, cName, cEmail] = [all.GIT_AUTHOR_NAME, all.GIT_AUTHOR_EMAIL, all.GIT_COMMITTER_NAME, all.GIT_COMMITTER_EMAIL];
  if (!aName || !aEmail || !cName || !cEmail || !isPlainIdent(aName, aEmail) || !isPlainIdent(cName, cEmail)) return undefined;
  const now = new Date();
  const when = Math.floor(now.getTime() / 1000);
  const offset = -now.getTimezoneOffset();
  const body = commitBody(tree, parent, { name: aName, email: aEmail, when, offset }, { name: cName, email: cEmail, when, offset }, message);
  return writeLooseObject(repo.objectsDir, 'commit', body, repo.format);
}
