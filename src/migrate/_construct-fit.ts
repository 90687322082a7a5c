import { SourceObject } from './_load';
import { formatValue } from '../errors';

/**
 * What the traffic and config fits share: the shape of a fit (a construct
 * statement) and the workloads it may point at.
 */

/** The traffic and config constructs migrate writes. */
export type TrafficConstruct = 'IngressRoute' | 'GatewayHttpRoute' | 'Autoscaler' | 'NetworkIsolation' | 'NetworkAccess' | 'HashedConfigMap';

/** An input object a construct expresses: the statement migrate writes for it. */
export interface ConstructFit {
  /** The construct's class. */
  readonly className: TrafficConstruct;
  /** Other library names the props use (`RouteTls`, `IngressPathType`). */
  readonly uses: readonly string[];
  /** Its scope in the program: the app's chart, or the environment (a chart of its own). */
  readonly scope: 'chart' | 'env';
  /** Props as literal values (`Code` for expressions). */
  readonly props: Record<string, unknown>;
  /** Method calls chained on the new construct, as code (`.allowFromNamespace('x')`). */
  readonly calls: readonly string[];
  /** Comments written above it. */
  readonly comments: readonly string[];
  /** Other input objects (by index) the same construct renders, with the names they render with. */
  readonly also: readonly { readonly index: number; readonly name: string }[];
  /** The variable of the workload its props point at (`backend: web`, `target: web`), if any. */
  readonly target?: string;
  /** Every workload variable its code refers to (`target`, and `allowFrom(queue)`'s): it is written after them. */
  readonly refs: readonly string[];
  /** Names of the client-side egress policies its `allowFrom` calls render when the namespace denies egress. */
  readonly egressPolicies: readonly string[];
}

/** A workload of the program (the WebService, a Worker) that an Autoscaler or NetworkAccess may point at. */
export interface WorkloadTarget {
  /** The variable holding it in the program. */
  readonly variable: string;
  readonly className: 'WebService' | 'Worker';
  /** Its name: its Deployment's. */
  readonly name: string;
  /** The input Deployment's selector (`matchLabels`), which selected the pods. */
  readonly selector: Record<string, string>;
}

/** The WebService the Deployment + Service pair became, as the fits see it. */
export interface WebServiceTarget {
  /** The variable holding it in the program. */
  readonly variable: string;
  /** Its name: the Deployment's. */
  readonly name: string;
  /** The input Service's name (kept through a patch when it differs from `name`). */
  readonly serviceName: string;
  /** The Service's port, and its name in the input (WebService names it `http`). */
  readonly servicePort: number;
  readonly servicePortName?: string;
  /** The input Deployment's selector (`matchLabels`), which selected the pods. */
  readonly selector: Record<string, string>;
}

/** What a fit may look at besides its object. */
export interface FitContext {
  readonly app: string;
  readonly env: string;
  /** The environment's namespace. */
  readonly namespace: string;
  /** Every input object. */
  readonly objects: readonly SourceObject[];
  /** The WebService of this program, if a pair became one. */
  readonly web?: WebServiceTarget;
  /** The workloads of this program an Autoscaler or NetworkAccess may point at: the WebService, then the Workers. */
  readonly workloads: readonly WorkloadTarget[];
}

/** A construct fit with the defaults filled in. */
export function constructFit(fit: Pick<ConstructFit, 'className' | 'props'> & Partial<ConstructFit>): ConstructFit {
  return { uses: [], scope: 'chart', calls: [], comments: [], also: [], refs: fit.target !== undefined ? [fit.target] : [], egressPolicies: [], ...fit };
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first key of `obj` outside `allowed`, as `field.key has no prop`; or why `obj` is not a mapping. */
export function extraField(obj: unknown, allowed: readonly string[], field: string): string | undefined {
  if (obj === undefined) return undefined;
  if (!isObject(obj)) return `${field} is not a mapping`;
  const k = Object.keys(obj).find(x => !allowed.includes(x));
  return k === undefined ? undefined : `${field}.${k} has no prop (got ${formatValue(obj[k])})`;
}

/** Two string maps with the same entries. */
export function sameLabels(a: unknown, b: unknown): boolean {
  const entries = (m: unknown) => JSON.stringify(Object.entries(isObject(m) ? m : {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return entries(a) === entries(b);
}

/** Why the object's `metadata` (and `spec`, when `withSpec`) are not mappings, if they are not. */
export function shapeProblem(j: Record<string, any>, withSpec: boolean): string | undefined {
  if (!isObject(j.metadata)) return 'metadata is not a mapping';
  if (withSpec && !isObject(j.spec)) return 'spec is not a mapping';
  return undefined;
}

/** The object is in the environment's namespace (or names none). */
export function namespaceProblem(j: Record<string, any>, namespace: string): string | undefined {
  const ns = j.metadata?.namespace;
  return ns === undefined || ns === namespace ? undefined : `it is in namespace ${ns}, not ${namespace}`;
}

/** A whole number in [min, max]. */
export function isInteger(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}
