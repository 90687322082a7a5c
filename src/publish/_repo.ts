import * as fs from 'fs';
import * as path from 'path';
import { CatFile, commitSubject } from './_cat-file';
import { Git } from './_git';
import { checkRemoteUrl, checkUserValues, GIT_ALLOW_PROTOCOL } from './_input';
import { MARKER_FILE, RENDERED_BY } from './_marker';
import { ObjectFormat } from './_objects';
import { stripUrlUserInfo, urlSecretProblem } from '../git-url';
import { PublishError, PublishRefusedError } from './publish-error';

/** The committer used when neither the environment nor git config names one. */
export const DEFAULT_IDENTITY = { name: 'cdk8s-gitops', email: 'cdk8s-gitops@users.noreply.github.com' };

/** An opened repository. */
export interface Repo {
  readonly git: Git;
  readonly gitDir: string;
  readonly format: ObjectFormat;
  /** The top of the working tree (real path); undefined for a bare repository. */
  readonly worktree?: string;
  /** Where loose objects are written (`$GIT_OBJECT_DIRECTORY`, the common folder's `objects` for a worktree). */
  readonly objectsDir?: string;
}

/** A branch tip. */
export interface Tip {
  readonly commit: string;
  readonly tree: string;
  /** Values of the tip commit's `Rendered-By` trailers. */
  readonly renderedBy: string;
  /** Its `Source-Commit` trailer. */
  readonly sourceCommit?: string;
  /** Its `Rollback-To` trailer (a rollback commit). */
  readonly rollbackTo?: string;
  /** Its `Rollback-From` trailer: the newest source published before the rollback. */
  readonly rollbackFrom?: string;
  /** Values of the tip commit's `Checks-Skipped` trailers (checks its publish did not run), joined by spaces. */
  readonly checksSkipped?: string;
}

/** Opens the repository at `cwd` after checking the branch name (the rules of `git check-ref-format --branch`, without a git process). */
export async function openRepo(
  cwd: string, env: Readonly<Record<string, string | undefined>>, branch: string, git = new Git(cwd, env),
): Promise<Repo> {
  // Checked here too, before git sees it: callers of openRepo cannot forget it.
  checkUserValues({ branch });
  // --show-cdup last: it prints nothing in a bare repository.
  const rev = await git.run(['rev-parse', '--absolute-git-dir', '--show-object-format', '--is-bare-repository', '--git-path', 'objects', '--show-cdup'], { allowFailure: true });
  if (rev.code !== 0) {
    throw new PublishError('not-a-repository', `${cwd} is not inside a git repository: ${rev.stderr.trim()}`);
  }
  const [gitDir, format, bare, objects, cdup] = rev.stdout.toString('utf8').split('\n');
  const worktree = bare === 'true' ? undefined : fs.realpathSync(path.resolve(cwd, cdup ?? ''));
  return { git, gitDir, format: format === 'sha256' ? 'sha256' : 'sha1', worktree, ...(objects ? { objectsDir: path.resolve(cwd, objects) } : {}) };
}

/** The all-zero object id ("must not exist" for `git update-ref`). */
export function zeroId(repo: Repo): string {
  return '0'.repeat(repo.format === 'sha256' ? 64 : 40);
}

/** Tips of the given full ref names (missing refs are absent from the map), in one process. */
export async function readTips(repo: Pick<Repo, 'git'>, refs: readonly string[]): Promise<Map<string, Tip>> {
  // git 2.39's for-each-ref ignores `trailers:key=`: all trailers are read and parsed here.
  const fmt = '%(refname)%00%(objectname)%00%(tree)%00%(trailers:only,unfold)%1e';
  const out = await repo.git.text(['for-each-ref', `--format=${fmt}`, '--end-of-options', ...refs]);
  const tips = new Map<string, Tip>();
  for (const rec of out.split('\x1e')) {
    const [name, commit, tree, trailerText] = rec.replace(/^\n/, '').split('\0');
    if (!refs.includes(name) || !tree) continue;
    const trailers = parseTrailerList(trailerText ?? '');
    tips.set(name, {
      commit,
      tree,
      renderedBy: (trailers.get('Rendered-By') ?? []).join(' '),
      sourceCommit: trailers.get('Source-Commit')?.[0],
      rollbackTo: trailers.get('Rollback-To')?.[0],
      rollbackFrom: trailers.get('Rollback-From')?.[0],
      checksSkipped: (trailers.get('Checks-Skipped') ?? []).join(' ') || undefined,
    });
  }
  return tips;
}

/** `Key: value` trailer lines → key → values, in order. */
function parseTrailerList(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line.trim());
    if (m) map.set(m[1], [...(map.get(m[1]) ?? []), m[2].trim()]);
  }
  return map;
}

/** Throws unless the branch tip was written by cdk8s-gitops (trailer on the tip and marker at the root). */
export function assertOwned(branch: string, tip: Tip, paths: ReadonlySet<string> | ReadonlyMap<string, string>): void {
  const hasTrailer = tip.renderedBy.split(' ').some(v => v.startsWith('cdk8s-gitops/'));
  if (hasTrailer && paths.has(MARKER_FILE)) return;
  const why = !hasTrailer ? `its tip ${tip.commit.slice(0, 12)} has no '${RENDERED_BY}: cdk8s-gitops/...' trailer` : `it has no ${MARKER_FILE} marker at its root`;
  throw new PublishRefusedError('foreign-branch', `refusing to write to branch '${branch}': it was not created by cdk8s-gitops (${why}). `
    + 'Publish to another branch with --branch, or delete this one if it really is yours to replace.');
}

/** Identity env and remote URLs from git config, in one process. */
export interface RepoConfig {
  readonly identityEnv: Record<string, string>;
  readonly remoteUrls: ReadonlyMap<string, readonly string[]>;
  /** `i18n.commitEncoding`, when set (git then records it in the commit). */
  readonly commitEncoding?: string;
}

/**
 * Reads `user.*` and `remote.*.url/pushurl`. The committer is the
 * environment's (`GIT_COMMITTER_*`, `GIT_AUTHOR_*`), else git config's, else
 * {@link DEFAULT_IDENTITY}.
 */
export function readConfig(repo: Repo, env: Readonly<Record<string, string | undefined>>): Promise<RepoConfig> {
  // Read once per opened repository and environment (publish asks for it twice).
  const known = configs.get(repo);
  if (known?.env === env) return known.config;
  const config = readConfigNow(repo, env);
  configs.set(repo, { env, config });
  config.catch(() => configs.delete(repo));
  return config;
}

const configs = new WeakMap<Repo, { env: Readonly<Record<string, string | undefined>>; config: Promise<RepoConfig> }>();

async function readConfigNow(repo: Repo, env: Readonly<Record<string, string | undefined>>): Promise<RepoConfig> {
  const res = await repo.git.run(['config', '-z', '--get-regexp', '^(user\\.(name|email)|remote\\..*\\.(url|pushurl)|i18n\\.commitencoding)$'], { allowFailure: true });
  const values = new Map<string, string[]>();
  for (const rec of res.stdout.toString('utf8').split('\0')) {
    if (!rec) continue;
    const nl = rec.indexOf('\n');
    const key = nl < 0 ? rec : rec.slice(0, nl);
    const value = nl < 0 ? '' : rec.slice(nl + 1);
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const cfgName = values.get('user.name')?.slice(-1)[0];
  const cfgEmail = values.get('user.email')?.slice(-1)[0];
  const identityEnv: Record<string, string> = {};
  for (const who of ['AUTHOR', 'COMMITTER']) {
    if (!env[`GIT_${who}_NAME`]) identityEnv[`GIT_${who}_NAME`] = cfgName || DEFAULT_IDENTITY.name;
    if (!env[`GIT_${who}_EMAIL`]) identityEnv[`GIT_${who}_EMAIL`] = cfgEmail || DEFAULT_IDENTITY.email;
  }
  const remoteUrls = new Map<string, string[]>();
  for (const [key, vals] of values) {
    const m = /^remote\.(.+)\.(url|pushurl)$/.exec(key);
    if (m) remoteUrls.set(m[1], [...(remoteUrls.get(m[1]) ?? []), ...vals]);
  }
  const commitEncoding = values.get('i18n.commitencoding')?.slice(-1)[0];
  return { identityEnv, remoteUrls, ...(commitEncoding ? { commitEncoding } : {}) };
}

/** True if `remote` looks like a URL or path rather than a configured remote's name. */
export function isUrlLike(remote: string): boolean {
  return /[:/\\]/.test(remote) || remote.startsWith('.');
}

/**
 * Checks `remote` before anything is fetched or pushed: configured (or a
 * URL), and no URL of it carries a secret. Returns the URL to show (redacted).
 */
export function checkRemote(remote: string, config: RepoConfig): string {
  checkUserValues({ remote });
  const urls = isUrlLike(remote) ? [remote] : config.remoteUrls.get(remote);
  if (!urls || urls.length === 0) {
    throw new PublishRefusedError('bad-argument', `remote '${remote}' is not configured (git remote add ${remote} <url>, or pass a URL)`);
  }
  for (const url of urls) {
    checkRemoteUrl(remote, url);
    const problem = urlSecretProblem(url);
    if (problem) {
      throw new PublishRefusedError('credentials-in-url', `refusing to use remote '${isUrlLike(remote) ? stripUrlUserInfo(remote) : remote}': its URL ${stripUrlUserInfo(url)} ${problem}. `
        + 'Credentials leak into logs and .git/config this way; pass them with GIT_ASKPASS or a credential helper instead (see docs/publishing.md)');
    }
  }
  return stripUrlUserInfo(urls[0]);
}

/** Where a fetched remote branch is kept: the remote-tracking ref, or a private ref for a URL. */
export function trackingRef(remote: string, branch: string): string {
  return isUrlLike(remote) ? `refs/cdk8s-gitops/fetched/${branch}` : `refs/remotes/${remote}/${branch}`;
}

/** Environment of every fetch and push: git itself refuses transports other than the allowed ones (`ext::`, `fd::`, ...). */
export const NETWORK_ENV = { GIT_ALLOW_PROTOCOL };

/** Fetches `branch` from `remote` into its tracking ref. Returns false if the remote has no such branch. */
export async function fetchBranch(repo: Repo, remote: string, branch: string): Promise<boolean> {
  const res = await repo.git.run(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', '--end-of-options', remote, `+refs/heads/${branch}:${trackingRef(remote, branch)}`],
    { allowFailure: true, env: NETWORK_ENV });
  if (res.code === 0) return true;
  if (/couldn't find remote ref/i.test(res.stderr)) {
    await repo.git.run(['update-ref', '-d', '--end-of-options', trackingRef(remote, branch)], { allowFailure: true });
    return false;
  }
  throw new PublishError('git', `cannot fetch '${branch}' from ${remote}: ${res.stderr.trim()}`);
}

/** Outcome of one push. */
export type PushOutcome = 'pushed' | 'rejected';

/** Pushes `commit` to `refs/heads/<branch>` without force. A non-fast-forward (a race) is 'rejected'. */
export async function pushBranch(repo: Repo, remote: string, branch: string, commit: string): Promise<PushOutcome> {
  const res = await repo.git.run(['push', '--porcelain', '--no-verify', '--end-of-options', remote, `${commit}:refs/heads/${branch}`], { allowFailure: true, env: NETWORK_ENV });
  if (res.code === 0) return 'pushed';
  const out = `${res.stdout.toString('utf8')}\n${res.stderr}`;
  if (/non-fast-forward|fetch first|stale info|failed to lock|cannot lock|failed to update ref|incorrect old value|already exists/i.test(out)
    && /rejected/i.test(out)) {
    return 'rejected';
  }
  throw new PublishError('git', `cannot push '${branch}' to ${remote}: ${res.stderr.trim() || res.stdout.toString('utf8').trim()}`);
}

/** True if `a` is an ancestor of (or equal to) `b`. */
export async function isAncestor(repo: Repo, a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  const res = await repo.git.run(['merge-base', '--is-ancestor', '--end-of-options', a, b], { allowFailure: true });
  if (res.code > 1) throw new PublishError('git', `git merge-base failed: ${res.stderr.trim()}`);
  return res.code === 0;
}

/** The commit and subject of a source commit-ish, or undefined if it does not resolve (read with `cat`'s process when given). */
export async function sourceCommit(repo: Repo, rev: string, cat?: CatFile): Promise<{ sha: string; subject: string } | undefined> {
  if (cat) {
    const obj = await cat.read(`${rev}^{commit}`);
    if (!obj) return undefined;
    const subject = commitSubject(obj.content);
    if (subject !== undefined) return { sha: obj.id, subject };
  }
  const res = await repo.git.run(['log', '-1', '--format=%H%x00%s', '--end-of-options', rev, '--'], { allowFailure: true });
  if (res.code !== 0) return undefined;
  const [sha, subject] = res.stdout.toString('utf8').trim().split('\0');
  return sha ? { sha, subject: subject ?? '' } : undefined;
}

/**
 * The branch to read (diff, history, rollback): the remote-tracking ref when
 * the local branch is missing, behind it or diverged from it (the remote is
 * what Argo CD syncs); otherwise the local branch (equal, or ahead with
 * commits not pushed yet). Undefined if neither exists.
 */
export async function resolveReadTip(repo: Repo, branch: string, remote: string): Promise<{ ref: string; tip: Tip } | undefined> {
  const localRef = `refs/heads/${branch}`;
  const tracking = trackingRef(remote, branch);
  const tips = await readTips(repo, [localRef, tracking]);
  const local = tips.get(localRef);
  const remoteTip = tips.get(tracking);
  if (!local && !remoteTip) return undefined;
  if (!remoteTip) return { ref: localRef, tip: local! };
  if (!local) return { ref: tracking, tip: remoteTip };
  if (local.commit === remoteTip.commit || await isAncestor(repo, remoteTip.commit, local.commit)) return { ref: localRef, tip: local };
  return { ref: tracking, tip: remoteTip };
}
