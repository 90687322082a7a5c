import { labelSelectorMatches, podTemplateOf, REPLICATED } from './_pod';
import { K8sObject, PolicyRule, RuleHit, TreeObject } from './_rule';

function isObj(v: unknown): v is K8sObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Pod labels of a replicated workload: its template's, else its selector's (enough to match a PDB). */
function labelsOf(o: K8sObject): Record<string, unknown> | undefined {
  const template = podTemplateOf(o);
  if (template && Object.keys(template.labels).length > 0) return template.labels;
  const ml = o.spec?.selector?.matchLabels;
  return isObj(ml) ? ml : undefined;
}

/** The fewest replicas a workload runs: an HPA's `minReplicas`, a KEDA ScaledObject's `minReplicaCount`, or `spec.replicas`. */
function minReplicas(workload: K8sObject, folder: readonly TreeObject[]): number {
  const name = workload.metadata?.name;
  for (const { object: o } of folder) {
    const ref = o.spec?.scaleTargetRef;
    if (!isObj(ref) || ref.name !== name || (ref.kind !== undefined && ref.kind !== workload.kind)) continue;
    if (o.kind === 'HorizontalPodAutoscaler') return typeof o.spec.minReplicas === 'number' ? o.spec.minReplicas : 1;
    if (o.kind === 'ScaledObject') return typeof o.spec.minReplicaCount === 'number' ? o.spec.minReplicaCount : 0;
  }
  return typeof workload.spec?.replicas === 'number' ? workload.spec.replicas : 1;
}

function isZero(v: unknown): boolean {
  return v === 0 || v === '0' || v === '0%';
}

/** A PodDisruptionBudget leaves room for at least one voluntary eviction. */
export const pdbAllowsEviction: PolicyRule = {
  id: 'pdb-allows-eviction',
  severity: 'error',
  rationale: 'A budget that allows no eviction blocks every node drain and cluster upgrade until someone deletes it.',
  check({ object, folder }) {
    if (object.kind !== 'PodDisruptionBudget' || !isObj(object.spec)) return [];
    const { maxUnavailable, minAvailable } = object.spec;
    if (isZero(maxUnavailable)) {
      return [{ field: 'spec.maxUnavailable', message: 'is 0, so no pod may ever be evicted and node drains block: use 1 (or a percentage above 0%)', value: maxUnavailable }];
    }
    if (minAvailable === '100%') {
      return [{ field: 'spec.minAvailable', message: 'is 100%, so no pod may ever be evicted and node drains block: use maxUnavailable: 1 instead', value: minAvailable }];
    }
    if (typeof minAvailable !== 'number') return [];
    const hits: RuleHit[] = [];
    for (const { object: w } of folder) {
      if (!REPLICATED.has(w.kind) && podTemplateOf(w)?.replicas === undefined) continue;
      if ((w.metadata?.namespace ?? '') !== (object.metadata?.namespace ?? '')) continue;
      const labels = labelsOf(w);
      if (!labels || !labelSelectorMatches(object.spec.selector, labels)) continue;
      const replicas = minReplicas(w, folder);
      if (replicas <= minAvailable) {
        hits.push({
          field: 'spec.minAvailable',
          message: `is not below the ${replicas} replica(s) ${w.kind}/${w.metadata?.name} may run, so none of its pods may be evicted and node drains block: lower it, or use maxUnavailable: 1`,
          value: minAvailable,
        });
      }
    }
    return hits;
  },
};

/** A PodDisruptionBudget sets `unhealthyPodEvictionPolicy`. */
export const pdbUnhealthyEviction: PolicyRule = {
  id: 'pdb-unhealthy-eviction',
  severity: 'warning',
  rationale: 'With the default policy a pod that never becomes Ready still counts against the budget, so a broken rollout blocks node drains.',
  check({ object }) {
    if (object.kind !== 'PodDisruptionBudget' || !isObj(object.spec) || object.spec.unhealthyPodEvictionPolicy !== undefined) return [];
    return [{ field: 'spec.unhealthyPodEvictionPolicy', message: 'is not set: set AlwaysAllow so pods that are not Ready can always be evicted (or IfHealthyBudget to say the default is wanted)' }];
  },
};
