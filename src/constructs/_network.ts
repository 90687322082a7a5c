import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';

/** Name of the namespace-wide default-deny NetworkPolicy. */
export const DEFAULT_DENY_POLICY = 'default-deny';

/**
 * The namespace-wide default-deny NetworkPolicy (`podSelector: {}`): ingress,
 * and egress too when `egress`. Rendered by `NetworkIsolation` and by an
 * estate's `ManagedNamespace`.
 */
export function defaultDenyPolicy(scope: Construct, labels: Record<string, string>, egress = false): kplus.k8s.KubeNetworkPolicy {
  return new kplus.k8s.KubeNetworkPolicy(scope, 'DefaultDeny', {
    metadata: { name: DEFAULT_DENY_POLICY, labels },
    spec: { podSelector: {}, policyTypes: egress ? ['Ingress', 'Egress'] : ['Ingress'] },
  });
}

/** Per environment (or cluster target) and namespace: whether egress is denied, and what waits for it. */
const egressState = new WeakMap<IConstruct, Map<string, { denied: boolean; pending: (() => void)[] }>>();

function stateOf(where: IConstruct, namespace: string) {
  let byNamespace = egressState.get(where);
  if (!byNamespace) egressState.set(where, byNamespace = new Map());
  let state = byNamespace.get(namespace);
  if (!state) byNamespace.set(namespace, state = { denied: false, pending: [] });
  return state;
}

/**
 * Runs `create` once the namespace `namespace` of `where` (an environment or
 * cluster target) denies egress (`NetworkIsolation` with `denyEgress`): now
 * if it does already, else when that policy is created. The order in which
 * the allow rules and the isolation are declared does not matter.
 */
export function whenEgressDenied(where: IConstruct, namespace: string, create: () => void): void {
  const state = stateOf(where, namespace);
  if (state.denied) create();
  else state.pending.push(create);
}

/** Records that egress is denied in `namespace` of `where`, and runs what waited for it. */
export function markEgressDenied(where: IConstruct, namespace: string): void {
  const state = stateOf(where, namespace);
  if (state.denied) return;
  state.denied = true;
  for (const create of state.pending.splice(0)) create();
}
