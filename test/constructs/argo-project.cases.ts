import { REPO, argoObjects, twoEnvs, wired } from './_argo-fixtures';
import { objects } from './_fixtures';
import { ArgoProject } from '../../src/constructs/argo-project';
import { GitOpsChart } from '../../src/constructs/gitops-chart';
import { renderFiles } from '../../src/testing';
import { validationError } from '../support/tools';

describe('ArgoProject defaults (via ArgoCd)', () => {
  // GIVEN dev and prod WHEN wired and rendered
  const argo = argoObjects(wired().app);
  const dev = argo['appproject-dev.yaml'];
  const prod = argo['appproject-prod.yaml'];

  test('THEN there is one AppProject per environment, named like it, synced before the Applications', () => {
    expect(dev.kind).toBe('AppProject');
    expect(dev.metadata).toEqual({
      name: 'dev',
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' },
      annotations: { 'argocd.argoproj.io/sync-wave': '-1' },
    });
    expect(prod.metadata.name).toBe('prod');
  });

  test('THEN only the repo URL is a source', () => {
    expect(dev.spec.sourceRepos).toEqual([REPO]);
  });

  test("THEN only the environment's server and namespace are destinations", () => {
    expect(dev.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'hello-dev' }]);
    expect(prod.spec.destinations).toEqual([{ server: 'https://prod.example.com:6443', namespace: 'hello-prod' }]);
  });

  test('THEN no cluster-scoped kind but Namespace (for CreateNamespace) is allowed, every namespaced kind is', () => {
    expect(dev.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    expect(dev.spec.namespaceResourceWhitelist).toBeUndefined();
  });
});

describe('ArgoProject', () => {
  function inChart() {
    const { app } = twoEnvs();
    return { app, chart: new GitOpsChart(app, 'ops', { folder: 'ops', namespace: 'argocd' }) };
  }

  test('GIVEN every prop THEN they are rendered, sorted and deduplicated', () => {
    // GIVEN
    const { app, chart } = inChart();
    new ArgoProject(chart, 'team', {
      sourceRepos: ['https://b.example.com/r.git', REPO, REPO],
      destinations: [{ server: 'https://b.example.com', namespace: 'b' }, { server: 'https://a.example.com', namespace: 'a' }, { server: 'https://a.example.com', namespace: 'a' }],
      clusterResources: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
      namespaceResources: [{ group: 'apps', kind: 'Deployment' }],
      description: 'Team apps',
      syncWave: 0,
      labels: { team: 'a' },
    });
    // WHEN
    const project = objects(renderFiles(app))['ops/appproject-team.yaml'];
    // THEN
    expect(project.metadata.annotations).toBeUndefined();
    expect(project.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'cdk8s-gitops', 'team': 'a' });
    expect(project.spec).toEqual({
      description: 'Team apps',
      sourceRepos: ['https://b.example.com/r.git', REPO],
      destinations: [{ server: 'https://a.example.com', namespace: 'a' }, { server: 'https://b.example.com', namespace: 'b' }],
      clusterResourceWhitelist: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
      namespaceResourceWhitelist: [{ group: 'apps', kind: 'Deployment' }],
    });
  });

  test('GIVEN no sources, a credentialed source, no destinations and a bad destination THEN every problem is reported at once', () => {
    const { chart } = inChart();
    const err = validationError(() => new ArgoProject(chart, 'team', {
      sourceRepos: ['https://me:tok@github.com/o/r.git'],
      destinations: [{ server: 'kubernetes', namespace: 'Bad_NS' }],
    }));
    expect(err.problems.map(p => p.field)).toEqual(['sourceRepos[0]', 'destinations[0].server', 'destinations[0].namespace']);
    expect(err.message).toContain("[ops/team] 'destinations[0].server' must be an http(s) URL without credentials (got \"kubernetes\")");
    expect(validationError(() => new ArgoProject(chart, 'empty', { sourceRepos: [], destinations: [] })).message).toBe([
      "[ops/empty] 'sourceRepos' must list at least one repository",
      "[ops/empty] 'destinations' must list at least one destination",
    ].join('\n'));
  });
});
