import { CatFile, GitObject, parseTree } from './_cat-file';
import { TreeObjects } from '../_git-tree';
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

/** The new tree: its root id and every tree object's entries (from `treeId`). */
export interface NewTree {
  readonly root: string;
  readonly trees: TreeObjects;
}

/**
 * Lists `baseTree` only where it differs from the new tree (`ours`, called
 * once the first reads are sent, so git answers while it builds the tree
 * objects): a subtree whose id equals the new tree's subtree at the same
 * path is identical and is not read. For a one-app change that is the root,
 * the environment's folder and the app's folder, in one `git cat-file
 * --batch`. The folders in `guess` (those likely to differ, their parents
 * included) are asked for by path with the root, so a right guess costs one
 * round trip instead of one per level; an answer is used only if its id is
 * the subtree id found on the way down, else that tree is read by id.
 */
export async function listChangedBase(
  cat: CatFile, baseTree: string, ours: () => NewTree, idBytes: number, guess: ReadonlySet<string> = new Set(),
): Promise<BaseListing> {
  const early = new Map<string, Promise<GitObject | undefined>>([['', cat.read(baseTree)]]);
  for (const dir of guess) {
    if (!dir || early.has(dir)) continue;
    const read = cat.read(`${baseTree}:${dir}`);
    // An answer nobody waits for (the guess was wrong) must not be an unhandled rejection.
    read.catch(() => undefined);
    early.set(dir, read);
  }
  const { root, trees } = ours();
  const readTree = (dir: string, id: string): Promise<GitObject | undefined> => {
    const ahead = early.get(dir);
    return ahead ? ahead.then(o => (o?.id === id ? o : cat.read(id))) : cat.read(id);
  };
  const files = new Map<string, string>();
  const knownTrees = new Set<string>();
  const sameDirs = new Set<string>();
  let sameFiles = 0;
  const markSame = (dir: string, id: string) => {
    sameDirs.add(dir);
    sameFiles += trees.under(id, dir, (p, sub) => {
      sameDirs.add(p);
      knownTrees.add(sub);
    });
  };
  let level: { dir: string; base: string; ours?: string }[] = [{ dir: '', base: baseTree, ours: root }];
  while (level.length) {
    const objects = await Promise.all(level.map(l => readTree(l.dir, l.base)));
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
