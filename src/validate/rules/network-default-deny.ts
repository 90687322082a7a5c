import { podTemplateOf } from './_pod';
import { K8sObject, PolicyRule, RuleHit, TreeObject } from './_rule';

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

/** What the rule knows of an object: a NetworkPolicy's namespace, name and kind of policy, or a workload's namespace. */
type Fact = { readonly ns?: unknown; readonly policy: unknown; readonly deny: boolean } | { readonly ns?: unknown; readonly workload: true };

function factOf(object: K8sObject): Fact | undefined {
  if (object.kind === 'NetworkPolicy') return { ns: object.metadata?.namespace, policy: object.metadata?.name, deny: isDefaultDeny(object) };
  return podTemplateOf(object) ? { ns: object.metadata?.namespace, workload: true } : undefined;
}

/** The hits of a workload in `ns`, given the policies of that namespace. */
function verdict(ns: unknown, policies: readonly { readonly name: unknown; readonly deny: boolean }[]): RuleHit[] {
  if (policies.length === 0 || policies.some(p => p.deny)) return [];
  return [{
    field: 'metadata.namespace',
    message: `has NetworkPolicies (${(policies.map(p => p.name) as string[]).sort().join(', ')}) but no default-deny ingress policy (podSelector {}) in the validated tree: add NetworkIsolation to the environment`,
    value: ns,
  }];
}

/** Policy facts by namespace, built once per list of facts. */
const factsByNamespace = new WeakMap<readonly unknown[], Map<unknown, { name: unknown; deny: boolean }[]>>();

/**
 * A namespace that uses NetworkPolicies has a default-deny ingress policy.
 * A tree with no NetworkPolicy at all for a namespace is not reported (a
 * cluster may not enforce policies; the rule would flag every workload).
 * The policies of a namespace may live in other folders (its environment's):
 * runs over part of a tree use the fact-based form.
 */
export const networkDefaultDeny: PolicyRule = {
  id: 'network-default-deny',
  severity: 'warning',
  rationale: 'Allow policies without a namespace default-deny isolate only the pods they select: every other pod accepts traffic from the whole cluster.',
  check({ object, folder, tree }) {
    if (!podTemplateOf(object)) return [];
    const ns = object.metadata?.namespace;
    return verdict(ns, policiesIn(tree ?? folder, ns).map(o => ({ name: o.object.metadata?.name, deny: isDefaultDeny(o.object) })));
  },
  acrossFolders: {
    fact: factOf,
    check(fact, all) {
      const f = fact as Fact;
      if (!('workload' in f)) return [];
      let index = factsByNamespace.get(all);
      if (!index) {
        index = new Map();
        for (const other of all as Fact[]) {
          if (!('deny' in other)) continue;
          let list = index.get(other.ns);
          if (!list) index.set(other.ns, list = []);
          list.push({ name: other.policy, deny: other.deny });
        }
        factsByNamespace.set(all, index);
      }
      return verdict(f.ns, index.get(f.ns) ?? []);
    },
  },
};
