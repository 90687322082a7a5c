import { appWith, objects, props, synthProblems } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { NetworkAccess } from '../../src/constructs/network-access';
import { NetworkIsolation } from '../../src/constructs/network-isolation';
import { WebService } from '../../src/constructs/web-service';
import { renderFiles } from '../../src/testing';

function twoApps() {
  const { app, env, chart } = appWith();
  const web = new WebService(chart, 'web', props());
  const api = new AppChart(env, 'api');
  const apiWeb = new WebService(api, 'web', props());
  return { app, env, web, api, apiWeb };
}

describe('NetworkAccess', () => {
  test('GIVEN api.allowFrom(web) on port 8080 WHEN rendered THEN the api pods admit the web pods on that port only (snapshot)', () => {
    // GIVEN
    const { app, web, api, apiWeb } = twoApps();
    // WHEN
    new NetworkAccess(api, 'access', { target: apiWeb }).allowFrom(web, { port: 8080 });
    // THEN
    expect(renderFiles(app)['dev/api/networkpolicy-api-allow.yaml']).toMatchSnapshot();
  });

  test('GIVEN a namespace and a peer without a port THEN every port is open to them', () => {
    const { app, web, api, apiWeb } = twoApps();
    new NetworkAccess(api, 'access', { target: apiWeb, name: 'api-in' }).allowFrom(web).allowFromNamespace('monitoring', { port: 9090 });
    const spec = objects(renderFiles(app))['dev/api/networkpolicy-api-in.yaml'].spec;
    expect(spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'hello-dev', 'app.kubernetes.io/name': 'hello' } } }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9090, protocol: 'TCP' }] },
    ]);
  });

  test('GIVEN a peer in another environment, a bad namespace and port THEN all are reported', () => {
    const { app, api, apiWeb } = twoApps();
    const prod = new AppChart(new Environment(app, 'prod', { namespace: 'hello-prod' }), 'hello');
    const prodWeb = new WebService(prod, 'web', props());
    new NetworkAccess(api, 'access', { target: apiWeb }).allowFrom(prodWeb).allowFromNamespace('Monitoring').allowFromNamespace('ok', { port: 70000 });
    expect(synthProblems(app)).toEqual([
      '[dev/api/access] \'allowFrom\' names prod/hello/web of environment "prod", but this app is in "dev": traffic between environments is never allowed (got "hello")',
      '[dev/api/access] \'allowFromNamespace\' must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit (got "Monitoring")',
      '[dev/api/access] \'port\' must be a whole number between 1 and 65535 (got 70000)',
    ]);
  });

  test('GIVEN a target in another app THEN the policy is refused, naming that app', () => {
    const { app, web, api } = twoApps();
    new NetworkAccess(api, 'access', { target: web });
    expect(synthProblems(app)).toEqual(['[dev/api/access] \'target\' is in app dev/hello: define the policy in the target\'s app']);
  });

  describe('egress: the peer\'s side when its namespace denies egress', () => {
    const HELLO = { 'app.kubernetes.io/instance': 'hello-dev', 'app.kubernetes.io/name': 'hello' };
    const API = { 'app.kubernetes.io/instance': 'api-dev', 'app.kubernetes.io/name': 'api' };

    test('GIVEN egress denied WHEN api.allowFrom(web) on two ports THEN the web app renders one egress policy to the api pods, a rule per call', () => {
      // GIVEN
      const { app, env, web, api, apiWeb } = twoApps();
      new NetworkIsolation(env, 'network', { denyEgress: true });
      // WHEN
      new NetworkAccess(api, 'access', { target: apiWeb }).allowFrom(web, { port: 8080 }).allowFrom(web, { port: 9090 });
      // THEN
      const policy = objects(renderFiles(app))['dev/hello/networkpolicy-hello-to-api.yaml'];
      expect(policy.metadata).toEqual({ name: 'hello-to-api', namespace: 'hello-dev', labels: { ...HELLO, 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } });
      expect(policy.spec).toEqual({
        podSelector: { matchLabels: HELLO },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: { matchLabels: API } }], ports: [{ port: 8080, protocol: 'TCP' }] },
          { to: [{ podSelector: { matchLabels: API } }], ports: [{ port: 9090, protocol: 'TCP' }] },
        ],
      });
    });

    test('GIVEN the isolation declared after the allow rule WHEN rendered THEN the tree is the same as in the other order', () => {
      const render = (isolationFirst: boolean) => {
        const { app, env, web, api, apiWeb } = twoApps();
        if (isolationFirst) new NetworkIsolation(env, 'network', { denyEgress: true });
        new NetworkAccess(api, 'access', { target: apiWeb }).allowFrom(web);
        if (!isolationFirst) new NetworkIsolation(env, 'network', { denyEgress: true });
        return renderFiles(app);
      };
      const after = render(false);
      expect(Object.keys(after)).toContain('dev/hello/networkpolicy-hello-to-api.yaml');
      expect(after).toEqual(render(true));
    });

    test('GIVEN egress not denied (ingress-only isolation) WHEN api.allowFrom(web) THEN no egress policy: it would cut the web pods\' other egress', () => {
      const { app, env, web, api, apiWeb } = twoApps();
      new NetworkIsolation(env, 'network');
      new NetworkAccess(api, 'access', { target: apiWeb }).allowFrom(web);
      expect(Object.keys(renderFiles(app)).filter(f => f.includes('-to-'))).toEqual([]);
    });

    test('GIVEN egress denied in both environments WHEN a dev app allows a prod peer THEN it is refused naming both paths, and the peer gets no egress rule', () => {
      // GIVEN
      const { app, env, api, apiWeb } = twoApps();
      const prodEnv = new Environment(app, 'prod', { namespace: 'hello-prod' });
      const prodWeb = new WebService(new AppChart(prodEnv, 'hello'), 'web', props());
      new NetworkIsolation(env, 'network', { denyEgress: true });
      new NetworkIsolation(prodEnv, 'network', { denyEgress: true });
      // WHEN
      new NetworkAccess(api, 'access', { target: apiWeb }).allowFrom(prodWeb);
      // THEN
      expect(synthProblems(app)).toEqual([
        '[dev/api/access] \'allowFrom\' names prod/hello/web of environment "prod", but this app is in "dev": traffic between environments is never allowed (got "hello")',
      ]);
      expect(prodWeb.node.children.map(c => c.node.id).filter(id => id.startsWith('EgressTo'))).toEqual([]);
    });
  });
});
