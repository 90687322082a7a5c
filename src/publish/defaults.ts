/**
 * Defaults shared by the library and the CLI, in a module with no imports so
 * the CLI can declare its options without loading the publish machinery.
 */

/** The branch Argo CD syncs, unless told otherwise. */
export const DEFAULT_BRANCH = 'rendered-manifests';
