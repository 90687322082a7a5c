import type * as JsYaml from 'js-yaml';
import { goPlainType, goPlainValue } from './resolve';

/**
 * The schema of `readToolOutput`: plain scalars as Go's yaml.v2 resolves
 * them (numbers, booleans, nulls, YAML 1.1 spellings included); quoted
 * scalars stay strings. Made on first use: js-yaml loads only where tool
 * output is read (every module importing this one would pay for it, the
 * app's render and its gate's worker included).
 */
let goSchema: JsYaml.Schema | undefined;

function schema(): { yaml: typeof JsYaml; schema: JsYaml.Schema } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('js-yaml') as typeof JsYaml;
  goSchema ??= yaml.FAILSAFE_SCHEMA.extend({
    implicit: [new yaml.Type('tag:yaml.org,2002:go-plain', {
      kind: 'scalar',
      resolve: (s: string) => {
        const type = goPlainType(s);
        return type !== 'str' && type !== 'timestamp' && type !== 'merge';
      },
      construct: goPlainValue,
    })],
  });
  return { yaml, schema: goSchema };
}

/**
 * The document values of `kubectl kustomize`'s output, as Kubernetes and
 * Argo CD read it: sigs.k8s.io/yaml reads plain scalars with Go's yaml.v2
 * rules (`goPlainValue`), not YAML 1.2's. The two differ on what kubectl
 * writes unquoted: a string such as `1e309` or `0x1FFFFFFFFFFFFFFFF` is a
 * string to Go (so kubectl leaves it plain) and a number to YAML 1.2. The
 * output has no anchors, tags or duplicate keys (yaml.v2 writes it from
 * JSON values). An empty document is `null`.
 *
 * Read with js-yaml and a schema of that one rule: in a fresh process it is
 * about five times faster than the `yaml` package's document API, and the
 * validation plugin reads this output once per run, on its critical path.
 * Throws when the text is not YAML (kubectl never writes such).
 *
 * Not for files a user wrote: those go through `parseYamlDocuments`, which
 * reports what Kubernetes' parsers would read differently.
 */
export function readToolOutput(text: string): unknown[] {
  const { yaml, schema: s } = schema();
  return yaml.loadAll(text, null, { schema: s });
}
