import * as fs from 'fs';
import * as path from 'path';
import { CatFile } from './_cat-file';
import { isCommitId } from './_input';
import { isUrlLike, NETWORK_ENV, Repo, Tip } from './_repo';
import { PublishError, PublishRefusedError } from './publish-error';

/**
 * What publish checks about the source before it writes: that the checkout
 * holds no uncommitted changes (honest `Source-Commit`), and that the source
 * commit does not go back in history compared with the branch's
 * (monotonic `Source-Commit` sequence).
 */

/**
 * The files with uncommitted changes in the checkout holding `repo` —
 * tracked files changed (staged or not) and untracked files not ignored —
 * outside `outputDir`. Empty for a bare repository. Never writes the index
 * (`GIT_OPTIONAL_LOCKS=0`).
 */
export async function uncommittedFiles(repo: Repo, cwd: string, outputDir?: string): Promise<string[]> {
  const root = repo.worktree;
  if (root === undefined) return [];
  const exclude: string[] = [];
  if (outputDir !== undefined) {
    const abs = path.resolve(cwd, outputDir);
    const rel = path.relative(root, fs.existsSync(abs) ? fs.realpathSync(abs) : abs).split(path.sep).join('/');
    if (rel === '') return [];
    if (!rel.startsWith('../') && rel !== '..' && !path.isAbsolute(rel)) exclude.push(`:(exclude,literal,top)${rel}`);
  }
  const out = (await repo.git.run(['status', '--porcelain', '-z', '--untracked-files=normal', '--', ':(top)', ...exclude])).stdout.toString('utf8');
  const files: string[] = [];
  const records = out.split('\0');
  for (let i = 0; i < records.length; i++) {
    const rec = records[i];
    if (rec.length < 4) continue;
    files.push(rec.slice(3));
    // A rename or copy is followed by its old path.
    if (rec[0] === 'R' || rec[0] === 'C') i++;
  }
  return files.sort();
}

/** Refuses to publish from a dirty checkout (see {@link uncommittedFiles}) unless allowed; returns true when it is dirty. */
export async function checkClean(repo: Repo, cwd: string, outputDir: string | undefined, allowDirty: boolean): Promise<boolean> {
  const dirty = await uncommittedFiles(repo, cwd, outputDir);
  if (dirty.length === 0) return false;
  if (allowDirty) return true;
  const sample = dirty.slice(0, 5).join(', ') + (dirty.length > 5 ? `, ... (${dirty.length - 5} more)` : '');
  throw new PublishRefusedError('dirty-checkout', `refusing to publish from a checkout with uncommitted changes (${sample}): `
    + 'the commit would name a Source-Commit that did not produce this tree. Commit or stash them (git stash -u) and render again, '
    + 'or pass --allow-dirty to publish anyway with a Source-Dirty: true trailer');
}

/** How the source being published relates to the one the branch holds. */
export type Lineage =
  /** Publish: a first publish, a newer source, or a re-render of the same source. */
  | { readonly verdict: 'publish'; readonly unrelated?: string }
  /** Do not publish: the branch already holds a newer source (or a rollback of this one). */
  | { readonly verdict: 'superseded'; readonly by: string; readonly rollback?: string };

/** Inputs of {@link checkLineage}. */
export interface LineageCheck {
  /** The source commit being published (full id), if known. */
  readonly ours?: string;
  /** Publish over an unrelated source history (recorded by a `Source-Unrelated` trailer). */
  readonly allowUnrelated: boolean;
  /** Remotes to fetch a missing source commit, or the rest of a shallow history, from (in order). */
  readonly remotes: readonly string[];
  /** A started object reader, to save a git process per lookup. */
  readonly cat?: CatFile;
}

/**
 * The source the branch holds: a rollback commit holds the newest source
 * published before it (`Rollback-From`), so that a rollback is not undone
 * by a late run of an older source, nor by a re-run of the one rolled back.
 */
export function branchSource(tip: Tip): string | undefined {
  return tip.rollbackFrom ?? tip.sourceCommit;
}

/**
 * Compares our source commit with the branch tip's: the same commit or a
 * descendant publishes; an ancestor (an older run finishing late) is
 * superseded; unrelated histories are refused unless allowed. A commit
 * missing here is fetched from `remotes`; a shallow clone is deepened, and
 * when that fails the error names the fix (`fetch-depth: 0`).
 */
export async function checkLineage(repo: Repo, branch: string, tip: Tip | undefined, check: LineageCheck): Promise<Lineage> {
  const theirs = tip ? branchSource(tip) : undefined;
  if (!tip || !theirs) return { verdict: 'publish' };
  const ours = check.ours?.toLowerCase();
  const t = theirs.toLowerCase();
  if (ours && ours === t) {
    return tip.rollbackTo ? { verdict: 'superseded', by: theirs, rollback: tip.rollbackTo } : { verdict: 'publish' };
  }
  const unrelated = (why: string): Lineage => {
    if (check.allowUnrelated) return { verdict: 'publish', unrelated: theirs };
    throw new PublishRefusedError('unrelated-source', `refusing to publish ${ours ? ours.slice(0, 12) : 'a tree without a source commit'} to '${branch}': ${why}. `
      + 'Publish from a descendant of that commit (the branch Argo CD follows, e.g. main), publish to another --branch, '
      + 'or pass --allow-unrelated-source to replace it anyway (recorded by a Source-Unrelated trailer)');
  };
  if (!ours) return unrelated(`its tip ${tip.commit.slice(0, 12)} was rendered from ${t.slice(0, 12)}, and this publish names no source commit`);
  if (!isCommitId(t)) return unrelated(`its tip ${tip.commit.slice(0, 12)} names ${JSON.stringify(theirs)} as its source, which is not a commit id`);

  if (!await hasCommit(repo, ours, check.cat)) {
    throw new PublishRefusedError('bad-argument', `the source commit ${ours} (--source-sha) is not in this repository, so it cannot be compared with `
      + `${t.slice(0, 12)}, the source of '${branch}': fetch it (git fetch origin ${ours}) or pass the commit the tree was rendered from`);
  }
  let deepened = false;
  for (;;) {
    const present = await hasCommit(repo, t, check.cat) || (await fetchCommit(repo, t, check.remotes) && await hasCommit(repo, t));
    if (present) {
      // One merge base answers both "is theirs older?" and "is ours older?".
      const base = await mergeBase(repo, t, ours);
      if (base === t) return { verdict: 'publish' };
      if (base === ours) return { verdict: 'superseded', by: t };
    }
    // In a shallow clone "not an ancestor" may only mean "history cut off": deepen once and ask again.
    if (!deepened && await isShallow(repo)) {
      deepened = true;
      await unshallow(repo, check.remotes);
      if (!await isShallow(repo)) continue;
      throw new PublishError('shallow-history', `cannot tell whether ${ours.slice(0, 12)} is newer than ${t.slice(0, 12)}, the source of '${branch}': `
        + 'this is a shallow clone and it could not be deepened. Check out the full history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)');
    }
    if (!present) return unrelated(`its tip ${tip.commit.slice(0, 12)} was rendered from ${t.slice(0, 12)}, which is not in this repository's history`);
    return unrelated(`its tip ${tip.commit.slice(0, 12)} was rendered from ${t.slice(0, 12)}, which is neither an ancestor nor a descendant of it`);
  }
}

/** The best common ancestor of two commits, or undefined if they share none. */
async function mergeBase(repo: Repo, a: string, b: string): Promise<string | undefined> {
  const res = await repo.git.run(['merge-base', '--end-of-options', a, b], { allowFailure: true });
  if (res.code > 1) throw new PublishError('git', `git merge-base ${a} ${b} failed: ${res.stderr.trim()}`);
  return res.code === 0 ? res.stdout.toString('utf8').trim() : undefined;
}

async function hasCommit(repo: Repo, sha: string, cat?: CatFile): Promise<boolean> {
  if (cat) return (await cat.read(`${sha}^{commit}`))?.type === 'commit';
  return (await repo.git.run(['cat-file', '-e', '--end-of-options', `${sha}^{commit}`], { allowFailure: true })).code === 0;
}

async function isShallow(repo: Repo): Promise<boolean> {
  return (await repo.git.text(['rev-parse', '--is-shallow-repository'])) === 'true';
}

/**
 * Fetches one commit by id (servers that allow it, GitHub among them), else
 * a configured remote's branches (its default refspec); true if a fetch succeeded.
 */
async function fetchCommit(repo: Repo, sha: string, remotes: readonly string[]): Promise<boolean> {
  for (const remote of remotes) {
    if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
      const bySha = await repo.git.run(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', '--end-of-options', remote, sha], { allowFailure: true, env: NETWORK_ENV });
      if (bySha.code === 0) return true;
    }
    if (!isUrlLike(remote)) {
      const all = await repo.git.run(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', '--end-of-options', remote], { allowFailure: true, env: NETWORK_ENV });
      if (all.code === 0) return true;
    }
  }
  return false;
}

/** Fetches the rest of a shallow history from the first remote that has it. */
async function unshallow(repo: Repo, remotes: readonly string[]): Promise<void> {
  for (const remote of remotes) {
    const res = await repo.git.run(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', '--unshallow', '--end-of-options', remote], { allowFailure: true, env: NETWORK_ENV });
    if (res.code === 0 && !await isShallow(repo)) return;
  }
}
