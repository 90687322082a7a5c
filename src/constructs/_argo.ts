import { IConstruct } from 'constructs';
import { checkInteger } from './_checks';
import { AppChart } from './app-chart';
import type { ArgoSyncOptions } from './argo-sync';
import { Environment } from './environment';
import { formatValue, Problem } from '../errors';
import { repoUrlProblem } from '../git-url';

/**
 * Checks and defaults shared by the Argo CD constructs (private to the package).
 */

/** The branch the rendered tree is published to. */
export const RENDERED_BRANCH = 'rendered-manifests';
/** The namespace Argo CD is installed in. */
export const ARGOCD_NAMESPACE = 'argocd';
/** The API server of the cluster Argo CD runs in. */
export { IN_CLUSTER } from './_tenancy';
/** Annotation ordering objects of one sync. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
/** Finalizer that makes deleting an Application delete its resources. */
export const CASCADE_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
/** The API version of Application, AppProject and ApplicationSet. */
export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** A validation message (for `node.addValidation`) in `formatProblem`'s shape, minus the path. */
export function validationMessage(field: string, message: string, value?: unknown): string {
  return `'${field}' ${message}${value !== undefined ? ` (got ${formatValue(value)})` : ''}`;
}

/**
 * A git repository URL Argo CD can watch, without credentials (see
 * `repoUrlProblem`); the value is printed with credentials masked.
 */
export function checkRepoUrl(path: string, field: string, url: unknown): Problem | undefined {
  let problem: ReturnType<typeof repoUrlProblem>;
  if (typeof url === 'string' && url === lastRepoUrl.url) {
    problem = lastRepoUrl.problem;
  } else {
    problem = repoUrlProblem(url);
    if (typeof url === 'string') lastRepoUrl = { url, problem };
  }
  return problem && { path, field, ...problem };
}

/**
 * The last URL `checkRepoUrl` checked and its verdict: every Application of
 * an app usually watches the same repository, so the URL is parsed once (a
 * WHATWG URL parse per Application was a fifth of building 2,000 of them).
 */
let lastRepoUrl: { url?: string; problem?: ReturnType<typeof repoUrlProblem> } = {};

/**
 * A path inside the rendered branch: never the branch root (`""`, `.`, `/`),
 * never absolute, never escaping with `..`.
 */
export function checkSourcePath(path: string, field: string, value: unknown): Problem | undefined {
  if (typeof value !== 'string') return { path, field, message: 'must be a string', value };
  if (value === '' || value === '.' || value === '/' || value === './') {
    return { path, field, message: 'must not be the root of the branch: Argo CD would sync every environment (and argocd/) into one destination', value };
  }
  if (value.startsWith('/')) return { path, field, message: 'must be relative to the root of the branch, not absolute', value };
  const segments = value.split('/');
  if (segments.includes('..')) return { path, field, message: 'must stay inside the branch (no ".." segment)', value };
  if (segments.some(s => s === '' || s === '.') || value.includes('\\')) {
    return { path, field, message: 'must be a clean "/"-separated folder path (no empty or "." segment, no backslash)', value };
  }
  return undefined;
}

/** A Go duration (`5s`, `3m`, `1h30m`). */
export function checkGoDuration(path: string, field: string, value: unknown): Problem | undefined {
  if (typeof value !== 'string' || !GO_DURATION.test(value)) {
    return { path, field, message: 'must be a Go duration such as "5s", "3m" or "1h30m"', value };
  }
  return undefined;
}

/** An http(s) API server URL without credentials. */
export function checkServer(path: string, field: string, value: unknown): Problem | undefined {
  if (typeof value !== 'string' || !/^https?:\/\/[^\s@/]+(\/\S*)?$/.test(value)) {
    return { path, field, message: 'must be an http(s) URL without credentials', value };
  }
  return undefined;
}

/** The Application JSON parts decided by sync options. */
export interface ResolvedSync {
  /** `spec.syncPolicy`. */
  readonly syncPolicy: Record<string, any>;
  /** `metadata.finalizers`, if any. */
  readonly finalizers?: string[];
}

/** Merges `options` over the defaults; returns the policy or the problems (each naming `path` and the field). */
export function resolveSync(path: string, options: ArgoSyncOptions): { sync: ResolvedSync; problems: Problem[] } {
  const problems: Problem[] = [];
  const automated = options.automated ?? true;
  const prune = options.prune ?? true;
  const selfHeal = options.selfHeal ?? true;
  const allowEmpty = options.allowEmpty ?? false;
  if (automated && prune && allowEmpty && options.allowEmptyWithPrune !== true) {
    problems.push({
      path,
      field: 'allowEmpty',
      message: 'is true together with prune: an empty render would delete every object of the app; set allowEmptyWithPrune: true if that is intended',
      value: true,
    });
  }
  const syncOptions = options.syncOptions ?? ['CreateNamespace=true'];
  syncOptions.forEach((o, i) => {
    if (typeof o !== 'string' || !/^[A-Za-z][A-Za-z0-9]*=\S+$/.test(o)) {
      problems.push({ path, field: `syncOptions[${i}]`, message: 'must be "Key=Value" (e.g. "CreateNamespace=true")', value: o });
    }
  });
  const policy: Record<string, any> = {};
  if (automated) policy.automated = { prune, selfHeal, allowEmpty };
  if (syncOptions.length) policy.syncOptions = [...syncOptions];
  if (options.retry !== false) {
    const r = options.retry ?? {};
    const limit = r.limit ?? 5;
    const duration = r.duration ?? '5s';
    const factor = r.factor ?? 2;
    const maxDuration = r.maxDuration ?? '3m';
    const push = (p: Problem | undefined) => p && problems.push(p);
    push(checkInteger(path, 'retry.limit', limit, 0, 1000));
    push(checkGoDuration(path, 'retry.duration', duration));
    push(checkInteger(path, 'retry.factor', factor, 1, 100));
    push(checkGoDuration(path, 'retry.maxDuration', maxDuration));
    policy.retry = { limit, backoff: { duration, factor, maxDuration } };
  }
  return {
    sync: { syncPolicy: policy, ...(options.cascadeDelete ? { finalizers: [CASCADE_FINALIZER] } : {}) },
    problems,
  };
}

/**
 * The AppCharts `chart` depends on (`chart.addDependency(other)`, or a
 * dependency on a construct inside another AppChart), sorted by path.
 */
export function appDependencies(chart: IConstruct): AppChart[] {
  const out = new Set<AppChart>();
  for (const dep of chart.node.dependencies) {
    for (let c: IConstruct | undefined = dep; c; c = c.node.scope) {
      if (isAppChart(c)) {
        if (c !== chart) out.add(c);
        break;
      }
    }
  }
  return [...out].sort((a, b) => (a.node.path < b.node.path ? -1 : 1));
}

/**
 * The sync wave of `chart`: 0 without dependencies, else one more than its
 * deepest dependency. Returns the cycle (paths, first repeated last) instead
 * if `chart` is on or reaches one.
 */
export function syncWaveOf(chart: IConstruct): { wave: number } | { cycle: string[] } {
  const memo = new Map<IConstruct, number>();
  const visit = (c: IConstruct, stack: IConstruct[]): number | string[] => {
    const seen = stack.indexOf(c);
    if (seen >= 0) return [...stack.slice(seen), c].map(x => x.node.path);
    const known = memo.get(c);
    if (known !== undefined) return known;
    let wave = 0;
    for (const dep of appDependencies(c)) {
      const w = visit(dep, [...stack, c]);
      if (typeof w !== 'number') return w;
      wave = Math.max(wave, w + 1);
    }
    memo.set(c, wave);
    return wave;
  };
  const result = visit(chart, []);
  return typeof result === 'number' ? { wave: result } : { cycle: result };
}

/**
 * True if `c` is an AppChart. (cdk8s's `Chart[Symbol.hasInstance]` answers
 * true for every chart, so `instanceof` alone is not enough.)
 */
export function isAppChart(c: unknown): c is AppChart {
  return c instanceof AppChart && (c as AppChart).environment instanceof Environment && typeof (c as AppChart).appName === 'string';
}
