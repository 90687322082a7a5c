import { globMatch, isDestinationPermitted, isResourcePermitted, isSourcePermitted } from '../../src/constructs/_project-rules';

// Argo CD's documented AppProject rules (user-guide/projects.md), applied by ArgoCd at synth.
describe('AppProject rules', () => {
  test('GIVEN globs THEN * matches any run and ? one character, the rest literally', () => {
    expect([globMatch('team-*', 'team-a'), globMatch('team-?', 'team-ab'), globMatch('a.b', 'axb'), globMatch('*', '')]).toEqual([true, false, false, true]);
  });

  test('GIVEN sourceRepos with a negation THEN a repo must match an entry and no "!" entry', () => {
    const rules = { sourceRepos: ['https://github.com/example/*', '!https://github.com/example/secret.git'] };
    expect(isSourcePermitted(rules, 'https://github.com/example/app.git')).toBe(true);
    expect(isSourcePermitted(rules, 'https://github.com/example/secret.git')).toBe(false);
    expect(isSourcePermitted(rules, 'https://gitlab.com/example/app.git')).toBe(false);
    expect(isSourcePermitted({}, 'https://github.com/example/app.git')).toBe(false);
  });

  test('GIVEN destinations by name and by server with a deny entry THEN the documented verdicts', () => {
    const rules = { destinations: [{ name: 'prod-*', namespace: 'team-*' }, { server: 'https://dev.example.com', namespace: '*' }, { server: '*', namespace: '!kube-system' }] };
    expect(isDestinationPermitted(rules, { name: 'prod-eu', namespace: 'team-a' })).toBe(true);
    expect(isDestinationPermitted(rules, { name: 'prod-eu', namespace: 'other' })).toBe(false);
    expect(isDestinationPermitted(rules, { server: 'https://dev.example.com', namespace: 'anything' })).toBe(true);
    expect(isDestinationPermitted(rules, { server: 'https://dev.example.com', namespace: 'kube-system' })).toBe(false);
    expect(isDestinationPermitted(rules, { name: 'staging', server: 'https://staging.example.com', namespace: 'team-a' })).toBe(false);
  });

  test('GIVEN resource lists THEN cluster-scoped kinds need an allowlist entry and namespaced kinds are allowed unless listed otherwise', () => {
    const rules = {
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'team-*' }],
      namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }],
    };
    expect(isResourcePermitted(rules, '', 'Namespace', 'team-a', false)).toBe(true);
    expect(isResourcePermitted(rules, '', 'Namespace', 'kube-system', false)).toBe(false);
    expect(isResourcePermitted(rules, 'rbac.authorization.k8s.io', 'ClusterRole', 'x', false)).toBe(false);
    expect(isResourcePermitted(rules, 'apps', 'Deployment', 'x', true)).toBe(true);
    expect(isResourcePermitted(rules, '', 'ResourceQuota', 'x', true)).toBe(false);
    expect(isResourcePermitted({ namespaceResourceWhitelist: [{ group: 'apps', kind: '*' }] }, '', 'Service', 'x', true)).toBe(false);
    expect(isResourcePermitted({ clusterResourceWhitelist: [{ group: '*', kind: '*' }], clusterResourceBlacklist: [{ group: '', kind: 'Node' }] }, '', 'Node', 'n', false)).toBe(false);
  });
});
