import { SourceObject } from './_load';
import { ARGO_API_VERSION, CASCADE_FINALIZER, RENDERED_BRANCH, checkSourcePath } from '../constructs/_argo';
import { AppChart } from '../constructs/app-chart';
import { ArgoApplication, ArgoApplicationProps } from '../constructs/argo-application';
import { Environment } from '../constructs/environment';
import { GitOpsApp } from '../constructs/gitops-app';
import { GitOpsChart } from '../constructs/gitops-chart';
import { formatValue, ValidationError } from '../errors';

/** The folder of the rendered tree migrated Applications are written to. */
export const ARGO_FOLDER = 'argocd';

/** An Argo CD Application that `ArgoApplication` expresses, and its props. */
export interface ArgoApplicationFit {
  /** The Application's name. */
  readonly name: string;
  /** ArgoApplication props as plain values (`app` excluded, see `useApp`). */
  readonly props: Record<string, unknown>;
  /** Pass `app: chart` (the Application syncs the migrated app's folder). */
  readonly useApp: boolean;
  /** Comments written above it. */
  readonly comments: string[];
  /** What people must know (printed as notes). */
  readonly notes: string[];
}

/** Options of `fitArgoApplication`. */
export interface ArgoFitOptions {
  readonly app: string;
  readonly env: string;
  /** The environment's namespace. */
  readonly namespace: string;
  readonly strict: boolean;
  /** The user named the app folder (`--app` or `--env`): paths the program does not render map to it. */
  readonly appFolderRequested: boolean;
  /** Namespace of the `argocd` chart (the Applications' most common one). */
  readonly chartNamespace: string;
  /** Sources (`repoURL`, revision, path) already synced by a migrated Application. */
  readonly taken: Set<string>;
}

const KNOWN: Record<string, string[]> = {
  '': ['apiVersion', 'kind', 'metadata', 'spec'],
  'metadata': ['name', 'namespace', 'labels', 'annotations', 'finalizers'],
  'spec': ['project', 'source', 'destination', 'syncPolicy'],
  'spec.source': ['repoURL', 'targetRevision', 'path'],
  'spec.destination': ['server', 'namespace'],
  'spec.syncPolicy': ['automated', 'syncOptions', 'retry'],
  'spec.syncPolicy.automated': ['prune', 'selfHeal', 'allowEmpty'],
  'spec.syncPolicy.retry': ['limit', 'backoff'],
  'spec.syncPolicy.retry.backoff': ['duration', 'factor', 'maxDuration'],
};

/** The first field of `json` (under the known paths) that has no ArgoApplication prop. */
function unknownField(json: Record<string, any>): string | undefined {
  for (const [where, allowed] of Object.entries(KNOWN)) {
    const value = where ? where.split('.').reduce<any>((o, k) => o?.[k], json) : json;
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `'${where}' is not an object`;
    const extra = Object.keys(value).find(k => !allowed.includes(k));
    if (extra) return `'${where ? `${where}.` : ''}${extra}' has no ArgoApplication prop`;
  }
  return undefined;
}

/** True if `o` is an Argo CD Application (any version). */
export function isArgoApplicationObject(o: SourceObject): boolean {
  return String(o.json.apiVersion).startsWith('argoproj.io/') && o.json.kind === 'Application';
}

/**
 * Checks whether an Argo CD Application is what `ArgoApplication` renders
 * (one git source, a destination server, the sync policy fields it knows)
 * and returns its props, or the reason it is not (a note).
 */
export function fitArgoApplication(o: SourceObject, options: ArgoFitOptions): ArgoApplicationFit | string {
  const j = o.json;
  const name = j.metadata?.name;
  const why = (reason: string) => `Application ${name}: ${reason}; kept as a plain ApiObject`;
  if (j.apiVersion !== ARGO_API_VERSION) return why(`apiVersion is ${j.apiVersion}, ArgoApplication renders ${ARGO_API_VERSION}`);
  const unknown = unknownField(j);
  if (unknown) return why(unknown);

  const meta = j.metadata ?? {};
  const spec = j.spec ?? {};
  const source = spec.source ?? {};
  const destination = spec.destination ?? {};
  const syncPolicy = spec.syncPolicy ?? {};
  const props: Record<string, unknown> = { name, repoURL: source.repoURL };
  const comments: string[] = [];
  const notes: string[] = [];

  // Where it lives
  if (meta.namespace !== undefined && meta.namespace !== options.chartNamespace) props.argoNamespace = meta.namespace;
  if (meta.labels !== undefined) props.labels = meta.labels;
  if (meta.annotations !== undefined) props.annotations = meta.annotations;
  if (meta.finalizers !== undefined) {
    if (JSON.stringify(meta.finalizers) !== JSON.stringify([CASCADE_FINALIZER])) {
      return why(`'metadata.finalizers' ${formatValue(meta.finalizers)} has no ArgoApplication prop (only cascadeDelete: [${CASCADE_FINALIZER}])`);
    }
    props.cascadeDelete = true;
  }

  // What it syncs. An absent revision is Argo CD's HEAD; ArgoApplication's default is the rendered branch.
  props.targetRevision = source.targetRevision ?? 'HEAD';
  const appFolder = `${options.env}/${options.app}`;
  const path: unknown = source.path;
  let useApp = false;
  if (path === appFolder) {
    useApp = true;
  } else if (path === ARGO_FOLDER) {
    props.path = path;
  } else if (!options.appFolderRequested && typeof path === 'string' && !checkSourcePath('', '', path)) {
    props.path = path;
    props.checkPath = false;
    comments.push(`Its path ${formatValue(path)} is not a folder this program renders: checkPath: false keeps it as is.`);
  } else {
    useApp = true;
    const refused = checkSourcePath('', '', path ?? '');
    const reason = refused
      ? `ArgoApplication never syncs ${path === undefined ? 'it' : formatValue(path)} (${refused.message})`
      : 'you asked for this app folder with --app/--env';
    comments.push(`Its path ${path === undefined ? '(none: the repository root)' : formatValue(path)} becomes the migrated app's folder ${appFolder}: ${reason}.`);
  }
  if (useApp && path !== appFolder) {
    if (options.strict) {
      comments.push('--strict: a JSON patch below writes the original path back.');
    } else if (props.targetRevision !== RENDERED_BRANCH) {
      notes.push(`Application ${name}: spec.source.path ${path === undefined ? '(none)' : formatValue(path)} → ${formatValue(appFolder)}, the migrated app's folder; `
        + `it exists on the branch "cdk8s-gitops publish" writes (${formatValue(RENDERED_BRANCH)}), not at ${formatValue(props.targetRevision)}: `
        + `set targetRevision: ${formatValue(RENDERED_BRANCH)} when you publish`);
    }
  }
  props.project = spec.project ?? 'default';
  if (destination.server !== undefined) props.server = destination.server;
  if (destination.namespace !== undefined) props.namespace = destination.namespace;

  // How it syncs
  const automated = syncPolicy.automated;
  if (automated === undefined || automated === null) {
    props.automated = false;
  } else {
    props.automated = true;
    props.prune = automated.prune ?? false;
    props.selfHeal = automated.selfHeal ?? false;
    if (automated.allowEmpty !== undefined) props.allowEmpty = automated.allowEmpty;
    if (automated.allowEmpty === true && props.prune === true) props.allowEmptyWithPrune = true;
  }
  if (syncPolicy.syncOptions !== undefined) props.syncOptions = syncPolicy.syncOptions;
  else if (options.strict) props.syncOptions = [];
  const retry = syncPolicy.retry;
  if (retry !== undefined && retry !== null) {
    const r = { limit: retry.limit, duration: retry.backoff?.duration, factor: retry.backoff?.factor, maxDuration: retry.backoff?.maxDuration };
    props.retry = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
  } else if (options.strict) {
    props.retry = false;
  }

  // The construct's own checks, run on a scratch tree: the generated program must not throw.
  const problem = tryConstruct(props, useApp, options);
  if (problem) return why(problem);
  const key = `${source.repoURL}\n${props.targetRevision}\n${useApp ? appFolder : path}`;
  if (options.taken.has(key)) return why(`another migrated Application syncs the same folder ${useApp ? appFolder : formatValue(path)} (ArgoApplication refuses two)`);
  options.taken.add(key);
  if (!options.strict) {
    const added = [
      ...(props.automated && props.allowEmpty === undefined ? ['allowEmpty: false (an empty render never prunes the app)'] : []),
      ...(props.syncOptions === undefined ? ["syncOptions ['CreateNamespace=true']"] : []),
      ...(props.retry === undefined ? ['retry (5 times, 5s backoff x2, at most 3m)'] : []),
      ...(!(meta.labels ?? {})['app.kubernetes.io/managed-by'] ? ['the label app.kubernetes.io/managed-by: cdk8s-gitops'] : []),
    ];
    if (added.length) comments.push(`ArgoApplication adds on purpose: ${added.join(', ')}. --strict switches them off.`);
  }
  return { name, props, useApp, comments, notes };
}

function tryConstruct(props: Record<string, unknown>, useApp: boolean, options: ArgoFitOptions): string | undefined {
  const app = new GitOpsApp({ outdir: '.migrate-scratch', validate: false });
  const chart = new AppChart(new Environment(app, options.env, { namespace: options.namespace }), options.app);
  const argocd = new GitOpsChart(app, ARGO_FOLDER, { folder: ARGO_FOLDER, namespace: options.chartNamespace });
  try {
    new ArgoApplication(argocd, 'application', { ...props, ...(useApp ? { app: chart } : {}) } as unknown as ArgoApplicationProps);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.problems.map(p => `'${p.field}' ${p.message}${p.value !== undefined ? ` (got ${formatValue(p.value)})` : ''}`).join('; ');
  }
  return undefined;
}
