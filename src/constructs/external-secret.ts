import { Construct } from 'constructs';
import { checkSubdomain } from './_hosts';
import { SecretSource } from './_secret-source';
import { AppChart } from './app-chart';
import { addProblemValidation } from './problem-validation';
import { appObjectLabels } from './targets';
import {
  ExternalSecret as ExternalSecretL1,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
} from '../../imports/external-secrets-externalsecret-external-secrets.io';
import { Problem } from '../errors';

/** The `SecretStore` or `ClusterSecretStore` an ExternalSecret reads from. */
export class SecretStoreRef {
  /** A cluster-wide `ClusterSecretStore`. */
  public static cluster(name: string): SecretStoreRef {
    return new SecretStoreRef('ClusterSecretStore', name);
  }

  /** A `SecretStore` in the app's namespace. */
  public static namespaced(name: string): SecretStoreRef {
    return new SecretStoreRef('SecretStore', name);
  }

  private constructor(
    /** `SecretStore` or `ClusterSecretStore`. */
    public readonly kind: 'SecretStore' | 'ClusterSecretStore',
    /** The store's name. */
    public readonly name: string,
  ) {}
}

/** Where one key of the Secret comes from in the secret manager. */
export interface RemoteKey {
  /** The secret's key (path) in the secret manager. */
  readonly key: string;
  /**
   * A property of a structured (JSON) secret.
   *
   * @default - the whole value
   */
  readonly property?: string;
}

/** Props of `ExternalSecret`. */
export interface ExternalSecretProps {
  /** The store the values are read from (required: the `external-secret-store` rule refuses an ExternalSecret without one). */
  readonly store: SecretStoreRef;
  /**
   * Name of the ExternalSecret and of the Secret it creates.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Keys of the Secret and where each comes from.
   *
   * @default - none (then `extract` is required)
   */
  readonly data?: Record<string, RemoteKey>;
  /**
   * Secrets in the manager whose every property becomes a key (`dataFrom.extract`).
   *
   * @default - none
   */
  readonly extract?: readonly string[];
  /**
   * How often the operator re-reads the values (a Go duration).
   *
   * @default '1h'
   */
  readonly refreshInterval?: string;
}

const KEY = /^[-._a-zA-Z0-9]+$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/**
 * An `ExternalSecret` (external-secrets.io/v1): the External Secrets
 * Operator creates a Secret of the same name from a `SecretStore` or
 * `ClusterSecretStore`, so no secret value is ever in git. Consume it with
 * `envFrom`, `env` or `mount` (one call each).
 *
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export class ExternalSecret extends SecretSource {
  /** The ExternalSecret. */
  public readonly externalSecret: ExternalSecretL1;
  /** Name of the ExternalSecret and of the Secret it creates. */
  public readonly name: string;
  /** Keys the Secret will have (those of `data`; `extract` adds unknown ones). */
  public readonly keys: readonly string[];

  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id);
    const where = this.node.path;
    const chart = AppChart.of(this);
    this.name = props.name ?? id;
    const data = props.data ?? {};
    const extract = [...(props.extract ?? [])];
    const refreshInterval = props.refreshInterval ?? '1h';
    this.keys = Object.keys(data).sort();
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    push(checkSubdomain(where, 'name', this.name));
    if (!(props.store instanceof SecretStoreRef)) {
      problems.push({ path: where, field: 'store', message: 'is required: SecretStoreRef.cluster("<name>") or SecretStoreRef.namespaced("<name>")', value: props.store });
    } else {
      push(checkSubdomain(where, 'store.name', props.store.name));
    }
    for (const [k, ref] of Object.entries(data)) {
      if (!KEY.test(k)) problems.push({ path: where, field: `data.${k}`, message: 'is not a valid Secret key (letters, digits, "-", "_" and ".")', value: k });
      if (typeof ref?.key !== 'string' || ref.key === '') problems.push({ path: where, field: `data.${k}.key`, message: 'must name the secret in the manager', value: ref?.key });
    }
    extract.forEach((k, i) => {
      if (typeof k !== 'string' || k === '') problems.push({ path: where, field: `extract[${i}]`, message: 'must name the secret in the manager', value: k });
    });
    if (this.keys.length === 0 && extract.length === 0) problems.push({ path: where, field: 'data', message: 'and extract are both empty: the Secret would have no keys' });
    if (typeof refreshInterval !== 'string' || !DURATION.test(refreshInterval)) {
      problems.push({ path: where, field: 'refreshInterval', message: 'must be a Go duration such as "1h" or "15m"', value: refreshInterval });
    }
    addProblemValidation(this, () => problems);

    const store = props.store instanceof SecretStoreRef ? props.store : undefined;
    this.externalSecret = new ExternalSecretL1(this, 'Resource', {
      metadata: { name: this.name, labels: appObjectLabels(chart) },
      spec: {
        refreshInterval,
        secretStoreRef: { kind: (store?.kind ?? 'ClusterSecretStore') as ExternalSecretSpecSecretStoreRefKind, name: store?.name ?? '' },
        target: { name: this.name, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
        data: this.keys.length ? this.keys.map(k => ({
          secretKey: k,
          remoteRef: { key: data[k].key, ...(data[k].property !== undefined ? { property: data[k].property } : {}) },
        })) : undefined,
        dataFrom: extract.length ? extract.map(key => ({ extract: { key } })) : undefined,
      },
    });
  }
}
