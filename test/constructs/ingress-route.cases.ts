import { appWith, objects, props, synthProblems } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsAppProps } from '../../src/constructs/gitops-app';
import { IngressPathType, IngressRoute, IssuerKind, RouteTls } from '../../src/constructs/ingress-route';
import { WebService } from '../../src/constructs/web-service';
import { renderFiles } from '../../src/testing';

function setup(appProps: GitOpsAppProps = {}) {
  const { app, env, chart } = appWith({}, 'hello', appProps);
  const web = new WebService(chart, 'web', props());
  return { app, env, chart, web };
}

describe('IngressRoute', () => {
  test('GIVEN a backend and a host WHEN rendered THEN one Prefix rule to the Service port, no TLS, and a policy admitting ingress-nginx (snapshot)', () => {
    // GIVEN (no TLS is what the gate's ingress-tls rule refuses; this checks the rendering)
    const { app, chart, web } = setup({ validate: false });
    new IngressRoute(chart, 'public', { backend: web, hosts: ['hello.example.com'] });
    // WHEN
    const files = renderFiles(app);
    // THEN
    expect(files['dev/hello/ingress-hello.yaml']).toMatchSnapshot();
    const policy = objects(files)['dev/hello/networkpolicy-hello-from-ingress-nginx.yaml'];
    expect(policy.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(policy.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'hello-dev', 'app.kubernetes.io/name': 'hello' });
  });

  test('GIVEN a TLS secret, a class, paths and Exact match THEN each host has each path and TLS covers every host', () => {
    const { app, chart, web } = setup();
    new IngressRoute(chart, 'public', {
      backend: web,
      hosts: ['hello.example.com', '*.hello.example.com'],
      paths: ['/api', '/'],
      pathType: IngressPathType.EXACT,
      className: 'nginx',
      tls: RouteTls.fromSecret('hello-cert'),
      name: 'hello-public',
      controllerNamespace: null,
    });
    const files = renderFiles(app);
    const ing = objects(files)['dev/hello/ingress-hello-public.yaml'];
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls).toEqual([{ hosts: ['hello.example.com', '*.hello.example.com'], secretName: 'hello-cert' }]);
    expect(ing.spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => `${p.pathType} ${p.path}`)])).toEqual([
      ['hello.example.com', ['Exact /api', 'Exact /']], ['*.hello.example.com', ['Exact /api', 'Exact /']],
    ]);
    expect(ing.metadata.annotations).toBeUndefined();
    // controllerNamespace: null renders no policy
    expect(Object.keys(files).filter(f => f.includes('networkpolicy'))).toEqual([]);
  });

  test('GIVEN a cert-manager ClusterIssuer THEN the Ingress carries the issuer annotation and the secret defaults to <name>-tls', () => {
    const { app, chart, web } = setup();
    new IngressRoute(chart, 'public', { backend: web, hosts: ['hello.example.com'], tls: RouteTls.fromIssuer('letsencrypt') });
    const ing = objects(renderFiles(app))['dev/hello/ingress-hello.yaml'];
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(ing.spec.tls[0].secretName).toBe('hello-tls');
  });

  test('GIVEN an Issuer with certificate: true THEN a Certificate is rendered for every host and the annotation is left out', () => {
    const { app, chart, web } = setup();
    new IngressRoute(chart, 'public', { backend: web, hosts: ['hello.example.com'], tls: RouteTls.fromIssuer('internal-ca', { kind: IssuerKind.ISSUER, certificate: true, secretName: 'hello-cert' }) });
    const files = objects(renderFiles(app));
    expect(files['dev/hello/ingress-hello.yaml'].metadata.annotations).toBeUndefined();
    expect(files['dev/hello/certificate-hello.yaml'].spec).toEqual({
      dnsNames: ['hello.example.com'], issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'internal-ca' }, secretName: 'hello-cert',
    });
  });

  test('GIVEN bad hosts, a bad TLS secret name, a bad path and an unknown port THEN synth reports every problem at once with path, field and value', () => {
    const { app, chart, web } = setup();
    new IngressRoute(chart, 'public', {
      backend: web, hosts: ['Foo..com', '*.*.example.com', '10.0.0.1', 'localhost', 'a..b.com'], paths: ['api'], port: 9090, tls: RouteTls.fromSecret('Hello_TLS'),
    });
    expect(synthProblems(app)).toEqual([
      '[dev/hello/public] \'hosts[0]\' is not a valid DNS name: it has the label "Foo": labels are lowercase letters, digits and "-", not starting or ending with "-" (got "Foo..com")',
      '[dev/hello/public] \'hosts[1]\' may hold one wildcard only, as the whole first label ("*.example.com") (got "*.*.example.com")',
      '[dev/hello/public] \'hosts[2]\' must be a DNS name, not an IP address (or a port): routes match the Host header by name (got "10.0.0.1")',
      '[dev/hello/public] \'hosts[3]\' must be a fully qualified name with a dot, e.g. "app.example.com" (got "localhost")',
      '[dev/hello/public] \'hosts[4]\' is not a valid DNS name: it has an empty label ("..", or a leading or trailing dot) (got "a..b.com")',
      '[dev/hello/public] \'paths[0]\' must be an HTTP path starting with "/" (no whitespace, query or fragment) (got "api")',
      '[dev/hello/public] \'port\' is not a port of Service "hello" (it exposes http:80) (got 9090)',
      '[dev/hello/public] \'tls.secretName\' must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters) (got "Hello_TLS")',
    ]);
  });

  test('GIVEN no hosts, an IPv6 host and a backend in another namespace THEN each is reported', () => {
    const { app, chart, web } = setup();
    const other = new AppChart(new Environment(app, 'prod', { namespace: 'hello-prod' }), 'hello');
    new IngressRoute(other, 'public', { backend: web, hosts: [] });
    new IngressRoute(chart, 'v6', { backend: web, hosts: ['::1'] });
    expect(synthProblems(app)).toEqual([
      '[dev/hello/v6] \'hosts[0]\' must be a DNS name, not an IP address (or a port): routes match the Host header by name (got "::1")',
      '[prod/hello/public] \'backend\' is in namespace "hello-dev" (app dev/hello), the route in "hello-prod": define the route in the backend\'s app',
      '[prod/hello/public] \'hosts\' must list at least one host name (got [])',
    ]);
  });
});
