/**
 * Defaults shared by the library and the CLI, in a module with no imports so
 * the CLI can declare its options without loading the pins machinery.
 */

/** The conventional name of the image pins file, at the repository root. */
export const DEFAULT_PINS_FILE = 'images.yaml';
