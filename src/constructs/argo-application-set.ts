import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ARGOCD_NAMESPACE, ARGO_API_VERSION, RENDERED_BRANCH, checkRepoUrl, checkServer, resolveSync } from './_argo';
import { checkDnsLabel, checkLabels } from './_checks';
import { ArgoSyncOptions } from './argo-sync';
import { Problem, ValidationError } from '../errors';

/** One environment an ApplicationSet generates Applications for. */
export interface ArgoApplicationSetEnvironment {
  /** Environment name: its folder on the branch. */
  readonly name: string;
  /**
   * API server of its cluster (environments without Clusters).
   *
   * @default - none: give `clusters`
   */
  readonly server?: string;
  /**
   * Names of its clusters in Argo CD (targeted by name).
   *
   * @default - none: give `server`
   */
  readonly clusters?: string[];
  /**
   * Labels selecting its clusters in Argo CD (the cluster generator's
   * `matchLabels`); required with several clusters, whose apps are in
   * `<env>/<cluster>/<app>` folders.
   *
   * @default - none
   */
  readonly clusterSelector?: Record<string, string>;
  /** Namespace its apps deploy to. */
  readonly namespace: string;
  /** AppProject of its Applications. */
  readonly project: string;
}

/** Props of `ArgoApplicationSet`. */
export interface ArgoApplicationSetProps extends ArgoSyncOptions {
  /** Git URL of the repository holding the rendered branch, without credentials. */
  readonly repoURL: string;
  /** The environments; every folder `<env>/<app>` on the branch becomes an Application `<app>-<env>`. */
  readonly environments: ArgoApplicationSetEnvironment[];
  /**
   * Branch Argo CD watches (and scans for app folders).
   *
   * @default 'rendered-manifests'
   */
  readonly targetRevision?: string;
  /**
   * Name of the ApplicationSet.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace the ApplicationSet lives in (where Argo CD runs).
   *
   * @default - the chart's namespace, else 'argocd'
   */
  readonly argoNamespace?: string;
  /**
   * Labels of the ApplicationSet and of the Applications it generates.
   *
   * @default - `app.kubernetes.io/managed-by: cdk8s-gitops`
   */
  readonly labels?: Record<string, string>;
  /**
   * Prefix of the generated Application names (a team's `<team>-`).
   *
   * @default - none
   */
  readonly namePrefix?: string;
}

/**
 * One Argo CD `ApplicationSet` generating the Applications instead of one
 * rendered Application per app: a matrix of a list generator (the
 * environments with their cluster, namespace and project) and a git
 * directory generator (`<env>/*` on the rendered branch). Each folder
 * `<env>/<app>` becomes an Application `<app>-<env>` with the same sync
 * policy an `ArgoApplication` would have. Adding an app needs no change here.
 *
 * The ApplicationSet CRD is not imported (its generated code is 3.3 MB);
 * this renders the small, schema-checked part of its spec by hand.
 */
export class ArgoApplicationSet extends Construct {
  /** The ApplicationSet name. */
  public readonly name: string;
  /** The ApplicationSet object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoApplicationSetProps) {
    super(scope, id);
    const where = this.node.path;
    this.name = props.name ?? id;
    const argoNamespace = props.argoNamespace ?? Chart.of(this).namespace ?? ARGOCD_NAMESPACE;
    const targetRevision = props.targetRevision ?? RENDERED_BRANCH;
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    push(checkDnsLabel(where, 'name', this.name, 253));
    push(checkDnsLabel(where, 'argoNamespace', argoNamespace));
    push(checkRepoUrl(where, 'repoURL', props.repoURL));
    if (!/^\S+$/.test(targetRevision)) push({ path: where, field: 'targetRevision', message: 'must be a branch, tag or commit without whitespace', value: targetRevision });
    if (!props.environments?.length) push({ path: where, field: 'environments', message: 'must list at least one environment' });
    const seen = new Set<string>();
    const clustered = (props.environments ?? []).some(e => e.clusters !== undefined);
    (props.environments ?? []).forEach((e, i) => {
      push(checkDnsLabel(where, `environments[${i}].name`, e.name));
      if (clustered) {
        if (!e.clusters?.length || e.server !== undefined) push({ path: where, field: `environments[${i}].clusters`, message: 'must list the cluster names, without server, when any environment does (one template targets clusters by name)', value: e.clusters });
        (e.clusters ?? []).forEach((c, j) => push(checkDnsLabel(where, `environments[${i}].clusters[${j}]`, c)));
        if ((e.clusters?.length ?? 0) > 1) {
          if (!Object.keys(e.clusterSelector ?? {}).length) push({ path: where, field: `environments[${i}].clusterSelector`, message: 'is required with several clusters: the labels the cluster generator selects them by' });
          problems.push(...checkLabels(where, `environments[${i}].clusterSelector`, e.clusterSelector));
        }
      } else {
        push(checkServer(where, `environments[${i}].server`, e.server));
      }
      push(checkDnsLabel(where, `environments[${i}].namespace`, e.namespace));
      push(checkDnsLabel(where, `environments[${i}].project`, e.project, 253));
      if (seen.has(e.name)) push({ path: where, field: `environments[${i}].name`, message: 'is listed twice', value: e.name });
      seen.add(e.name);
    });
    problems.push(...checkLabels(where, 'labels', props.labels));
    const { sync, problems: syncProblems } = resolveSync(where, props);
    problems.push(...syncProblems);
    if (props.namePrefix !== undefined && !/^[a-z0-9]+-$/.test(props.namePrefix)) push({ path: where, field: 'namePrefix', message: 'must be lowercase letters and digits ending in "-"', value: props.namePrefix });
    if (problems.length) throw new ValidationError(problems);

    const labels = { 'app.kubernetes.io/managed-by': 'cdk8s-gitops', ...props.labels };
    const sorted = [...props.environments].sort((a, b) => (a.name < b.name ? -1 : 1));
    const prefix = props.namePrefix ?? '';
    const git = (path: string) => ({ git: { repoURL: props.repoURL, revision: targetRevision, directories: [{ path }] } });
    let generators: unknown[];
    let metadataName: string;
    let destination: Record<string, string>;
    let project: string;
    if (!clustered) {
      const elements = sorted.map(e => ({ env: e.name, server: e.server, namespace: e.namespace, project: e.project }));
      generators = [{ matrix: { generators: [{ list: { elements } }, git('{{ .env }}/*')] } }];
      metadataName = `${prefix}{{ .path.basename }}-{{ .env }}`;
      destination = { server: '{{ .server }}', namespace: '{{ .namespace }}' };
      project = '{{ .project }}';
    } else {
      // One template for both generator shapes: the cluster generator's
      // parameters (.name, .values.*), mimicked by the list elements.
      const values = (e: ArgoApplicationSetEnvironment, suffix: string) => ({ env: e.name, namespace: e.namespace, project: e.project, suffix });
      const single = sorted.filter(e => e.clusters!.length === 1);
      generators = [
        ...(single.length ? [{ matrix: { generators: [{ list: { elements: single.map(e => ({ name: e.clusters![0], values: values(e, '') })) } }, git('{{ .values.env }}/*')] } }] : []),
        ...sorted.filter(e => e.clusters!.length > 1).map(e => ({
          matrix: {
            generators: [
              { clusters: { selector: { matchLabels: sortRecord(e.clusterSelector!) }, values: values(e, '-{{ .name }}') } },
              git(`${e.name}/{{ .name }}/*`),
            ],
          },
        })),
      ];
      metadataName = `${prefix}{{ .path.basename }}-{{ .values.env }}{{ .values.suffix }}`;
      destination = { name: '{{ .name }}', namespace: '{{ .values.namespace }}' };
      project = '{{ .values.project }}';
    }
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: ARGO_API_VERSION,
      kind: 'ApplicationSet',
      metadata: { name: this.name, namespace: argoNamespace, labels },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators,
        template: {
          metadata: {
            name: metadataName,
            labels,
            ...(sync.finalizers ? { finalizers: sync.finalizers } : {}),
          },
          spec: {
            project,
            source: { repoURL: props.repoURL, targetRevision, path: '{{ .path.path }}' },
            destination,
            ...(Object.keys(sync.syncPolicy).length ? { syncPolicy: sync.syncPolicy } : {}),
          },
        },
      },
    });
  }
}

function sortRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
}
