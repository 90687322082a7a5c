import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ARGOCD_NAMESPACE, SYNC_WAVE, checkGoDuration, checkRepoUrl, checkServer } from './_argo';
import { checkDnsLabel, checkInteger, checkLabels } from './_checks';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { Problem, ValidationError } from '../errors';

/** Where a project's Applications may deploy: a cluster (by name or API server) and a namespace. */
export interface ArgoDestination {
  /**
   * API server of the cluster.
   *
   * @default - none: give `name`
   */
  readonly server?: string;
  /**
   * Name of the cluster in Argo CD.
   *
   * @default - none: give `server`
   */
  readonly name?: string;
  /** Namespace (`*` for any: avoid). */
  readonly namespace: string;
}

/** A resource kind, by API group (`''` for the core group). */
export interface ArgoResourceKind {
  /** API group, `''` for core. */
  readonly group: string;
  /** Kind. */
  readonly kind: string;
  /**
   * Object name (a glob); cluster-scoped allowlists only.
   *
   * @default - every object of the kind
   */
  readonly name?: string;
}

/** What a project role may do to the project's Applications. */
export enum ArgoRoleAction {
  /** See the Applications. */
  GET = 'get',
  /** Sync them. */
  SYNC = 'sync',
  /** Run resource actions (e.g. restart a Deployment). */
  ACTION = 'action/*',
  /** Delete Applications. */
  DELETE = 'delete',
}

/** A role of the project, bound to SSO groups. */
export interface ArgoProjectRole {
  /** Role name (`proj:<project>:<role>` in Argo CD's RBAC). */
  readonly name: string;
  /** SSO (OIDC) groups bound to the role. */
  readonly groups: string[];
  /**
   * What the role may do to every Application of the project.
   *
   * @default [ArgoRoleAction.GET, ArgoRoleAction.SYNC]
   */
  readonly actions?: ArgoRoleAction[];
  /**
   * Description shown in the UI.
   *
   * @default - none
   */
  readonly description?: string;
}

/** Whether a sync window allows or blocks syncs. */
export enum ArgoSyncWindowKind {
  /** Syncs run only inside the window. */
  ALLOW = 'allow',
  /** No (automated) syncs inside the window. */
  DENY = 'deny',
}

/**
 * A time window in which the project's Applications may (or may not) sync,
 * e.g. no prod syncs at night: `{ kind: DENY, schedule: '0 22 * * *', duration: '8h' }`.
 */
export interface ArgoSyncWindow {
  /** Allow or deny. */
  readonly kind: ArgoSyncWindowKind;
  /** Start of the window, a cron expression with five fields. */
  readonly schedule: string;
  /** Length of the window, a Go duration (`8h`, `30m`). */
  readonly duration: string;
  /**
   * Applications it applies to (globs).
   *
   * @default ['*']
   */
  readonly applications?: string[];
  /**
   * Time zone of the schedule (IANA name).
   *
   * @default 'UTC'
   */
  readonly timeZone?: string;
  /**
   * Allow manual syncs inside a deny window.
   *
   * @default false
   */
  readonly manualSync?: boolean;
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
  /**
   * Roles bound to SSO groups.
   *
   * @default - none
   */
  readonly roles?: ArgoProjectRole[];
  /**
   * Sync windows.
   *
   * @default - none: syncs at any time
   */
  readonly syncWindows?: ArgoSyncWindow[];
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
  /** Its destinations. */
  public readonly destinations: readonly ArgoDestination[];
  /** Its source repositories. */
  public readonly sourceRepos: readonly string[];
  /** Cluster-scoped kinds it allows. */
  public readonly clusterResources: readonly ArgoResourceKind[];
  /** Namespaced kinds it allows (undefined: all). */
  public readonly namespaceResources?: readonly ArgoResourceKind[];

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
      if ((d.server === undefined) === (d.name === undefined)) {
        push({ path: where, field: `destinations[${i}]`, message: 'must give exactly one of server and name', value: d });
      }
      if (d.server !== undefined) push(checkServer(where, `destinations[${i}].server`, d.server));
      if (d.name !== undefined) push(checkDnsLabel(where, `destinations[${i}].name`, d.name));
      if (d.namespace !== '*') push(checkDnsLabel(where, `destinations[${i}].namespace`, d.namespace));
    });
    problems.push(...checkLabels(where, 'labels', props.labels));
    const roles = (props.roles ?? []).map((r, i) => {
      push(checkDnsLabel(where, `roles[${i}].name`, r.name));
      if (!r.groups?.length) push({ path: where, field: `roles[${i}].groups`, message: 'must list at least one SSO group', value: r.groups });
      (r.groups ?? []).forEach((g, j) => {
        if (typeof g !== 'string' || !/^[^\s,]+$/.test(g)) push({ path: where, field: `roles[${i}].groups[${j}]`, message: 'must be a group name without whitespace or ","', value: g });
      });
      const actions = r.actions ?? [ArgoRoleAction.GET, ArgoRoleAction.SYNC];
      actions.forEach((a, j) => {
        if (!Object.values(ArgoRoleAction).includes(a)) push({ path: where, field: `roles[${i}].actions[${j}]`, message: `must be one of ${Object.values(ArgoRoleAction).join(', ')}`, value: a });
      });
      return {
        name: r.name,
        ...(r.description ? { description: r.description } : {}),
        groups: [...(r.groups ?? [])],
        policies: actions.map(a => `p, proj:${this.name}:${r.name}, applications, ${a}, ${this.name}/*, allow`),
      };
    });
    const windows = (props.syncWindows ?? []).map((w, i) => {
      if (!Object.values(ArgoSyncWindowKind).includes(w.kind)) {
        push({ path: where, field: `syncWindows[${i}].kind`, message: 'must be ArgoSyncWindowKind.ALLOW or DENY', value: w.kind });
      }
      if (typeof w.schedule !== 'string' || w.schedule.trim().split(/\s+/).length !== 5) {
        push({ path: where, field: `syncWindows[${i}].schedule`, message: 'must be a cron expression with five fields (minute hour day month weekday), e.g. "0 22 * * *"', value: w.schedule });
      }
      push(checkGoDuration(where, `syncWindows[${i}].duration`, w.duration));
      return {
        kind: w.kind,
        schedule: w.schedule,
        duration: w.duration,
        applications: [...(w.applications ?? ['*'])],
        timeZone: w.timeZone ?? 'UTC',
        ...(w.manualSync ? { manualSync: true } : {}),
      };
    });
    if (problems.length) throw new ValidationError(problems);

    const clusterResources = props.clusterResources ?? [{ group: '', kind: 'Namespace' }];
    this.destinations = props.destinations.map(d => ({ ...d }));
    this.sourceRepos = [...props.sourceRepos];
    this.clusterResources = clusterResources.map(k => ({ ...k }));
    this.namespaceResources = props.namespaceResources?.map(k => ({ ...k }));
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
        destinations: dedupe(props.destinations.map(d => ({
          ...(d.name !== undefined ? { name: d.name } : { server: d.server }),
          namespace: d.namespace,
        }))),
        clusterResourceWhitelist: clusterResources.map(k => ({ group: k.group, kind: k.kind, ...(k.name !== undefined ? { name: k.name } : {}) })),
        ...(props.namespaceResources ? { namespaceResourceWhitelist: props.namespaceResources.map(k => ({ group: k.group, kind: k.kind })) } : {}),
        ...(roles.length ? { roles } : {}),
        ...(windows.length ? { syncWindows: windows } : {}),
      },
    });
  }
}

function dedupe(ds: ArgoDestination[]): ArgoDestination[] {
  const byKey = new Map(ds.map(d => [`${d.name ?? ''} ${d.server ?? ''} ${d.namespace}`, d]));
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);
}
