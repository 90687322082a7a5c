import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Removes the least recently written files of `dir` whose names match
 * `pattern` so that at most `keep` stay, `current` (a name just written)
 * always among them. Cache files only cost time when lost: failures (another
 * process pruning at the same time) are ignored.
 */
export function pruneCacheFiles(dir: string, pattern: RegExp, keep: number, current?: string): void {
  try {
    const others = fs.readdirSync(dir).filter(f => f !== current && pattern.test(f));
    const room = current === undefined ? keep : keep - 1;
    if (others.length <= room) return;
    const byAge = others.map(f => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const { f } of byAge.slice(room)) fs.rmSync(path.join(dir, f), { force: true });
  } catch {
    // another process pruned at the same time: nothing lost
  }
}

/**
 * Writes a cache file whole: a temporary file beside it, then a rename, so a
 * concurrent reader sees the old or the new content, never a torn one. The
 * folder is made if missing. A cache that cannot be written only costs time:
 * failures leave no temporary file and return false.
 */
export function writeCacheFile(file: string, data: string | Uint8Array, encoding: BufferEncoding = 'utf8'): boolean {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, data, typeof data === 'string' ? encoding : undefined);
    fs.renameSync(tmp, file);
    return true;
  } catch {
    fs.rmSync(tmp, { force: true });
    return false;
  }
}

/** A file's identity for a cache key: path, size, modification time and inode (undefined when it cannot be read). */
export function statKey(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    const s = fs.statSync(file);
    return `${file}:${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return undefined;
  }
}
