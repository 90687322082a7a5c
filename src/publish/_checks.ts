import { MARKER_FILE } from './_marker';
import { ParsedYaml } from './_parsed-yaml';
import { PublishRefusedError } from './publish-error';
import { Problem } from '../errors';
import { RenderedTree, unsafeTreePath } from '../render/tree';
import { shapeProblems, treeShapeFindings } from '../validate/tree-shape';

/** Default share of the branch's files a publish may delete without `allowDeletions`. */
export const DEFAULT_ALLOWED_DELETIONS = 50;

/**
 * Refuses a tree Argo CD must never see: empty, an unsafe or reserved path,
 * a path the tree-shape rules refuse (`.git`, not YAML, a folder name that
 * is not a DNS-1123 label, an empty file), an app folder without `kustomization.yaml`. Throws the first kind of
 * problem found, listing every instance of it. YAML is parsed separately,
 * only for the files a commit adds or changes ({@link checkYaml}).
 */
export function checkTree(tree: RenderedTree): void {
  if (tree.size === 0) {
    throw new PublishRefusedError('empty-tree', 'refusing to publish an empty tree: Argo CD would prune every resource it manages (did the render fail?)');
  }
  // A tree the shape rules pass has only safe paths (folders are DNS-1123 labels, file names start with a letter
  // or digit and hold no '/', '\\' or ':', the marker is refused): the paths are looked at one by one only otherwise.
  const shape = treeShapeFindings(tree);
  if (shape.length) {
    const unsafe: Problem[] = [];
    for (const p of tree.keys()) {
      const why = unsafeTreePath(p);
      if (why) unsafe.push({ path: p, message: `unsafe path: it ${why}` });
      else if (p === MARKER_FILE) unsafe.push({ path: p, message: 'is reserved for the ownership marker that publish writes; remove it from the tree' });
    }
    if (unsafe.length) throw new PublishRefusedError('unsafe-path', unsafe);
    throw new PublishRefusedError('tree-shape', shapeProblems(shape));
  }

  // Each folder holding YAML files, and whether one is its kustomization.yaml. A folder's files come one after the
  // other in a listing: the current folder is compared in place (a slice and a map entry per folder, not per file).
  const dirs = new Map<string, boolean>();
  let dir: string | undefined;
  for (const p of tree.keys()) {
    const slash = p.lastIndexOf('/');
    if (slash < 0 || !/\.ya?ml$/.test(p)) continue;
    if (dir === undefined || slash !== dir.length || !p.startsWith(dir)) {
      dir = p.slice(0, slash);
      if (!dirs.has(dir)) dirs.set(dir, false);
    }
    if (!dirs.get(dir) && p.endsWith('/kustomization.yaml')) dirs.set(dir, true);
  }
  for (const d of dirs.keys()) if (d === 'argocd' || d.startsWith('argocd/')) dirs.delete(d);
  const missing: Problem[] = [...dirs].filter(([, has]) => !has).map(([folder]) => ({
    path: `${folder}/`,
    message: 'is an app folder without kustomization.yaml: Argo CD would apply its files without the pinned images and resource list',
  }));
  if (missing.length) throw new PublishRefusedError('missing-kustomization', missing);
}

export { ParsedYaml } from './_parsed-yaml';

/** Refuses YAML files among `paths` of `tree` that do not parse (parsed with `parsed`, which keeps the documents). */
export function checkYaml(tree: RenderedTree, paths: Iterable<string>, parsed: ParsedYaml = new ParsedYaml()): void {
  const broken: Problem[] = [];
  for (const p of paths) {
    const content = tree.get(p);
    if (content === undefined || !/\.ya?ml$/.test(p)) continue;
    const error = parsed.of(content).find(doc => doc.error !== undefined)?.error;
    if (error !== undefined) broken.push({ path: p, message: `is not valid YAML: ${error.split('\n')[0]}` });
  }
  if (broken.length) throw new PublishRefusedError('unparseable-yaml', broken);
}

/** Refuses a change that deletes more than `allowedPercent` % of the branch's files (`unlisted`: files not in `oldPaths` that stay unchanged). */
export function checkDeletions(oldPaths: readonly string[], newTree: RenderedTree, allowedPercent: number, unlisted = 0): void {
  const total = oldPaths.length + unlisted;
  if (total === 0) return;
  const deleted = oldPaths.filter(p => !newTree.has(p));
  const share = (deleted.length / total) * 100;
  if (share > allowedPercent) {
    const sample = deleted.slice(0, 5).join(', ') + (deleted.length > 5 ? `, ... (${deleted.length - 5} more)` : '');
    throw new PublishRefusedError('mass-deletion', [{
      path: '',
      message: `refusing to delete ${deleted.length} of ${total} files (${Math.round(share)}% > ${allowedPercent}%): `
        + `Argo CD prunes every resource whose file disappears. If this is intended, pass --allow-deletions ${Math.ceil(share)}%. Deleted: ${sample}`,
    }]);
  }
}
