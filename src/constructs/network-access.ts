import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkInteger } from './_checks';
import { checkSubdomain } from './_hosts';
import { whenEgressDenied } from './_network';
import { AppChart } from './app-chart';
import { addProblemValidation } from './problem-validation';
import { appObjectLabels } from './targets';
import { Workload } from './workload';
import { Problem } from '../errors';

/** Options of `NetworkAccess.allowFrom`. */
export interface AllowOptions {
  /**
   * The target's port (on the pods) the peer may reach.
   *
   * @default - every port
   */
  readonly port?: number;
}

/** Props of `NetworkAccess`. */
export interface NetworkAccessProps {
  /** The workload whose incoming traffic the policy allows (a `WebService`, a `Worker`). */
  readonly target: Workload;
  /**
   * Name of the NetworkPolicy.
   *
   * @default - `<workload name>-allow`
   */
  readonly name?: string;
}

/**
 * A NetworkPolicy allowing traffic into a workload's pods from typed peers:
 * other workloads (`allowFrom(web)`, same environment only) and namespaces
 * (`allowFromNamespace('monitoring')`). With `NetworkIsolation` denying all
 * other ingress, these are the only ways in. When the peer's namespace denies
 * egress too (`NetworkIsolation` with `denyEgress`), `allowFrom` also renders
 * the matching egress rule on the peer's side: a NetworkPolicy
 * `<peer>-to-<app>` in the peer's app, selecting its pods.
 */
export class NetworkAccess extends Construct {
  /** The NetworkPolicy. */
  public readonly policy: kplus.k8s.KubeNetworkPolicy;

  private readonly rules: kplus.k8s.NetworkPolicyIngressRule[] = [];
  private readonly problems: Problem[] = [];
  private readonly chart: AppChart;
  private readonly target: Workload;
  /** Egress rules of each peer's client-side policy (rendered when the peer's namespace denies egress). */
  private readonly egress = new Map<Workload, kplus.k8s.NetworkPolicyEgressRule[]>();

  constructor(scope: Construct, id: string, props: NetworkAccessProps) {
    super(scope, id);
    this.chart = AppChart.of(this);
    this.target = props.target;
    const name = props.name ?? `${props.target.name}-allow`;
    const p = checkSubdomain(this.node.path, 'name', name);
    if (p) this.problems.push(p);
    if (AppChart.of(props.target) !== this.chart) {
      this.problems.push({ path: this.node.path, field: 'target', message: `is in app ${AppChart.of(props.target).node.path}: define the policy in the target's app` });
    }
    addProblemValidation(this, () => this.problems);
    this.policy = new kplus.k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name, labels: appObjectLabels(this.chart) },
      // `rules` is read at synth: allowFrom calls after construction count.
      spec: { podSelector: { matchLabels: props.target.selector }, policyTypes: ['Ingress'], ingress: this.rules },
    });
  }

  /** Allows the pods of `peer` (a workload of the same environment) in. */
  public allowFrom(peer: Workload, options: AllowOptions = {}): this {
    const other = AppChart.of(peer);
    if (other.environment !== this.chart.environment) {
      this.problems.push({
        path: this.node.path,
        field: 'allowFrom',
        message: `names ${peer.node.path} of environment ${JSON.stringify(other.environment.envName)}, but this app is in ${JSON.stringify(this.chart.environment.envName)}: traffic between environments is never allowed`,
        value: peer.name,
      });
      return this;
    }
    const from: kplus.k8s.NetworkPolicyPeer = other.namespace === this.chart.namespace
      ? { podSelector: { matchLabels: peer.selector } }
      : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': other.namespace! } }, podSelector: { matchLabels: peer.selector } };
    this.addRule(from, options);
    // The peer's side: with egress denied in its namespace, the connection needs an egress rule there too.
    whenEgressDenied(other.node.scope!, other.namespace ?? '', () => this.addEgress(peer, options));
    return this;
  }

  /** Allows every pod of `namespace` in (a monitoring or ingress controller namespace). */
  public allowFromNamespace(namespace: string, options: AllowOptions = {}): this {
    const p = checkDnsLabel(this.node.path, 'allowFromNamespace', namespace);
    if (p) this.problems.push(p);
    this.addRule({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } }, options);
    return this;
  }

  /** Adds the egress rule "peer → the target's pods" to the peer's client-side policy (created on first use). */
  private addEgress(peer: Workload, options: AllowOptions): void {
    let rules = this.egress.get(peer);
    if (!rules) {
      rules = [];
      this.egress.set(peer, rules);
      const peerChart = AppChart.of(peer);
      const app = this.chart.appName;
      const name = `${peer.name}-to-${app}${this.target.name === app ? '' : `-${this.target.name}`}`;
      const p = checkSubdomain(this.node.path, 'allowFrom', name);
      if (p) this.problems.push({ ...p, message: `gives the egress policy of ${peer.node.path} a name that ${p.message}` });
      new kplus.k8s.KubeNetworkPolicy(peer, `EgressTo-${this.node.path.replace(/\//g, '-')}`, {
        metadata: { name, labels: appObjectLabels(peerChart) },
        // `rules` is read at synth: later allowFrom calls for the same peer add to it.
        spec: { podSelector: { matchLabels: peer.selector }, policyTypes: ['Egress'], egress: rules },
      });
    }
    const to: kplus.k8s.NetworkPolicyPeer = AppChart.of(peer).namespace === this.chart.namespace
      ? { podSelector: { matchLabels: this.target.selector } }
      : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.chart.namespace! } }, podSelector: { matchLabels: this.target.selector } };
    rules.push({
      to: [to],
      ...(options.port !== undefined ? { ports: [{ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(options.port) }] } : {}),
    });
  }

  private addRule(from: kplus.k8s.NetworkPolicyPeer, options: AllowOptions): void {
    if (options.port !== undefined) {
      const p = checkInteger(this.node.path, 'port', options.port, 1, 65535);
      if (p) this.problems.push(p);
    }
    this.rules.push({
      from: [from],
      ...(options.port !== undefined ? { ports: [{ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(options.port) }] } : {}),
    });
  }
}
