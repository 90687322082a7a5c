import { checkUserValues } from './_input';
import { parseTrailers } from './_message';
import { openRepo, resolveReadTip } from './_repo';
import { DEFAULT_BRANCH } from './publish';

/** One rendered commit and where it came from. */
export interface HistoryEntry {
  /** The rendered commit. */
  readonly commit: string;
  /** Committer date, ISO 8601. */
  readonly date: string;
  /** The commit's subject (the source commit's subject). */
  readonly subject: string;
  /** `Source-Commit` trailer: the source commit the tree was rendered from. */
  readonly sourceCommit?: string;
  /** `Source-Repo` trailer. */
  readonly sourceRepo?: string;
  /** `Rendered-By` trailer, e.g. `cdk8s-gitops/1.2.0`. */
  readonly renderedBy?: string;
  /** `Rollback-To` trailer: the rendered commit whose tree this commit restored. */
  readonly rollbackTo?: string;
  /** `Rollback-From` trailer: the newest source published before the rollback (publishes must descend from it). */
  readonly rollbackFrom?: string;
  /** `Source-Dirty: true` trailer: published from a checkout with uncommitted changes (`--allow-dirty`). */
  readonly sourceDirty?: boolean;
  /** `Source-Unrelated` trailer: the source this commit replaced although unrelated (`--allow-unrelated-source`). */
  readonly sourceUnrelated?: string;
}

/** Options of {@link readHistory}. */
export interface HistoryOptions {
  /**
   * A folder inside the repository.
   *
   * @default process.cwd()
   */
  readonly cwd?: string;
  /**
   * Environment for git.
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
   * The remote whose tracking ref is read when it is ahead of the local branch.
   *
   * @default 'origin'
   */
  readonly remote?: string;
  /**
   * At most this many entries, newest first.
   *
   * @default - all
   */
  readonly limit?: number;
}

/** The history of a rendered branch. */
export interface History {
  /** The ref read (`refs/heads/...` or `refs/remotes/...`); undefined if the branch does not exist. */
  readonly ref?: string;
  /** Newest first, following first parents. */
  readonly entries: readonly HistoryEntry[];
}

/** Lists the rendered commits of a branch with their source commits (from trailers). */
export async function readHistory(options: HistoryOptions = {}): Promise<History> {
  const branch = options.branch ?? DEFAULT_BRANCH;
  const remote = options.remote ?? 'origin';
  checkUserValues({ branch, remote });
  const repo = await openRepo(options.cwd ?? process.cwd(), options.env ?? process.env, branch);
  const resolved = await resolveReadTip(repo, branch, remote);
  if (!resolved) return { entries: [] };
  const limit = options.limit !== undefined ? [`--max-count=${options.limit}`] : [];
  const out = await repo.git.text(['log', '--first-parent', ...limit, '--format=%H%x00%cI%x00%s%x00%(trailers:only,unfold)%x1e', '--end-of-options', resolved.tip.commit, '--']);
  const entries: HistoryEntry[] = [];
  for (const rec of out.split('\x1e')) {
    const [commit, date, subject, trailers] = rec.trim().split('\0');
    if (!commit) continue;
    const t = parseTrailers(trailers ?? '');
    entries.push({
      commit,
      date,
      subject,
      sourceCommit: t.get('Source-Commit'),
      sourceRepo: t.get('Source-Repo'),
      renderedBy: t.get('Rendered-By'),
      rollbackTo: t.get('Rollback-To'),
      rollbackFrom: t.get('Rollback-From'),
      ...(t.get('Source-Dirty') === 'true' ? { sourceDirty: true } : {}),
      sourceUnrelated: t.get('Source-Unrelated'),
    });
  }
  return { ref: resolved.ref, entries };
}
