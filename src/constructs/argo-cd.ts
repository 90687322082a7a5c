import { App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ARGOCD_NAMESPACE, IN_CLUSTER, RENDERED_BRANCH, appDependencies, checkRepoUrl, isAppChart, validationMessage } from './_argo';
import { chartObjectFacts } from './_chart-objects';
import { checkDnsLabel } from './_checks';
import { walkTree } from './_deferred';
import { isDestinationPermitted, isResourcePermitted } from './_project-rules';
import { CLUSTER_SCOPED_KINDS, argoName } from './_tenancy';
import { treeConstructs } from './_tree-walk';
import { AppChart } from './app-chart';
import { ArgoApplication } from './argo-application';
import { ArgoApplicationSet, ArgoApplicationSetEnvironment } from './argo-application-set';
import { ArgoProject, ArgoProjectRole, ArgoResourceKind, ArgoSyncWindow } from './argo-project';
import { ArgoSyncOptions } from './argo-sync';
import { Cluster } from './cluster';
import { Environment } from './environment';
import { GitOpsApp } from './gitops-app';
import { GitOpsChart } from './gitops-chart';
import { ManagedNamespace } from './managed-namespace';
import { Problem, ValidationError } from '../errors';
import { toYaml } from '../yaml';

/** How `ArgoCd` creates the Applications. */
export enum ArgoMode {
  /** One rendered Application per AppChart (per-app overrides and sync waves). */
  APPLICATIONS = 'applications',
  /**
   * One ApplicationSet generating an Application per `<env>/<app>` folder of
   * the branch: for many apps and clusters, Argo CD does the fan-out.
   */
  APPLICATION_SET = 'application-set',
}

/** What an environment's AppProject carries besides the fence `ArgoCd` derives from the environment. */
export interface ArgoProjectOptions {
  /**
   * Roles bound to SSO groups (e.g. the team's developers may get and sync).
   *
   * @default - none
   */
  readonly roles?: ArgoProjectRole[];
  /**
   * Sync windows (e.g. no prod syncs at night).
   *
   * @default - none
   */
  readonly syncWindows?: ArgoSyncWindow[];
  /**
   * Cluster-scoped kinds allowed besides the environment's own Namespace (an explicit allowlist).
   *
   * @default - none
   */
  readonly clusterResources?: ArgoResourceKind[];
}

/** Props of `ArgoCd`. */
export interface ArgoCdProps {
  /** Git URL of the repository holding the rendered branch, without credentials (use a repository Secret). */
  readonly repoURL: string;
  /**
   * Branch Argo CD watches.
   *
   * @default 'rendered-manifests'
   */
  readonly targetRevision?: string;
  /**
   * Applications per AppChart, or one ApplicationSet.
   *
   * @default ArgoMode.APPLICATIONS
   */
  readonly mode?: ArgoMode;
  /**
   * Namespace Argo CD runs in (where Applications and AppProjects live).
   *
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Folder of the rendered tree holding the Argo CD objects (what the root app syncs).
   *
   * @default 'argocd'
   */
  readonly folder?: string;
  /**
   * Sync options of every Application.
   *
   * @default - the `ArgoSyncOptions` defaults
   */
  readonly sync?: ArgoSyncOptions;
  /**
   * Per-Application sync options, keyed by Application name (`<app>-<env>`),
   * merged over `sync`. APPLICATIONS mode only.
   *
   * @default - none
   */
  readonly applications?: Record<string, ArgoSyncOptions>;
  /**
   * Create an Application for every AppChart that exists when this construct
   * is created. With `false`, call `addApplication` for each.
   *
   * @default true
   */
  readonly discover?: boolean;
  /**
   * Name of the root Application and its AppProject (`bootstrapManifest()`).
   *
   * @default 'root'
   */
  readonly rootName?: string;
  /**
   * Name of the ApplicationSet (APPLICATION_SET mode), after the team prefix.
   *
   * @default 'apps'
   */
  readonly applicationSetName?: string;
  /**
   * Roles, sync windows and extra cluster-scoped kinds of every AppProject.
   *
   * @default - none
   */
  readonly project?: ArgoProjectOptions;
  /**
   * The same per environment (keyed by environment name), added to `project`'s.
   *
   * @default - none
   */
  readonly projects?: Record<string, ArgoProjectOptions>;
}

/**
 * Argo CD wiring of a GitOpsApp, rendered to its own folder (`argocd/`) of
 * the branch: an `AppProject` per environment (only this repository, only the
 * environment's clusters and namespace) and an `Application` per AppChart
 * and rendered namespace (or one `ApplicationSet`). Create it after the apps.
 * A person applies `bootstrapManifest()` once; from then on Argo CD syncs
 * `argocd/` itself. With a team (`GitOpsApp({ team })`), every name is
 * prefixed with it, so many teams share one Argo CD.
 */
export class ArgoCd extends GitOpsChart {
  /** The repository URL. */
  public readonly repoURL: string;
  /** The watched branch. */
  public readonly targetRevision: string;
  /** Argo CD's namespace. */
  public readonly argoNamespace: string;
  /** The mode. */
  public readonly mode: ArgoMode;
  /** The ApplicationSet (APPLICATION_SET mode; the first, with environments of several teams). */
  public readonly applicationSet?: ArgoApplicationSet;
  /** The team of the GitOpsApp, if any: the prefix of the root and ApplicationSet names. */
  public readonly team?: string;
  private readonly rootName: string;
  private readonly projectOptions: ArgoProjectOptions;
  private readonly perProject: Record<string, ArgoProjectOptions>;
  private readonly namespaceApps = new Map<ManagedNamespace, ArgoApplication>();
  /** Environments whose AppProject failed (reported once). */
  private readonly failedProjects = new Set<Environment>();
  private readonly sync: ArgoSyncOptions;
  private readonly overrides: Record<string, ArgoSyncOptions>;
  private readonly discover: boolean;
  private readonly projects = new Map<Environment, ArgoProject>();
  private readonly applications = new Map<AppChart, ArgoApplication>();
  /** Application name → the app or namespace it syncs (one lookup per added Application, not a scan). */
  private readonly applicationNames = new Map<string, AppChart | ManagedNamespace>();

  constructor(scope: Construct, id: string, props: ArgoCdProps) {
    const where = scope.node.path ? `${scope.node.path}/${id}` : id;
    const argoNamespace = props.namespace ?? ARGOCD_NAMESPACE;
    const team = GitOpsApp.find(scope)?.team;
    const rootName = argoName(where, 'root Application', team, [props.rootName ?? 'root']).name;
    const mode = props.mode ?? ArgoMode.APPLICATIONS;
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    push(checkRepoUrl(where, 'repoURL', props.repoURL));
    push(checkDnsLabel(where, 'namespace', argoNamespace));
    push(checkDnsLabel(where, 'rootName', rootName));
    if (!Object.values(ArgoMode).includes(mode)) push({ path: where, field: 'mode', message: `must be one of ${Object.values(ArgoMode).join(', ')}`, value: mode });
    if (mode === ArgoMode.APPLICATION_SET && Object.keys(props.applications ?? {}).length) {
      push({ path: where, field: 'applications', message: 'per-Application options need mode ArgoMode.APPLICATIONS (an ApplicationSet has one template for all)', value: Object.keys(props.applications!) });
    }
    if (problems.length) throw new ValidationError(problems);
    super(scope, id, { folder: props.folder ?? 'argocd', namespace: argoNamespace, destination: IN_CLUSTER });
    this.team = team;
    this.projectOptions = { ...props.project };
    this.perProject = { ...props.projects };
    this.repoURL = props.repoURL;
    this.targetRevision = props.targetRevision ?? RENDERED_BRANCH;
    this.argoNamespace = argoNamespace;
    this.mode = mode;
    this.rootName = rootName;
    this.sync = { ...props.sync };
    this.overrides = { ...props.applications };
    this.discover = props.discover ?? true;

    const all = walkTree(this.node.root);
    const apps = this.discover ? all.filter(isAppChart) : [];
    const namespaces = this.discover ? all.filter(ManagedNamespace.isManagedNamespace) : [];
    const problems2: Problem[] = [];
    if (mode === ArgoMode.APPLICATIONS) {
      for (const ns of namespaces) this.collect(problems2, () => this.addNamespaceApplication(ns));
      for (const app of apps) this.collect(problems2, () => this.addApplication(app));
    } else {
      const allEnvs = all.filter((c): c is Environment => c instanceof Environment && !c.parentEnvironment);
      const envs = [...new Set([...allEnvs, ...apps.map(a => a.environment.rootEnvironment)])];
      const byTeam = new Map<string | undefined, Environment[]>();
      for (const env of envs) byTeam.set(env.team, [...(byTeam.get(env.team) ?? []), env]);
      const sets: ArgoApplicationSet[] = [];
      for (const [envTeam, teamEnvs] of [...byTeam].sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1))) {
        const named = argoName(where, 'ApplicationSet', envTeam, [props.applicationSetName ?? 'apps']);
        if (named.problem) problems2.push(named.problem);
        const clustered = teamEnvs.some(e => e.clusters.length > 0);
        const mixed = clustered && teamEnvs.some(e => e.clusters.length === 0);
        if (mixed) {
          problems2.push({ path: where, field: 'mode', message: `is an ApplicationSet, whose one template targets clusters either by name or by server: give every environment clusters, or none (without: ${teamEnvs.filter(e => !e.clusters.length).map(e => e.node.path).join(', ')})`, value: mode });
          continue;
        }
        const environments: ArgoApplicationSetEnvironment[] = [];
        for (const env of teamEnvs) {
          this.collect(problems2, () => environments.push({
            name: env.envName,
            namespace: env.namespace,
            project: this.projectFor(env).name,
            ...(clustered ? { clusters: env.clusters.map(c => c.clusterName) } : { server: env.server }),
            ...(env.clusters.length > 1 ? { clusterSelector: clusterSelector(env, all) } : {}),
          }));
        }
        if (problems2.length) continue;
        sets.push(new ArgoApplicationSet(this, envTeam && byTeam.size > 1 ? `ApplicationSet-${envTeam}` : 'ApplicationSet', {
          ...this.sync,
          name: named.name,
          repoURL: this.repoURL,
          targetRevision: this.targetRevision,
          namePrefix: envTeam ? `${envTeam}-` : undefined,
          environments,
        }));
      }
      this.applicationSet = sets[0];
    }
    if (problems2.length) throw new ValidationError(problems2);
    this.node.addValidation({ validate: () => this.validateWiring() });
  }

  /**
   * Creates the Application of `app` (and its environment's AppProject if
   * missing), with `options` over the `sync` props. APPLICATIONS mode only.
   */
  public addApplication(app: AppChart, options: ArgoSyncOptions = {}): ArgoApplication {
    const existing = this.applications.get(app);
    if (existing || this.mode !== ArgoMode.APPLICATIONS) {
      throw new ValidationError([{
        path: this.node.path,
        field: 'applications',
        message: existing
          ? `has an Application for ${app.node.path} already (${existing.node.path})`
          : 'addApplication needs mode ArgoMode.APPLICATIONS: the ApplicationSet generates every Application',
        value: app.folder,
      }]);
    }
    const env = app.environment;
    const { name, problem } = argoName(app.node.path, 'Application', env.team, [app.appName, env.envName, ...(env.parentEnvironment ? [env.cluster!.clusterName] : [])]);
    if (problem) throw new ValidationError([problem]);
    this.checkUnusedName(app.node.path, name);
    const application = new ArgoApplication(this, name, {
      ...this.sync,
      ...this.overrides[name],
      ...options,
      app,
      name,
      repoURL: this.repoURL,
      targetRevision: this.targetRevision,
      project: this.projectFor(env).name,
    });
    this.applications.set(app, application);
    this.applicationNames.set(application.name, app);
    return application;
  }

  /**
   * Creates the Application syncing a rendered namespace (`<env>[/<cluster>]/namespace`),
   * in sync wave -1 so namespaces exist before the apps. APPLICATIONS mode only.
   */
  public addNamespaceApplication(ns: ManagedNamespace): ArgoApplication {
    const env = Environment.of(ns);
    const { name, problem } = argoName(ns.node.path, 'Application', env.team, ['namespace', env.envName, ...(env.parentEnvironment ? [env.cluster!.clusterName] : [])]);
    if (problem) throw new ValidationError([problem]);
    this.checkUnusedName(ns.node.path, name);
    const application = new ArgoApplication(this, name, {
      ...this.sync,
      ...this.overrides[name],
      name,
      path: ns.folder,
      repoURL: this.repoURL,
      targetRevision: this.targetRevision,
      project: this.projectFor(env).name,
      ...(env.cluster ? { clusterName: env.cluster.clusterName } : { server: env.server }),
      namespace: env.namespace,
      syncWave: -1,
    });
    this.namespaceApps.set(ns, application);
    this.applicationNames.set(application.name, ns);
    return application;
  }

  /** The Application of `app`, if any. */
  public applicationFor(app: AppChart): ArgoApplication | undefined {
    return this.applications.get(app);
  }

  /**
   * The AppProject of `env` (of its top environment, for a cluster child;
   * created on first use): only this repository, only the environment's
   * clusters and namespace; with a team or a rendered namespace, no
   * cluster-scoped kind but that Namespace unless allowed explicitly.
   */
  public projectFor(env: Environment): ArgoProject {
    const top = env.rootEnvironment;
    let project = this.projects.get(top);
    if (this.failedProjects.has(top)) throw new ValidationError([]);
    if (!project) {
      this.failedProjects.add(top);
      const { name, problem } = argoName(top.node.path, 'AppProject', top.team, [top.envName]);
      if (problem) throw new ValidationError([problem]);
      const options = [this.projectOptions, this.perProject[top.envName] ?? {}];
      const fenced = top.team !== undefined || top.targets.some(t => t.managedNamespace);
      const extra = options.flatMap(o => o.clusterResources ?? []);
      project = new ArgoProject(this, `project-${top.envName}`, {
        name,
        description: `${top.team ? `Team ${top.team}: apps` : 'Apps'} of the ${top.envName} environment, rendered by cdk8s-gitops`,
        sourceRepos: [this.repoURL],
        destinations: top.clusters.length
          ? top.clusters.map(c => ({ name: c.clusterName, namespace: top.namespace }))
          : [{ server: top.server, namespace: top.namespace }],
        ...(fenced || extra.length ? { clusterResources: [{ group: '', kind: 'Namespace', ...(fenced ? { name: top.namespace } : {}) }, ...extra] } : {}),
        roles: options.flatMap(o => o.roles ?? []),
        syncWindows: options.flatMap(o => o.syncWindows ?? []),
      });
      this.failedProjects.delete(top);
      this.projects.set(top, project);
    }
    return project;
  }

  /**
   * The bootstrap manifest a person applies once (`kubectl apply -n argocd -f`):
   * a root AppProject that may only manage Argo CD objects in Argo CD's
   * namespace, and the root "app of apps" Application syncing this chart's
   * folder. It is not part of the rendered tree, so the root app never
   * manages itself; commit it in the source repository (e.g.
   * `bootstrap/root-application.yaml`).
   */
  public bootstrapManifest(): string {
    const chart = new Chart(new App({ outdir: '.cdk8s-bootstrap' }), 'bootstrap', { namespace: this.argoNamespace });
    const project = new ArgoProject(chart, 'project', {
      name: this.rootName,
      description: 'The root app: Argo CD Applications and AppProjects rendered by cdk8s-gitops',
      sourceRepos: [this.repoURL],
      destinations: [{ server: IN_CLUSTER, namespace: this.argoNamespace }],
      clusterResources: [],
      namespaceResources: ['Application', 'AppProject', 'ApplicationSet'].map(kind => ({ group: 'argoproj.io', kind })),
      syncWave: 0,
    });
    const root = new ArgoApplication(chart, 'root', {
      name: this.rootName,
      repoURL: this.repoURL,
      targetRevision: this.targetRevision,
      path: this.folder,
      project: project.name,
      server: IN_CLUSTER,
      namespace: this.argoNamespace,
      syncOptions: [],
      checkPath: false,
    });
    const header = [
      '# Generated by cdk8s-gitops (ArgoCd.bootstrapManifest()). Apply once:',
      `#   kubectl apply -n ${this.argoNamespace} -f <this file>`,
      `# Argo CD then syncs ${this.folder}/ of ${this.targetRevision} (the Applications) by itself.`,
      '',
    ].join('\n');
    return header + [project.apiObject.toJson(), root.apiObject.toJson()].map(o => `---\n${toYaml(o)}`).join('');
  }

  /** Two Argo CD Applications with one name would overwrite each other: refused, naming both. */
  private checkUnusedName(path: string, name: string): void {
    const other = this.applicationNames.get(name);
    if (other) {
      throw new ValidationError([{
        path,
        field: 'name',
        message: `makes the Argo CD Application name of ${other.node.path} too: names are "<app>-<env>" joined with "-", so rename the app or environment (e.g. no app "a-b" in env "c" beside app "a" in env "b-c")`,
        value: name,
      }]);
    }
  }

  private collect(problems: Problem[], fn: () => unknown): void {
    try {
      fn();
    } catch (e) {
      if (e instanceof ValidationError) problems.push(...e.problems);
      else throw e;
    }
  }

  private validateWiring(): string[] {
    const errors: string[] = [];
    const parts = treeParts(treeConstructs(this.node.root));
    const apps = parts.apps;
    errors.push(...this.validateProjects(parts));
    for (const env of parts.environments) {
      if (env.envName === this.folder.split('/')[0]) {
        errors.push(validationMessage('folder', `is also the folder of the environment ${env.node.path}: rename one`, this.folder));
      }
    }
    if (this.mode === ArgoMode.APPLICATIONS) {
      if (this.discover) {
        for (const ns of parts.namespaces.filter(n => !this.namespaceApps.has(n))) {
          errors.push(validationMessage('applications', `has no Application for the namespace ${ns.node.path} (folder ${ns.folder}): its environment was created after the ArgoCd construct; create ArgoCd last or call argocd.addNamespaceApplication(ns)`, ns.folder));
        }
        for (const app of apps.filter(a => !this.applications.has(a))) {
          errors.push(validationMessage('applications', `has no Application for ${app.node.path} (folder ${app.folder}): it was created after the ArgoCd construct; create ArgoCd last or call argocd.addApplication(app)`, app.folder));
        }
      }
      const names = new Set([...this.applications.values()].map(a => a.name));
      for (const key of Object.keys(this.overrides).sort()) {
        if (!names.has(key)) {
          errors.push(validationMessage(`applications.${key}`, `names no Application (known: ${[...names].sort().join(', ') || 'none'})`, key));
        }
      }
    } else {
      const listed = new Set(this.projects.keys());
      for (const app of apps) {
        if (!listed.has(app.environment.rootEnvironment)) {
          errors.push(validationMessage('environments', `lacks the environment of ${app.node.path}: it was created after the ArgoCd construct; create ArgoCd last`, app.environment.envName));
        }
        const deps = appDependencies(app);
        if (deps.length) {
          errors.push(validationMessage('mode', `is an ApplicationSet, which cannot order apps: ${app.node.path} depends on ${deps.map(d => d.node.path).join(', ')}; use ArgoMode.APPLICATIONS for sync waves`, this.mode));
        }
      }
    }
    return errors;
  }

  /**
   * What each environment's AppProject would reject at sync time, found at
   * synth: an Application whose destination is outside its project, an
   * object in a namespace or of a cluster-scoped kind the project does not
   * allow; and two teams sharing a namespace on one cluster.
   */
  private validateProjects(parts: TreeParts): string[] {
    const errors: string[] = [];
    const projects = new Map([...this.projects.values()].map(p => [p.name, p]));
    const servers = new Map(parts.clusters.map(c => [c.clusterName, c.server]));
    for (const application of parts.applications) {
      const project = projects.get(application.project);
      const d = application.destination;
      if (!project || d.namespace === undefined) continue;
      const dst = { name: d.name, server: d.server ?? (d.name ? servers.get(d.name) : undefined), namespace: d.namespace };
      if (!isDestinationPermitted(rules(project), dst)) {
        errors.push(validationMessage('destination', `of ${application.node.path} (cluster ${d.name ?? d.server}, namespace ${d.namespace}) is outside its AppProject ${project.name}, which allows ${describeDestinations(project)}: Argo CD would refuse to sync it`, d.namespace));
      }
    }
    for (const app of parts.apps) {
      const application = this.applications.get(app);
      const project = application && projects.get(application.project);
      if (!project || !application.destination.namespace) continue;
      for (const obj of chartObjectFacts(app)) {
        const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
        const clusterScoped = CLUSTER_SCOPED_KINDS.has(obj.kind);
        if (!isResourcePermitted(rules(project), group, obj.kind, obj.name, !clusterScoped)) {
          errors.push(validationMessage('kind', `of ${obj.path} (${group ? `${group}/` : ''}${obj.kind} ${obj.name}) is not allowed by AppProject ${project.name}: ${clusterScoped ? 'cluster-scoped kinds need an explicit allowlist entry (ArgoCd project.clusterResources)' : 'add it to the project\'s namespaced kinds'}`, obj.kind));
        } else if (!clusterScoped && obj.namespace && obj.namespace !== application.destination.namespace) {
          const dst = { ...application.destination, server: application.destination.server ?? servers.get(application.destination.name ?? ''), namespace: obj.namespace };
          if (!isDestinationPermitted(rules(project), dst)) {
            errors.push(validationMessage('metadata.namespace', `of ${obj.path} is outside AppProject ${project.name}, which allows ${describeDestinations(project)}`, obj.namespace));
          }
        }
      }
    }
    const owners = new Map<string, Environment>();
    for (const env of parts.environments.filter(c => c.targets[0] === c)) {
      const key = `${env.server}\n${env.namespace}`;
      const other = owners.get(key);
      if (other && other.team !== env.team) {
        errors.push(validationMessage('namespace', `is namespace ${env.namespace} on cluster ${env.cluster?.clusterName ?? env.server} of both ${other.node.path} (team ${other.team ?? 'none'}) and ${env.node.path} (team ${env.team ?? 'none'}): two teams must never share a namespace on one cluster`, env.namespace));
      } else if (!other) {
        owners.set(key, env);
      }
    }
    return errors;
  }
}

/** The constructs of a tree that `validateWiring` looks at, each kind in tree (pre-order) order. */
interface TreeParts {
  readonly apps: AppChart[];
  readonly environments: Environment[];
  readonly namespaces: ManagedNamespace[];
  readonly clusters: Cluster[];
  readonly applications: ArgoApplication[];
}

/** One pass over `all` instead of a filter per kind. */
function treeParts(all: readonly IConstruct[]): TreeParts {
  const parts: TreeParts = { apps: [], environments: [], namespaces: [], clusters: [], applications: [] };
  for (const c of all) {
    if (isAppChart(c)) parts.apps.push(c);
    if (c instanceof Environment) parts.environments.push(c);
    if (ManagedNamespace.isManagedNamespace(c)) parts.namespaces.push(c);
    if (Cluster.isCluster(c)) parts.clusters.push(c);
    if (ArgoApplication.isArgoApplication(c)) parts.applications.push(c);
  }
  return parts;
}

function rules(project: ArgoProject) {
  return {
    sourceRepos: project.sourceRepos,
    destinations: project.destinations,
    clusterResourceWhitelist: project.clusterResources,
    namespaceResourceWhitelist: project.namespaceResources,
  };
}

function describeDestinations(project: ArgoProject): string {
  return project.destinations.map(d => `${d.name ?? d.server}/${d.namespace}`).join(', ');
}

/**
 * The labels every cluster of `env` shares: what the ApplicationSet's
 * cluster generator selects by. Fails if they select no cluster in common,
 * or also a Cluster of the app outside the environment.
 */
function clusterSelector(env: Environment, all: IConstruct[]): Record<string, string> {
  const [first, ...rest] = env.clusters;
  const common = Object.fromEntries(Object.entries(first.labels).filter(([k, v]) => rest.every(c => c.labels[k] === v)));
  const where = env.node.path;
  if (!Object.keys(common).length) {
    throw new ValidationError([{ path: where, field: 'clusters', message: 'share no label, so the ApplicationSet cannot select them: give them a common label (e.g. env: prod) in new Cluster(..., { labels })', value: env.clusters.map(c => c.clusterName) }]);
  }
  const extra = all.filter(Cluster.isCluster).filter(c => !env.clusters.includes(c) && Object.entries(common).every(([k, v]) => c.labels[k] === v));
  if (extra.length) {
    throw new ValidationError([{ path: where, field: 'clusters', message: `are selected by their common labels ${JSON.stringify(common)}, which also select ${extra.map(c => c.node.path).join(', ')}: the ApplicationSet would deploy there too; give the clusters a label only they share`, value: env.clusters.map(c => c.clusterName) }]);
  }
  return common;
}
