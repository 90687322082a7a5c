import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkInteger } from './_checks';
import { checkSubdomain } from './_hosts';
import { AppChart } from './app-chart';
import { addProblemValidation } from './problem-validation';
import { ReplicatedWorkload } from './replicated-workload';
import { appObjectLabels } from './targets';
import { Problem } from '../errors';

/** Annotation marking an object whose environment asks for high availability (read by the `hpa-min-replicas` rule). */
export const HIGH_AVAILABILITY_ANNOTATION = 'cdk8s-gitops.io/high-availability';

/** Props of `Autoscaler`. */
export interface AutoscalerProps {
  /** The workload scaled (a `WebService`, a `Worker`): its Deployment. */
  readonly target: ReplicatedWorkload;
  /** Most replicas the autoscaler may run. */
  readonly maxReplicas: number;
  /**
   * Fewest replicas; 2 or more also gives the pods a PodDisruptionBudget and topology spread.
   *
   * @default - 2 when the environment asks for high availability, else 1
   */
  readonly minReplicas?: number;
  /**
   * Target average CPU use, in percent of the CPU request (1–100).
   *
   * @default - no CPU target (one of the CPU and memory targets is required)
   */
  readonly cpuUtilization?: number;
  /**
   * Target average memory use, in percent of the memory request (1–100).
   *
   * @default - no memory target
   */
  readonly memoryUtilization?: number;
  /**
   * The environment asks for high availability: the `hpa-min-replicas`
   * policy rule then requires `minReplicas` of 2 or more.
   *
   * @default - true when the environment's default replicas is 2 or more
   */
  readonly highAvailability?: boolean;
  /**
   * Name of the HorizontalPodAutoscaler.
   *
   * @default - the Deployment's name
   */
  readonly name?: string;
}

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) for a Deployment, with CPU
 * and/or memory utilisation targets. The Deployment then carries no
 * `replicas`: Argo CD's self-heal would otherwise reset the autoscaler's
 * count on every sync. With `minReplicas` of 2 or more the pods get a
 * PodDisruptionBudget and topology spread, if they have none yet.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export class Autoscaler extends Construct {
  /** The HorizontalPodAutoscaler. */
  public readonly hpa: kplus.k8s.KubeHorizontalPodAutoscalerV2;
  /** Fewest replicas. */
  public readonly minReplicas: number;
  /** Most replicas. */
  public readonly maxReplicas: number;
  /** True if the environment asks for high availability. */
  public readonly highAvailability: boolean;

  constructor(scope: Construct, id: string, props: AutoscalerProps) {
    super(scope, id);
    const where = this.node.path;
    const chart = AppChart.of(this);
    const targetName = props.target.name;
    this.highAvailability = props.highAvailability ?? (chart.environment.replicas ?? 1) >= 2;
    this.minReplicas = props.minReplicas ?? (this.highAvailability ? 2 : 1);
    this.maxReplicas = props.maxReplicas;
    const name = props.name ?? targetName;

    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    push(checkSubdomain(where, 'name', name));
    push(checkInteger(where, 'minReplicas', this.minReplicas, 1, Number.MAX_SAFE_INTEGER));
    push(checkInteger(where, 'maxReplicas', this.maxReplicas, 1, Number.MAX_SAFE_INTEGER));
    if (typeof this.minReplicas === 'number' && typeof this.maxReplicas === 'number' && this.minReplicas > this.maxReplicas) {
      problems.push({ path: where, field: 'minReplicas', message: `must not exceed maxReplicas (${this.maxReplicas})`, value: this.minReplicas });
    }
    if (props.cpuUtilization === undefined && props.memoryUtilization === undefined) {
      problems.push({ path: where, field: 'cpuUtilization', message: 'and memoryUtilization are both unset: an autoscaler needs a metric (e.g. cpuUtilization: 70)' });
    }
    if (props.cpuUtilization !== undefined) push(checkInteger(where, 'cpuUtilization', props.cpuUtilization, 1, 100));
    if (props.memoryUtilization !== undefined) push(checkInteger(where, 'memoryUtilization', props.memoryUtilization, 1, 100));
    if (AppChart.of(props.target) !== chart) {
      problems.push({ path: where, field: 'target', message: `is in app ${AppChart.of(props.target).node.path}: define the autoscaler in the target's app` });
    }
    addProblemValidation(this, () => problems);

    const metric = (resource: string, utilization: number | undefined) => (utilization === undefined ? [] : [{
      type: 'Resource',
      resource: { name: resource, target: { type: 'Utilization', averageUtilization: utilization } },
    }]);
    const labels = appObjectLabels(chart);
    this.hpa = new kplus.k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { name, labels, ...(this.highAvailability ? { annotations: { [HIGH_AVAILABILITY_ANNOTATION]: 'true' } } : {}) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: targetName },
        minReplicas: this.minReplicas,
        maxReplicas: this.maxReplicas,
        metrics: [...metric('cpu', props.cpuUtilization), ...metric('memory', props.memoryUtilization)],
      },
    });

    // The autoscaler owns the replica count: the Deployment renders none (a
    // `replicas` in git would be reapplied by every Argo CD sync, undoing each
    // scale-out), and the minimum decides the disruption budget and spread.
    if (problems.length === 0) props.target.releaseReplicas(this.minReplicas);
  }
}
