import { labelSelectorMatches, podTemplateOf } from './_pod';
import { PolicyRule } from './_rule';

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

/** A workload with 2+ replicas spreads them (pod anti-affinity or topology spread constraints). */
export const spreadForReplicas: PolicyRule = {
  id: 'spread-for-replicas',
  severity: 'warning',
  rationale: 'Replicas the scheduler may put on one node or zone all fail together.',
  check({ object }) {
    const pod = podTemplateOf(object);
    if (!pod || pod.replicas === undefined || pod.replicas < 2) return [];
    const spread = (Array.isArray(pod.spec.topologySpreadConstraints) && pod.spec.topologySpreadConstraints.length > 0)
      || pod.spec.affinity?.podAntiAffinity !== undefined;
    return spread ? [] : [{
      field: `${pod.path}.topologySpreadConstraints`,
      message: 'is not set and there is no podAntiAffinity, yet replicas is 2 or more: spread the replicas across nodes/zones',
      value: pod.replicas,
    }];
  },
};
