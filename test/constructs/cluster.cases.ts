import { teamRepo } from './_estate-fixtures';
import { objects, IMAGE } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { ArgoCd, ArgoMode } from '../../src/constructs/argo-cd';
import { Cluster } from '../../src/constructs/cluster';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { renderFiles } from '../../src/testing';
import { validationError } from '../support/tools';

describe('Cluster', () => {
  test('GIVEN no server THEN it is the cluster Argo CD runs in, named after the id', () => {
    const c = new Cluster(new GitOpsApp(), 'local');
    expect([c.clusterName, c.server, c.labels]).toEqual(['local', 'https://kubernetes.default.svc', {}]);
  });

  test.each([
    ['a name that is not DNS-1123', { name: 'Prod_EU' }, "[c] 'name' must be a DNS-1123 label: lowercase letters, digits and \"-\", starting and ending with a letter or digit (got \"Prod_EU\")"],
    ['a name over 63 characters', { name: 'c'.repeat(64) }, `[c] 'name' must be 1 to 63 characters long (it has 64) (got "${'c'.repeat(64)}")`],
    ['a server URL with credentials', { server: 'https://admin:s3cret@prod.example.com:6443' }, "[c] 'server' must not carry credentials (\"user:token@\"): put them in the Argo CD cluster Secret (see docs/argocd.md) (got \"https://***@prod.example.com:6443\")"],
    ['a server that is not a URL', { server: 'prod.example.com' }, "[c] 'server' must be the https:// URL of the API server (e.g. https://prod-eu.example.com:6443) (got \"prod.example.com\")"],
    ['a server without host', { server: 'https://:6443' }, "[c] 'server' has no host (got \"https://:6443\")"],
    ['a bad label', { labels: { env: 'prod eu' } }, "[c] 'labels.env' must be at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit (got \"prod eu\")"],
  ])('GIVEN %s THEN construction fails naming path, field and value', (_what, props, message) => {
    const err = validationError(() => new Cluster(new GitOpsApp(), 'c', props));
    expect(err.message).toBe(message);
    expect(err.message).not.toContain('s3cret');
  });

  test('GIVEN two Clusters with one name THEN the second fails naming the first', () => {
    const app = new GitOpsApp();
    new Cluster(app, 'a', { name: 'prod-eu', server: 'https://a.example.com' });
    const err = validationError(() => new Cluster(app, 'b', { name: 'prod-eu', server: 'https://b.example.com' }));
    expect(err.message).toBe("[b] 'name' is the name of a too: Argo CD knows a cluster by its name, so each Cluster needs its own (got \"prod-eu\")");
  });
});

test('GIVEN two Clusters with one API server THEN the second fails naming the first', () => {
  const app = new GitOpsApp();
  new Cluster(app, 'a', { server: 'https://k8s.example.com' });
  expect(() => new Cluster(app, 'b', { server: 'https://k8s.example.com' }))
    .toThrow("[b] 'server' is the API server of a (a) too: Argo CD knows one cluster per server; use that Cluster (got \"https://k8s.example.com\")");
});

describe('Environment with clusters', () => {
  test('GIVEN prod on two clusters with a per-cluster override THEN one folder per cluster, each with its replicas', () => {
    const files = objects(renderFiles(teamRepo('payments', ['api']).app));
    expect(files['prod/prod-eu/api/deployment-api.yaml'].spec.replicas).toBe(3);
    expect(files['prod/prod-us/api/deployment-api.yaml'].spec.replicas).toBe(2);
    expect(files['dev/api/deployment-api.yaml'].spec.replicas).toBe(1);
    expect(Object.keys(files).filter(f => f.startsWith('prod/')).map(f => f.split('/').slice(0, 3).join('/'))).toEqual(expect.arrayContaining(['prod/prod-eu/api', 'prod/prod-us/api', 'prod/prod-eu/namespace', 'prod/prod-us/namespace']));
    expect(Object.keys(files).some(f => f.startsWith('prod/api/'))).toBe(false);
  });

  test('GIVEN one cluster THEN the paths stay <env>/<app> and the Application targets the cluster by name', () => {
    const app = new GitOpsApp();
    const c = new Cluster(app, 'eu', { server: 'https://eu.example.com' });
    const env = new Environment(app, 'dev', { clusters: [c] });
    new WebService(new AppChart(env, 'hello'), 'web', { image: IMAGE });
    expect(env.targets).toEqual([env]);
    expect(Object.keys(renderFiles(app))).toEqual(['dev/hello/deployment-hello.yaml', 'dev/hello/kustomization.yaml', 'dev/hello/service-hello.yaml']);
  });

  test('GIVEN per-cluster app overrides THEN they merge over the environment\'s field by field', () => {
    const app = new GitOpsApp();
    const [eu, us] = ['eu', 'us'].map(n => new Cluster(app, n, { server: `https://${n}.example.com` }));
    const env = new Environment(app, 'prod', {
      clusters: [eu, us],
      overrides: { hello: { replicas: 4, resources: { cpuLimit: '1' } } },
      perCluster: { us: { overrides: { hello: { replicas: 6 } }, labels: { region: 'us' } } },
    });
    for (const t of env.targets) new WebService(new AppChart(t, 'hello'), 'web', { image: IMAGE });
    const files = objects(renderFiles(app));
    const us1 = files['prod/us/hello/deployment-hello.yaml'];
    expect([files['prod/eu/hello/deployment-hello.yaml'].spec.replicas, us1.spec.replicas]).toEqual([4, 6]);
    expect(us1.spec.template.spec.containers[0].resources.limits.cpu).toBe('1');
    expect(us1.metadata.labels.region).toBe('us');
  });

  test('GIVEN an AppChart directly in a multi-cluster environment THEN it fails and says to use env.targets', () => {
    const app = new GitOpsApp();
    const [eu, us] = ['eu', 'us'].map(n => new Cluster(app, n, { server: `https://${n}.example.com` }));
    const env = new Environment(app, 'prod', { clusters: [eu, us] });
    expect(() => new AppChart(env, 'hello')).toThrow('[prod/hello] is in environment prod, which deploys to 2 clusters (eu, us): create one AppChart per cluster in env.targets (for (const target of env.targets) new AppChart(target, "hello"))');
  });

  test.each([
    ['server and clusters', (c: Cluster) => ({ clusters: [c], server: 'https://x.example.com' }), "[prod] 'server' cannot be given with clusters: the clusters carry their API servers (got \"https://x.example.com\")"],
    ['no cluster', () => ({ clusters: [] }), "[prod] 'clusters' must list at least one Cluster (or leave it out for one cluster given by server) (got [])"],
    ['a cluster twice', (c: Cluster) => ({ clusters: [c, c] }), "[prod] 'clusters[1]' lists the same cluster twice (got \"eu\")"],
    ['an override of an unknown cluster', (c: Cluster) => ({ clusters: [c], perCluster: { us: { replicas: 2 } } }), "[prod] 'perCluster.us' names no cluster of this environment (clusters: eu) (got \"us\")"],
  ])('GIVEN %s THEN the environment fails naming the field', (_what, props, message) => {
    const app = new GitOpsApp();
    const c = new Cluster(app, 'eu', { server: 'https://eu.example.com' });
    expect(() => new Environment(app, 'prod', props(c))).toThrow(message);
  });
});

describe('ArgoCd with clusters', () => {
  test('GIVEN a team with prod on two clusters THEN the argocd/ folder and the prod tree match the snapshot', () => {
    const files = renderFiles(teamRepo('payments', ['api']).app);
    const shown = Object.fromEntries(Object.entries(files).filter(([f]) => f.startsWith('argocd/appproject-') || f.includes('-prod-prod-eu.yaml') || f.startsWith('prod/prod-eu/namespace/')));
    expect(Object.keys(files)).toMatchSnapshot('paths');
    expect(shown).toMatchSnapshot('projects, the prod-eu Applications and namespace');
  });

  test('GIVEN ApplicationSet mode THEN it renders the matrix of the cluster generator by labels and the git directories', () => {
    const files = renderFiles(teamRepo('payments', ['api'], { mode: ArgoMode.APPLICATION_SET }).app);
    expect(Object.keys(files).filter(f => f.startsWith('argocd/'))).toEqual([
      'argocd/applicationset-payments-apps.yaml', 'argocd/appproject-payments-dev.yaml', 'argocd/appproject-payments-prod.yaml', 'argocd/kustomization.yaml',
    ]);
    const set = objects(files)['argocd/applicationset-payments-apps.yaml'];
    expect(set.spec.generators[1].matrix.generators[0].clusters.selector).toEqual({ matchLabels: { env: 'prod' } });
    expect(set.spec.generators[1].matrix.generators[1].git.directories).toEqual([{ path: 'prod/{{ .name }}/*' }]);
    expect(files['argocd/applicationset-payments-apps.yaml']).toMatchSnapshot();
  });

  test('GIVEN ApplicationSet mode and clusters sharing no label THEN synth fails asking for a common label', () => {
    const app = new GitOpsApp({ team: 'payments' });
    const [eu, us] = ['eu', 'us'].map(n => new Cluster(app, n, { server: `https://${n}.example.com`, labels: { region: n } }));
    const env = new Environment(app, 'prod', { clusters: [eu, us] });
    for (const t of env.targets) new WebService(new AppChart(t, 'hello'), 'web', { image: IMAGE });
    const err = validationError(() => new ArgoCd(app, 'argocd', { repoURL: 'https://github.com/example/p.git', mode: ArgoMode.APPLICATION_SET }));
    expect(err.message).toBe("[prod] 'clusters' share no label, so the ApplicationSet cannot select them: give them a common label (e.g. env: prod) in new Cluster(..., { labels }) (got [\"eu\",\"us\"])");
  });

  test('GIVEN ApplicationSet mode and a selector matching a cluster of another environment THEN synth fails naming it', () => {
    const app = new GitOpsApp({ team: 'payments' });
    const [eu, us, dev] = ['eu', 'us', 'dev'].map(n => new Cluster(app, `c-${n}`, { server: `https://${n}.example.com`, labels: { tier: 'k8s' } }));
    const prod = new Environment(app, 'prod', { clusters: [eu, us] });
    new Environment(app, 'dev', { clusters: [dev] });
    for (const t of prod.targets) new WebService(new AppChart(t, 'hello'), 'web', { image: IMAGE });
    const err = validationError(() => new ArgoCd(app, 'argocd', { repoURL: 'https://github.com/example/p.git', mode: ArgoMode.APPLICATION_SET }));
    expect(err.message).toContain("[prod] 'clusters' are selected by their common labels {\"tier\":\"k8s\"}, which also select c-dev: the ApplicationSet would deploy there too");
  });
});
