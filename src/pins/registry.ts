import { EnvironmentError, ValidationError } from '../errors';
import { ImageRef } from '../image-ref';

/** Media types asked for, so the registry reports the digest a pull of a multi-platform image resolves first. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** Credentials for a registry (e.g. a CI token). Never put in a URL or a message. */
export interface RegistryCredentials {
  /** The user name. */
  readonly username: string;
  /** The password or token. */
  readonly password: string;
}

/** Options of `resolveDigest`. */
export interface ResolveOptions {
  /**
   * Credentials sent to the registry's token service (bearer flow) or to the
   * registry (basic challenge), over HTTPS only (or plain HTTP to this machine).
   *
   * @default - anonymous
   */
  readonly credentials?: RegistryCredentials;
  /**
   * Give up on a request after this many milliseconds.
   *
   * @default 30000
   */
  readonly timeoutMs?: number;
}

/** One challenge of a `WWW-Authenticate` header: its scheme and parameters (names in lowercase). */
export interface AuthChallenge {
  /** `bearer` or `basic` (lowercase). */
  readonly scheme: string;
  /** The auth-params, e.g. `realm`, `service`, `scope`. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a `WWW-Authenticate` header (RFC 7235): one or more challenges,
 * each a scheme followed by comma-separated `name=value` or
 * `name="quoted value"` parameters.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const out: Array<{ scheme: string; params: Record<string, string> }> = [];
  const token = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
  let i = 0;
  const skip = (chars: string) => {
    while (i < header.length && chars.includes(header[i])) i++;
  };
  while (i < header.length) {
    skip(' \t,');
    token.lastIndex = i;
    const m = token.exec(header);
    if (!m) break;
    i = token.lastIndex;
    skip(' \t');
    if (header[i] !== '=') {
      out.push({ scheme: m[0].toLowerCase(), params: {} });
      continue;
    }
    i++;
    skip(' \t');
    let value = '';
    if (header[i] === '"') {
      for (i++; i < header.length && header[i] !== '"'; i++) value += header[i] === '\\' ? header[++i] ?? '' : header[i];
      i++;
    } else {
      while (i < header.length && !' \t,'.includes(header[i])) value += header[i++];
    }
    if (out.length === 0) out.push({ scheme: '', params: {} });
    out[out.length - 1].params[m[0].toLowerCase()] = value;
  }
  return out;
}

/** `https://host/v2/<name>/manifests/<reference>` for `ref`, with Docker Hub's defaults. */
export function manifestUrl(ref: ImageRef, reference: string): URL {
  const parts = ref.repository.split('/');
  const first = parts[0];
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let host = hasHost ? parts.shift()! : 'registry-1.docker.io';
  if (host === 'docker.io' || host === 'index.docker.io') host = 'registry-1.docker.io';
  if (host === 'registry-1.docker.io' && parts.length === 1) parts.unshift('library');
  const local = /^(?:localhost|127(?:\.[0-9]+){3}|\[::1\])(?::[0-9]+)?$/.test(host);
  return new URL(`${local ? 'http' : 'https'}://${host}/v2/${parts.join('/')}/manifests/${reference}`);
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Asks the registry for the digest of `ref`'s tag (OCI distribution API:
 * `HEAD /v2/<name>/manifests/<tag>`, accepting an OCI index, a Docker manifest
 * list or a single manifest; on `401` the anonymous — or, with
 * `credentials`, authenticated — bearer-token flow of the `WWW-Authenticate`
 * challenge). Returns `repo:tag@sha256:…`. A reference with a digest already
 * is checked against the registry's.
 *
 * Registries on this machine (`localhost`, `127.x.x.x`, `[::1]`) are spoken
 * to in plain HTTP, others in HTTPS.
 *
 * Throws `ValidationError` (bad input, exit 2) when the reference has no tag,
 * the registry does not have the tag, or the digests differ;
 * `EnvironmentError` (exit 3) when the registry cannot be reached, refuses
 * access, or answers something else. Messages name the URL, never a
 * credential.
 */
export async function resolveDigest(ref: ImageRef, options: ResolveOptions = {}): Promise<ImageRef> {
  if (ref.tag === undefined) {
    throw new ValidationError([{ path: ref.toString(), message: 'has no tag to resolve (it is pinned by digest already)' }]);
  }
  const url = manifestUrl(ref, ref.tag);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const request = async (target: URL, init: { method: string; headers: Record<string, string> }): Promise<Response> => {
    try {
      return await fetch(target, { ...init, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new EnvironmentError(`cannot reach the registry at ${target.origin}${target.pathname} (${why})`, { cause: e });
    }
  };
  const headers: Record<string, string> = { Accept: MANIFEST_ACCEPT };
  let response = await request(url, { method: 'HEAD', headers });
  if (response.status === 401) {
    const challenges = parseWwwAuthenticate(response.headers.get('www-authenticate') ?? '');
    const bearer = challenges.find(c => c.scheme === 'bearer');
    const basic = challenges.find(c => c.scheme === 'basic');
    if (bearer) {
      headers.Authorization = `Bearer ${await fetchToken(bearer, url, ref, options, request)}`;
    } else if (basic && options.credentials) {
      checkCredentialTarget(url, url);
      headers.Authorization = basicAuth(options.credentials);
    }
    if (headers.Authorization) response = await request(url, { method: 'HEAD', headers });
  }
  if (response.status === 404) {
    throw new ValidationError([{
      path: `${url.origin}${url.pathname}`,
      message: `the registry has no tag ${JSON.stringify(ref.tag)} for ${ref.repository} (push it first, or check the name)`,
    }]);
  }
  if (response.status === 401 || response.status === 403) {
    throw new EnvironmentError(`the registry at ${url.origin}${url.pathname} refused access (HTTP ${response.status})`
      + `${options.credentials ? '' : '; set CDK8S_GITOPS_REGISTRY_USERNAME and CDK8S_GITOPS_REGISTRY_PASSWORD for a private image'}`);
  }
  if (!response.ok) {
    throw new EnvironmentError(`the registry at ${url.origin}${url.pathname} answered HTTP ${response.status}`);
  }
  const digest = response.headers.get('docker-content-digest') ?? '';
  if (!DIGEST.test(digest)) {
    throw new EnvironmentError(`the registry at ${url.origin}${url.pathname} reported no sha256 digest (Docker-Content-Digest: ${JSON.stringify(digest)})`);
  }
  if (ref.digest !== undefined && ref.digest !== digest) {
    throw new ValidationError([{
      path: ref.toString(),
      message: `the registry reports ${digest} for tag ${JSON.stringify(ref.tag)}: the tag has moved since this digest (drop the digest to take the registry's)`,
    }]);
  }
  return ref.withDigest(digest);
}

async function fetchToken(
  challenge: AuthChallenge,
  url: URL,
  ref: ImageRef,
  options: ResolveOptions,
  request: (target: URL, init: { method: string; headers: Record<string, string> }) => Promise<Response>,
): Promise<string> {
  let realm: URL;
  try {
    realm = new URL(challenge.params.realm ?? '');
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new Error(realm.protocol);
  } catch {
    throw new EnvironmentError(`the registry at ${url.origin} asked for a token from an invalid realm ${JSON.stringify(challenge.params.realm ?? '')}`);
  }
  if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
  const name = url.pathname.replace(/^\/v2\//, '').replace(/\/manifests\/[^/]+$/, '');
  realm.searchParams.set('scope', challenge.params.scope ?? `repository:${name}:pull`);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.credentials) {
    checkCredentialTarget(realm, url);
    headers.Authorization = basicAuth(options.credentials);
  }
  const response = await request(realm, { method: 'GET', headers });
  const where = `${realm.origin}${realm.pathname}`;
  if (!response.ok) {
    throw new EnvironmentError(`the token service at ${where} refused a pull token for ${ref.repository} (HTTP ${response.status})`);
  }
  let body: { token?: unknown; access_token?: unknown };
  try {
    body = await response.json() as typeof body;
  } catch (e) {
    throw new EnvironmentError(`the token service at ${where} answered something that is not JSON`, { cause: e });
  }
  const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
  if (!token) throw new EnvironmentError(`the token service at ${where} answered without a token`);
  return token;
}

/** Credentials go over HTTPS, or plain HTTP to this machine only. */
function checkCredentialTarget(target: URL, registry: URL): void {
  const local = /^(?:localhost|127(?:\.[0-9]+){3}|\[::1\])$/.test(target.hostname);
  if (target.protocol !== 'https:' && !local) {
    throw new EnvironmentError(`not sending registry credentials over plain HTTP to ${target.origin} (asked by ${registry.origin})`);
  }
}

function basicAuth(c: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}
