import { SourceObject } from './_load';
import { Code, str } from './_ts';

/** An input object an `ExternalSecret` or `SealedSecret` construct expresses, and its props. */
export interface SecretSourceFit {
  /** `ExternalSecret` or `SealedSecret`. */
  readonly className: 'ExternalSecret' | 'SealedSecret';
  /** Other library names the props use (`SecretStoreRef`, `SealingScope`). */
  readonly uses: readonly string[];
  /** Props as literal values (`Code` for expressions). */
  readonly props: Record<string, unknown>;
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first key of `obj` outside `allowed`, as `field.key`; or why `obj` is not a mapping. */
function extra(obj: unknown, allowed: readonly string[], field: string): string | undefined {
  if (obj === undefined) return undefined;
  if (!isObject(obj)) return `${field} is not a mapping`;
  const k = Object.keys(obj).find(x => !allowed.includes(x));
  return k === undefined ? undefined : `${field}.${k} has no prop`;
}

function subdomain(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 253 && SUBDOMAIN.test(v);
}

/**
 * Whether an object is an ExternalSecret (external-secrets.io/v1) or a
 * SealedSecret (bitnami.com/v1alpha1) that the construct of the same name
 * expresses. Returns its props, the reason it does not fit (the object then
 * stays a plain ApiObject), or undefined for other kinds.
 */
export function fitSecretSource(o: SourceObject, options: { namespace: string }): SecretSourceFit | string | undefined {
  const j = o.json;
  const name = j.metadata?.name;
  if (j.kind === 'ExternalSecret' && String(j.apiVersion).startsWith('external-secrets.io/')) {
    const why = (reason: string) => `ExternalSecret ${name} stays a plain ApiObject, not an ExternalSecret construct: ${reason}`;
    return fitExternalSecret(j, options.namespace, why);
  }
  if (j.kind === 'SealedSecret' && String(j.apiVersion).startsWith('bitnami.com/')) {
    const why = (reason: string) => `SealedSecret ${name} stays a plain ApiObject, not a SealedSecret construct: ${reason}`;
    return fitSealedSecret(j, options.namespace, why);
  }
  return undefined;
}

function fitExternalSecret(j: Record<string, any>, namespace: string, why: (r: string) => string): SecretSourceFit | string {
  if (j.apiVersion !== 'external-secrets.io/v1') return why(`apiVersion ${j.apiVersion} (the construct writes external-secrets.io/v1)`);
  const name = j.metadata?.name;
  const s = j.spec;
  const problem = extra(j, ['apiVersion', 'kind', 'metadata', 'spec'], 'object')
    ?? extra(j.metadata, ['name', 'namespace', 'labels'], 'metadata')
    ?? extra(s, ['refreshInterval', 'secretStoreRef', 'target', 'data', 'dataFrom'], 'spec')
    ?? extra(s?.secretStoreRef, ['kind', 'name'], 'spec.secretStoreRef')
    ?? extra(s?.target, ['name', 'creationPolicy'], 'spec.target');
  if (problem) return why(problem);
  if (!subdomain(name)) return why('the name is not a DNS-1123 subdomain');
  if (j.metadata.namespace !== undefined && j.metadata.namespace !== namespace) return why(`it is in namespace ${j.metadata.namespace}, not ${namespace}`);
  const storeKind = s.secretStoreRef?.kind ?? 'SecretStore';
  if (storeKind !== 'SecretStore' && storeKind !== 'ClusterSecretStore') return why(`spec.secretStoreRef.kind ${storeKind}`);
  if (!subdomain(s.secretStoreRef?.name)) return why('spec.secretStoreRef.name is not a DNS-1123 subdomain');
  if (s.target?.name !== undefined && s.target.name !== name) return why('spec.target.name differs from the ExternalSecret\'s name');
  if (s.target?.creationPolicy !== undefined && s.target.creationPolicy !== 'Owner') return why(`spec.target.creationPolicy ${s.target.creationPolicy} (the construct writes Owner)`);
  if (s.refreshInterval !== undefined && (typeof s.refreshInterval !== 'string' || !DURATION.test(s.refreshInterval))) return why('spec.refreshInterval is not a Go duration');
  const data: Record<string, Record<string, string>> = {};
  if (s.data !== undefined) {
    if (!Array.isArray(s.data)) return why('spec.data is not a list');
    for (const [i, d] of s.data.entries()) {
      const p = extra(d, ['secretKey', 'remoteRef'], `spec.data[${i}]`) ?? extra(d?.remoteRef, ['key', 'property'], `spec.data[${i}].remoteRef`);
      if (p) return why(p);
      if (typeof d.secretKey !== 'string' || !KEY.test(d.secretKey) || d.secretKey in data) return why(`spec.data[${i}].secretKey is not a valid, unique Secret key`);
      if (typeof d.remoteRef?.key !== 'string' || !d.remoteRef.key) return why(`spec.data[${i}].remoteRef.key is not set`);
      if (d.remoteRef.property !== undefined && typeof d.remoteRef.property !== 'string') return why(`spec.data[${i}].remoteRef.property is not a string`);
      data[d.secretKey] = { key: d.remoteRef.key, ...(d.remoteRef.property !== undefined ? { property: d.remoteRef.property } : {}) };
    }
  }
  const extract: string[] = [];
  if (s.dataFrom !== undefined) {
    if (!Array.isArray(s.dataFrom)) return why('spec.dataFrom is not a list');
    for (const [i, d] of s.dataFrom.entries()) {
      const p = extra(d, ['extract'], `spec.dataFrom[${i}]`) ?? extra(d?.extract, ['key'], `spec.dataFrom[${i}].extract`);
      if (p) return why(p);
      if (typeof d.extract?.key !== 'string' || !d.extract.key) return why(`spec.dataFrom[${i}].extract.key is not set`);
      extract.push(d.extract.key);
    }
  }
  if (!Object.keys(data).length && !extract.length) return why('spec.data and spec.dataFrom are both empty');
  const props: Record<string, unknown> = {
    name,
    store: new Code(`SecretStoreRef.${storeKind === 'ClusterSecretStore' ? 'cluster' : 'namespaced'}(${str(s.secretStoreRef.name)})`),
    ...(Object.keys(data).length ? { data } : {}),
    ...(extract.length ? { extract } : {}),
    ...(s.refreshInterval !== undefined ? { refreshInterval: s.refreshInterval } : {}),
  };
  return { className: 'ExternalSecret', uses: ['SecretStoreRef'], props };
}

const SCOPES: Record<string, string> = {
  'sealedsecrets.bitnami.com/namespace-wide': 'NAMESPACE_WIDE',
  'sealedsecrets.bitnami.com/cluster-wide': 'CLUSTER_WIDE',
};

function fitSealedSecret(j: Record<string, any>, namespace: string, why: (r: string) => string): SecretSourceFit | string {
  if (j.apiVersion !== 'bitnami.com/v1alpha1') return why(`apiVersion ${j.apiVersion} (the construct writes bitnami.com/v1alpha1)`);
  const name = j.metadata?.name;
  const s = j.spec;
  const t = s?.template;
  const problem = extra(j, ['apiVersion', 'kind', 'metadata', 'spec'], 'object')
    ?? extra(j.metadata, ['name', 'namespace', 'labels', 'annotations'], 'metadata')
    ?? extra(s, ['encryptedData', 'template'], 'spec')
    ?? extra(t, ['metadata', 'type'], 'spec.template')
    ?? extra(t?.metadata, ['name', 'namespace', 'labels', 'annotations', 'creationTimestamp'], 'spec.template.metadata');
  if (problem) return why(problem);
  if (!subdomain(name)) return why('the name is not a DNS-1123 subdomain');
  if (j.metadata.namespace !== undefined && j.metadata.namespace !== namespace) return why(`it is in namespace ${j.metadata.namespace}, not ${namespace}`);
  if (t?.metadata?.name !== undefined && t.metadata.name !== name) return why('spec.template.metadata.name differs from the SealedSecret\'s name');
  if (t?.metadata?.creationTimestamp !== undefined && t.metadata.creationTimestamp !== null) return why('spec.template.metadata.creationTimestamp is set');
  const annotations = Object.entries(j.metadata.annotations ?? {});
  if (annotations.some(([k, v]) => !(k in SCOPES) || v !== 'true') || annotations.length > 1) return why('metadata.annotations other than one sealing scope');
  const scope = annotations.length ? SCOPES[annotations[0][0]] : undefined;
  if (t?.type !== undefined && typeof t.type !== 'string') return why('spec.template.type is not a string');
  const encrypted = s?.encryptedData;
  if (!isObject(encrypted) || !Object.keys(encrypted).length) return why('spec.encryptedData is empty');
  for (const [k, v] of Object.entries(encrypted)) {
    if (!KEY.test(k)) return why(`spec.encryptedData key ${JSON.stringify(k)} is not a valid Secret key`);
    if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v)) return why(`spec.encryptedData.${k} is not base64 ciphertext`);
  }
  const props: Record<string, unknown> = {
    name,
    encryptedData: encrypted,
    ...(t?.type !== undefined && t.type !== 'Opaque' ? { type: t.type } : {}),
    ...(scope ? { scope: new Code(`SealingScope.${scope}`) } : {}),
  };
  return { className: 'SealedSecret', uses: scope ? ['SealingScope'] : [], props };
}
