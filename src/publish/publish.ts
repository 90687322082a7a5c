import { CatFile } from './_cat-file';
import { checkTree, DEFAULT_ALLOWED_DELETIONS } from './_checks';
import { DEFAULT_BRANCH } from './defaults';
import { Git } from './_git';
import { checkUserValues, isCommitId } from './_input';
import { commitMessage } from './_message';
import { openRepo, readTips, Repo, RepoConfig, sourceCommit, Tip } from './_repo';
import { redactUrl } from './_url';
import { prepare, Prepared, writeBranch, WriteResult } from './_write';
import { PublishRefusedError } from './publish-error';
import { Problem } from '../errors';
import { RenderedTree } from '../render/tree';

export { DEFAULT_ALLOWED_DELETIONS } from './_checks';
export { DEFAULT_IDENTITY } from './_repo';
export { MARKER_FILE } from './_marker';
export type { ImageChange } from './_images';
export type { WriteResult as PublishResult } from './_write';

export { DEFAULT_BRANCH };

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
   * @default 8
   */
  readonly maxAttempts?: number;
}

/** Options of {@link publishTree}. */
export interface PublishOptions extends BranchOptions {
  /** The rendered tree to publish (see `readTree`). */
  readonly tree: RenderedTree;
  /**
   * The source commit the tree was rendered from.
   *
   * @default - the source repository's HEAD
   */
  readonly sourceSha?: string;
  /**
   * Extra checks (the validation gate), run only when a commit is about to be
   * made, on every file of the folders the commit adds, changes or deletes
   * from (unchanged folders were checked when they were published); any
   * problem refuses the publish.
   *
   * @default - none
   */
  readonly gate?: (tree: RenderedTree) => Problem[];
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
  checkUserValues({ branch, remote: options.remote ?? 'origin' });
  checkTree(options.tree);
  if (options.sourceSha !== undefined && !isCommitId(options.sourceSha)) {
    throw new PublishRefusedError('bad-argument', `--source-sha must be a commit id in hex (got ${JSON.stringify(options.sourceSha)})`);
  }
  const cwd = options.cwd ?? process.cwd();
  const git = new Git(cwd, env);
  // The git processes run while the tree is hashed in-process (the object format is almost always sha1;
  // a sha256 repository hashes again).
  const opened = openRepo(cwd, env, branch, git);
  const localTips = options.push ? undefined : readTips({ git }, [`refs/heads/${branch}`]).catch(() => undefined);
  opened.catch(() => undefined);
  // Started now so its start-up is hidden too; a no-op publish closes it unused.
  const cat = new CatFile(git);
  try {
    return await publishWith(options, cat, opened, prepare('sha1', options.tree), localTips);
  } finally {
    cat.close();
  }
}

async function publishWith(
  options: PublishOptions, cat: CatFile, opened: Promise<Repo>, prepared: Prepared, localTips: Promise<Map<string, Tip> | undefined> | undefined,
): Promise<WriteResult> {
  const env = options.env ?? process.env;
  const branch = options.branch ?? DEFAULT_BRANCH;
  const remote = options.remote ?? 'origin';
  const repo = await opened;
  let source: { sha?: string; subject: string } | undefined;
  const resolveSource = async () => {
    // Resolved only when a commit is made (a no-op publish does not read it).
    if (!source) {
      const found = await sourceCommit(repo, options.sourceSha ?? 'HEAD', cat);
      source = found ?? (options.sourceSha ? { sha: options.sourceSha.toLowerCase(), subject: `Render ${options.sourceSha.slice(0, 12)}` } : { subject: 'Render' });
    }
    return source;
  };
  return writeBranch({
    repo,
    env,
    branch,
    remote,
    push: options.push ?? false,
    tree: options.tree,
    prepared,
    cat,
    localTips,
    allowDeletions: options.allowDeletions ?? DEFAULT_ALLOWED_DELETIONS,
    maxAttempts: options.maxAttempts ?? 8,
    gate: options.gate,
    message: async (imageChanges, config) => {
      const src = await resolveSource();
      return commitMessage({ subject: src.subject, imageChanges, sourceCommit: src.sha, sourceRepo: sourceRepoUrl(config, remote) });
    },
  });
}

/** The source repository's URL for the `Source-Repo` trailer: `origin`'s (else the remote's), without user info. */
export function sourceRepoUrl(config: RepoConfig, remote: string): string | undefined {
  const url = config.remoteUrls.get('origin')?.[0] ?? config.remoteUrls.get(remote)?.[0];
  return url ? redactUrl(url) : undefined;
}
