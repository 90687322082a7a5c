import { containersOf, podTemplateOf } from './_pod';
import { K8sObject, PolicyRule, RuleHit } from './_rule';

/** No container defines the same environment variable twice. */
export const envUnique: PolicyRule = {
  id: 'env-unique',
  severity: 'error',
  rationale: 'With a duplicate env name the last one silently wins, and a server-side apply merge may pick either.',
  check({ object }) {
    const pod = podTemplateOf(object);
    if (!pod) return [];
    const hits: RuleHit[] = [];
    for (const { container, path } of containersOf(pod)) {
      if (!Array.isArray(container.env)) continue;
      const seen = new Map<string, number>();
      container.env.forEach((e: K8sObject, i: number) => {
        const name = e?.name;
        if (typeof name !== 'string') return;
        const first = seen.get(name);
        if (first !== undefined) {
          hits.push({ field: `${path}.env[${i}].name`, message: `duplicates ${path}.env[${first}].name`, value: name });
        } else {
          seen.set(name, i);
        }
      });
    }
    return hits;
  },
};
