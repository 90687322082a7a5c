import { Construct } from 'constructs';
import { HealthCheck } from './pod-spec';
import { ReplicatedWorkload, ReplicatedWorkloadProps } from './replicated-workload';

/** Props of `Worker`. */
export interface WorkerProps extends ReplicatedWorkloadProps {
  /**
   * How Kubernetes knows the worker is alive and ready (its liveness and
   * readiness probes): `HealthCheck.exec([...])`, `.http(path, port)`,
   * `.tcp(port)`, or `HealthCheck.none(reason)` to opt out on purpose (the
   * reason becomes the waiver of the probe policy rules). No default: a
   * worker without a probe is a choice someone writes down.
   */
  readonly healthCheck: HealthCheck;
}

/**
 * A background process (a queue consumer, a scheduler): a Deployment with no
 * Service, the secure pod defaults of `Workload`, a required health check
 * and, with 2 or more replicas, a PodDisruptionBudget and spread. Its name
 * defaults to `<app>-worker`; its pods are selected by that name.
 */
export class Worker extends ReplicatedWorkload {
  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id, props, { kind: 'Worker', nameSuffix: 'worker' }, { healthCheck: props.healthCheck });
    if (props.healthCheck === undefined) {
      const choices = 'HealthCheck.exec([...]), .http(path, port), .tcp(port), or HealthCheck.none("why there is no probe")';
      this.report({ path: this.node.path, field: 'healthCheck', message: `is required: ${choices}`, value: undefined });
    }
  }
}
