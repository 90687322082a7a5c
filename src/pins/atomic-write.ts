import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentError } from '../errors';

/**
 * Replaces `file` with `content` atomically: writes a temporary file in the
 * same directory, flushes it, gives it the old file's mode (a new file:
 * 0666 less the umask), and renames it
 * over `file`. Readers see either the old or the new content, never a torn
 * file; on failure the old file is untouched and the temporary file removed.
 * A symbolic link is followed, so the link stays a link.
 *
 * Throws `EnvironmentError` when the file system refuses.
 */
export function writeFileAtomic(file: string, content: string): void {
  let target = file;
  let mode: number | undefined;
  try {
    target = fs.realpathSync(file);
    mode = fs.statSync(target).mode % 0o10000;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new EnvironmentError(`cannot write ${file}: ${(e as Error).message}`, { cause: e });
    }
  }
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode ?? 0o666);
    fs.writeFileSync(fd, content, 'utf8');
    // A new file gets 0666 less the umask, like any other; an existing one keeps its mode.
    if (mode !== undefined) fs.fchmodSync(fd, mode);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) {
      try { fs.closeSync(fd); } catch { /* already failing */ }
    }
    fs.rmSync(tmp, { force: true });
    throw new EnvironmentError(`cannot write ${file}: ${(e as Error).message}`, { cause: e });
  }
}
