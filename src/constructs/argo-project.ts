import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ARGOCD_NAMESPACE, SYNC_WAVE, checkRepoUrl, checkServer } from './_argo';
import { checkDnsLabel, checkInteger, checkLabels } from './_checks';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { Problem, ValidationError } from '../errors';

/** Where a project's Applications may deploy. */
export interface ArgoDestination {
  /** API server of the cluster. */
  readonly server: string;
  /** Namespace (`*` for any: avoid). */
  readonly namespace: string;
}

/** A resource kind, by API group (`''` for the core group). */
export interface ArgoResourceKind {
  /** API group, `''` for core. */
  readonly group: string;
  /** Kind. */
  readonly kind: string;
}

/** Props of `ArgoProject`. */
export interface ArgoProjectProps {
  /**
   * Name of the AppProject.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /** Repositories its Applications may sync from (no credentials in the URLs). */
  readonly sourceRepos: string[];
  /** Clusters and namespaces its Applications may deploy to. */
  readonly destinations: ArgoDestination[];
  /**
   * Cluster-scoped kinds its Applications may create. `Namespace` is needed
   * for `CreateNamespace=true`; anything else (ClusterRoles, CRDs, …) must be
   * granted explicitly.
   *
   * @default [{ group: '', kind: 'Namespace' }]
   */
  readonly clusterResources?: ArgoResourceKind[];
  /**
   * Namespaced kinds its Applications may create.
   *
   * @default - all namespaced kinds
   */
  readonly namespaceResources?: ArgoResourceKind[];
  /**
   * Description shown in the Argo CD UI.
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * Namespace the AppProject lives in (where Argo CD runs).
   *
   * @default - the chart's namespace, else 'argocd'
   */
  readonly argoNamespace?: string;
  /**
   * Sync wave: projects sync before the Applications that reference them.
   *
   * @default -1
   */
  readonly syncWave?: number;
  /**
   * Labels of the AppProject.
   *
   * @default - `app.kubernetes.io/managed-by: cdk8s-gitops`
   */
  readonly labels?: Record<string, string>;
}

/**
 * An Argo CD `AppProject` that fences its Applications in: only the given
 * repositories as sources, only the given cluster/namespace pairs as
 * destinations, and no cluster-scoped objects except Namespaces by default.
 * `ArgoCd` creates one per environment.
 */
export class ArgoProject extends Construct {
  /** The project name. */
  public readonly name: string;
  /** The AppProject object. */
  public readonly apiObject: AppProject;

  constructor(scope: Construct, id: string, props: ArgoProjectProps) {
    super(scope, id);
    const where = this.node.path;
    this.name = props.name ?? id;
    const argoNamespace = props.argoNamespace ?? Chart.of(this).namespace ?? ARGOCD_NAMESPACE;
    const wave = props.syncWave ?? -1;
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    push(checkDnsLabel(where, 'name', this.name, 253));
    push(checkDnsLabel(where, 'argoNamespace', argoNamespace));
    push(checkInteger(where, 'syncWave', wave, -1000, 1000));
    if (!props.sourceRepos?.length) push({ path: where, field: 'sourceRepos', message: 'must list at least one repository' });
    (props.sourceRepos ?? []).forEach((r, i) => push(checkRepoUrl(where, `sourceRepos[${i}]`, r)));
    if (!props.destinations?.length) push({ path: where, field: 'destinations', message: 'must list at least one destination' });
    (props.destinations ?? []).forEach((d, i) => {
      push(checkServer(where, `destinations[${i}].server`, d.server));
      if (d.namespace !== '*') push(checkDnsLabel(where, `destinations[${i}].namespace`, d.namespace));
    });
    problems.push(...checkLabels(where, 'labels', props.labels));
    if (problems.length) throw new ValidationError(problems);

    const clusterResources = props.clusterResources ?? [{ group: '', kind: 'Namespace' }];
    this.apiObject = new AppProject(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: argoNamespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops', ...props.labels },
        ...(wave !== 0 ? { annotations: { [SYNC_WAVE]: String(wave) } } : {}),
      },
      spec: {
        ...(props.description ? { description: props.description } : {}),
        sourceRepos: [...new Set(props.sourceRepos)].sort(),
        destinations: dedupe(props.destinations.map(d => ({ server: d.server, namespace: d.namespace }))),
        clusterResourceWhitelist: clusterResources.map(k => ({ group: k.group, kind: k.kind })),
        ...(props.namespaceResources ? { namespaceResourceWhitelist: props.namespaceResources.map(k => ({ group: k.group, kind: k.kind })) } : {}),
      },
    });
  }
}

function dedupe(ds: ArgoDestination[]): ArgoDestination[] {
  const byKey = new Map(ds.map(d => [`${d.server} ${d.namespace}`, d]));
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);
}
