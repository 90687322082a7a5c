import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  ARGOCD_NAMESPACE, IN_CLUSTER, RENDERED_BRANCH, SYNC_WAVE,
  checkRepoUrl, checkServer, checkSourcePath, isAppChart, resolveSync, syncWaveOf, validationMessage,
} from './_argo';
import { checkAnnotations, checkDnsLabel, checkInteger, checkLabels } from './_checks';
import { treeConstructs } from './_tree-walk';
import { AppChart } from './app-chart';
import { ArgoSyncOptions } from './argo-sync';
import { GitOpsChart } from './gitops-chart';
import { Application, ApplicationProps } from '../../imports/argocd-application-argoproj.io';
import { Problem, ValidationError } from '../errors';

/** Props of `ArgoApplication`. Every sync default is in `ArgoSyncOptions`. */
export interface ArgoApplicationProps extends ArgoSyncOptions {
  /** Git URL of the repository holding the rendered branch, without credentials. */
  readonly repoURL: string;
  /**
   * The app it deploys: gives the default name, path and destination.
   *
   * @default - none: give `name` and `path` (and usually `namespace`)
   */
  readonly app?: AppChart;
  /**
   * Name of the Application. `<app>-<env>` is also the WebService's
   * `app.kubernetes.io/instance` label, which Argo CD's label tracking uses.
   *
   * @default - `<app>-<env>` of `app`
   */
  readonly name?: string;
  /**
   * Folder of the branch Argo CD syncs.
   *
   * @default - the app's folder, `<env>/<app>`
   */
  readonly path?: string;
  /**
   * Branch (or tag, or commit) Argo CD watches.
   *
   * @default 'rendered-manifests'
   */
  readonly targetRevision?: string;
  /**
   * The Argo CD project (`AppProject`) the Application belongs to.
   *
   * @default 'default'
   */
  readonly project?: string;
  /**
   * API server of the destination cluster.
   *
   * @default - the app's `Environment.server`, else 'https://kubernetes.default.svc'
   */
  readonly server?: string;
  /**
   * Name of the destination cluster in Argo CD (`spec.destination.name`),
   * instead of `server`.
   *
   * @default - the name of the app's Cluster, if its environment has Clusters; else none (`server` is used)
   */
  readonly clusterName?: string;
  /**
   * Destination namespace.
   *
   * @default - the app's `Environment.namespace`, else none (the objects carry theirs)
   */
  readonly namespace?: string;
  /**
   * Namespace the Application object itself lives in (where Argo CD runs).
   *
   * @default - the chart's namespace, else 'argocd'
   */
  readonly argoNamespace?: string;
  /**
   * Sync wave (`argocd.argoproj.io/sync-wave`) among the root app's objects.
   *
   * @default - the app's depth in the dependency graph of AppCharts
   * (`appChart.addDependency(other)`): 0 without dependencies
   */
  readonly syncWave?: number;
  /**
   * Check at synth that `path` is a folder rendered by this GitOpsApp.
   *
   * @default true
   */
  readonly checkPath?: boolean;
  /**
   * Labels of the Application object.
   *
   * @default - `app.kubernetes.io/managed-by: cdk8s-gitops`
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the Application object.
   *
   * @default - the sync wave, if not 0
   */
  readonly annotations?: Record<string, string>;
}

/**
 * The Application object of an `ArgoApplication`: its JSON carries the sync
 * wave annotation, read from the owner when rendered. One class for every
 * Application (a class per instance would give V8 a new shape each time).
 */
class WavedApplication extends Application {
  constructor(private readonly owner: ArgoApplication, id: string, props: ApplicationProps) {
    super(owner, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    const wave = this.owner.syncWave;
    if (wave !== 0 && !json.metadata.annotations?.[SYNC_WAVE]) {
      json.metadata.annotations = sortRecord({ ...json.metadata.annotations, [SYNC_WAVE]: String(wave) });
    }
    return json;
  }
}

/**
 * An Argo CD `Application` that syncs one folder of the rendered branch
 * (`<env>/<app>`) to its environment's cluster and namespace, with safe sync
 * defaults. Usually created by `ArgoCd`, one per AppChart.
 *
 * Checked at synth: the path is rendered by an AppChart, and no two
 * Applications share a name or a path.
 */
export class ArgoApplication extends Construct {
  /** Returns true if `x` is an ArgoApplication. */
  public static isArgoApplication(x: unknown): x is ArgoApplication {
    return x instanceof ArgoApplication;
  }

  /** The Application name. */
  public readonly name: string;
  /** Namespace of the Application object. */
  public readonly argoNamespace: string;
  /** The repository URL. */
  public readonly repoURL: string;
  /** The watched revision. */
  public readonly targetRevision: string;
  /** The synced folder of the branch. */
  public readonly path: string;
  /** The app it deploys, if given. */
  public readonly app?: AppChart;
  /** The AppProject it belongs to. */
  public readonly project: string;
  /** `spec.destination`: the cluster (by name or server) and namespace. */
  public readonly destination: { readonly name?: string; readonly server?: string; readonly namespace?: string };
  /** The Application object. */
  public readonly apiObject: Application;
  private readonly explicitWave?: number;

  constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    super(scope, id);
    const where = this.node.path;
    const app = props.app;
    const env = app?.environment;
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    if (app !== undefined && !isAppChart(app)) push({ path: where, field: 'app', message: 'must be an AppChart', value: String(app) });

    this.app = app;
    this.name = props.name ?? (app ? `${app.appName}-${env!.envName}` : '');
    this.path = props.path ?? app?.folder ?? '';
    this.repoURL = props.repoURL;
    this.targetRevision = props.targetRevision ?? RENDERED_BRANCH;
    this.argoNamespace = props.argoNamespace ?? Chart.of(this).namespace ?? ARGOCD_NAMESPACE;
    this.explicitWave = props.syncWave;
    const project = props.project ?? 'default';
    const clusterName = props.clusterName ?? (props.server === undefined ? env?.cluster?.clusterName : undefined);
    const server = props.server ?? env?.server ?? IN_CLUSTER;
    const namespace = props.namespace ?? env?.namespace;
    this.project = project;
    this.destination = { ...(clusterName !== undefined ? { name: clusterName } : { server }), ...(namespace !== undefined ? { namespace } : {}) };

    if (!props.name && !app) push({ path: where, field: 'name', message: 'is required when no app is given' });
    else push(checkDnsLabel(where, 'name', this.name));
    if (props.path === undefined && !app) push({ path: where, field: 'path', message: 'is required when no app is given' });
    else push(checkSourcePath(where, 'path', this.path));
    push(checkRepoUrl(where, 'repoURL', props.repoURL));
    if (typeof this.targetRevision !== 'string' || !/^\S+$/.test(this.targetRevision)) {
      push({ path: where, field: 'targetRevision', message: 'must be a branch, tag or commit without whitespace', value: this.targetRevision });
    }
    push(checkDnsLabel(where, 'project', project, 253));
    if (clusterName !== undefined) {
      push(checkDnsLabel(where, 'clusterName', clusterName));
      if (props.server !== undefined) push({ path: where, field: 'server', message: 'cannot be given with clusterName: Argo CD takes one of the two', value: props.server });
    } else {
      push(checkServer(where, 'server', server));
    }
    if (namespace !== undefined) push(checkDnsLabel(where, 'namespace', namespace));
    push(checkDnsLabel(where, 'argoNamespace', this.argoNamespace));
    if (props.syncWave !== undefined) push(checkInteger(where, 'syncWave', props.syncWave, -1000, 1000));
    problems.push(...checkLabels(where, 'labels', props.labels));
    problems.push(...checkAnnotations(where, 'annotations', props.annotations));
    const { sync, problems: syncProblems } = resolveSync(where, props);
    problems.push(...syncProblems);
    if (problems.length) throw new ValidationError(problems);

    const spec: ApplicationProps['spec'] = {
      project,
      source: { repoUrl: this.repoURL, targetRevision: this.targetRevision, path: this.path },
      destination: { ...this.destination },
      ...(Object.keys(sync.syncPolicy).length ? { syncPolicy: sync.syncPolicy } : {}),
    };
    this.apiObject = new WavedApplication(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.argoNamespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops', ...props.labels },
        ...(props.annotations ? { annotations: { ...props.annotations } } : {}),
        ...(sync.finalizers ? { finalizers: sync.finalizers } : {}),
      },
      spec,
    });

    registerIndexer(this.node.root);
    this.node.addValidation({ validate: () => this.validateTree(props.checkPath ?? true) });
  }

  /**
   * The sync wave: the explicit one, else the app's depth in the AppChart
   * dependency graph (0 on a cycle, which validation reports).
   */
  public get syncWave(): number {
    if (this.explicitWave !== undefined) return this.explicitWave;
    if (!this.app) return 0;
    const result = syncWaveOf(this.app);
    return 'wave' in result ? result.wave : 0;
  }

  private validateTree(checkPath: boolean): string[] {
    const errors: string[] = [];
    const index = argoIndex(this.node.root);
    if (checkPath && !index.folders.has(this.path)) {
      errors.push(validationMessage('spec.source.path', `is not a folder of the rendered tree: no AppChart renders to it (app folders: ${index.appFolders.join(', ') || 'none'})`, this.path));
    }
    const sameName = index.firstByName.get(`${this.argoNamespace}/${this.name}`);
    if (sameName && sameName !== this) {
      errors.push(validationMessage('metadata.name', `is the name of ${sameName.node.path} too: Application names must be unique in namespace ${this.argoNamespace}`, this.name));
    }
    const samePath = index.firstBySource.get(`${this.repoURL}\n${this.targetRevision}\n${this.path}`);
    if (samePath && samePath !== this) {
      errors.push(validationMessage('spec.source.path', `is synced by ${samePath.node.path} too: two Applications must never sync the same folder (they would fight over its objects)`, this.path));
    }
    if (this.app && this.explicitWave === undefined) {
      const result = syncWaveOf(this.app);
      if ('cycle' in result && result.cycle.includes(this.app.node.path)) {
        errors.push(validationMessage('dependencies', `form a cycle: ${result.cycle.join(' -> ')}; sync waves need an order, remove one addDependency`));
      }
    }
    return errors;
  }
}

/** What the uniqueness and path checks need of the whole tree, built once per validation pass. */
interface ArgoIndex {
  readonly folders: ReadonlySet<string>;
  readonly appFolders: readonly string[];
  readonly firstByName: ReadonlyMap<string, ArgoApplication>;
  readonly firstBySource: ReadonlyMap<string, ArgoApplication>;
}

const INDEXES = new WeakMap<IConstruct, ArgoIndex>();
const INDEXED_ROOTS = new WeakSet<IConstruct>();

/**
 * Makes the root rebuild the index at the start of every validation pass
 * (validations run root first), so N Applications cost one tree walk, not N.
 */
function registerIndexer(root: IConstruct): void {
  if (INDEXED_ROOTS.has(root)) return;
  INDEXED_ROOTS.add(root);
  root.node.addValidation({ validate: () => { INDEXES.set(root, buildIndex(root)); return []; } });
}

function argoIndex(root: IConstruct): ArgoIndex {
  let index = INDEXES.get(root);
  if (!index) {
    index = buildIndex(root);
    INDEXES.set(root, index);
  }
  return index;
}

function buildIndex(root: IConstruct): ArgoIndex {
  const folders = new Set<string>();
  const appFolders: string[] = [];
  const firstByName = new Map<string, ArgoApplication>();
  const firstBySource = new Map<string, ArgoApplication>();
  for (const c of treeConstructs(root)) {
    if (GitOpsChart.isGitOpsChart(c)) folders.add(c.folder);
    if (isAppChart(c)) appFolders.push(c.folder);
    if (ArgoApplication.isArgoApplication(c)) {
      const name = `${c.argoNamespace}/${c.name}`;
      const source = `${c.repoURL}\n${c.targetRevision}\n${c.path}`;
      if (!firstByName.has(name)) firstByName.set(name, c);
      if (!firstBySource.has(source)) firstBySource.set(source, c);
    }
  }
  return { folders, appFolders: appFolders.sort(), firstByName, firstBySource };
}

function sortRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
}
