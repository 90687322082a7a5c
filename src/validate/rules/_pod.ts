import { K8sObject } from './_rule';

/** A pod template found in a workload: its spec, labels and where they sit. */
export interface PodTemplate {
  readonly spec: K8sObject;
  /** Field path of the pod spec, e.g. `spec.template.spec`. */
  readonly path: string;
  readonly labels: Record<string, string>;
  /** True for workloads that run to completion (Job, CronJob): no probes, no replicas. */
  readonly batch: boolean;
  /** Desired replicas (Deployment, StatefulSet, ReplicaSet); 1 when unset. */
  readonly replicas?: number;
}

/** One container with its field path. */
export interface ContainerAt {
  readonly container: K8sObject;
  readonly path: string;
  readonly init: boolean;
}

const TEMPLATED = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);

function isObj(v: unknown): v is K8sObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The pod template of a workload, or `undefined` for anything else. */
export function podTemplateOf(obj: K8sObject): PodTemplate | undefined {
  const kind = obj.kind;
  if (kind === 'Pod' && isObj(obj.spec)) {
    return { spec: obj.spec, path: 'spec', labels: obj.metadata?.labels ?? {}, batch: false };
  }
  if (TEMPLATED.has(kind) && isObj(obj.spec?.template?.spec)) {
    const replicas = kind === 'DaemonSet' || kind === 'Job' ? undefined : (typeof obj.spec.replicas === 'number' ? obj.spec.replicas : 1);
    return { spec: obj.spec.template.spec, path: 'spec.template.spec', labels: obj.spec.template.metadata?.labels ?? {}, batch: kind === 'Job', replicas };
  }
  if (kind === 'CronJob' && isObj(obj.spec?.jobTemplate?.spec?.template?.spec)) {
    const t = obj.spec.jobTemplate.spec.template;
    return { spec: t.spec, path: 'spec.jobTemplate.spec.template.spec', labels: t.metadata?.labels ?? {}, batch: true };
  }
  return undefined;
}

/** Containers and init containers of a pod spec. */
export function containersOf(pod: PodTemplate): ContainerAt[] {
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
