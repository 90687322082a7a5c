import { labelSelectorMatches, podTemplateOf } from './_pod';
import { K8sObject, PolicyRule } from './_rule';

/** A workload with 2+ replicas has a PodDisruptionBudget in its folder. */
export const pdbForReplicas: PolicyRule = {
  id: 'pdb-for-replicas',
  severity: 'warning',
  rationale: 'Without a PodDisruptionBudget a node drain may evict every replica at once.',
  check({ object, folder }) {
    const pod = podTemplateOf(object);
    if (!pod || pod.replicas === undefined || pod.replicas < 2) return [];
    const covered = folder.some(o => o.object.kind === 'PodDisruptionBudget' && labelSelectorMatches(o.object.spec?.selector, pod.labels));
    return covered ? [] : [{ field: 'spec.replicas', message: 'is 2 or more but no PodDisruptionBudget in this folder selects the pods', value: pod.replicas }];
  },
};

/**
 * True if a pod anti-affinity term keeps the workload's own pods apart: its
 * labelSelector selects them, and its `namespaces` (when listed without a
 * namespaceSelector) include the pods' namespace.
 */
function spreadsOwnPods(term: K8sObject | undefined, labels: Record<string, string>, namespace: unknown): boolean {
  if (!term || typeof term !== 'object' || !labelSelectorMatches(term.labelSelector, labels)) return false;
  const namespaces = term.namespaces;
  if (term.namespaceSelector !== undefined || !Array.isArray(namespaces) || namespaces.length === 0) return true;
  return typeof namespace !== 'string' || namespaces.includes(namespace);
}

/** A workload with 2+ replicas spreads them (topology spread constraints, or pod anti-affinity on its own pods). */
export const spreadForReplicas: PolicyRule = {
  id: 'spread-for-replicas',
  severity: 'warning',
  rationale: 'Replicas the scheduler may put on one node or zone all fail together.',
  check({ object }) {
    const pod = podTemplateOf(object);
    if (!pod || pod.replicas === undefined || pod.replicas < 2) return [];
    if (Array.isArray(pod.spec.topologySpreadConstraints) && pod.spec.topologySpreadConstraints.length > 0) return [];
    const anti = pod.spec.affinity?.podAntiAffinity;
    if (anti === undefined) {
      return [{
        field: `${pod.path}.topologySpreadConstraints`,
        message: 'is not set and there is no podAntiAffinity, yet replicas is 2 or more: spread the replicas across nodes/zones',
        value: pod.replicas,
      }];
    }
    const required = anti.requiredDuringSchedulingIgnoredDuringExecution;
    const preferred = anti.preferredDuringSchedulingIgnoredDuringExecution;
    const terms: K8sObject[] = [
      ...(Array.isArray(required) ? required : []),
      ...(Array.isArray(preferred) ? preferred.map((p: K8sObject) => p?.podAffinityTerm) : []),
    ];
    const namespace = object.metadata?.namespace;
    if (terms.some(t => spreadsOwnPods(t, pod.labels, namespace))) return [];
    return [{
      field: `${pod.path}.affinity.podAntiAffinity`,
      message: `has no term whose labelSelector selects this workload's own pods${typeof namespace === 'string' ? ` in its namespace "${namespace}"` : ''}, so it does not spread the replicas: select the template labels (and list that namespace, if namespaces are listed)`,
      value: pod.replicas,
    }];
  },
};
