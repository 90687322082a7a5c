import { spawn } from 'child_process';
import { EnvironmentError } from '../errors';

/** Runs git with an argument array (never a shell); resolves with stdout, rejects with `EnvironmentError`. */
export function git(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  args: readonly string[],
  options: { input?: string | Buffer; extraEnv?: Record<string, string> } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: { ...env, ...options.extraEnv } as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', e => reject(new EnvironmentError(`cannot run git: ${e.message}`, { cause: e })));
    child.on('close', code => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new EnvironmentError(`git ${args[0]} failed (exit ${code}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Reads many blobs with one `git cat-file --batch`: the ids go in on stdin,
 * the contents come back in order.
 */
export async function readBlobs(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  ids: readonly string[],
): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (ids.length === 0) return out;
  const buf = await git(cwd, env, ['cat-file', '--batch'], { input: ids.join('\n') + '\n' });
  let at = 0;
  for (const id of ids) {
    const nl = buf.indexOf(0x0a, at);
    const header = buf.subarray(at, nl).toString('utf8');
    const [, type, size] = header.split(' ');
    if (type === undefined || size === undefined) throw new EnvironmentError(`git cat-file: unexpected answer for ${id}: ${header}`);
    const len = Number(size);
    out.set(id, buf.subarray(nl + 1, nl + 1 + len));
    at = nl + 1 + len + 1;
  }
  return out;
}
