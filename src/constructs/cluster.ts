import { Construct, IConstruct } from 'constructs';
import { checkDnsLabel, checkLabels } from './_checks';
import { IN_CLUSTER, checkClusterServer } from './_tenancy';
import { Problem, ValidationError } from '../errors';

/** Props of `Cluster`. */
export interface ClusterProps {
  /**
   * Name of the cluster as registered in Argo CD (the `name` of its cluster
   * Secret): Applications target it by this name, and multi-cluster
   * environments render a folder `<env>/<name>/` per cluster.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * URL of the cluster's API server, without credentials (they belong in the
   * Argo CD cluster Secret).
   *
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in, named 'in-cluster' by Argo CD)
   */
  readonly server?: string;
  /**
   * Labels of the cluster (e.g. `env: prod`, `region: eu`): the same labels
   * the platform team puts on the Argo CD cluster Secret, which the
   * ApplicationSet mode's cluster generator selects by.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A Kubernetes cluster registered in the shared Argo CD: a name (what
 * Applications target), its API server URL and labels. Create one per
 * cluster at the app's root and hand it to the environments deploying there
 * (`new Environment(app, 'prod', { clusters: [prodEu, prodUs] })`).
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#clusters
 */
export class Cluster extends Construct {
  /** Returns true if `x` is a Cluster. */
  public static isCluster(x: unknown): x is Cluster {
    return x instanceof Cluster;
  }

  /** The cluster name in Argo CD. */
  public readonly clusterName: string;
  /** The API server URL. */
  public readonly server: string;
  /** The cluster's labels. */
  public readonly labels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ClusterProps = {}) {
    super(scope, id);
    const where = this.node.path;
    this.clusterName = props.name ?? id;
    this.server = props.server ?? IN_CLUSTER;
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    push(checkDnsLabel(where, 'name', this.clusterName));
    push(checkClusterServer(where, 'server', this.server));
    problems.push(...checkLabels(where, 'labels', props.labels));
    const other = registry(this.node.root).get(this.clusterName);
    if (other) {
      push({ path: where, field: 'name', message: `is the name of ${other.node.path} too: Argo CD knows a cluster by its name, so each Cluster needs its own`, value: this.clusterName });
    }
    const sameServer = [...registry(this.node.root).values()].find(c => c.server === this.server);
    if (sameServer && !other) {
      push({ path: where, field: 'server', message: `is the API server of ${sameServer.node.path} (${sameServer.clusterName}) too: Argo CD knows one cluster per server; use that Cluster`, value: this.server });
    }
    if (problems.length) throw new ValidationError(problems);
    registry(this.node.root).set(this.clusterName, this);
    this.labels = { ...props.labels };
  }
}

const REGISTRIES = new WeakMap<IConstruct, Map<string, Cluster>>();

function registry(root: IConstruct): Map<string, Cluster> {
  let r = REGISTRIES.get(root);
  if (!r) {
    r = new Map();
    REGISTRIES.set(root, r);
  }
  return r;
}
