import { appWith, objects } from './_fixtures';
import { NetworkIsolation } from '../../src/constructs/network-isolation';
import { renderFiles } from '../../src/testing';

describe('NetworkIsolation', () => {
  test('GIVEN an environment WHEN isolated THEN <env>/network-policy holds a default-deny ingress policy for every pod (snapshot)', () => {
    // GIVEN
    const { app, env } = appWith();
    // WHEN
    new NetworkIsolation(env, 'isolation');
    const files = renderFiles(app);
    // THEN
    expect(Object.keys(files).filter(f => f.startsWith('dev/network-policy/'))).toEqual(['dev/network-policy/kustomization.yaml', 'dev/network-policy/networkpolicy-default-deny.yaml']);
    expect(files['dev/network-policy/networkpolicy-default-deny.yaml']).toMatchSnapshot();
  });

  test('GIVEN denyEgress THEN egress is denied too, except DNS to kube-dns', () => {
    const { app, env } = appWith();
    new NetworkIsolation(env, 'isolation', { denyEgress: true, name: 'baseline' });
    const files = objects(renderFiles(app));
    expect(files['dev/baseline/networkpolicy-default-deny.yaml'].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(files['dev/baseline/networkpolicy-allow-dns.yaml'].spec.egress).toEqual([{
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    }]);
  });
});
