import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

const DIR = path.join(__dirname, '..', '..', 'examples', 'hello');

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts server.js on 127.0.0.1 with an ephemeral port; resolves when it says where it listens. */
function start(env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [path.join(DIR, 'server.js')], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => {
    // 'close', not 'exit': output written just before exiting can arrive after 'exit'.
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start: ${out}`)); }, 10_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => { clearTimeout(timer); if (!/listening/.test(out)) reject(new Error(`server exited: ${out}`)); });
  });
}

function request(port: number, method = 'GET', urlPath = '/'): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, timeout: 5_000, agent: false }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', c => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('examples/hello server', () => {
  let server: Started | undefined;
  afterEach(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    server = undefined;
  });

  test('answers "Hello World!" on 127.0.0.1, and exits 0 on SIGTERM', async () => {
    // GIVEN the server on an ephemeral port
    server = await start();
    // WHEN it is asked for / and for another path
    const root = await request(server.port);
    const other = await request(server.port, 'GET', '/anything');
    // THEN it says hello as plain text
    expect(root.status).toBe(200);
    expect(root.body).toBe('Hello World!');
    expect(root.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(other.body).toBe('Hello World!');
    // WHEN Kubernetes stops the pod
    server.child.kill('SIGTERM');
    // THEN it closes and exits 0
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('SIGTERM received: closing\nclosed\n');
  });

  test('HEAD has no body; other methods are 405', async () => {
    server = await start();
    const head = await request(server.port, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const post = await request(server.port, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  test('a bad PORT is refused with exit 2', async () => {
    const child = spawn(process.execPath, [path.join(DIR, 'server.js')], { env: { PORT: 'eighty' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', c => { err += c; });
    const code = await new Promise(resolve => child.on('close', resolve));
    expect(code).toBe(2);
    expect(err).toBe('PORT must be a whole number from 0 to 65535 (got "eighty")\n');
  });
});

describe('examples/hello task.js (the worker, nightly job and migration of src/main.ts)', () => {
  const heartbeat = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hello-task-')), 'alive');
  const env = { PATH: process.env.PATH, HEARTBEAT_FILE: heartbeat };
  const run = (args: string[], timeout = 10_000) => spawnSync(process.execPath, [path.join(DIR, 'task.js'), ...args], { encoding: 'utf8', timeout, env });
  afterAll(() => fs.rmSync(path.dirname(heartbeat), { recursive: true, force: true }));

  test('nightly and migrate print one line and exit 0; an unknown task exits 2', () => {
    expect(run(['nightly'])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^nightly: report for \d{4}-\d{2}-\d{2}: 0 greetings failed\n$/) });
    expect(run(['migrate'])).toMatchObject({ status: 0, stdout: 'migrate: schema is up to date\n' });
    expect(run(['dance'])).toMatchObject({ status: 2, stderr: 'usage: node task.js worker|check|nightly|migrate (got "dance")\n' });
  });

  test('the worker writes a heartbeat that check accepts, and exits 0 on SIGTERM', async () => {
    expect(run(['check']).status).toBe(1);
    const child = spawn(process.execPath, [path.join(DIR, 'task.js'), 'worker'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    child.stdout.on('data', c => { out += c; });
    // 'close', not 'exit': the child's last output can arrive after 'exit' (its stdout is still open then).
    const exited = new Promise(resolve => child.on('close', resolve));
    await new Promise<void>(resolve => { const t = setInterval(() => { if (out.includes('started')) { clearInterval(t); resolve(); } }, 20); });
    expect(run(['check']).status).toBe(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('worker: SIGTERM received: stopping');
  });
});

describe('examples/hello image', () => {
  const dockerfile = fs.readFileSync(path.join(DIR, 'Dockerfile'), 'utf8');
  const instructions = dockerfile.split('\n').filter(l => /^[A-Z]+\s/.test(l));
  const stages = instructions.filter(l => l.startsWith('FROM '));
  const final = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]));

  test('is multi-stage, and every base image is pinned by digest (with its tag, for people and Renovate)', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const from of stages) expect(from).toMatch(/^FROM \S+:[\w.-]+@sha256:[0-9a-f]{64}( AS \w+)?$/);
    expect(dockerfile).not.toMatch(/:latest\b/);
  });

  test('runs as 10001:10001, the UID/GID the WebService construct sets', () => {
    expect(final).toContain('USER 10001:10001');
  });

  test('runs node without a shell (exec-form CMD) on port 8080', () => {
    expect(final.find(l => l.startsWith('CMD '))).toBe('CMD ["server.js"]');
    expect(final).toContain('EXPOSE 8080');
  });

  test('.dockerignore sends only the server and the task script to the build', () => {
    const ignore = fs.readFileSync(path.join(DIR, '.dockerignore'), 'utf8').split('\n').filter(l => l && !l.startsWith('#'));
    expect(ignore).toEqual(['*', '!package.json', '!server.js', '!task.js']);
  });
});
