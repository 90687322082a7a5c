import { CatFile, parseTree } from './_cat-file';
import { TreeEntry } from './_objects';
import { PublishError } from './publish-error';

/** The part of a base tree that differs from a new tree, read top-down. */
export interface BaseListing {
  /** Path → blob id of the base's files in the folders that differ from the new tree (every other folder is identical). */
  readonly files: Map<string, string>;
  /** Tree ids that exist already: the listed base trees' subtrees, and the new tree's trees under identical folders. */
  readonly knownTrees: Set<string>;
  /** Folders of the new tree whose base tree is identical (not listed). */
  readonly sameDirs: Set<string>;
  /** Number of files under the identical folders. */
  readonly sameFiles: number;
}

/**
 * Lists `baseTree` only where it differs from the new tree (`root`, with its
 * tree objects `trees` from `treeId`): a subtree whose id equals the new
 * tree's subtree at the same path is identical and is not read. For a
 * one-app change that is the root, the environment's folder and the app's
 * folder — one round trip per level in one `git cat-file --batch`.
 */
export async function listChangedBase(
  cat: CatFile, baseTree: string, root: string, trees: ReadonlyMap<string, readonly TreeEntry[]>, idBytes: number,
): Promise<BaseListing> {
  const files = new Map<string, string>();
  const knownTrees = new Set<string>();
  const sameDirs = new Set<string>();
  let sameFiles = 0;
  const markSame = (dir: string, id: string) => {
    sameDirs.add(dir);
    for (const e of trees.get(id) ?? []) {
      if (e.type === 'blob') {
        sameFiles++;
      } else {
        knownTrees.add(e.id);
        markSame(`${dir}/${e.name}`, e.id);
      }
    }
  };
  let level: { dir: string; base: string; ours?: string }[] = [{ dir: '', base: baseTree, ours: root }];
  while (level.length) {
    const objects = await Promise.all(level.map(l => cat.read(l.base)));
    const next: typeof level = [];
    level.forEach((l, i) => {
      const obj = objects[i];
      if (!obj || obj.type !== 'tree') throw new PublishError('git', `cannot read tree ${l.base} ('${l.dir || '/'}') of the branch`);
      const oursByName = new Map<string, string>();
      for (const e of (l.ours ? trees.get(l.ours) : undefined) ?? []) if (e.type === 'tree') oursByName.set(e.name, e.id);
      for (const e of parseTree(obj.content, idBytes)) {
        const p = l.dir ? `${l.dir}/${e.name}` : e.name;
        if (e.kind === 'blob') {
          files.set(p, e.id);
        } else if (e.kind === 'tree') {
          knownTrees.add(e.id);
          const mine = oursByName.get(e.name);
          if (mine === e.id) markSame(p, e.id);
          else next.push({ dir: p, base: e.id, ours: mine });
        }
      }
    });
    level = next;
  }
  return { files, knownTrees, sameDirs, sameFiles };
}
