import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

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
