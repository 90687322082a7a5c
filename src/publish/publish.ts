import { CatFile } from './_cat-file';
import { checkTree, DEFAULT_ALLOWED_DELETIONS } from './_checks';
import { Git } from './_git';
import { checkUserValues, isCommitId } from './_input';
import { commitMessage } from './_message';
import { openRepo, readConfig, readTips, Repo, RepoConfig, sourceCommit, Tip } from './_repo';
import { checkClean, checkLineage } from './_source';
import { stripUrlUserInfo } from '../git-url';
import { Gate, prepare, Prepared, Superseded, writeBranch, WriteResult } from './_write';
import { DEFAULT_BRANCH } from './defaults';
import { PublishRefusedError } from './publish-error';
import { RenderedTree } from '../render/tree';

export { DEFAULT_ALLOWED_DELETIONS } from './_checks';
export { DEFAULT_IDENTITY } from './_repo';
export { MARKER_FILE } from './_marker';
export type { ImageChange } from './_images';
export type { WriteResult as PublishResult, Superseded, Gate, GateContext } from './_write';

export { DEFAULT_BRANCH };

/** Push attempts before a publish gives up (jittered exponential backoff between them). */
export const DEFAULT_MAX_ATTEMPTS = 12;

/** Where and how to write the rendered branch. Shared by publish and rollback. */
export interface BranchOptions {
  /**
   * The source repository (any folder inside it).
   *
   * @default process.cwd()
   */
  readonly cwd?: string;
  /**
   * Environment for git (credentials come from here: GIT_ASKPASS, GIT_CONFIG_*, ...).
   *
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The rendered branch.
   *
   * @default 'rendered-manifests'
   */
  readonly branch?: string;
  /**
   * The remote to push to (a configured name or a URL without credentials).
   *
   * @default 'origin'
   */
  readonly remote?: string;
  /**
   * Push to the remote (race-safe, never forced).
   *
   * @default false
   */
  readonly push?: boolean;
  /**
   * Largest share (percent) of the branch's files one commit may delete.
   *
   * @default 50
   */
  readonly allowDeletions?: number;
  /**
   * Push attempts before giving up when other publishers keep moving the branch.
   *
   * @default 12
   */
  readonly maxAttempts?: number;
}

/** Options of {@link publishTree}. */
export interface PublishOptions extends BranchOptions {
  /**
   * The rendered tree to publish (see `readTree`), or a function that reads
   * it: called once the repository's first git processes are started, so
   * they run while it reads the tree from disk (see `readRenderedDir`).
   */
  readonly tree: RenderedTree | (() => RenderedTree);
  /**
   * The source commit the tree was rendered from.
   *
   * @default - the source repository's HEAD
   */
  readonly sourceSha?: string;
  /**
   * The rendered folder (absolute, or relative to `cwd`): changes under it do
   * not make the checkout dirty.
   *
   * @default - every change counts
   */
  readonly outputDir?: string;
  /**
   * Publish from a checkout with uncommitted changes (outside `outputDir`),
   * recorded by a `Source-Dirty: true` trailer.
   *
   * @default false
   */
  readonly allowDirty?: boolean;
  /**
   * Publish a source commit that neither descends from nor precedes the
   * branch's (another history, a feature branch), recorded by a
   * `Source-Unrelated: <the branch's source>` trailer.
   *
   * @default false
   */
  readonly allowUnrelatedSource?: boolean;
  /**
   * Push the new commit to this branch instead of `branch`, which does not
   * move (a proposal for a pull request against it). Implies `push`. The
   * branch is created, or fast-forwarded (newer renders stack on a pending
   * proposal), never forced.
   *
   * @default - push to `branch`
   */
  readonly pushTo?: string;
  /**
   * Extra checks (the validation gate), run only when a commit is about to be
   * made, on every file of the folders the commit adds, changes or deletes
   * from (unchanged folders were checked when they were published); any
   * problem refuses the publish.
   *
   * @default - none
   */
  readonly gate?: Gate;
  /**
   * Checks of the gate skipped on purpose (e.g. `['kustomize']`), recorded
   * in the commit's `Checks-Skipped` trailer; the next publish then checks
   * every folder, not only the ones it touches.
   *
   * @default - none
   */
  readonly checksSkipped?: readonly string[];
  /**
   * A folder for the tree id cache: a tree read from disk (`readRenderedDir`
   * with a stat cache) whose files were published or prepared before gets
   * its tree id without building its tree objects, so a publish with
   * nothing to commit hashes no tree.
   *
   * @default - no cache: every tree object is hashed
   */
  readonly cacheDir?: string;
}

/**
 * Publishes `tree` to the rendered branch as one new commit (or none when
 * nothing changed). Refuses dangerous trees and branches it does not own with
 * a {@link PublishRefusedError}; git failures and a push still rejected after
 * every retry are a `PublishError`.
 */
export async function publishTree(options: PublishOptions): Promise<WriteResult> {
  const env = options.env ?? process.env;
  const branch = options.branch ?? DEFAULT_BRANCH;
  checkUserValues({ branch, remote: options.remote ?? 'origin', pushTo: options.pushTo });
  const cwd = options.cwd ?? process.cwd();
  const git = new Git(cwd, env);
  // The git processes run while the tree is read and hashed in-process (the object format is almost always sha1;
  // a sha256 repository hashes again). They only read: a refused tree or argument has written nothing.
  const opened = openRepo(cwd, env, branch, git);
  const localTips = options.push ? undefined : readTips({ git }, [`refs/heads/${branch}`]).catch(() => undefined);
  opened.catch(() => undefined);
  const tree = typeof options.tree === 'function' ? options.tree() : options.tree;
  checkTree(tree);
  if (options.sourceSha !== undefined && !isCommitId(options.sourceSha)) {
    throw new PublishRefusedError('bad-argument', `--source-sha must be a commit id in hex (got ${JSON.stringify(options.sourceSha)})`);
  }
  // Its process starts with the first read: a no-op publish never starts it.
  const cat = new CatFile(git);
  try {
    return await publishWith({ ...options, tree }, cat, opened, prepare('sha1', tree, options.cacheDir), localTips);
  } finally {
    cat.close();
  }
}

async function publishWith(
  options: PublishOptions & { readonly tree: RenderedTree }, cat: CatFile, opened: Promise<Repo>, prepared: Prepared,
  localTips: Promise<Map<string, Tip> | undefined> | undefined,
): Promise<WriteResult> {
  const env = options.env ?? process.env;
  const branch = options.branch ?? DEFAULT_BRANCH;
  const remote = options.remote ?? 'origin';
  const repo = await opened;
  const cwd = options.cwd ?? process.cwd();
  const push = (options.push ?? false) || options.pushTo !== undefined;
  let source: { sha?: string; subject: string } | undefined;
  const resolveSource = async () => {
    // Resolved only when a commit is made (a no-op publish does not read it).
    if (!source) {
      const found = await sourceCommit(repo, options.sourceSha ?? 'HEAD', cat);
      source = found ?? (options.sourceSha ? { sha: options.sourceSha.toLowerCase(), subject: `Render ${options.sourceSha.slice(0, 12)}` } : { subject: 'Render' });
    }
    return source;
  };
  let dirty: Promise<boolean> | undefined;
  let remotes: Promise<string[]> | undefined;
  let unrelated: string | undefined;
  const admit = async (base: Tip | undefined): Promise<Superseded | undefined> => {
    // Only when a commit is about to be made: a no-op publish reads neither.
    dirty ??= checkClean(repo, cwd, options.outputDir, options.allowDirty ?? false);
    remotes ??= push ? sourceRemotes(repo, env, remote) : Promise.resolve([]);
    const [, src, from] = await Promise.all([dirty, resolveSource(), remotes]);
    const allowUnrelated = options.allowUnrelatedSource ?? false;
    const lineage = await checkLineage(repo, branch, base, { ours: src.sha, allowUnrelated, remotes: from, cat });
    if (lineage.verdict === 'superseded') return { sourceCommit: lineage.by, rollbackTo: lineage.rollback };
    unrelated = lineage.unrelated;
    return undefined;
  };
  return writeBranch({
    repo,
    env,
    branch,
    remote,
    push,
    pushTo: options.pushTo,
    tree: options.tree,
    prepared,
    cacheDir: options.cacheDir,
    cat,
    localTips,
    allowDeletions: options.allowDeletions ?? DEFAULT_ALLOWED_DELETIONS,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    gate: options.gate,
    admit,
    message: async (imageChanges, config) => {
      const src = await resolveSource();
      return commitMessage({
        subject: src.subject,
        imageChanges,
        sourceCommit: src.sha,
        sourceRepo: sourceRepoUrl(config, remote),
        sourceDirty: await dirty,
        sourceUnrelated: unrelated,
        checksSkipped: options.checksSkipped,
      });
    },
  });
}

/** Where a missing source commit is fetched from: the source repository (`origin`), then the push remote. */
async function sourceRemotes(repo: Repo, env: Readonly<Record<string, string | undefined>>, remote: string): Promise<string[]> {
  const config = await readConfig(repo, env);
  return [...new Set([...(config.remoteUrls.has('origin') ? ['origin'] : []), remote])];
}

/** The source repository's URL for the `Source-Repo` trailer: `origin`'s (else the remote's), without user info. */
export function sourceRepoUrl(config: RepoConfig, remote: string): string | undefined {
  const url = config.remoteUrls.get('origin')?.[0] ?? config.remoteUrls.get(remote)?.[0];
  return url ? stripUrlUserInfo(url) : undefined;
}
