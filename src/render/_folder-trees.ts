import { TreeEntry, TreeObjects } from '../_git-tree';
import { Folders } from './_stat-cache';

/**
 * The git trees (sha1, every file mode 100644) of a folder read from disk:
 * each folder's tree id, computed by the read or kept from the last one when
 * none of its files changed, and each tree's entries, built when asked for.
 * A {@link TreeObjects} of every folder, the root included.
 */
export class FolderTrees implements TreeObjects {
  private byId: Map<string, number> | undefined;

  /** @internal made by {@link readDiskTree} */
  constructor(private readonly paths: readonly string[], private readonly blobs: readonly string[], private readonly folders: Folders) {}

  /** The tree id of the folder itself. */
  public get rootId(): string {
    return this.folders.ids[0];
  }

  /** The entries of the folder itself. */
  public rootEntries(): TreeEntry[] {
    return folderEntries(this.paths, this.blobs, this.folders, 0);
  }

  public get(id: string): readonly TreeEntry[] | undefined {
    const k = this.indexOf(id);
    return k === undefined ? undefined : folderEntries(this.paths, this.blobs, this.folders, k);
  }

  public ids(): string[] {
    // Subfolders first; identical folders are one tree.
    return [...new Set([...this.folders.ids].reverse())];
  }

  public under(id: string, dir: string, visit: (path: string, id: string) => void): number {
    const k = this.indexOf(id);
    if (k === undefined) return 0;
    const { prefixes, ids, nested, counts } = this.folders;
    const skip = prefixes[k].length;
    for (let j = k + 1, last = k + nested[k]; j <= last; j++) {
      const rel = prefixes[j].slice(skip, -1);
      visit(dir ? `${dir}/${rel}` : rel, ids[j]);
    }
    return counts[k];
  }

  private indexOf(id: string): number | undefined {
    if (!this.byId) {
      this.byId = new Map();
      const ids = this.folders.ids;
      // The first folder with an id: identical folders have the same entries and folders under them.
      for (let k = ids.length - 1; k >= 0; k--) this.byId.set(ids[k], k);
    }
    return this.byId.get(id);
  }
}

/**
 * The entries of folder `k` in git's order (its paths are sorted and
 * contiguous; each subfolder's id is known): a file per path right under it,
 * a tree per subfolder.
 */
export function folderEntries(paths: readonly string[], blobs: readonly string[], folders: Folders, k: number): TreeEntry[] {
  const { prefixes, starts, counts, nested, ids } = folders;
  const prefix = prefixes[k];
  const entries: TreeEntry[] = [];
  let child = k + 1;
  for (let i = starts[k], end = starts[k] + counts[k]; i < end;) {
    const p = paths[i];
    const slash = p.indexOf('/', prefix.length);
    if (slash < 0) {
      entries.push({ mode: '100644', type: 'blob', id: blobs[i], name: p.slice(prefix.length) });
      i++;
      continue;
    }
    if (prefixes[child] !== p.slice(0, slash + 1) || starts[child] !== i) {
      throw new Error(`internal error: the folder list does not match the paths at ${p}`);
    }
    entries.push({ mode: '040000', type: 'tree', id: ids[child], name: p.slice(prefix.length, slash) });
    i += counts[child];
    child += nested[child] + 1;
  }
  return entries;
}
