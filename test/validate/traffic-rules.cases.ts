import { appFolder, deployment, externalSecret, hpa, ingress, mutated, networkPolicy, Obj, service } from './_fixtures';
import { validateTree } from '../../src/validate/validate-tree';

/** The findings of `rule` when the dev/hello folder holds `objects` (plus other folders). */
function findings(rule: string, objects: Obj[], extra: Map<string, string> = new Map()) {
  const tree = new Map([...appFolder('dev/hello', objects), ...extra]);
  return validateTree(tree).findings.filter(f => f.rule === rule).map(f => `${f.file} ${f.field}: ${f.message}${f.value !== undefined ? ` (${JSON.stringify(f.value)})` : ''}`);
}

describe('ingress-tls', () => {
  test('GIVEN an Ingress with TLS for every host THEN no finding', () => {
    expect(findings('ingress-tls', [ingress()])).toEqual([]);
  });

  test('GIVEN an Ingress without TLS THEN an error on spec.tls', () => {
    expect(findings('ingress-tls', [mutated(ingress(), x => { delete x.spec.tls; })])).toEqual([
      'dev/hello/ingress-hello.yaml spec.tls: is not set: the Ingress serves plain HTTP. Add TLS from a Secret or a cert-manager issuer (IngressRoute tls: RouteTls.fromIssuer(...))',
    ]);
  });

  test('GIVEN a host missing from the TLS hosts THEN that host is reported', () => {
    const two = mutated(ingress(), x => { x.spec.rules.push({ ...x.spec.rules[0], host: 'www.example.com' }); });
    expect(findings('ingress-tls', [two])).toEqual([
      'dev/hello/ingress-hello.yaml spec.rules[1].host: is not listed in any spec.tls[].hosts: it is served without TLS ("www.example.com")',
    ]);
  });
});

describe('hpa-min-replicas', () => {
  const ha = (min: number | undefined) => mutated(hpa(), x => {
    x.metadata.annotations = { 'cdk8s-gitops.io/high-availability': 'true' };
    if (min === undefined) delete x.spec.minReplicas; else x.spec.minReplicas = min;
  });

  test('GIVEN high availability asked and minReplicas 1 or unset THEN an error', () => {
    expect(findings('hpa-min-replicas', [ha(1)])).toEqual([
      'dev/hello/horizontalpodautoscaler-hello.yaml spec.minReplicas: is 1 but the environment asks for high availability (cdk8s-gitops.io/high-availability): set it to 2 or more (1)',
    ]);
    expect(findings('hpa-min-replicas', [ha(undefined)])).toHaveLength(1);
  });

  test('GIVEN minReplicas 2, or no high availability asked THEN no finding', () => {
    expect(findings('hpa-min-replicas', [ha(2)])).toEqual([]);
    expect(findings('hpa-min-replicas', [mutated(hpa(), x => { x.spec.minReplicas = 1; })])).toEqual([]);
  });
});

describe('network-default-deny', () => {
  const allow = mutated(networkPolicy(), x => {
    x.metadata.name = 'hello-from-ingress-nginx';
    x.spec.podSelector = { matchLabels: { 'app.kubernetes.io/name': 'hello' } };
  });

  test('GIVEN allow policies in the namespace but no default-deny THEN a warning on each workload', () => {
    expect(findings('network-default-deny', [deployment(), service(), allow])).toEqual([
      'dev/hello/deployment-hello.yaml metadata.namespace: has NetworkPolicies (hello-from-ingress-nginx) but no default-deny ingress policy (podSelector {}) in the validated tree: add NetworkIsolation to the environment ("dev")',
    ]);
  });

  test('GIVEN the default-deny in another folder of the tree THEN no finding', () => {
    const baseline = appFolder('dev/network-policy', [networkPolicy()]);
    expect(findings('network-default-deny', [deployment(), service(), allow], baseline)).toEqual([]);
  });

  test('GIVEN a default-deny for another namespace only THEN the workload is still reported', () => {
    const other = appFolder('prod/network-policy', [mutated(networkPolicy(), x => { x.metadata.namespace = 'prod'; })]);
    expect(findings('network-default-deny', [deployment(), service(), allow], other)).toHaveLength(1);
  });

  test('GIVEN no NetworkPolicy at all THEN no finding (the cluster may not enforce policies)', () => {
    expect(findings('network-default-deny', [deployment(), service()])).toEqual([]);
  });
});

describe('external-secret-store', () => {
  test('GIVEN a store reference THEN no finding', () => {
    expect(findings('external-secret-store', [externalSecret()])).toEqual([]);
  });

  test('GIVEN no store reference THEN an error', () => {
    expect(findings('external-secret-store', [mutated(externalSecret(), x => { delete x.spec.secretStoreRef; })])).toEqual([
      'dev/hello/externalsecret-hello-db.yaml spec.secretStoreRef: is not set (and not every entry has a sourceRef): name the SecretStore or ClusterSecretStore to read from',
    ]);
  });

  test('GIVEN no top-level store but a sourceRef on every entry THEN no finding', () => {
    const sourced = mutated(externalSecret(), x => {
      delete x.spec.secretStoreRef;
      x.spec.data[0].sourceRef = { storeRef: { name: 'vault', kind: 'ClusterSecretStore' } };
    });
    expect(findings('external-secret-store', [sourced])).toEqual([]);
  });
});
