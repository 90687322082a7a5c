import { makeReport, ValidationReport } from './finding';
import { readDirChecked } from './tree-shape';
import { validateFolders, ValidateFoldersOptions } from './validate-folders';
import { RenderedTree } from '../render/tree';

/** Options of `validateDir` and `validateTreeWithKustomize`. */
export interface ValidateDirOptions extends Omit<ValidateFoldersOptions, 'dir' | 'folders'> {}

/**
 * Validates a rendered directory (e.g. `dist/`): everything `validateTree`
 * checks, plus a `kubectl kustomize` build of every app folder compared with
 * its raw files. Symlinks, special files and `.git` entries are reported
 * (never followed nor read). With `cacheDir`, folders checked before (same
 * content, same tool versions) are not checked again. Throws
 * `ValidationError` if `dir` is not a directory and `EnvironmentError` if
 * kubectl is missing (unless `skipKustomize`).
 */
export async function validateDir(dir: string, options: ValidateDirOptions = {}): Promise<ValidationReport> {
  // With the cache, files unchanged since the last read are not hashed, and folders found in the cache are not read.
  // The folders' tree ids are kept in the stat cache too: a publish after this validate then hashes no tree.
  const { tree, findings } = readDirChecked(dir, { cacheDir: options.cacheDir, ...(options.cacheDir ? { treeIds: true } : {}) });
  const report = await validateFolders(tree, { ...options, dir });
  if (!findings.length) return report;
  return { ...makeReport([...report.findings, ...findings], report.files, report.objects, report.waived), stats: report.stats };
}

/**
 * `validateTree` plus the kustomize builds, for a tree that is only in
 * memory (the folders to build are written to a temporary directory for kubectl).
 */
export async function validateTreeWithKustomize(tree: RenderedTree, options: ValidateDirOptions = {}): Promise<ValidationReport> {
  return validateFolders(tree, options);
}
