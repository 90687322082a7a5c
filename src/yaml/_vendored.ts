import * as path from 'path';
import type * as Yaml from 'yaml';

/**
 * The one-file build of the `yaml` package that `scripts/vendor-yaml.js`
 * writes beside the compiled library (lib/src/_vendor/yaml.js; a source
 * checkout run through TypeScript has none).
 */
export const VENDORED_YAML = path.join(__dirname, '..', '_vendor', 'yaml.js');

let loaded: typeof Yaml | undefined;

/**
 * The `yaml` module: the one-file build at `file` when it was built from the
 * very version of `yaml` this library resolves (one module to load instead of
 * ~70: ≈ 6 instead of ≈ 20 ms in a fresh process), else the package itself —
 * also when the file is missing, broken or of another version. The result
 * for {@link VENDORED_YAML} is kept.
 */
export function loadYaml(file: string = VENDORED_YAML): typeof Yaml {
  if (file === VENDORED_YAML && loaded) return loaded;
  let yaml: typeof Yaml | undefined;
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const vendored = require(file) as { readonly version?: unknown; readonly yaml?: typeof Yaml };
    const installed = (require('yaml/package.json') as { readonly version: string }).version;
    /* eslint-enable @typescript-eslint/no-require-imports */
    if (vendored.version === installed && typeof vendored.yaml?.parseAllDocuments === 'function') yaml = vendored.yaml;
  } catch {
    // no one-file build (a source checkout), or an unreadable one: the package
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yaml ??= require('yaml') as typeof Yaml;
  if (file === VENDORED_YAML) loaded = yaml;
  return yaml;
}
