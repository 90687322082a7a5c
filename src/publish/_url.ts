/**
 * Remote URL helpers: strip user info before anything is printed or recorded,
 * and refuse URLs that carry a secret.
 */

const SCHEME_URL = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/@\s]*@)?(.*)$/s;
const SCP_LIKE = /^([^/@:\s]+@)([^/:\s]+:)(.*)$/s;
/** Prefixes of well-known tokens that are sometimes passed as the URL's user name. */
const TOKEN_USER = /^(gh[pousr]_|github_pat_|glpat-|glcbt-|x-access-token|x-token-auth|oauth2|[A-Za-z0-9_-]{32,}$)/;

/** `url` without user info (`https://user:tok@host/x` → `https://host/x`; `git@host:x` → `host:x`). */
export function redactUrl(url: string): string {
  const m = SCHEME_URL.exec(url);
  if (m) return `${m[1]}${m[3]}`;
  const s = SCP_LIKE.exec(url);
  if (s) return `${s[2]}${s[3]}`;
  return url;
}

/** Redacts every URL-looking user info in free text (git's stderr, for instance). */
export function redactText(text: string): string {
  return text.replace(/([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/@\s'"]*@/g, '$1');
}

/**
 * Why `url` must not be used (it carries a password or a token), or
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
