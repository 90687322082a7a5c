/**
 * Git URLs as the library handles them everywhere (constructs, publish,
 * init): the check of a repository URL Argo CD watches, and the redaction of
 * credentials before a URL is printed, recorded or put in an error.
 */

const SCHEME_URL = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/@\s]*@)?(.*)$/s;
const SCP_USER = /^([^/@:\s]+@)([^/:\s]+:)(.*)$/s;
/** scp-like `git@host:org/repo` (no scheme). */
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s/][^\s]*$/;
/** Prefixes of well-known tokens that are sometimes passed as the URL's user name. */
const TOKEN_USER = /^(gh[pousr]_|github_pat_|glpat-|glcbt-|x-access-token|x-token-auth|oauth2|[A-Za-z0-9_-]{32,}$)/;

/**
 * `url` with its user info replaced by `***` (`https://bot:tok@host/x` →
 * `https://***@host/x`), for messages: the reader sees that credentials were
 * there, never what they were.
 */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
}

/**
 * `url` without user info (`https://user:tok@host/x` → `https://host/x`;
 * `git@host:x` → `host:x`), for what is recorded (commit trailers, JSON output).
 */
export function stripUrlUserInfo(url: string): string {
  const m = SCHEME_URL.exec(url);
  if (m) return `${m[1]}${m[3]}`;
  const s = SCP_USER.exec(url);
  if (s) return `${s[2]}${s[3]}`;
  return url;
}

/** Removes every URL-looking user info from free text (git's stderr, for instance). */
export function redactUrlsInText(text: string): string {
  return text.replace(/([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/@\s'"]*@/g, '$1');
}

/**
 * Why `url` must not be handed to git (it carries a password or a token), or
 * `undefined` if it is fine. SSH URLs with a plain user (`git@host:x`,
 * `ssh://git@host/x`) are fine.
 */
export function urlSecretProblem(url: string): string | undefined {
  const m = SCHEME_URL.exec(url);
  if (!m || !m[2]) return undefined;
  const userInfo = m[2].slice(0, -1);
  const colon = userInfo.indexOf(':');
  if (colon >= 0 && colon < userInfo.length - 1) {
    return 'carries a password or token in its user info';
  }
  const user = decodeURIComponent(colon >= 0 ? userInfo.slice(0, colon) : userInfo);
  if (/^https?:/i.test(m[1]) && TOKEN_USER.test(user)) {
    return 'carries a token as its user name';
  }
  return undefined;
}

/** A problem with a repository URL: the message, and the value to print (credentials masked). */
export interface RepoUrlProblem {
  readonly message: string;
  readonly value: unknown;
}

/**
 * Why `url` is not a git repository URL Argo CD can watch without
 * credentials, or `undefined`: https (or http) without `user@`/`user:token@`,
 * `ssh://` without a password, or scp-like `git@host:org/repo`. Credentials
 * belong in an Argo CD repository Secret.
 */
export function repoUrlProblem(url: unknown): RepoUrlProblem | undefined {
  if (typeof url !== 'string' || url.trim() === '') return { message: 'is required: the git URL of the repository holding the rendered branch', value: url };
  if (/\s/.test(url)) return { message: 'must not contain whitespace', value: maskUrl(url) };
  const shape = 'must be an https:// URL or an ssh URL (ssh://git@host/org/repo.git or git@host:org/repo.git)';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return SCP_LIKE.test(url) ? undefined : { message: shape, value: url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { message: 'is not a valid URL', value: maskUrl(url) };
  }
  const credentials = 'must not carry credentials ("user:token@" or "user@"): put them in a repository Secret labelled argocd.argoproj.io/secret-type: repository (see docs/argocd.md)';
  if (scheme === 'https' || scheme === 'http') {
    if (parsed.username || parsed.password || url.slice(scheme.length + 3).split('/')[0].includes('@')) return { message: credentials, value: maskUrl(url) };
  } else if (scheme === 'ssh') {
    if (parsed.password) return { message: credentials, value: maskUrl(url) };
  } else {
    return { message: shape, value: maskUrl(url) };
  }
  if (!parsed.hostname) return { message: 'has no host', value: maskUrl(url) };
  return undefined;
}
