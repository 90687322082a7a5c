import { containersOf, podTemplateOf } from './_pod';
import { PolicyRule, RuleHit } from './_rule';

const NEEDED = [['requests', 'cpu'], ['requests', 'memory'], ['limits', 'cpu'], ['limits', 'memory']] as const;

/** Every container sets CPU and memory requests and limits. */
export const containerResources: PolicyRule = {
  id: 'container-resources',
  severity: 'error',
  rationale: 'Without requests the scheduler overcommits nodes; without limits one container can starve its neighbours.',
  check({ object }) {
    const pod = podTemplateOf(object);
    if (!pod) return [];
    const hits: RuleHit[] = [];
    for (const { container, path } of containersOf(pod)) {
      for (const [group, resource] of NEEDED) {
        const v = container.resources?.[group]?.[resource];
        if (v === undefined || v === null || v === '') {
          hits.push({ field: `${path}.resources.${group}.${resource}`, message: `is not set: give the container a ${resource} ${group === 'requests' ? 'request' : 'limit'}` });
        }
      }
    }
    return hits;
  },
};
