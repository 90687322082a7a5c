import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { defaultDenyPolicy, markEgressDenied } from './_network';
import { AppChart } from './app-chart';

/** Props of `NetworkIsolation`. */
export interface NetworkIsolationProps {
  /**
   * Folder (`<env>/<name>/`) and Argo CD app name of the namespace's policies.
   *
   * @default 'network-policy'
   */
  readonly name?: string;
  /**
   * Deny egress too (DNS to kube-system stays allowed); apps then need
   * explicit egress rules.
   *
   * @default false
   */
  readonly denyEgress?: boolean;
}

/**
 * The network baseline of one environment's namespace, in its own folder
 * `<env>/network-policy/` (synced by Argo CD like an app), for environments
 * whose namespace the estate does not render (a `ManagedNamespace` carries
 * its own default-deny policy): a default-deny
 * ingress NetworkPolicy selecting every pod, so only traffic some policy
 * allows reaches a pod (`NetworkAccess.allowFrom`, and the policies routes
 * render for the ingress controller or gateway). With `denyEgress`, egress
 * is denied too, except DNS to kube-dns.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
 */
export class NetworkIsolation extends AppChart {
  /** The default-deny policy. */
  public readonly defaultDeny: kplus.k8s.KubeNetworkPolicy;
  /** The DNS egress policy, when egress is denied. */
  public readonly allowDns?: kplus.k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: NetworkIsolationProps = {}) {
    super(scope, id, { name: props.name ?? 'network-policy' });
    const labels = { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' };
    const denyEgress = props.denyEgress ?? false;
    this.defaultDeny = defaultDenyPolicy(this, labels, denyEgress);
    if (denyEgress) {
      // NetworkAccess.allowFrom rules render their client-side egress rule from now on (and those declared before, now).
      markEgressDenied(this.node.scope!, this.namespace ?? '');
      const port = (protocol: string) => ({ protocol, port: kplus.k8s.IntOrString.fromNumber(53) });
      this.allowDns = new kplus.k8s.KubeNetworkPolicy(this, 'AllowDns', {
        metadata: { name: 'allow-dns', labels },
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [{
            to: [{
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            }],
            ports: [port('UDP'), port('TCP')],
          }],
        },
      });
    }
  }
}
