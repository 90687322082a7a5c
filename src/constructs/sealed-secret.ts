import { Construct } from 'constructs';
import { checkSubdomain } from './_hosts';
import { SecretSource } from './_secret-source';
import { AppChart } from './app-chart';
import { addProblemValidation } from './problem-validation';
import { appObjectLabels } from './targets';
import { SealedSecret as SealedSecretL1 } from '../../imports/sealed-secrets-sealedsecret-bitnami.com';
import { Problem } from '../errors';

/** Which name and namespace a sealed value was sealed for (`kubeseal --scope`). */
export enum SealingScope {
  /** This name in this namespace only (kubeseal's default). */
  STRICT = 'strict',
  /** Any name in this namespace. */
  NAMESPACE_WIDE = 'namespace-wide',
  /** Any name in any namespace. */
  CLUSTER_WIDE = 'cluster-wide',
}

/** Props of `SealedSecret`. */
export interface SealedSecretProps {
  /** Keys and their values encrypted with `kubeseal` (base64 ciphertext, safe in git). */
  readonly encryptedData: Record<string, string>;
  /**
   * Name of the SealedSecret and of the Secret the controller unseals.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The Secret's type.
   *
   * @default 'Opaque'
   */
  readonly type?: string;
  /**
   * The scope the values were sealed with.
   *
   * @default SealingScope.STRICT
   */
  readonly scope?: SealingScope;
}

const KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A `SealedSecret` (bitnami.com/v1alpha1): values encrypted with the
 * cluster's Sealed Secrets key, which only its controller can decrypt into
 * a Secret of the same name. Safe to commit. Consume it with `envFrom`,
 * `env` or `mount` (one call each).
 *
 * @see https://github.com/bitnami-labs/sealed-secrets
 */
export class SealedSecret extends SecretSource {
  /** The SealedSecret. */
  public readonly sealedSecret: SealedSecretL1;
  /** Name of the SealedSecret and of its Secret. */
  public readonly name: string;
  /** Keys of the Secret. */
  public readonly keys: readonly string[];

  constructor(scope: Construct, id: string, props: SealedSecretProps) {
    super(scope, id);
    const where = this.node.path;
    const chart = AppChart.of(this);
    this.name = props.name ?? id;
    const sealing = props.scope ?? SealingScope.STRICT;
    const encrypted = props.encryptedData ?? {};
    this.keys = Object.keys(encrypted).sort();
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    push(checkSubdomain(where, 'name', this.name));
    if (this.keys.length === 0) problems.push({ path: where, field: 'encryptedData', message: 'is empty: seal at least one value with kubeseal' });
    for (const k of this.keys) {
      const v = encrypted[k];
      if (!KEY.test(k)) problems.push({ path: where, field: `encryptedData.${k}`, message: 'is not a valid Secret key (letters, digits, "-", "_" and ".")', value: k });
      if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v)) {
        problems.push({ path: where, field: `encryptedData.${k}`, message: 'must be kubeseal output (base64 ciphertext), not a plain value', value: typeof v === 'string' ? `${v.slice(0, 12)}${v.length > 12 ? '…' : ''}` : v });
      }
    }
    if (!Object.values(SealingScope).includes(sealing)) problems.push({ path: where, field: 'scope', message: `must be one of ${Object.values(SealingScope).join(', ')}`, value: sealing });
    addProblemValidation(this, () => problems);

    const annotations: Record<string, string> = sealing === SealingScope.STRICT ? {}
      : { [`sealedsecrets.bitnami.com/${sealing}`]: 'true' };
    const labels = appObjectLabels(chart);
    this.sealedSecret = new SealedSecretL1(this, 'Resource', {
      metadata: { name: this.name, labels, ...(Object.keys(annotations).length ? { annotations } : {}) },
      spec: {
        encryptedData: Object.fromEntries(this.keys.map(k => [k, encrypted[k]])),
        template: { metadata: { name: this.name, labels, ...(Object.keys(annotations).length ? { annotations } : {}) }, type: props.type ?? 'Opaque' },
      },
    });
  }
}
