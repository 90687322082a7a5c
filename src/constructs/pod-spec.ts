/**
 * The values a pod template is made of, shared by every workload kind
 * (`Workload` in workload.ts): environment values and sources, volumes and
 * mounts, named ports, health checks, container and service-account settings.
 */
import { ResourceRequirements } from './resources';
import { ImageRef } from '../image-ref';


/** Where an environment variable's value comes from. */
export class EnvValue {
  /** A literal value. */
  public static of(value: string): EnvValue {
    return new EnvValue({ value });
  }

  /** The value of `key` in the ConfigMap named `configMap` (in the app's namespace). */
  public static fromConfigMapKey(configMap: string, key: string, options: EnvKeyOptions = {}): EnvValue {
    return new EnvValue({ configMap, key, optional: options.optional });
  }

  /** The value of `key` in the Secret named `secret` (never the value itself: it stays in the cluster). */
  public static fromSecretKey(secret: string, key: string, options: EnvKeyOptions = {}): EnvValue {
    return new EnvValue({ secret, key, optional: options.optional });
  }

  private constructor(
    /** @internal */
    public readonly _source: EnvSource,
  ) {}
}

type EnvSource = {
  readonly value?: string; readonly configMap?: string; readonly secret?: string; readonly key?: string; readonly optional?: boolean;
};

/** Options of `EnvValue.fromConfigMapKey` / `fromSecretKey`. */
export interface EnvKeyOptions {
  /**
   * Start the pod even if the ConfigMap/Secret or the key is missing.
   *
   * @default false
   */
  readonly optional?: boolean;
}

/** All keys of a ConfigMap or Secret as environment variables (`envFrom`). */
export class EnvFromSource {
  /** Every key of the ConfigMap named `name`. */
  public static configMap(name: string, options: EnvFromOptions = {}): EnvFromSource {
    return new EnvFromSource('configMap', name, options.prefix);
  }

  /** Every key of the Secret named `name`. */
  public static secret(name: string, options: EnvFromOptions = {}): EnvFromSource {
    return new EnvFromSource('secret', name, options.prefix);
  }

  private constructor(
    /** `configMap` or `secret`. */
    public readonly kind: 'configMap' | 'secret',
    /** Name of the ConfigMap or Secret. */
    public readonly name: string,
    /** Prefix put before every key. */
    public readonly prefix?: string,
  ) {}
}

/** Options of `EnvFromSource`. */
export interface EnvFromOptions {
  /**
   * Prefix put before every key, e.g. `DB_`.
   *
   * @default - none
   */
  readonly prefix?: string;
}

/** Options of the ConfigMap and Secret volumes. */
export interface KeyVolumeOptions {
  /**
   * Only these keys, each at the given path relative to the mount (key → path).
   *
   * @default - every key, as a file named after it
   */
  readonly items?: Record<string, string>;
  /**
   * File mode of the files, e.g. `0o440`.
   *
   * @default 0o644 (Kubernetes' default)
   */
  readonly defaultMode?: number;
}

/** Options of `PodVolume.emptyDir`. */
export interface EmptyDirOptions {
  /**
   * Size limit in Mi or Gi, e.g. `256Mi` (rendered in Mi).
   *
   * @default - no limit
   */
  readonly sizeLimit?: string;
  /**
   * Back the directory with memory (tmpfs); it counts against the memory limit.
   *
   * @default false
   */
  readonly memory?: boolean;
}

/** Options of `PodVolume.persistentVolumeClaim`. */
export interface ClaimVolumeOptions {
  /**
   * Mount the claim read-only.
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/** A named volume of the pod: an emptyDir, a ConfigMap, a Secret or a PersistentVolumeClaim. */
export class PodVolume {
  /** A scratch directory that lives as long as the pod. */
  public static emptyDir(name: string, options: EmptyDirOptions = {}): PodVolume {
    return new PodVolume(name, { kind: 'emptyDir', ...options });
  }

  /** The keys of the ConfigMap named `configMap` as files. */
  public static configMap(name: string, configMap: string, options: KeyVolumeOptions = {}): PodVolume {
    return new PodVolume(name, { kind: 'configMap', ref: configMap, ...options });
  }

  /** The keys of the Secret named `secret` as files. */
  public static secret(name: string, secret: string, options: KeyVolumeOptions = {}): PodVolume {
    return new PodVolume(name, { kind: 'secret', ref: secret, ...options });
  }

  /** The PersistentVolumeClaim named `claim`. */
  public static persistentVolumeClaim(name: string, claim: string, options: ClaimVolumeOptions = {}): PodVolume {
    return new PodVolume(name, { kind: 'persistentVolumeClaim', ref: claim, ...options });
  }

  private constructor(
    /** The volume's name in the pod (what mounts refer to). */
    public readonly name: string,
    /** @internal */
    public readonly _source: VolumeSource,
  ) {}
}

type VolumeSource = { readonly kind: 'emptyDir' | 'configMap' | 'secret' | 'persistentVolumeClaim'; readonly ref?: string }
& EmptyDirOptions & KeyVolumeOptions & ClaimVolumeOptions;

/** A mount of one of the pod's volumes into a container. */
export interface VolumeMountSpec {
  /** Name of the volume (a `PodVolume`'s name, or `tmp` for the writable /tmp). */
  readonly volume: string;
  /** Absolute path in the container. */
  readonly path: string;
  /**
   * Mount it read-only.
   *
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Mount only this path inside the volume.
   *
   * @default - the whole volume
   */
  readonly subPath?: string;
}

/** A named container port. */
export interface NamedPort {
  /** Port name (IANA service name: at most 15 lowercase letters, digits and "-"), e.g. `metrics`. */
  readonly name: string;
  /** Container port number. */
  readonly port: number;
  /**
   * Protocol.
   *
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /**
   * Port the workload's Service exposes it on (only kinds with a Service, i.e. `WebService`).
   *
   * @default - not exposed
   */
  readonly servicePort?: number;
}

/** How Kubernetes checks that a container is alive and ready. */
export class HealthCheck {
  /** An HTTP GET of `path` on `port`; 2xx/3xx is healthy. */
  public static http(path: string, port: number): HealthCheck {
    return new HealthCheck({ path, port });
  }

  /** A TCP connection to `port`. */
  public static tcp(port: number): HealthCheck {
    return new HealthCheck({ port });
  }

  /** A command run in the container; exit code 0 is healthy. */
  public static exec(command: string[]): HealthCheck {
    return new HealthCheck({ command });
  }

  /**
   * No probes, on purpose. `reason` is recorded as the waiver of the
   * `readiness-probe` and `liveness-probe` policy rules on the object
   * (`cdk8s-gitops.io/waive.<rule>` annotations), so reviewers see why.
   */
  public static none(reason: string): HealthCheck {
    return new HealthCheck({ reason });
  }

  private constructor(
    /** @internal */
    public readonly _check: { readonly path?: string; readonly port?: number; readonly command?: string[]; readonly reason?: string },
  ) {}
}

/** What every container of a pod takes: the main one (in `WorkloadProps`), init containers and sidecars. */
export interface ContainerSettings {
  /**
   * Entrypoint (replaces the image's ENTRYPOINT).
   *
   * @default - the image's
   */
  readonly command?: string[];
  /**
   * Arguments (replace the image's CMD).
   *
   * @default - the image's
   */
  readonly args?: string[];
  /**
   * Environment variables: literal strings, or `EnvValue.fromConfigMapKey` /
   * `EnvValue.fromSecretKey`. Rendered sorted by name.
   *
   * @default - none
   */
  readonly env?: Record<string, string | EnvValue>;
  /**
   * Every key of ConfigMaps and Secrets as environment variables.
   *
   * @default - none
   */
  readonly envFrom?: EnvFromSource[];
  /**
   * Named container ports.
   *
   * @default - none (a `WebService` has its unnamed `port`)
   */
  readonly ports?: NamedPort[];
  /**
   * CPU and memory requests and limits (always set). For the main container,
   * the environment's defaults and per-app overrides are merged in.
   *
   * @default - 100m/500m CPU, 128Mi/256Mi memory
   */
  readonly resources?: ResourceRequirements;
  /**
   * Mounts of the pod's volumes.
   *
   * @default - the writable /tmp only
   */
  readonly mounts?: VolumeMountSpec[];
}

/** An init container or a sidecar: the same secure defaults as the main container. */
export interface ContainerSpec extends ContainerSettings {
  /** Container name (a DNS-1123 label), unique in the pod. */
  readonly name: string;
  /**
   * The image. Given here it wins; otherwise the pin named `imageName` is used.
   *
   * @default - the pin of this app and environment named `imageName`
   */
  readonly image?: ImageRef;
  /**
   * Name of its image in the pins file (`images.yaml`).
   *
   * @default - the container name
   */
  readonly imageName?: string;
  /**
   * Readiness and liveness probe of a sidecar (init containers have none).
   *
   * @default - none (the policy gate then asks for one on a long-running pod)
   */
  readonly healthCheck?: HealthCheck;
}

/** The per-app ServiceAccount a workload runs as. */
export interface ServiceAccountSpec {
  /**
   * Name of the ServiceAccount. Workloads of one app naming the same account share it.
   *
   * @default - the app name
   */
  readonly name?: string;
  /**
   * Annotations, e.g. cloud workload identity
   * (`iam.gke.io/gcp-service-account`, `eks.amazonaws.com/role-arn`,
   * `azure.workload.identity/client-id`).
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}
