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

/** A namespace's policies as the rule sees them. */
type Policy = { readonly name: unknown; readonly deny: boolean };

/**
 * The verdict on every workload of each namespace, computed once per
 * validated tree or list of facts (keyed by that list) and shared by the
 * namespace's workloads: a namespace of thousands of apps, each with an
 * allow policy, costs one pass and one message, not one per workload.
 */
const verdicts = new WeakMap<object, Map<unknown, RuleHit[]>>();

function verdictsOf<T>(items: readonly T[], policyOf: (item: T) => { ns: unknown; policy: Policy } | undefined): Map<unknown, RuleHit[]> {
  let byNs = verdicts.get(items);
  if (!byNs) {
    const policies = new Map<unknown, Policy[]>();
    for (const item of items) {
      const p = policyOf(item);
      if (!p) continue;
      let list = policies.get(p.ns);
      if (!list) policies.set(p.ns, list = []);
      list.push(p.policy);
    }
    byNs = new Map([...policies].map(([ns, list]) => [ns, verdict(ns, list)]));
    verdicts.set(items, byNs);
  }
  return byNs;
}

/** Policy names a message lists before it counts the rest. */
const LISTED = 5;

/** The hits of a workload in `ns`, given the policies of that namespace. */
function verdict(ns: unknown, policies: readonly Policy[]): RuleHit[] {
  if (policies.length === 0 || policies.some(p => p.deny)) return [];
  const names = (policies.map(p => p.name) as string[]).sort();
  const listed = names.length > LISTED ? `${names.slice(0, LISTED).join(', ')} and ${names.length - LISTED} more` : names.join(', ');
  return [{
    field: 'metadata.namespace',
    message: `has NetworkPolicies (${listed}) but no default-deny ingress policy (podSelector {}) in the validated tree: add NetworkIsolation to the environment`,
    value: ns,
  }];
}

/** What the rule knows of an object: a NetworkPolicy's namespace, name and kind of policy, or a workload's namespace. */
type Fact = { readonly ns?: unknown; readonly policy: unknown; readonly deny: boolean } | { readonly ns?: unknown; readonly workload: true };

function factOf(object: K8sObject): Fact | undefined {
  if (object.kind === 'NetworkPolicy') return { ns: object.metadata?.namespace, policy: object.metadata?.name, deny: isDefaultDeny(object) };
  return podTemplateOf(object) ? { ns: object.metadata?.namespace, workload: true } : undefined;
}

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
    const byNs = verdictsOf<TreeObject>(tree ?? folder, o => (o.object.kind === 'NetworkPolicy'
      ? { ns: o.object.metadata?.namespace, policy: { name: o.object.metadata?.name, deny: isDefaultDeny(o.object) } } : undefined));
    return byNs.get(object.metadata?.namespace) ?? [];
  },
  acrossFolders: {
    fact: factOf,
    check(fact, all) {
      const f = fact as Fact;
      if (!('workload' in f)) return [];
      const byNs = verdictsOf(all as Fact[], other => ('deny' in other ? { ns: other.ns, policy: { name: other.policy, deny: other.deny } } : undefined));
      return byNs.get(f.ns) ?? [];
    },
  },
};
