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
