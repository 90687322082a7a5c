import { PolicyRule } from './_rule';

/** An ExternalSecret names the SecretStore or ClusterSecretStore it reads. */
export const externalSecretStore: PolicyRule = {
  id: 'external-secret-store',
  severity: 'error',
  rationale: 'An ExternalSecret without a store reference is never synced: the Secret it should create stays missing and the pods cannot start.',
  check({ object }) {
    if (object.kind !== 'ExternalSecret' || !String(object.apiVersion).startsWith('external-secrets.io/')) return [];
    if (typeof object.spec?.secretStoreRef?.name === 'string' && object.spec.secretStoreRef.name !== '') return [];
    const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
    const entries = [...list(object.spec?.data), ...list(object.spec?.dataFrom)];
    const allSourced = entries.length > 0 && entries.every(e => e?.sourceRef?.storeRef?.name || e?.sourceRef?.generatorRef?.name);
    return allSourced ? [] : [{
      field: 'spec.secretStoreRef',
      message: 'is not set (and not every entry has a sourceRef): name the SecretStore or ClusterSecretStore to read from',
    }];
  },
};
