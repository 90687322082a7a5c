import { checkTree, DEFAULT_ALLOWED_DELETIONS } from './_checks';
import { checkUserValues, isCommitId } from './_input';
import { MARKER_FILE } from './_marker';
import { commitMessage } from './_message';
import { listTree, readBlobs } from './_objects';
import { checkRemote, fetchBranch, openRepo, readConfig } from './_repo';
import { branchSource } from './_source';
import { writeBranch, WriteResult } from './_write';
import { HistoryEntry, readHistory } from './history';
import { BranchOptions, DEFAULT_BRANCH, DEFAULT_MAX_ATTEMPTS, sourceRepoUrl } from './publish';
import { PublishRefusedError } from './publish-error';
import { sortTree } from '../render/tree';

/** Options of {@link rollback}. */
export interface RollbackOptions extends BranchOptions {
  /** A rendered commit of the branch, or a source commit named by a `Source-Commit` trailer (full or abbreviated). */
  readonly to: string;
}

/** The result of a rollback. */
export interface RollbackResult extends WriteResult {
  /** The rendered commit whose tree was restored. */
  readonly rolledBackTo: string;
  /** Its source commit, if recorded. */
  readonly sourceCommit?: string;
}

/** Finds `to` in the branch history: a rendered commit first, else the newest commit rendered from that source commit. */
export function findRollbackTarget(entries: readonly HistoryEntry[], to: string, branch: string): HistoryEntry {
  checkRollbackTarget(to);
  const want = to.toLowerCase();
  const rendered = entries.find(e => e.commit.startsWith(want));
  if (rendered) return rendered;
  const fromSource = entries.find(e => e.sourceCommit?.toLowerCase().startsWith(want));
  if (fromSource) return fromSource;
  throw new PublishRefusedError('bad-argument', `'${to}' is neither a rendered commit on '${branch}' nor a source commit named by its Source-Commit trailers `
    + '(run `cdk8s-gitops history` to list them)');
}

/** Refuses a `--to` that is not a commit id in hex (before anything reaches git). */
function checkRollbackTarget(to: string): void {
  if (!isCommitId(to)) {
    throw new PublishRefusedError('bad-argument', `--to must be a commit id in hex, 4 to 64 digits (got ${JSON.stringify(to)}); run \`cdk8s-gitops history\` to list them`);
  }
}

/**
 * Publishes the tree of an earlier rendered commit as a new forward commit
 * (trailer `Rollback-To: <rendered sha>`): the rendered-branch equivalent of
 * `git revert`. Revert the source too, or the next render rolls forward again.
 */
export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const env = options.env ?? process.env;
  const branch = options.branch ?? DEFAULT_BRANCH;
  const remote = options.remote ?? 'origin';
  const cwd = options.cwd ?? process.cwd();
  checkUserValues({ branch, remote });
  checkRollbackTarget(options.to);
  const repo = await openRepo(cwd, env, branch);
  if (options.push) {
    checkRemote(remote, await readConfig(repo, env));
    await fetchBranch(repo, remote, branch);
  }
  const history = await readHistory({ cwd, env, branch, remote });
  if (!history.ref) throw new PublishRefusedError('bad-argument', `branch '${branch}' does not exist: nothing to roll back`);
  const target = findRollbackTarget(history.entries, options.to, branch);

  const files = await listTree(repo.git, target.commit);
  files.delete(MARKER_FILE);
  const blobs = await readBlobs(repo.git, files.values());
  const tree = sortTree([...files].map(([p, id]) => [p, blobs.get(id)?.toString('utf8') ?? ''] as [string, string]));
  checkTree(tree);

  let rollbackFrom: string | undefined;
  const result = await writeBranch({
    repo,
    env,
    branch,
    remote,
    push: options.push ?? false,
    tree,
    allowDeletions: options.allowDeletions ?? DEFAULT_ALLOWED_DELETIONS,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    // The deliberate exception to monotonic source history: no lineage check. The newest source
    // published so far is recorded, so a late run of an older source cannot undo the rollback.
    admit: async base => {
      rollbackFrom = base ? branchSource(base) : undefined;
      return undefined;
    },
    message: async (imageChanges, config) => commitMessage({
      subject: `Rollback to ${target.commit.slice(0, 12)}: ${target.subject}`,
      imageChanges,
      sourceCommit: target.sourceCommit,
      sourceRepo: target.sourceRepo ?? sourceRepoUrl(config, remote),
      rollbackTo: target.commit,
      rollbackFrom,
    }),
  });
  return { ...result, rolledBackTo: target.commit, sourceCommit: target.sourceCommit };
}
