import { PolicyRule, RuleHit } from './_rule';

/** Every host of an Ingress is served over TLS. */
export const ingressTls: PolicyRule = {
  id: 'ingress-tls',
  severity: 'error',
  rationale: 'Without TLS, credentials and session cookies cross the network in clear text.',
  check({ object }) {
    if (object.kind !== 'Ingress' || !String(object.apiVersion).startsWith('networking.k8s.io/')) return [];
    const tls: any[] = Array.isArray(object.spec?.tls) ? object.spec.tls : [];
    if (tls.length === 0) {
      return [{ field: 'spec.tls', message: 'is not set: the Ingress serves plain HTTP. Add TLS from a Secret or a cert-manager issuer (IngressRoute tls: RouteTls.fromIssuer(...))' }];
    }
    const covered = new Set(tls.flatMap(t => (Array.isArray(t?.hosts) ? t.hosts : [])));
    const hits: RuleHit[] = [];
    const rules: any[] = Array.isArray(object.spec?.rules) ? object.spec.rules : [];
    rules.forEach((r, i) => {
      if (typeof r?.host === 'string' && !covered.has(r.host)) {
        hits.push({ field: `spec.rules[${i}].host`, message: 'is not listed in any spec.tls[].hosts: it is served without TLS', value: r.host });
      }
    });
    return hits;
  },
};
