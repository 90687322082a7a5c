import { Construct, IConstruct } from 'constructs';
import { checkDnsLabel, checkInteger, checkLabels } from './_checks';
import { IN_CLUSTER, TEAM_LABEL, checkClusterServer, checkTeam } from './_tenancy';
import { Cluster } from './cluster';
import { GitOpsApp } from './gitops-app';
import { ManagedNamespace, NamespacePolicy } from './managed-namespace';
import { ResourceRequirements } from './resources';
import { ValidationError, Problem } from '../errors';
import { ImageRef } from '../image-ref';

/** Per-app settings of one environment that win over the app's own props. */
export interface AppOverrides {
  /**
   * Replicas of the app in this environment.
   *
   * @default - the app's replicas
   */
  readonly replicas?: number;
  /**
   * Resources of the app in this environment (merged over the app's).
   *
   * @default - the app's resources
   */
  readonly resources?: ResourceRequirements;
  /**
   * The image pin of the app in this environment.
   *
   * @default - the pins file's entry, else the app's image
   */
  readonly image?: ImageRef;
}

/** Settings of an environment on one of its clusters, over the environment's own. */
export interface ClusterOverrides {
  /**
   * Default replicas of the apps on this cluster.
   *
   * @default - the environment's
   */
  readonly replicas?: number;
  /**
   * Default resources of the apps on this cluster (merged over the environment's).
   *
   * @default - the environment's
   */
  readonly resources?: ResourceRequirements;
  /**
   * Per-app overrides on this cluster, keyed by app name (merged over the environment's, field by field).
   *
   * @default - the environment's
   */
  readonly overrides?: Record<string, AppOverrides>;
  /**
   * Labels added to every object on this cluster (over the environment's).
   *
   * @default - the environment's
   */
  readonly labels?: Record<string, string>;
}

/** Props of `Environment`. */
export interface EnvironmentProps {
  /**
   * Environment name: the first folder of the rendered tree (`dist/<name>/…`).
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace every app of this environment is deployed to.
   *
   * @default - the environment name
   */
  readonly namespace?: string;
  /**
   * Default replicas of the apps in this environment.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Default resources of the apps in this environment.
   *
   * @default - the app's resources, else 100m/500m CPU and 128Mi/256Mi memory
   */
  readonly resources?: ResourceRequirements;
  /**
   * Per-app overrides, keyed by app name.
   *
   * @default - none
   */
  readonly overrides?: Record<string, AppOverrides>;
  /**
   * Labels added to every object of this environment.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * The Kubernetes API server of this environment's cluster, for Argo CD.
   * Use `clusters` instead to target clusters by name.
   *
   * @default 'https://kubernetes.default.svc'
   */
  readonly server?: string;
  /**
   * The clusters this environment deploys to. With more than one, every app
   * renders one folder per cluster, `<env>/<cluster>/<app>/`: create the
   * AppCharts in `env.targets`.
   *
   * @default - one cluster, `server`
   */
  readonly clusters?: Cluster[];
  /**
   * Settings per cluster (keyed by cluster name), over the environment's.
   *
   * @default - none
   */
  readonly perCluster?: Record<string, ClusterOverrides>;
  /**
   * The team owning this environment: its Argo CD names are prefixed with it,
   * its namespace defaults to `<team>-<env>`, and the namespace is rendered
   * as an object of its own (see `namespacePolicy`).
   *
   * @default - the GitOpsApp's team, else none
   */
  readonly team?: string;
  /**
   * Render the namespace as an object of its own (once per cluster) with this
   * policy (Pod Security level, quota, container defaults).
   *
   * @default - with a team: Pod Security `restricted`, no quota; without: not rendered (Argo CD creates it)
   */
  readonly namespacePolicy?: NamespacePolicy;
}

/** Set while an Environment creates the child Environment of one of its clusters. */
let creatingClusterOf: { parent: Environment; cluster: Cluster } | undefined;

/**
 * A deployment environment (`dev`, `prod`, …): a namespace, defaults and
 * per-app overrides for the apps (`AppChart`s) inside it, on one or more
 * clusters. With several clusters it holds one child Environment per
 * cluster (`targets`: same name and namespace, the cluster's overrides
 * applied), and the apps are created in those.
 */
export class Environment extends Construct {
  /** Returns the environment enclosing `scope`, or throws naming the path. */
  public static of(scope: IConstruct, where: string = scope.node.path): Environment {
    for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
      if (c instanceof Environment) return c;
    }
    throw new ValidationError([{ path: where, message: 'must be defined inside an Environment (new Environment(app, "dev"))' }]);
  }

  /** The environment name (its folder). */
  public readonly envName: string;
  /** The namespace of its apps. */
  public readonly namespace: string;
  /** Default replicas of its apps. */
  public readonly replicas?: number;
  /** Default resources of its apps. */
  public readonly resources?: ResourceRequirements;
  /** Labels added to every object. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The cluster's API server URL (the first cluster's, with several). */
  public readonly server: string;
  /** The team owning the environment, if any. */
  public readonly team?: string;
  /** The clusters it deploys to (empty: the one `server`, not named). */
  public readonly clusters: readonly Cluster[];
  /** The one cluster of this environment (or of this cluster's child environment), if named and single. */
  public readonly cluster?: Cluster;
  /** The environment this one is the cluster child of, if it is one. */
  public readonly parentEnvironment?: Environment;
  /** Where its apps are created: itself, or one child Environment per cluster when it has several. */
  public readonly targets: readonly Environment[];
  /** Folder of its apps in the rendered tree: `<env>`, or `<env>/<cluster>` for a cluster child. */
  public readonly folder: string;
  /** Its namespace as an object of its own, if it renders one. */
  public readonly managedNamespace?: ManagedNamespace;
  private readonly overrides: Record<string, AppOverrides>;

  constructor(scope: Construct, id: string, props: EnvironmentProps = {}) {
    super(scope, id);
    const child = creatingClusterOf;
    creatingClusterOf = undefined;
    const where = this.node.path;
    this.envName = props.name ?? id;
    this.team = props.team ?? GitOpsApp.find(this)?.team;
    this.namespace = props.namespace ?? (this.team ? `${this.team}-${this.envName}` : this.envName);
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    if (props.team !== undefined) push(checkTeam(where, 'team', props.team));
    push(checkDnsLabel(where, 'name', this.envName));
    push(checkDnsLabel(where, 'namespace', this.namespace));
    if (props.replicas !== undefined) push(checkInteger(where, 'replicas', props.replicas, 0, Number.MAX_SAFE_INTEGER));
    problems.push(...checkLabels(where, 'labels', props.labels));
    for (const [app, o] of Object.entries(props.overrides ?? {})) {
      if (o.replicas !== undefined) push(checkInteger(where, `overrides.${app}.replicas`, o.replicas, 0, Number.MAX_SAFE_INTEGER));
      if (o.image !== undefined && !(o.image instanceof ImageRef)) {
        push({ path: where, field: `overrides.${app}.image`, message: 'must be an ImageRef (ImageRef.parse("repo:tag"))', value: o.image });
      }
    }
    const clusters = [...(props.clusters ?? [])];
    if (props.clusters !== undefined) {
      if (props.server !== undefined) push({ path: where, field: 'server', message: 'cannot be given with clusters: the clusters carry their API servers', value: props.server });
      if (!clusters.length) push({ path: where, field: 'clusters', message: 'must list at least one Cluster (or leave it out for one cluster given by server)', value: [] });
      clusters.forEach((c, i) => {
        if (!Cluster.isCluster(c)) push({ path: where, field: `clusters[${i}]`, message: 'must be a Cluster (new Cluster(app, "prod-eu", { server }))', value: String(c) });
        else if (clusters.indexOf(c) !== i) push({ path: where, field: `clusters[${i}]`, message: 'lists the same cluster twice', value: c.clusterName });
      });
    }
    for (const key of Object.keys(props.perCluster ?? {})) {
      if (!clusters.some(c => Cluster.isCluster(c) && c.clusterName === key)) {
        push({ path: where, field: `perCluster.${key}`, message: `names no cluster of this environment (clusters: ${clusters.map(c => c.clusterName).join(', ') || 'none'})`, value: key });
      }
    }
    const server = props.server ?? clusters[0]?.server ?? IN_CLUSTER;
    if (props.server !== undefined) push(checkClusterServer(where, 'server', server));
    if (problems.length) throw new ValidationError(problems);
    this.replicas = props.replicas;
    this.resources = props.resources;
    this.labels = { ...props.labels, ...(this.team ? { [TEAM_LABEL]: this.team } : {}) };
    this.server = server;
    this.overrides = { ...props.overrides };
    this.clusters = clusters;
    this.cluster = clusters.length === 1 ? clusters[0] : undefined;
    this.parentEnvironment = child?.parent;
    this.folder = child ? `${this.envName}/${child.cluster.clusterName}` : this.envName;

    const manage = props.namespacePolicy !== undefined || this.team !== undefined;
    if (clusters.length > 1) {
      this.targets = clusters.map(cluster => {
        const own = props.perCluster?.[cluster.clusterName] ?? {};
        const overrides: Record<string, AppOverrides> = { ...props.overrides };
        for (const [app, o] of Object.entries(own.overrides ?? {})) overrides[app] = { ...overrides[app], ...o };
        creatingClusterOf = { parent: this, cluster };
        return new Environment(this, cluster.clusterName, {
          name: this.envName,
          namespace: this.namespace,
          team: props.team,
          clusters: [cluster],
          replicas: own.replicas ?? props.replicas,
          resources: props.resources || own.resources ? { ...props.resources, ...own.resources } : undefined,
          overrides,
          labels: { ...props.labels, ...own.labels },
          namespacePolicy: manage ? { ...props.namespacePolicy } : undefined,
        });
      });
    } else {
      this.targets = [this];
      if (manage) {
        this.managedNamespace = new ManagedNamespace(this, 'Namespace', {
          ...props.namespacePolicy,
          namespace: this.namespace,
          folder: this.folder,
          destination: this.server,
          labels: { ...props.namespacePolicy?.labels, ...(this.team ? { [TEAM_LABEL]: this.team } : {}) },
        });
      }
    }
  }

  /** The environment at the top: itself, or the one it is a cluster child of. */
  public get rootEnvironment(): Environment {
    return this.parentEnvironment ?? this;
  }

  /** The overrides of one app (empty if none). */
  public overridesFor(appName: string): AppOverrides {
    return this.overrides[appName] ?? {};
  }
}
