import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addProblemCheck } from './_validation';
import { IWorkload, mainContainer } from './targets';

/**
 * How a workload's main container consumes a ConfigMap or a Secret, shared
 * by `HashedConfigMap`, `ExternalSecret` and `SealedSecret`. Each function
 * is one call for the user: env from every key, one key as a variable, or
 * every key as a file in a read-only volume.
 */

/** The source object, by kind and name. */
export interface ConsumedSource {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
}

let counter = 0;
function ref(scope: Construct, source: ConsumedSource): kplus.IConfigMap | kplus.ISecret {
  const id = `Ref${source.kind}${++counter}`;
  return source.kind === 'ConfigMap' ? kplus.ConfigMap.fromConfigMapName(scope, id, source.name) : kplus.Secret.fromSecretName(scope, id, source.name);
}

/** Every key of the source as an environment variable (`envFrom`). */
export function envFromAll(scope: Construct, workload: IWorkload, source: ConsumedSource): void {
  const r = ref(scope, source);
  mainContainer(workload).env.copyFrom(source.kind === 'ConfigMap' ? kplus.Env.fromConfigMap(r as kplus.IConfigMap) : kplus.Env.fromSecret(r as kplus.ISecret));
}

/** One key of the source as the environment variable `variable`. */
export function envFromKey(scope: Construct, workload: IWorkload, source: ConsumedSource, variable: string, key: string): void {
  const r = ref(scope, source);
  mainContainer(workload).env.addVariable(variable, source.kind === 'ConfigMap'
    ? kplus.EnvValue.fromConfigMap(r as kplus.IConfigMap, key)
    : kplus.EnvValue.fromSecretValue({ secret: r as kplus.ISecret, key }));
}

/** Every key of the source as a file under `path`, read-only, in a volume named `volume`. */
export function mountAll(scope: Construct, workload: IWorkload, source: ConsumedSource, path: string, volume: string): void {
  const r = ref(scope, source);
  const v = source.kind === 'ConfigMap'
    ? kplus.Volume.fromConfigMap(scope, `Volume${counter}`, r as kplus.IConfigMap, { name: volume })
    : kplus.Volume.fromSecret(scope, `Volume${counter}`, r as kplus.ISecret, { name: volume });
  mainContainer(workload).mount(path, v, { readOnly: true });
}

/** A volume name (a DNS-1123 label) for `prefix` and an object name. */
export function volumeName(prefix: string, name: string): string {
  return `${prefix}-${name}`.replace(/\./g, '-').slice(0, 63).replace(/-+$/, '');
}

/** Registers a problem when a mount path is not absolute. */
export function checkMountPath(scope: Construct, path: unknown): void {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    addProblemCheck(scope, () => [{ path: scope.node.path, field: 'path', message: 'must be an absolute mount path, e.g. "/etc/app"', value: path }]);
  }
}
