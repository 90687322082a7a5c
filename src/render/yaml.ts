/**
 * @deprecated The YAML helpers moved to `src/yaml/` (import from `../yaml`).
 * This re-export keeps older imports compiling; new code must not use it.
 */
export * from '../yaml';
