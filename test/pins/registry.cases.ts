import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { SHA_A, cli, cliWithEnv, pinsFixture } from './harness';
import { EnvironmentError, ValidationError } from '../../src/errors';
import { ImageRef } from '../../src/image-ref';
import { manifestUrl, parseWwwAuthenticate, resolveDigest } from '../../src/pins/registry';
import { hasTool, tmpDir } from '../support/tools';

const sha256 = (b: Buffer | string) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`;

/** A free TCP port on 127.0.0.1 (the kernel's pick, released for the registry to take). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** The token auth of a registry: where its token service is, and the certificate its tokens are signed with. */
interface TokenAuth {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly certFile: string;
}

/** A running registry: its base URL, its host:port, and how to stop it. */
type Registry = { base: string; host: string; stop: () => Promise<void> };
/**
 * Debian's docker-registry (the CNCF distribution registry) on 127.0.0.1,
 * storage in a temp dir (or `dataDir`), anonymous or with token auth.
 * `stop()` resolves once the process has exited.
 */
async function startRegistry(options: { dataDir?: string; tokenAuth?: TokenAuth } = {}): Promise<Registry> {
  const { dir, cleanup } = tmpDir('cdk8s-gitops-registry-');
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  const auth = options.tokenAuth;
  fs.writeFileSync(config, [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${options.dataDir ?? path.join(dir, 'data')}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(auth ? ['auth:', '  token:', `    realm: ${auth.realm}`, `    service: ${auth.service}`, `    issuer: ${auth.issuer}`, `    rootcertbundle: ${auth.certFile}`] : []),
    '',
  ].join('\n'));
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', d => { stderr += String(d); });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    cleanup();
  };
  for (let i = 0; i < 200; i++) {
    try {
      // 401: up, and asking for a token.
      if ([200, 401].includes((await fetch(`${base}/v2/`)).status)) return { base, host: `127.0.0.1:${port}`, stop };
    } catch { /* not listening yet */ }
    if (child.exitCode !== null) break;
    await new Promise(r => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`docker-registry did not start: ${stderr}`);
}

/** Uploads a blob (monolithic upload: POST then PUT with the digest) and returns its descriptor. */
async function pushBlob(base: string, name: string, content: Buffer, mediaType: string) {
  const digest = sha256(content);
  const start = await fetch(`${base}/v2/${name}/blobs/uploads/`, { method: 'POST' });
  expect(start.status).toBe(202);
  const location = new URL(start.headers.get('location')!, base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: content });
  expect(put.status).toBe(201);
  return { mediaType, digest, size: content.length };
}

/** Puts a manifest under `tag`; returns the digest the registry reports (and checks it is the content's). */
async function pushManifest(base: string, name: string, tag: string, manifest: object, mediaType: string): Promise<string> {
  const body = Buffer.from(JSON.stringify(manifest));
  const put = await fetch(`${base}/v2/${name}/manifests/${tag}`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body });
  expect(put.status).toBe(201);
  const reported = put.headers.get('docker-content-digest')!;
  expect(reported).toBe(sha256(body));
  return reported;
}

/** An image (config + one layer) as a single OCI manifest under `single`, and an OCI index of it under `multi`. */
async function pushImage(base: string, name: string): Promise<{ single: string; index: string }> {
  const config = await pushBlob(base, name, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })),
    'application/vnd.oci.image.config.v1+json');
  const layer = await pushBlob(base, name, Buffer.from('not really a tarball'), 'application/vnd.oci.image.layer.v1.tar+gzip');
  const manifestType = 'application/vnd.oci.image.manifest.v1+json';
  const single = await pushManifest(base, name, 'single', { schemaVersion: 2, mediaType: manifestType, config, layers: [layer] }, manifestType);
  const size = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: manifestType, config, layers: [layer] })).length;
  const indexType = 'application/vnd.oci.image.index.v1+json';
  const index = await pushManifest(base, name, 'multi', {
    schemaVersion: 2,
    mediaType: indexType,
    manifests: [{ mediaType: manifestType, digest: single, size, platform: { architecture: 'amd64', os: 'linux' } }],
  }, indexType);
  return { single, index };
}

const describeRegistry = hasTool('docker-registry', ['--version']) ? describe : describe.skip;

describeRegistry('resolving tags against a real registry (docker-registry on 127.0.0.1)', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let pushed: { single: string; index: string };
  beforeAll(async () => {
    registry = await startRegistry();
    pushed = await pushImage(registry.base, 'team/hello');
  }, 30_000);
  afterAll(async () => registry?.stop());

  test('GIVEN a single manifest WHEN its tag is resolved THEN the digest is the one the registry reports', async () => {
    const ref = await resolveDigest(ImageRef.parse(`${registry.host}/team/hello:single`));
    expect(ref.toString()).toBe(`${registry.host}/team/hello:single@${pushed.single}`);
  });

  test('GIVEN an OCI index WHEN its tag is resolved THEN the digest is the index\'s, not its manifest\'s', async () => {
    const ref = await resolveDigest(ImageRef.parse(`${registry.host}/team/hello:multi`));
    expect(ref.digest).toBe(pushed.index);
    expect(ref.digest).not.toBe(pushed.single);
  });

  test('GIVEN the right digest already THEN it is kept; GIVEN another THEN the tag has moved (exit 2)', async () => {
    expect((await resolveDigest(ImageRef.parse(`${registry.host}/team/hello:single@${pushed.single}`))).digest).toBe(pushed.single);
    const other = `sha256:${'0'.repeat(64)}`;
    await expect(resolveDigest(ImageRef.parse(`${registry.host}/team/hello:single@${other}`))).rejects.toThrow(new ValidationError([{
      path: `${registry.host}/team/hello:single@${other}`,
      message: `the registry reports ${pushed.single} for tag "single": the tag has moved since this digest (drop the digest to take the registry's)`,
    }]).message);
  });

  test('GIVEN a tag the registry does not have THEN a ValidationError names the URL and the tag', async () => {
    await expect(resolveDigest(ImageRef.parse(`${registry.host}/team/hello:nope`))).rejects.toThrow(
      `[${registry.base}/v2/team/hello/manifests/nope] the registry has no tag "nope" for ${registry.host}/team/hello (push it first, or check the name)`);
  });

  test('set-image --resolve pins repo:tag@digest; an unknown tag is exit 2 with nothing written', async () => {
    const fx = pinsFixture(`hello:\n  dev: ${registry.host}/team/hello:${SHA_A}\n`);
    try {
      const run = await cli(fx.dir, 'set-image', `hello=${registry.host}/team/hello:multi`, '--resolve');
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      expect(fx.read()).toBe(`hello:\n  dev: ${registry.host}/team/hello:multi@${pushed.index}\n`);
      const bad = await cli(fx.dir, 'set-image', `hello=${registry.host}/team/hello:nope`, '--resolve');
      expect(bad.code).toBe(2);
      expect(bad.err).toBe(`error: [${registry.base}/v2/team/hello/manifests/nope] the registry has no tag "nope" for ${registry.host}/team/hello (push it first, or check the name)\n`);
      expect(fx.read()).toBe(`hello:\n  dev: ${registry.host}/team/hello:multi@${pushed.index}\n`);
    } finally {
      fx.cleanup();
    }
  });
});

/** base64url of a buffer or a JSON value. */
const b64url = (v: Buffer | object) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');

/**
 * A token service for a registry's token auth (the Docker registry token
 * spec): it answers `GET /token?service&scope` given HTTP Basic `user:password`
 * with a JWT signed by `key` (RS256, the certificate in `x5c`) granting the
 * asked-for pull scope, and 401 otherwise. Records each request's Basic user and scope.
 */
async function startTokenService(key: crypto.KeyObject, certDer: Buffer, issuer: string, user: string, password: string) {
  const seen: Array<{ user?: string; scope: string | null; service: string | null }> = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [u, p] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
    seen.push({ user: u, scope: url.searchParams.get('scope'), service: url.searchParams.get('service') });
    if (url.pathname !== '/token' || u !== user || p !== password) {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    const [type, name, actions] = (url.searchParams.get('scope') ?? '').split(':');
    const now = Math.floor(Date.now() / 1000);
    const header = b64url({ typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] });
    const claims = b64url({
      iss: issuer,
      sub: u,
      aud: url.searchParams.get('service'),
      exp: now + 300,
      nbf: now - 10,
      iat: now - 10,
      jti: crypto.randomUUID(),
      access: [{ type, name, actions: actions.split(',') }],
    });
    const signature = crypto.sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), key);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: `${header}.${claims}.${b64url(signature)}` }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { realm: `http://127.0.0.1:${port}/token`, seen, stop: () => new Promise(r => server.close(r)) };
}

const describeTokenAuth = hasTool('docker-registry', ['--version']) && hasTool('openssl', ['version']) ? describe : describe.skip;

describeTokenAuth('resolving against a real registry with token auth (docker-registry + a token service on 127.0.0.1)', () => {
  const ISSUER = 'cdk8s-gitops-test';
  const SERVICE = 'test-registry';
  const PASSWORD = 's3cret-registry-password';
  let work: { dir: string; cleanup: () => void };
  let tokens: Awaited<ReturnType<typeof startTokenService>>;
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let pushed: { single: string; index: string };
  beforeAll(async () => {
    // GIVEN an image pushed to an anonymous registry, whose storage a token-auth registry then serves
    work = tmpDir('cdk8s-gitops-token-registry-');
    const dataDir = path.join(work.dir, 'data');
    const open = await startRegistry({ dataDir });
    pushed = await pushImage(open.base, 'team/hello');
    await open.stop();
    const keyFile = path.join(work.dir, 'key.pem');
    const certFile = path.join(work.dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=token-issuer'], { stdio: 'ignore' });
    const certDer = Buffer.from(new crypto.X509Certificate(fs.readFileSync(certFile)).raw);
    tokens = await startTokenService(crypto.createPrivateKey(fs.readFileSync(keyFile)), certDer, ISSUER, 'ci', PASSWORD);
    registry = await startRegistry({ dataDir, tokenAuth: { realm: tokens.realm, service: SERVICE, issuer: ISSUER, certFile } });
  }, 60_000);
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
    work?.cleanup();
  });

  test('GIVEN credentials WHEN a tag is resolved THEN the token service gets them (Basic, pull scope) and the registry accepts its token', async () => {
    // WHEN
    const ref = await resolveDigest(ImageRef.parse(`${registry.host}/team/hello:multi`), { credentials: { username: 'ci', password: PASSWORD } });
    // THEN
    expect(ref.digest).toBe(pushed.index);
    expect(tokens.seen.at(-1)).toEqual({ user: 'ci', scope: 'repository:team/hello:pull', service: SERVICE });
  });

  test('GIVEN no credentials WHEN the token service refuses THEN exit 3 naming the token service, not the registry\'s 401', async () => {
    const error = await resolveDigest(ImageRef.parse(`${registry.host}/team/hello:multi`)).catch(e => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error.message).toBe(`the token service at ${tokens.realm} refused a pull token for ${registry.host}/team/hello (HTTP 401)`);
  });

  test('set-image --resolve with CDK8S_GITOPS_REGISTRY_USERNAME/PASSWORD pins the digest; the password is in no output', async () => {
    const fx = pinsFixture(`hello:\n  dev: ${registry.host}/team/hello:${SHA_A}\n`);
    try {
      const env = { CDK8S_GITOPS_REGISTRY_USERNAME: 'ci', CDK8S_GITOPS_REGISTRY_PASSWORD: PASSWORD };
      const run = await cliWithEnv(fx.dir, env, 'set-image', `hello=${registry.host}/team/hello:single`, '--resolve');
      expect(run.code).toBe(0);
      expect(fx.read()).toBe(`hello:\n  dev: ${registry.host}/team/hello:single@${pushed.single}\n`);
      const refused = await cliWithEnv(fx.dir, { ...env, CDK8S_GITOPS_REGISTRY_PASSWORD: 'wrong-password' }, 'set-image', `hello=${registry.host}/team/hello:multi`, '--resolve');
      expect(refused.code).toBe(3);
      expect(refused.err).toBe(`error: the token service at ${tokens.realm} refused a pull token for ${registry.host}/team/hello (HTTP 401)\n`);
      expect(`${run.out}${run.err}${refused.out}`).not.toMatch(/s3cret|wrong-password/);
      expect(fx.read()).toBe(`hello:\n  dev: ${registry.host}/team/hello:single@${pushed.single}\n`);
    } finally {
      fx.cleanup();
    }
  });
});

describe('resolving without a registry', () => {
  test('GIVEN nothing listening THEN exit 3 names the URL, never the credentials', async () => {
    const port = await freePort();
    const fx = pinsFixture(`hello:\n  dev: 127.0.0.1:${port}/team/hello:${SHA_A}\n`);
    try {
      const run = await cli(fx.dir, 'set-image', `hello=127.0.0.1:${port}/team/hello:v1`, '--resolve');
      expect(run.code).toBe(3);
      expect(run.err).toBe(`error: cannot reach the registry at http://127.0.0.1:${port}/v2/team/hello/manifests/v1 (ECONNREFUSED)\n`);
    } finally {
      fx.cleanup();
    }
    await expect(resolveDigest(ImageRef.parse(`127.0.0.1:${port}/a:v1`), { credentials: { username: 'ci', password: 's3cret-token' } }))
      .rejects.toThrow(new EnvironmentError(`cannot reach the registry at http://127.0.0.1:${port}/v2/a/manifests/v1 (ECONNREFUSED)`).message);
  });

  test('a reference pinned by digest only has no tag to resolve', async () => {
    const ref = ImageRef.parse(`r.io/a@sha256:${'a'.repeat(64)}`);
    await expect(resolveDigest(ref)).rejects.toThrow(`[r.io/a@sha256:${'a'.repeat(64)}] has no tag to resolve (it is pinned by digest already)`);
  });

  test('a bad digest on the command line is exit 2 before any request', async () => {
    const fx = pinsFixture(`hello:\n  dev: r.io/hello:${SHA_A}\n`);
    try {
      const run = await cli(fx.dir, 'set-image', 'hello=r.io/hello:v1@sha256:abc', '--resolve');
      expect(run.code).toBe(2);
      expect(run.err).toBe('error: [hello=r.io/hello:v1@sha256:abc] invalid image reference "r.io/hello:v1@sha256:abc": '
        + 'the digest "sha256:abc" must be "sha256:" followed by 64 lowercase hex characters\n');
    } finally {
      fx.cleanup();
    }
  });
});

describe('registry addresses and challenges', () => {
  test.each([
    ['ghcr.io/example/hello:v1', 'https://ghcr.io/v2/example/hello/manifests/v1'],
    ['nginx:1.27', 'https://registry-1.docker.io/v2/library/nginx/manifests/1.27'],
    ['docker.io/bitnami/redis:7', 'https://registry-1.docker.io/v2/bitnami/redis/manifests/7'],
    ['localhost:5000/a/b:v1', 'http://localhost:5000/v2/a/b/manifests/v1'],
    ['127.0.0.1:5000/a:v1', 'http://127.0.0.1:5000/v2/a/manifests/v1'],
    ['registry.example.com:8443/team/app:v1', 'https://registry.example.com:8443/v2/team/app/manifests/v1'],
  ])('%s -> %s', (ref, url) => {
    const parsed = ImageRef.parse(ref);
    expect(manifestUrl(parsed, parsed.tag!).toString()).toBe(url);
  });

  test('WWW-Authenticate: a bearer challenge with quoted parameters (Docker Hub\'s)', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'))
      .toEqual([{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } }]);
  });

  test('WWW-Authenticate: several challenges, spaces, escapes and unquoted values', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm", Bearer realm=https://ghcr.io/token , error="invalid_token", error_description="a \\"quoted\\" word"'))
      .toEqual([
        { scheme: 'basic', params: { realm: 'Registry Realm' } },
        { scheme: 'bearer', params: { realm: 'https://ghcr.io/token', error: 'invalid_token', error_description: 'a "quoted" word' } },
      ]);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});
