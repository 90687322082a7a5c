import { SourceObject } from './_load';
import { Problem } from '../errors';

/** A core `Secret` (v1): the only kind whose `data`/`stringData` are plaintext (base64 is not encryption). */
function isCoreSecret(json: Record<string, any>): boolean {
  return json?.kind === 'Secret' && json?.apiVersion === 'v1';
}

function hasValues(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  return typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length > 0;
}

function keys(v: unknown): string {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v).join(', ') : '(not a mapping)';
}

/**
 * Finds plaintext `Secret`s in the input (also inside `kind: List` items):
 * migrate never writes secret values into source. The problems name the
 * file, document, object and keys, never a value.
 */
export function plaintextSecretProblems(objects: readonly SourceObject[]): Problem[] {
  const problems: Problem[] = [];
  const check = (o: SourceObject, json: Record<string, any>, where: string) => {
    if (isCoreSecret(json)) {
      const fields = (['data', 'stringData'] as const).filter(f => hasValues(json[f]));
      if (fields.length) {
        const held = fields.map(f => `${f}: ${keys(json[f])}`).join('; ');
        problems.push({
          path: o.file,
          field: where,
          message: `is a plaintext Secret ${JSON.stringify(String(json.metadata?.name ?? ''))} (${held}): migrate never writes secret values into source. `
            + 'Keep the values in a secret manager and declare an ExternalSecret, or seal them with kubeseal and migrate the SealedSecret; '
            + 'then migrate the other files without this one',
        });
      }
    }
    if (typeof json?.kind === 'string' && json.kind.endsWith('List') && Array.isArray(json.items)) {
      json.items.forEach((item: unknown, i: number) => {
        if (item && typeof item === 'object') check(o, item as Record<string, any>, `${where} items[${i}]`);
      });
    }
  };
  for (const o of objects) check(o, o.json, `document ${o.document}`);
  return problems;
}
