import { FolderObjects, duplicateObjectFindings } from './duplicate-objects';
import { Finding } from './finding';
import { K8sObject } from './rules/_rule';
import { treeShapeFindings } from './tree-shape';
import { acrossFolderFindings, kustomizationResourceFindings, RuleFact, validateTreeParsed, ValidateTreeOptions } from './validate-tree';
import { RenderedTree } from '../render/tree';

/**
 * What the per-folder checks of the validation gate found in some whole
 * folders (schemas, object identity, waivers and the policy rules that look
 * at one folder), with what the checks that span folders need of them.
 * What `checkFolderBatch` returns and `acrossFolders` completes.
 * @internal
 */
export interface FolderChecks {
  /** Error-severity findings only (the gate passes warnings). */
  readonly findings: Finding[];
  /** Each folder's object identities and kustomization namespace, for `object-duplicate`. */
  readonly identities: [string, FolderObjects][];
  /** Facts of the policy rules that span folders. */
  readonly facts: RuleFact[];
}

/** The options of the validation gate that its per-folder checks need. */
export type FolderCheckOptions = Pick<ValidateTreeOptions, 'kubernetesVersion' | 'rules'>;

/**
 * Checks the rendered objects of whole folders (file → the one object its text
 * was emitted from; every file of each folder present) as `validateTree`
 * checks them given `objects`, without the checks that need the whole tree.
 * Run by the gate's worker thread, one chart at a time.
 * @internal
 */
export function checkFolderBatch(batch: readonly (readonly [string, unknown, ...unknown[]])[], options: FolderCheckOptions): FolderChecks {
  // Only the paths are read (every file has its object): the texts are never asked for.
  const tree: RenderedTree = new Map(batch.map(([file]) => [file, '']));
  const objects = new Map(batch.map(([file, obj]) => [file, obj]));
  const report = validateTreeParsed(tree, { ...options, objects, crossFolder: false, resources: false });
  const identities: [string, FolderObjects][] = [];
  const facts: RuleFact[] = [];
  for (const [folder, stat] of report.folderStats ?? []) {
    identities.push([folder, stat.identities]);
    facts.push(...stat.facts);
  }
  return { findings: report.findings.filter(f => f.severity === 'error'), identities, facts };
}

/**
 * The findings of the gate for `tree`, given what `checkFolderBatch` found in
 * every folder (`folders`, merged) and the tree's kustomizations: those, plus
 * the checks that span folders (tree shape, `object-duplicate`, the policy
 * rules with `acrossFolders`, kustomization `resources` lists).
 * @internal
 */
export function withAcrossFolders(
  tree: RenderedTree, folders: FolderChecks, kustomizations: Iterable<{ file: string; value: K8sObject }>, options: FolderCheckOptions,
): Finding[] {
  return [
    ...treeShapeFindings(tree),
    ...folders.findings,
    ...duplicateObjectFindings(new Map(folders.identities)),
    ...acrossFolderFindings(folders.facts, options).findings,
    ...kustomizationResourceFindings(tree, kustomizations),
  ];
}
