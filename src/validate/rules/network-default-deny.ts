import { podTemplateOf } from './_pod';
import { K8sObject, PolicyRule, TreeObject } from './_rule';

/** True if `policy` denies ingress to every pod of its namespace (empty podSelector, Ingress policy type). */
function isDefaultDeny(policy: K8sObject): boolean {
  const sel = policy.spec?.podSelector;
  const selectsAll = sel !== undefined && sel !== null
    && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
  const types: unknown[] = Array.isArray(policy.spec?.policyTypes) ? policy.spec.policyTypes : ['Ingress'];
  return selectsAll && types.includes('Ingress');
}

/** NetworkPolicies by namespace, built once per validated tree (a lookup per workload keeps the rule linear). */
const byNamespace = new WeakMap<readonly TreeObject[], Map<unknown, TreeObject[]>>();

function policiesIn(objects: readonly TreeObject[], ns: unknown): readonly TreeObject[] {
  let index = byNamespace.get(objects);
  if (!index) {
    index = new Map();
    for (const o of objects) {
      if (o.object.kind !== 'NetworkPolicy') continue;
      const key = o.object.metadata?.namespace;
      let list = index.get(key);
      if (!list) index.set(key, list = []);
      list.push(o);
    }
    byNamespace.set(objects, index);
  }
  return index.get(ns) ?? [];
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
    const policies = policiesIn(tree ?? folder, ns);
    if (policies.length === 0 || policies.some(o => isDefaultDeny(o.object))) return [];
    return [{
      field: 'metadata.namespace',
      message: `has NetworkPolicies (${policies.map(o => o.object.metadata?.name).sort().join(', ')}) but no default-deny ingress policy (podSelector {}) in the validated tree: add NetworkIsolation to the environment`,
      value: ns,
    }];
  },
};
