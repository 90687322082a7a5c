import { treeKeys, wholeTreeLookup } from './_whole-tree';
import { Finding, ValidationReport } from './finding';
import type { KustomizeCheckOptions } from './kustomize-build';
import type { ValidateTreeOptions } from './validate-tree';
import { Problem } from '../errors';
import { RenderedTree } from '../render/tree';

/** A finding as a `Problem`: `[file: Kind/namespace/name] 'field' message [rule] (got value)`. */
export function findingToProblem(f: Finding): Problem {
  const object = f.kind ? `: ${f.kind}/${f.namespace ? `${f.namespace}/` : ''}${f.name ?? ''}` : '';
  return { path: `${f.file}${object}`, field: f.field, message: `${f.message} [${f.rule}]`, value: f.value };
}

/** Options of {@link publishGate}. */
export interface PublishGateOptions extends ValidateTreeOptions, KustomizeCheckOptions {
  /**
   * Skip the kustomize equivalence check (record it with `checksSkipped: ['kustomize']`).
   *
   * @default false
   */
  readonly skipKustomize?: boolean;
  /**
   * The result cache shared with `validate` (see `defaultCacheDir`).
   *
   * @default - no cache
   */
  readonly cacheDir?: string;
}

/**
 * The whole of `validate` as `publishTree`'s gate: tree shape and
 * `object-duplicate` over the whole tree, and schemas, YAML safety, policy
 * and the kustomize equivalence check on the folders the commit touches
 * (every folder when the branch's tip skipped a check). Error-severity
 * findings become problems; warnings pass. Resolves to the problems and,
 * via `onReport`, hands the report over (its `stats`).
 */
export function publishGate(
  options: PublishGateOptions = {}, onReport?: (report: ValidationReport) => void,
): (touched: RenderedTree, context: { readonly tree: RenderedTree; readonly folders?: ReadonlySet<string> }) => Promise<Problem[]> {
  return async (_touched, context) => {
    // The whole-tree entry `validate` left for this very tree answers without loading the validation rules;
    // otherwise the run reuses the keys computed for the lookup.
    const scoped = { ...options, folders: context.folders };
    const keys = treeKeys(context.tree, scoped);
    const report = wholeTreeLookup(keys, scoped) ?? await (await import('./validate-folders')).validateFolders(context.tree, scoped, keys);
    onReport?.(report);
    return report.findings.filter(f => f.severity === 'error').map(findingToProblem);
  };
}
