import { EnvFromSource, EnvValue, PodVolume } from './pod-spec';
import { Workload } from './workload';

/**
 * How a workload's main container consumes a ConfigMap or a Secret, shared
 * by `HashedConfigMap`, `ExternalSecret` and `SealedSecret`: each is one
 * call for the user (env from every key, one key as a variable, or every
 * key as a file in a read-only volume), through the workload base.
 */

/** The source object, by kind and name. */
export interface ConsumedSource {
  readonly kind: 'configMap' | 'secret';
  readonly name: string;
}

/** Every key of the source as an environment variable (`envFrom`). */
export function envFromAll(workload: Workload, source: ConsumedSource): void {
  workload.addEnvFrom(source.kind === 'configMap' ? EnvFromSource.configMap(source.name) : EnvFromSource.secret(source.name));
}

/** One key of the source as the environment variable `variable`. */
export function envFromKey(workload: Workload, source: ConsumedSource, variable: string, key: string): void {
  workload.addEnv(variable, source.kind === 'configMap' ? EnvValue.fromConfigMapKey(source.name, key) : EnvValue.fromSecretKey(source.name, key));
}

/** Every key of the source as a read-only file under `path`, in a pod volume named `volume` (the workload checks the path). */
export function mountAll(workload: Workload, source: ConsumedSource, path: string, volume: string): void {
  workload.addVolume(source.kind === 'configMap' ? PodVolume.configMap(volume, source.name) : PodVolume.secret(volume, source.name));
  workload.mount({ volume, path, readOnly: true });
}

/** A volume name (a DNS-1123 label) for `prefix` and an object name. */
export function volumeName(prefix: string, name: string): string {
  return `${prefix}-${name}`.replace(/\./g, '-').slice(0, 63).replace(/-+$/, '');
}
