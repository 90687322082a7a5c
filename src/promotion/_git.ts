import { spawn } from 'child_process';
import { EnvironmentError, ValidationError } from '../errors';

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

/**
 * The rendered branch's tip to read: the local branch, or the remote-tracking
 * one when it is ahead, diverged or the only one (what `diff` and `history`
 * read). `undefined` when neither exists. Plain git reads, so `status` does
 * not load the publisher.
 */
export async function resolveReadTip(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  branch: string,
  remote: string,
): Promise<{ ref: string; commit: string } | undefined> {
  const checked = await git(cwd, env, ['check-ref-format', '--branch', branch]).catch(() => undefined);
  if (!checked || branch.startsWith('-') || checked.toString('utf8').trim() !== branch) {
    throw new ValidationError([{ path: branch, message: 'is not a valid branch name (git check-ref-format --branch refuses it); pick another --branch' }]);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(remote)) {
    throw new ValidationError([{ path: remote, message: 'is not a remote name (letters, digits, ".", "_", "-"); pick another --remote' }]);
  }
  const local = `refs/heads/${branch}`;
  const tracking = `refs/remotes/${remote}/${branch}`;
  const out = (await git(cwd, env, ['for-each-ref', '--format=%(refname)%00%(objectname)', local, tracking])).toString('utf8');
  const tips = new Map(out.split('\n').filter(Boolean).map(l => l.split('\0') as [string, string]));
  const l = tips.get(local);
  const r = tips.get(tracking);
  if (!l && !r) return undefined;
  if (!r) return { ref: local, commit: l! };
  if (!l) return { ref: tracking, commit: r };
  if (l === r) return { ref: local, commit: l };
  const ahead = await git(cwd, env, ['merge-base', '--is-ancestor', r, l]).then(() => true, () => false);
  return ahead ? { ref: local, commit: l } : { ref: tracking, commit: r };
}
