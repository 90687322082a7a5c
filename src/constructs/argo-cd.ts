import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ARGOCD_NAMESPACE, IN_CLUSTER, RENDERED_BRANCH, appDependencies, checkRepoUrl, isAppChart, validationMessage } from './_argo';
import { checkDnsLabel } from './_checks';
import { AppChart } from './app-chart';
import { ArgoApplication } from './argo-application';
import { ArgoApplicationSet } from './argo-application-set';
import { ArgoProject } from './argo-project';
import { ArgoSyncOptions } from './argo-sync';
import { Environment } from './environment';
import { GitOpsChart } from './gitops-chart';
import { Problem, ValidationError } from '../errors';
import { toYaml } from '../render/yaml';

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
   * Name of the ApplicationSet (APPLICATION_SET mode).
   *
   * @default 'apps'
   */
  readonly applicationSetName?: string;
}

/**
 * Argo CD wiring of a GitOpsApp, rendered to its own folder (`argocd/`) of
 * the branch: an `AppProject` per environment (only this repository, only the
 * environment's cluster and namespace) and an `Application` per AppChart (or
 * one `ApplicationSet`). Create it after the apps. A person applies
 * `bootstrapManifest()` once; from then on Argo CD syncs `argocd/` itself.
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
  /** The ApplicationSet (APPLICATION_SET mode). */
  public readonly applicationSet?: ArgoApplicationSet;
  private readonly rootName: string;
  private readonly sync: ArgoSyncOptions;
  private readonly overrides: Record<string, ArgoSyncOptions>;
  private readonly discover: boolean;
  private readonly projects = new Map<Environment, ArgoProject>();
  private readonly applications = new Map<AppChart, ArgoApplication>();

  constructor(scope: Construct, id: string, props: ArgoCdProps) {
    const where = scope.node.path ? `${scope.node.path}/${id}` : id;
    const argoNamespace = props.namespace ?? ARGOCD_NAMESPACE;
    const rootName = props.rootName ?? 'root';
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
    super(scope, id, { folder: props.folder ?? 'argocd', namespace: argoNamespace });
    this.repoURL = props.repoURL;
    this.targetRevision = props.targetRevision ?? RENDERED_BRANCH;
    this.argoNamespace = argoNamespace;
    this.mode = mode;
    this.rootName = rootName;
    this.sync = { ...props.sync };
    this.overrides = { ...props.applications };
    this.discover = props.discover ?? true;

    const apps = this.discover ? this.node.root.node.findAll().filter(isAppChart) : [];
    if (mode === ArgoMode.APPLICATIONS) {
      for (const app of apps) this.addApplication(app);
    } else {
      const allEnvs = this.node.root.node.findAll().filter((c): c is Environment => c instanceof Environment);
      const envs = [...new Set([...allEnvs, ...apps.map(a => a.environment)])];
      this.applicationSet = new ArgoApplicationSet(this, 'ApplicationSet', {
        ...this.sync,
        name: props.applicationSetName ?? 'apps',
        repoURL: this.repoURL,
        targetRevision: this.targetRevision,
        environments: envs.map(env => ({ name: env.envName, server: env.server, namespace: env.namespace, project: this.projectFor(env).name })),
      });
    }
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
    const name = `${app.appName}-${app.environment.envName}`;
    const application = new ArgoApplication(this, name, {
      ...this.sync,
      ...this.overrides[name],
      ...options,
      app,
      repoURL: this.repoURL,
      targetRevision: this.targetRevision,
      project: this.projectFor(app.environment).name,
    });
    this.applications.set(app, application);
    return application;
  }

  /** The Application of `app`, if any. */
  public applicationFor(app: AppChart): ArgoApplication | undefined {
    return this.applications.get(app);
  }

  /** The AppProject of `env` (created on first use). */
  public projectFor(env: Environment): ArgoProject {
    let project = this.projects.get(env);
    if (!project) {
      project = new ArgoProject(this, `project-${env.envName}`, {
        name: env.envName,
        description: `Apps of the ${env.envName} environment, rendered by cdk8s-gitops`,
        sourceRepos: [this.repoURL],
        destinations: [{ server: env.server, namespace: env.namespace }],
      });
      this.projects.set(env, project);
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

  private validateWiring(): string[] {
    const errors: string[] = [];
    const all = this.node.root.node.findAll();
    const apps = all.filter(isAppChart);
    for (const env of all.filter((c): c is Environment => c instanceof Environment)) {
      if (env.envName === this.folder.split('/')[0]) {
        errors.push(validationMessage('folder', `is also the folder of the environment ${env.node.path}: rename one`, this.folder));
      }
    }
    if (this.mode === ArgoMode.APPLICATIONS) {
      if (this.discover) {
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
        if (!listed.has(app.environment)) {
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
}
