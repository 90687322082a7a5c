import { IConstruct } from 'constructs';
import { walkTree } from './_deferred';

const WALKS = new WeakMap<IConstruct, readonly IConstruct[]>();

/**
 * Every construct of the tree under `root`, as `walkTree(root)` lists
 * them (pre-order; workloads' deferred parts not built). While the render's validation pass runs
 * (`withTreeWalk`), the one walk it made is shared: a validation that looks
 * at the whole tree (`ArgoCd`'s wiring, the Argo CD index) does not walk it
 * again. No validation adds constructs, so the list holds for the whole pass.
 */
export function treeConstructs(root: IConstruct): readonly IConstruct[] {
  return WALKS.get(root) ?? walkTree(root);
}

/** Runs `fn` with `all` (the walk of `root`'s tree) answering `treeConstructs(root)`. */
export function withTreeWalk<T>(root: IConstruct, all: readonly IConstruct[], fn: () => T): T {
  if (WALKS.has(root)) return fn();
  WALKS.set(root, all);
  try {
    return fn();
  } finally {
    WALKS.delete(root);
  }
}
