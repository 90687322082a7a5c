import { Finding, makeReport, ValidationReport } from './finding';
import { checkKustomize, checkKustomizeTree, KustomizeCheckOptions } from './kustomize-build';
import { readTreeChecked } from './tree-shape';
import { validateTreeParsed, ValidateTreeOptions } from './validate-tree';
import { RenderedTree } from '../render/tree';

/** Options of `validateDir` and `validateTreeWithKustomize`. */
export interface ValidateDirOptions extends ValidateTreeOptions, KustomizeCheckOptions {
  /**
   * Skip the `kubectl kustomize` builds (and so the need for kubectl).
   *
   * @default false
   */
  readonly skipKustomize?: boolean;
}

/**
 * Validates a rendered directory (e.g. `dist/`): everything `validateTree`
 * checks, plus a `kubectl kustomize` build of every app folder compared with
 * its raw files. Symlinks, special files and `.git` entries are reported
 * (never followed nor read). Throws `ValidationError` if `dir` is not a directory and
 * `EnvironmentError` if kubectl is missing (unless `skipKustomize`).
 */
export async function validateDir(dir: string, options: ValidateDirOptions = {}): Promise<ValidationReport> {
  const { tree, findings } = readTreeChecked(dir);
  const parsed = new Map<string, unknown[]>();
  const report = merge(validateTreeParsed(tree, options, options.skipKustomize ? undefined : parsed), findings);
  return options.skipKustomize ? report : merge(report, await checkKustomize(dir, tree, options, parsed));
}

/**
 * `validateTree` plus the kustomize builds, for a tree that is only in
 * memory (it is written to a temporary directory for kubectl).
 */
export async function validateTreeWithKustomize(tree: RenderedTree, options: ValidateDirOptions = {}): Promise<ValidationReport> {
  const parsed = new Map<string, unknown[]>();
  const report = validateTreeParsed(tree, options, options.skipKustomize ? undefined : parsed);
  return options.skipKustomize ? report : merge(report, await checkKustomizeTree(tree, options, parsed));
}

function merge(report: ValidationReport, extra: readonly Finding[]): ValidationReport {
  return makeReport([...report.findings, ...extra], report.files, report.objects, report.waived);
}
