import { podTemplateOf } from './_pod';
import { K8sObject, PolicyRule } from './_rule';

/** True if `policy` denies ingress to every pod of its namespace (empty podSelector, Ingress policy type). */
function isDefaultDeny(policy: K8sObject): boolean {
  const sel = policy.spec?.podSelector;
  const selectsAll = sel !== undefined && sel !== null
    && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
  const types: unknown[] = Array.isArray(policy.spec?.policyTypes) ? policy.spec.policyTypes : ['Ingress'];
  return selectsAll && types.includes('Ingress');
}

/**
 * A namespace that uses NetworkPolicies has a default-deny ingress policy.
 * A tree with no NetworkPolicy at all for a namespace is not reported (a
 * cluster may not enforce policies; the rule would flag every workload).
 */
export const networkDefaultDeny: PolicyRule = {
  id: 'network-default-deny',
  severity: 'warning',
  rationale: 'Allow policies without a namespace default-deny isolate only the pods they select: every other pod accepts traffic from the whole cluster.',
  check({ object, folder, tree }) {
    if (!podTemplateOf(object)) return [];
    const ns = object.metadata?.namespace;
    const policies = (tree ?? folder).filter(o => o.object.kind === 'NetworkPolicy' && o.object.metadata?.namespace === ns);
    if (policies.length === 0 || policies.some(o => isDefaultDeny(o.object))) return [];
    return [{
      field: 'metadata.namespace',
      message: `has NetworkPolicies (${policies.map(o => o.object.metadata?.name).sort().join(', ')}) but no default-deny ingress policy (podSelector {}) in the validated tree: add NetworkIsolation to the environment`,
      value: ns,
    }];
  },
};
