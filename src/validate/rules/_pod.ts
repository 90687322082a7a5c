import { K8sObject } from './_rule';

/** A pod template found in a workload: its spec, labels and where they sit. */
export interface PodTemplate {
  readonly spec: K8sObject;
  /** Field path of the pod spec, e.g. `spec.template.spec`. */
  readonly path: string;
  readonly labels: Record<string, string>;
  /** True for workloads that run to completion (Job, CronJob): no probes, no replicas. */
  readonly batch: boolean;
  /** Desired replicas of a replicated workload (Deployment, StatefulSet, Rollout, ...; 1 when unset); undefined for DaemonSets and batch. */
  readonly replicas?: number;
}

/** One container with its field path. */
export interface ContainerAt {
  readonly container: K8sObject;
  readonly path: string;
  readonly init: boolean;
}

/** Kinds whose replicas default to 1 when `spec.replicas` is unset. */
export const REPLICATED: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'DeploymentConfig', 'Rollout']);
/** Kinds that run to completion. */
const BATCH = new Set(['Job', 'CronJob', 'ScaledJob']);

/** Built-in workload kinds: their template is a pod template even when malformed. */
const KNOWN = new Set([...REPLICATED, ...BATCH, 'DaemonSet']);

/**
 * Where a pod template sits, whatever the object's kind: apps/v1 workloads,
 * Job, Argo Rollout and OpenShift DeploymentConfig use `spec.template`,
 * CronJob `spec.jobTemplate.spec.template`, KEDA's ScaledJob
 * `spec.jobTargetRef.template`.
 */
const TEMPLATE_PATHS: readonly (readonly string[])[] = [
  ['spec', 'template'],
  ['spec', 'jobTemplate', 'spec', 'template'],
  ['spec', 'jobTargetRef', 'template'],
];

function isObj(v: unknown): v is K8sObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function at(obj: K8sObject, keys: readonly string[]): unknown {
  let v: unknown = obj;
  for (const k of keys) v = isObj(v) ? v[k] : undefined;
  return v;
}

/** True if `v` looks like a pod spec (it has a `containers` list), not some other `template.spec`. */
function isPodSpec(v: unknown): v is K8sObject {
  return isObj(v) && Array.isArray(v.containers);
}

/**
 * Results of `podTemplateOf` and `containersOf` while a validation run is
 * under way (`withPodTemplateMemo`): most rules ask for the same object's
 * pod template and containers, and a Service's check asks for every
 * object of its folder. Only inside a run, whose objects do not change;
 * outside one every call computes afresh.
 */
let memo: { templates: WeakMap<object, PodTemplate | null>; containers: WeakMap<PodTemplate, ContainerAt[]> } | undefined;

/** Runs `fn` (one validation run over objects it does not modify) with `podTemplateOf` and `containersOf` remembered. */
export function withPodTemplateMemo<T>(fn: () => T): T {
  const outer = memo;
  memo = { templates: new WeakMap(), containers: new WeakMap() };
  try {
    return fn();
  } finally {
    memo = outer;
  }
}

/**
 * The pod template of an object, or `undefined` when it carries none. Found
 * by shape, not by kind, so custom workloads (an Argo Rollout, an OpenShift
 * DeploymentConfig, a KEDA ScaledJob) get the same pod rules as a Deployment.
 */
export function podTemplateOf(obj: K8sObject): PodTemplate | undefined {
  if (!memo) return findPodTemplate(obj);
  let t = memo.templates.get(obj);
  if (t === undefined) memo.templates.set(obj, t = findPodTemplate(obj) ?? null);
  return t ?? undefined;
}

function findPodTemplate(obj: K8sObject): PodTemplate | undefined {
  const kind = obj.kind;
  if (kind === 'Pod' && isObj(obj.spec)) {
    return { spec: obj.spec, path: 'spec', labels: obj.metadata?.labels ?? {}, batch: false };
  }
  for (const keys of TEMPLATE_PATHS) {
    const template = at(obj, keys);
    if (!isObj(template) || !(isPodSpec(template.spec) || KNOWN.has(kind))) continue;
    // a built-in kind's malformed template (no spec) still has labels a Service or PDB selects
    const spec = isObj(template.spec) ? template.spec : {};
    const batch = BATCH.has(kind) || keys.length > 2;
    const replicas = batch || kind === 'DaemonSet' ? undefined
      : typeof obj.spec.replicas === 'number' ? obj.spec.replicas
        : REPLICATED.has(kind) ? 1 : undefined;
    return { spec, path: `${keys.join('.')}.spec`, labels: isObj(template.metadata?.labels) ? template.metadata.labels : {}, batch, replicas };
  }
  return undefined;
}

/** Containers and init containers of a pod spec (read-only: inside a validation run the list is shared). */
export function containersOf(pod: PodTemplate): readonly ContainerAt[] {
  if (!memo) return findContainers(pod);
  let list = memo.containers.get(pod);
  if (!list) memo.containers.set(pod, list = findContainers(pod));
  return list;
}

function findContainers(pod: PodTemplate): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const [key, init] of [['initContainers', true], ['containers', false]] as const) {
    const list = pod.spec[key];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (isObj(c)) out.push({ container: c, path: `${pod.path}.${key}[${i}]`, init });
    });
  }
  return out;
}

/** True if every key/value of `selector` is in `labels` (and the selector is not empty). */
export function selects(selector: Record<string, unknown> | undefined, labels: Record<string, unknown>): boolean {
  if (!isObj(selector)) return false;
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** True if a LabelSelector (`matchLabels` + `matchExpressions`) selects `labels`. */
export function labelSelectorMatches(selector: K8sObject | undefined, labels: Record<string, unknown>): boolean {
  if (!isObj(selector)) return false;
  const ml = isObj(selector.matchLabels) ? selector.matchLabels : {};
  const exprs: K8sObject[] = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (Object.keys(ml).length === 0 && exprs.length === 0) return false;
  if (!Object.entries(ml).every(([k, v]) => labels[k] === v)) return false;
  return exprs.every(e => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: unknown[] = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case 'In': return has && values.includes(labels[e.key]);
      case 'NotIn': return !has || !values.includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}
