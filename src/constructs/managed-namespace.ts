import { JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkInteger, checkLabels } from './_checks';
import { defaultDenyPolicy } from './_network';
import { NAMESPACE_FOLDER } from './_tenancy';
import { GitOpsChart } from './gitops-chart';
import { ResourceRequirements, resolveResources } from './resources';
import { Problem, ValidationError } from '../errors';

const MANAGED_NAMESPACE = Symbol.for('cdk8s-gitops.ManagedNamespace');

/** Pod Security Admission level enforced in a namespace. */
export enum PodSecurityLevel {
  /** The hardened profile (non-root, no privilege escalation, seccomp, drop ALL): the default. */
  RESTRICTED = 'restricted',
  /** Prevents known privilege escalations; allows the default capabilities. */
  BASELINE = 'baseline',
  /** No restriction: for system components only. */
  PRIVILEGED = 'privileged',
}

/** Totals a namespace may request (`ResourceQuota` `spec.hard`). */
export interface NamespaceQuota {
  /**
   * Sum of the CPU requests, e.g. `'4'`.
   *
   * @default - unbounded
   */
  readonly cpuRequests?: string;
  /**
   * Sum of the CPU limits.
   *
   * @default - unbounded
   */
  readonly cpuLimits?: string;
  /**
   * Sum of the memory requests, e.g. `'8Gi'`.
   *
   * @default - unbounded
   */
  readonly memoryRequests?: string;
  /**
   * Sum of the memory limits.
   *
   * @default - unbounded
   */
  readonly memoryLimits?: string;
  /**
   * Number of pods.
   *
   * @default - unbounded
   */
  readonly pods?: number;
}

/** How the namespace of a destination is rendered (Pod Security, quota, default container limits). */
export interface NamespacePolicy {
  /**
   * Pod Security Admission level, enforced, audited and warned.
   *
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * A `ResourceQuota` named `quota` in the namespace.
   *
   * @default - none
   */
  readonly quota?: NamespaceQuota;
  /**
   * A `LimitRange` named `limits`: the requests and limits of containers that set none.
   *
   * @default - none
   */
  readonly containerDefaults?: ResourceRequirements;
  /**
   * Extra labels of the Namespace object.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * A default-deny ingress NetworkPolicy (`default-deny`, `podSelector: {}`)
   * in the namespace: only traffic some policy allows reaches a pod
   * (`NetworkAccess`, and the policies routes render).
   *
   * @default true
   */
  readonly defaultDeny?: boolean;
}

/** Props of `ManagedNamespace`. */
export interface ManagedNamespaceProps extends NamespacePolicy {
  /** Name of the namespace. */
  readonly namespace: string;
  /** Folder of the environment (or environment cluster) the namespace belongs to; the chart renders to `<folder>/namespace`. */
  readonly folder: string;
  /** API server of the destination cluster (objects of one destination must be unique). */
  readonly destination: string;
}

/**
 * The namespace of one destination (cluster + namespace) as an object of
 * its own, rendered once to `<env>[/<cluster>]/namespace/` instead of being
 * created implicitly by each app: the `Namespace` with Pod Security
 * Admission labels (`restricted` by default), a default-deny ingress
 * NetworkPolicy, and optionally a `ResourceQuota` and a `LimitRange`. An `Environment` of a team creates one
 * per cluster; `ArgoCd` gives it an Application like an app's.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export class ManagedNamespace extends GitOpsChart {
  /** Returns true if `x` is a ManagedNamespace (works across copies of this package). */
  public static isManagedNamespace(x: unknown): x is ManagedNamespace {
    return x !== null && typeof x === 'object' && MANAGED_NAMESPACE in x;
  }

  /** The namespace name. */
  public readonly namespaceName: string;
  /** The Pod Security level. */
  public readonly podSecurity: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: ManagedNamespaceProps) {
    const where = scope.node.path ? `${scope.node.path}/${id}` : id;
    const podSecurity = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    if (!Object.values(PodSecurityLevel).includes(podSecurity)) {
      push({ path: where, field: 'podSecurity', message: `must be one of ${Object.values(PodSecurityLevel).join(', ')}`, value: podSecurity });
    }
    problems.push(...checkLabels(where, 'labels', props.labels));
    const hard = quotaHard(where, props.quota, problems);
    const defaults = props.containerDefaults ? resolveResources(where, 'containerDefaults', undefined, props.containerDefaults, undefined) : undefined;
    if (defaults) problems.push(...defaults.problems);
    if (problems.length) throw new ValidationError(problems);
    super(scope, id, { folder: `${props.folder}/${NAMESPACE_FOLDER}`, namespace: props.namespace, destination: props.destination });
    Object.defineProperty(this, MANAGED_NAMESPACE, { value: true });
    this.namespaceName = props.namespace;
    this.podSecurity = podSecurity;

    const ns = new kplus.k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.namespace,
        labels: {
          ...props.labels,
          'pod-security.kubernetes.io/audit': podSecurity,
          'pod-security.kubernetes.io/enforce': podSecurity,
          'pod-security.kubernetes.io/warn': podSecurity,
        },
      },
    });
    // cdk8s puts the chart's namespace on every object; a Namespace is cluster-scoped.
    ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    if (props.defaultDeny ?? true) defaultDenyPolicy(this, { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' });
    if (hard) {
      new kplus.k8s.KubeResourceQuota(this, 'Quota', { metadata: { name: 'quota' }, spec: { hard } });
    }
    if (defaults) {
      const r = defaults.resources;
      new kplus.k8s.KubeLimitRange(this, 'Limits', {
        metadata: { name: 'limits' },
        spec: {
          limits: [{
            type: 'Container',
            defaultRequest: { cpu: kplus.k8s.Quantity.fromString(r.cpuRequest), memory: kplus.k8s.Quantity.fromString(r.memoryRequest) },
            default: { cpu: kplus.k8s.Quantity.fromString(r.cpuLimit), memory: kplus.k8s.Quantity.fromString(r.memoryLimit) },
          }],
        },
      });
    }
  }
}

function quotaHard(where: string, quota: NamespaceQuota | undefined, problems: Problem[]): Record<string, kplus.k8s.Quantity> | undefined {
  if (!quota) return undefined;
  const hard: Record<string, kplus.k8s.Quantity> = {};
  const quantity = (field: keyof NamespaceQuota, key: string, pattern: RegExp, example: string) => {
    const v = quota[field];
    if (v === undefined) return;
    if (typeof v !== 'string' || !pattern.test(v)) {
      problems.push({ path: where, field: `quota.${field}`, message: `must be a Kubernetes quantity such as ${example}`, value: v });
      return;
    }
    hard[key] = kplus.k8s.Quantity.fromString(v);
  };
  quantity('cpuRequests', 'requests.cpu', /^(\d+m|\d+(\.\d{1,3})?)$/, '"4" or "500m"');
  quantity('cpuLimits', 'limits.cpu', /^(\d+m|\d+(\.\d{1,3})?)$/, '"8" or "500m"');
  quantity('memoryRequests', 'requests.memory', /^[1-9]\d*(Ki|Mi|Gi|Ti)$/, '"8Gi"');
  quantity('memoryLimits', 'limits.memory', /^[1-9]\d*(Ki|Mi|Gi|Ti)$/, '"16Gi"');
  if (quota.pods !== undefined) {
    const bad = checkInteger(where, 'quota.pods', quota.pods, 0, 100_000);
    if (bad) problems.push(bad);
    else hard.pods = kplus.k8s.Quantity.fromNumber(quota.pods);
  }
  if (!Object.values(quota).some(v => v !== undefined)) {
    problems.push({ path: where, field: 'quota', message: 'sets no limit: give at least one of cpuRequests, cpuLimits, memoryRequests, memoryLimits, pods', value: quota });
  }
  return hard;
}
