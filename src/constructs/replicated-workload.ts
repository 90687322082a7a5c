import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkInteger } from './_checks';
import { DeferredObject } from './_deferred';
import { Workload } from './workload';
import { MainContainerOptions, WorkloadKindOptions, WorkloadProps } from './workload-props';

/** Props of a long-running, replicated workload (a Deployment). */
export interface ReplicatedWorkloadProps extends WorkloadProps {
  /**
   * Pod replicas. The environment's override, then this, then the environment's default.
   *
   * @default 1
   */
  readonly replicas?: number;
}

/**
 * A workload that runs as a Deployment: replicas (the environment's override,
 * the prop, the environment's default), and with 2 or more replicas a
 * PodDisruptionBudget (maxUnavailable 1, unhealthyPodEvictionPolicy AlwaysAllow) and topology spread across nodes and
 * zones. `WebService` and `Worker` are this plus what is their own.
 */
export abstract class ReplicatedWorkload extends Workload {
  /** The Deployment (built on first use, see `Workload`). */
  public get deployment(): kplus.Deployment {
    this._build();
    return this._deployment!;
  }

  /** Replicas actually deployed (the minimum when an autoscaler owns them). */
  public get replicas(): number {
    return this.replicaCount;
  }

  private replicaCount: number;
  private readonly initialReplicas: number;
  private autoscaled = false;
  private _deployment?: kplus.Deployment;
  private budget?: kplus.k8s.KubePodDisruptionBudget;

  protected constructor(scope: Construct, id: string, props: ReplicatedWorkloadProps, options: WorkloadKindOptions, main: MainContainerOptions) {
    super(scope, id, props, options);
    const env = this.chart.environment;
    if (props.replicas !== undefined) this.check(checkInteger(this.node.path, 'replicas', props.replicas, 0, Number.MAX_SAFE_INTEGER));
    this.replicaCount = env.overridesFor(this.appName).replicas ?? props.replicas ?? env.replicas ?? 1;
    this.initialReplicas = this.replicaCount;
    const deploymentProps: kplus.DeploymentProps = { ...this.podProps(main), replicas: this.initialReplicas };
    this._defer(() => {
      const deployment = new kplus.Deployment(this, 'Deployment', this._freshPodProps(deploymentProps));
      this._deployment = deployment;
      this.adopt(deployment, '/spec/template');
      this.setAvailability(this.initialReplicas >= 2);
      // As `releaseReplicas` does to a built Deployment.
      if (this.autoscaled) this.handOverReplicas();
    });
  }

  /**
   * Hands the replica count to an autoscaler (a HorizontalPodAutoscaler):
   * the Deployment renders no `replicas`, so a sync never resets the scale.
   * `minReplicas` decides the disruption budget and spread, as `replicas` does.
   */
  public releaseReplicas(minReplicas: number): void {
    if (this.check(checkInteger(this.node.path, 'minReplicas', minReplicas, 1, Number.MAX_SAFE_INTEGER))) {
      this.autoscaled = true;
      this.replicaCount = minReplicas;
      if (this._deployment) this.handOverReplicas();
    }
  }

  /** True once `releaseReplicas` handed the replicas to an autoscaler. */
  public get hasAutoscaler(): boolean {
    return this.autoscaled;
  }

  /** @internal */
  public _releaseParts(): void {
    super._releaseParts();
    this._deployment = undefined;
    this.budget = undefined;
  }

  /** @internal */
  public _renderedObjects(): DeferredObject[] {
    return [
      this._renderedObject('Deployment/Resource', 'apps/v1', 'Deployment'),
      ...(this.replicaCount >= 2 ? [this._renderedObject('DisruptionBudget', 'policy/v1', 'PodDisruptionBudget')] : []),
    ];
  }

  private handOverReplicas(): void {
    this._deployment!.markHasAutoscaler();
    this.setAvailability(this.replicaCount >= 2);
  }

  private setAvailability(on: boolean): void {
    const object = ApiObject.of(this._deployment!);
    if (on && !this.budget) {
      const matchLabels = this.selector;
      object.addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } },
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } },
      ]));
      this.budget = new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: this.name, labels: this.objectLabels },
        spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels } },
      });
    } else if (!on && this.budget) {
      object.addJsonPatch(JsonPatch.remove('/spec/template/spec/topologySpreadConstraints'));
      this.node.tryRemoveChild(this.budget.node.id);
      this.budget = undefined;
    }
  }
}
