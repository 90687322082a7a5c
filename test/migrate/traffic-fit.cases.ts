import { FitContext, fitTrafficObject, WebServiceTarget } from '../../src/migrate/_traffic-fit';

// The fits alone (no program is generated or run): why each object does or does not become its construct.
const WEB: WebServiceTarget = {
  variable: 'shop',
  name: 'shop',
  serviceName: 'shop',
  servicePort: 80,
  servicePortName: 'http',
  selector: { app: 'shop' },
};
const CTX: FitContext = {
  app: 'shop',
  env: 'dev',
  namespace: 'shop',
  objects: [],
  web: WEB,
  workloads: [{ ...WEB, className: 'WebService' }, { variable: 'queue', className: 'Worker', name: 'queue', selector: { app: 'queue' } }],
};

const ingress = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'shop', ...metadata },
  spec: {
    rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 80 } } } }] } }],
    ...spec,
  },
});
const route = (spec: Record<string, unknown>) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'shop' },
  spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'shop', port: 80 }] }], ...spec },
});
const hpa = (spec: Record<string, unknown>) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'shop' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' },
    maxReplicas: 4,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    ...spec,
  },
});
const policy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec });
const fit = (j: Record<string, any>, ctx: FitContext = CTX) => fitTrafficObject(j, 0, ctx);
const reason = (j: Record<string, any>, ctx: FitContext = CTX) => {
  const f = fit(j, ctx);
  if (typeof f !== 'string') throw new Error(`expected a reason, got a ${f?.className ?? 'nothing'}`);
  return f;
};

describe('migrate fits: Ingress → IngressRoute', () => {
  test('GIVEN an Issuer (not a ClusterIssuer) and another Secret name WHEN fitted THEN RouteTls.fromIssuer names both', () => {
    const f = fit(ingress({ tls: [{ hosts: ['shop.example.com'], secretName: 'shop-cert' }] }, { annotations: { 'cert-manager.io/issuer': 'ca' } }));
    expect(typeof f !== 'string' && f?.props.tls).toEqual({ code: "RouteTls.fromIssuer('ca', { kind: IssuerKind.ISSUER, secretName: 'shop-cert' })" });
    expect(typeof f !== 'string' && f?.uses).toEqual(['RouteTls', 'IssuerKind']);
  });

  test('GIVEN a Certificate for its hosts and Secret, without an issuer kind WHEN fitted THEN certificate: true, cert-manager\'s default kind Issuer, and it covers the Certificate', () => {
    const certificate = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'shop' },
      spec: { secretName: 'shop-tls', dnsNames: ['shop.example.com'], issuerRef: { name: 'ca' } },
    };
    const j = ingress({ tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }] });
    const f = fit(j, { ...CTX, objects: [{ file: 'a.yaml', document: 1, json: j, imagesBefore: {} }, { file: 'a.yaml', document: 2, json: certificate, imagesBefore: {} }] });
    expect(typeof f !== 'string' && [f?.props.tls, f?.also]).toEqual([
      { code: "RouteTls.fromIssuer('ca', { kind: IssuerKind.ISSUER, certificate: true })" }, [{ index: 1, name: 'shop' }],
    ]);
    // a Certificate for other hosts is left alone: the Secret is then the TLS source
    const other = { ...certificate, spec: { ...certificate.spec, dnsNames: ['other.example.com'] } };
    const g = fit(j, { ...CTX, objects: [{ file: 'a.yaml', document: 2, json: other, imagesBefore: {} }] });
    expect(typeof g !== 'string' && [g?.props.tls, g?.also]).toEqual([{ code: "RouteTls.fromSecret('shop-tls')" }, []]);
  });

  test('GIVEN TLS from a Secret and Exact paths WHEN fitted THEN RouteTls.fromSecret and IngressPathType.EXACT', () => {
    const rules = [{ host: 'shop.example.com', http: { paths: [{ path: '/a', pathType: 'Exact', backend: { service: { name: 'shop', port: { number: 80 } } } }] } }];
    const f = fit(ingress({ rules, tls: [{ hosts: ['shop.example.com'], secretName: 'own' }] }));
    expect(typeof f !== 'string' && f?.props).toMatchObject({ paths: ['/a'], pathType: { code: 'IngressPathType.EXACT' }, tls: { code: "RouteTls.fromSecret('own')" } });
  });

  test.each([
    ['no WebService in the program', ingress({}), { ...CTX, web: undefined }, 'its backend Service "shop" is not a WebService here (IngressRoute routes to a WebService)'],
    ['another Service', ingress({ rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } }] } }] }), CTX,
      'it routes to Service "api", not to the WebService\'s shop'],
    ['a port the Service does not expose', ingress({ rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 81 } } } }] } }] }), CTX,
      'spec.rules[0].http.paths[0].backend.service.port {"number":81} is not the WebService\'s Service port 80'],
    ['TLS for some hosts only', ingress({ tls: [{ hosts: ['other.example.com'], secretName: 'x' }] }), CTX,
      'spec.tls[0].hosts ["other.example.com"] are not the rules\' hosts ["shop.example.com"] (IngressRoute\'s TLS covers every host)'],
    ['an invalid host', ingress({ rules: [{ host: 'Foo..com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 80 } } } }] } }] }), CTX,
      'spec.rules[0].host "Foo..com" is not a valid DNS name: it has the label "Foo": labels are lowercase letters, digits and "-", not starting or ending with "-"'],
    ['a default backend', ingress({ defaultBackend: {} }), CTX, 'spec.defaultBackend has no prop (got {})'],
    ['a rule without a host', ingress({ rules: [{ http: { paths: [] } }] }), CTX, 'spec.rules[0] has no host (IngressRoute routes host names)'],
    ['the Service keeping its own name', ingress({}), { ...CTX, web: { ...WEB, name: 'web' } },
      'the WebService\'s Service keeps its input name shop through a patch, and IngressRoute would route to web'],
  ])('GIVEN %s WHEN fitted THEN it stays a typed object, saying why', (_, j, ctx, why) => {
    expect(reason(j, ctx)).toBe(`Ingress shop stays a typed k8s object, not an IngressRoute: ${why}`);
  });
});

describe('migrate fits: HTTPRoute → GatewayHttpRoute', () => {
  test('GIVEN a route without matches WHEN fitted THEN the default path, every listener, no gateway policy', () => {
    const f = fit(route({}));
    expect(typeof f !== 'string' && f?.props).toEqual({ backend: { code: 'shop' }, gateway: { name: 'public' }, allowFromGateway: false });
  });

  test.each([
    ['two parents', route({ parentRefs: [{ name: 'a' }, { name: 'b' }] }), 'spec.parentRefs does not name exactly one Gateway'],
    ['two rules', route({ rules: [{}, {}] }), 'spec.rules does not have exactly one rule (GatewayHttpRoute writes one)'],
    ['another port', route({ rules: [{ backendRefs: [{ name: 'shop', port: 8080 }] }] }), 'spec.rules[0].backendRefs[0].port 8080 is not the WebService\'s Service port 80'],
    ['a header match', route({ rules: [{ matches: [{ headers: [] }], backendRefs: [{ name: 'shop', port: 80 }] }] }), 'spec.rules[0].matches[0].headers has no prop (got [])'],
    ['an IP host name', route({ hostnames: ['10.0.0.1'] }), 'spec.hostnames[0] "10.0.0.1" must be a DNS name, not an IP address (or a port): routes match the Host header by name'],
  ])('GIVEN %s WHEN fitted THEN it stays an ApiObject, saying why', (_, j, why) => {
    expect(reason(j)).toBe(`HTTPRoute shop stays a plain ApiObject, not a GatewayHttpRoute: ${why}`);
  });
});

describe('migrate fits: HorizontalPodAutoscaler → Autoscaler', () => {
  test('GIVEN no minReplicas and the high-availability annotation WHEN fitted THEN minReplicas 1 (the API default) and highAvailability', () => {
    const j = { ...hpa({}), metadata: { name: 'shop', annotations: { 'cdk8s-gitops.io/high-availability': 'true' } } };
    const f = fit(j);
    expect(typeof f !== 'string' && f?.props).toEqual({ target: { code: 'shop' }, minReplicas: 1, maxReplicas: 4, cpuUtilization: 70, highAvailability: true });
  });

  test.each([
    ['an AverageValue target', hpa({ metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '400Mi' } } }] }),
      'spec.metrics[0].resource.target.type "AverageValue" (Autoscaler targets Utilization)'],
    ['min above max', hpa({ minReplicas: 5 }), 'spec.maxReplicas 4 is not a whole number >= spec.minReplicas (5)'],
    ['min 0', hpa({ minReplicas: 0 }), 'spec.minReplicas 0 is not a whole number >= 1'],
    ['a utilisation over 100', hpa({ metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 150 } } }] }),
      'spec.metrics[0].resource.target.averageUtilization 150 is not a whole percentage 1-100'],
    ['no metrics', hpa({ metrics: [] }), 'spec.metrics is empty (Autoscaler needs a CPU or memory target)'],
    ['another Deployment', hpa({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' } }),
      'its target Deployment "worker" is not a WebService or Worker here (Autoscaler scales one)'],
    ['scaling behaviour', hpa({ behavior: {} }), 'spec.behavior has no prop (got {})'],
  ])('GIVEN %s WHEN fitted THEN it stays a typed object, saying why', (_, j, why) => {
    expect(reason(j)).toBe(`HorizontalPodAutoscaler shop stays a typed k8s object, not an Autoscaler: ${why}`);
  });

  test('GIVEN the Deployment of a Worker WHEN fitted THEN an Autoscaler of the Worker', () => {
    const f = fit(hpa({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'queue' } }));
    expect(typeof f !== 'string' && [f?.props, f?.target]).toEqual([{ name: 'shop', target: { code: 'queue' }, minReplicas: 1, maxReplicas: 4, cpuUtilization: 70 }, 'queue']);
  });
});

describe('migrate fits: ConfigMap → HashedConfigMap', () => {
  const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' }, ...extra });

  test.each([
    ['binaryData', cm('x', { binaryData: { k: 'AA==' } }), 'object.binaryData has no prop (got {"k":"AA=="})'],
    ['immutable', cm('x', { immutable: true }), 'object.immutable has no prop (got true)'],
    ['another annotation', { ...cm('x'), metadata: { name: 'x', annotations: { a: 'b' } } }, 'metadata.annotations other than argocd.argoproj.io/sync-options: PruneLast=true'],
    ['a non-string value', cm('x', { data: { a: 1 } }), 'data.a is not a string'],
    ['no data', cm('x', { data: {} }), 'data is empty'],
  ])('GIVEN %s WHEN fitted THEN it stays a typed object, saying why', (_, j, why) => {
    expect(reason(j)).toBe(`ConfigMap x stays a typed k8s object, not a HashedConfigMap: ${why}`);
  });
});

describe('migrate fits: NetworkPolicy → NetworkIsolation / NetworkAccess', () => {
  test('GIVEN a default-deny of ingress only WHEN fitted THEN NetworkIsolation in the environment, without egress', () => {
    const f = fit(policy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    expect(typeof f !== 'string' && [f?.className, f?.scope, f?.props]).toEqual(['NetworkIsolation', 'env', {}]);
  });

  test('GIVEN ingress from the pods of another workload WHEN fitted THEN allowFrom(that workload), which it refers to', () => {
    const f = fit(policy('x', { podSelector: { matchLabels: { app: 'queue' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'shop' } } }], ports: [{ port: 9090 }] }] }));
    expect(typeof f !== 'string' && [f?.calls, f?.target, f?.refs]).toEqual([['.allowFrom(shop, { port: 9090 })'], 'queue', ['queue', 'shop']]);
  });

  test.each([
    ['egress denied without the DNS policy', policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      'NetworkPolicy default-deny stays a typed k8s object, not a NetworkIsolation or NetworkAccess: it denies egress, and NetworkIsolation then renders an allow-dns policy the input does not have'],
    ['another name', policy('deny-all', { podSelector: {} }),
      'NetworkPolicy deny-all stays a typed k8s object, not a NetworkIsolation or NetworkAccess: it selects every pod, and NetworkIsolation\'s policy is named default-deny'],
    ['egress rules on the app', policy('shop-allow', { podSelector: { matchLabels: { app: 'shop' } }, policyTypes: ['Egress'], egress: [] }),
      'NetworkPolicy shop-allow stays a typed k8s object, not a NetworkIsolation or NetworkAccess: it has egress rules or policyTypes other than ["Ingress"] (NetworkAccess allows ingress)'],
    ['pods of no WebService', policy('x', { podSelector: { matchLabels: { app: 'db' } } }),
      'NetworkPolicy x stays a typed k8s object, not a NetworkIsolation or NetworkAccess: spec.podSelector {"matchLabels":{"app":"db"}} selects the pods of no WebService or Worker here (NetworkAccess allows traffic into one)'],
    ['a named port', policy('x', { podSelector: { matchLabels: { app: 'shop' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } }], ports: [{ port: 'http' }] }] }),
      'NetworkPolicy x stays a typed k8s object, not a NetworkIsolation or NetworkAccess: spec.ingress[0].ports[0] {"port":"http"} is not a numbered TCP port'],
    ['pods of no workload', policy('x', { podSelector: { matchLabels: { app: 'shop' } }, ingress: [{ from: [{ podSelector: {} }] }] }),
      'NetworkPolicy x stays a typed k8s object, not a NetworkIsolation or NetworkAccess: spec.ingress[0].from[0] {"podSelector":{}} '
      + 'is not the pods of a WebService or Worker here (NetworkAccess allows workloads of the program and namespaces)'],
  ])('GIVEN %s WHEN fitted THEN it stays a typed object, saying why', (_, j, why) => {
    expect(reason(j)).toBe(why);
  });
});

describe('migrate fits: objects without a spec', () => {
  test.each([
    [{ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'a' } }, 'HorizontalPodAutoscaler a stays a typed k8s object, not an Autoscaler: spec is not a mapping'],
    [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'a' }, spec: null }, 'NetworkPolicy a stays a typed k8s object, not a NetworkIsolation or NetworkAccess: spec is not a mapping'],
    [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'a' } }, 'Ingress a stays a typed k8s object, not an IngressRoute: spec is not a mapping'],
  ])('GIVEN %j WHEN fitted THEN it stays a typed object, saying why (no crash)', (j, why) => {
    expect(reason(j)).toBe(why);
  });
});
