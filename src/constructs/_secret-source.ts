import { Construct } from 'constructs';
import { envFromAll, envFromKey, mountAll, volumeName } from './_consume';
import { Workload } from './workload';

/**
 * A construct whose output is a Secret of the same name (`ExternalSecret`,
 * `SealedSecret`): a workload consumes it with one call.
 */
export abstract class SecretSource extends Construct {
  /** Name of the Secret the workload reads. */
  public abstract readonly name: string;

  /** Every key as an environment variable of the workload's main container (`envFrom`). */
  public envFrom(workload: Workload): void {
    envFromAll(workload, { kind: 'secret', name: this.name });
  }

  /** One key as the environment variable `variable` of the workload's main container. */
  public env(workload: Workload, variable: string, key: string): void {
    envFromKey(workload, { kind: 'secret', name: this.name }, variable, key);
  }

  /** Every key as a read-only file under `path` in the workload's main container. */
  public mount(workload: Workload, path: string): void {
    mountAll(workload, { kind: 'secret', name: this.name }, path, volumeName('secret', this.name));
  }
}
