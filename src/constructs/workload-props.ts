import * as kplus from 'cdk8s-plus-28';
import { ContainerSettings, ContainerSpec, HealthCheck, PodVolume, ServiceAccountSpec } from './pod-spec';
import { ImageRef } from '../image-ref';

// The props and options of the workload kinds (`Workload` in workload.ts uses them).

/** Props every workload kind accepts: the pod template. */
export interface WorkloadProps extends ContainerSettings {
  /**
   * The image: repository plus tag or digest. A pin for this app and
   * environment (the GitOpsApp's pins file), or the environment's override, wins.
   *
   * @default - the pin of this app and environment; one of the two is required
   */
  readonly image?: ImageRef;
  /**
   * Name of this workload's image in the pins file (`images.yaml`); an app
   * with a single pin uses it whatever the name.
   *
   * @default - the app name (the app's image)
   */
  readonly imageName?: string;
  /**
   * Name of the workload's objects and of its main container.
   *
   * @default - WebService: the app name; Worker `<app>-worker`, ScheduledJob `<app>-cron`, MigrationJob `<app>-migrate`
   */
  readonly name?: string;
  /**
   * Extra labels on the objects and pods (never in selectors).
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the pod template (a change rolls the pods, e.g. a config hash).
   *
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
  /**
   * Non-root UID and GID the containers run as.
   *
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * Mount an empty, writable `/tmp` (64Mi; the root filesystem is read-only)
   * in every container.
   *
   * @default true
   */
  readonly writableTmp?: boolean;
  /**
   * Volumes of the pod.
   *
   * @default - only the writable /tmp
   */
  readonly volumes?: PodVolume[];
  /**
   * Containers run to completion, in order, before the main one starts.
   *
   * @default - none
   */
  readonly initContainers?: ContainerSpec[];
  /**
   * Containers run beside the main one.
   *
   * @default - none
   */
  readonly sidecars?: ContainerSpec[];
  /**
   * Run as a per-app ServiceAccount (created in the app's folder). Its
   * token is still not mounted; workload identity webhooks inject their own.
   *
   * @default - the namespace's default account, without a token
   */
  readonly serviceAccount?: ServiceAccountSpec;
}

/** Props of the kinds that run to completion (`ScheduledJob`, `MigrationJob`). */
export interface RunToCompletionProps extends WorkloadProps {
  /**
   * Retries before the run is marked failed.
   *
   * @default - the kind's (ScheduledJob 2, MigrationJob 1)
   */
  readonly backoffLimit?: number;
  /**
   * Seconds a run may take, retries included, before it is stopped and failed.
   *
   * @default - the kind's (ScheduledJob 3600, MigrationJob 600)
   */
  readonly activeDeadlineSeconds?: number;
}

/** What a workload kind tells its base. */
export interface WorkloadKindOptions {
  /** Kind name used in messages, e.g. `Worker`. */
  readonly kind: string;
  /**
   * Derive the selector labels from the app name instead of the workload's.
   *
   * @default false
   */
  readonly selectByAppName?: boolean;
  /**
   * The default name is the app name plus `-<suffix>` (`hello-worker`).
   *
   * @default - the app name itself
   */
  readonly nameSuffix?: string;
  /**
   * Whether the kind has a Service (ports may have a `servicePort`).
   *
   * @default false
   */
  readonly hasService?: boolean;
}

/** What the kind adds to the main container: its port and probes. */
export interface MainContainerOptions {
  /** The unnamed main port. @default - none */
  readonly portNumber?: number;
  /** The health check (readiness and liveness). @default - none */
  readonly healthCheck?: HealthCheck;
  /** A separate liveness check. @default - the health check */
  readonly liveness?: HealthCheck;
}

/** A kplus workload the base can secure: a Deployment, Job or CronJob. */
export type PodWorkload = kplus.Deployment | kplus.Job | kplus.CronJob;

/** Selector labels: stable, derived from names only (never from construct paths). */
export function selectorLabels(name: string, envName: string): Record<string, string> {
  return {
    'app.kubernetes.io/instance': `${name}-${envName}`,
    'app.kubernetes.io/name': name,
  };
}
