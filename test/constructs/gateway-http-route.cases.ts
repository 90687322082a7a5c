import { appWith, objects, props, synthProblems } from './_fixtures';
import { GatewayHttpRoute, HttpPathMatch } from '../../src/constructs/gateway-http-route';
import { WebService } from '../../src/constructs/web-service';
import { renderFiles } from '../../src/testing';

function setup() {
  const { app, chart } = appWith();
  const web = new WebService(chart, 'web', props());
  return { app, chart, web };
}

describe('GatewayHttpRoute', () => {
  test('GIVEN a gateway and a host WHEN rendered THEN a v1 HTTPRoute with a PathPrefix "/" rule to Service port 80 (snapshot)', () => {
    // GIVEN
    const { app, chart, web } = setup();
    new GatewayHttpRoute(chart, 'route', { backend: web, gateway: { name: 'public', namespace: 'gateways', sectionName: 'https' }, hostnames: ['hello.example.com'] });
    // WHEN
    const files = renderFiles(app);
    // THEN
    expect(files['dev/hello/httproute-hello.yaml']).toMatchSnapshot();
    const policy = objects(files)['dev/hello/networkpolicy-hello-from-gateways.yaml'];
    expect(policy.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateways' } } }]);
  });

  test('GIVEN no hostnames, Exact paths, a named port and no gateway policy THEN the listener hosts apply and no policy is rendered', () => {
    const { app, chart, web } = setup();
    new GatewayHttpRoute(chart, 'route', { backend: web, gateway: { name: 'internal' }, paths: ['/a', '/b'], pathMatch: HttpPathMatch.EXACT, port: 'http', allowFromGateway: false });
    const files = renderFiles(app);
    const route = objects(files)['dev/hello/httproute-hello.yaml'];
    expect(route.spec.hostnames).toBeUndefined();
    expect(route.spec.parentRefs).toEqual([{ name: 'internal' }]);
    expect(route.spec.rules).toEqual([{ matches: [{ path: { type: 'Exact', value: '/a' } }, { path: { type: 'Exact', value: '/b' } }], backendRefs: [{ name: 'hello', port: 80 }] }]);
    expect(Object.keys(files).filter(f => f.includes('networkpolicy'))).toEqual([]);
  });

  test('GIVEN a gateway in the route namespace THEN the policy admits that namespace', () => {
    const { app, chart, web } = setup();
    new GatewayHttpRoute(chart, 'route', { backend: web, gateway: { name: 'shared' } });
    expect(Object.keys(renderFiles(app))).toContain('dev/hello/networkpolicy-hello-from-hello-dev.yaml');
  });

  test('GIVEN a bad hostname, a bad gateway and an unknown port THEN all are reported', () => {
    const { app, chart, web } = setup();
    new GatewayHttpRoute(chart, 'route', { backend: web, gateway: { name: 'Public', namespace: 'Gate_ways' }, hostnames: ['*.*.example.com'], port: 'metrics' });
    expect(synthProblems(app)).toEqual([
      '[dev/hello/route] \'hostnames[0]\' may hold one wildcard only, as the whole first label ("*.example.com") (got "*.*.example.com")',
      '[dev/hello/route] \'port\' is not a port of Service "hello" (it exposes http:80) (got "metrics")',
      '[dev/hello/route] \'gateway.name\' must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters) (got "Public")',
      '[dev/hello/route] \'gateway.namespace\' must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit (got "Gate_ways")',
    ]);
  });
});
