import { appWith, objects, props, synthProblems } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { NetworkAccess } from '../../src/constructs/network-access';
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
});
