import { REPO, argoObjects, twoEnvs, wired } from './_argo-fixtures';
import { objects } from './_fixtures';
import { ArgoApplication } from '../../src/constructs/argo-application';
import { ArgoCd } from '../../src/constructs/argo-cd';
import { GitOpsChart } from '../../src/constructs/gitops-chart';
import { renderFiles } from '../../src/testing';
import { validationError } from '../support/tools';

describe('ArgoApplication defaults (via ArgoCd)', () => {
  // GIVEN dev and prod with one app, wired with nothing but the repo URL
  const { app } = wired();
  // WHEN rendered
  const argo = argoObjects(app);
  const dev = argo['application-hello-dev.yaml'];
  const prod = argo['application-hello-prod.yaml'];

  test('THEN there is one Application per environment and app, named <app>-<env>, in the argocd namespace', () => {
    expect(Object.keys(argo).filter(f => f.startsWith('application-'))).toEqual(['application-hello-dev.yaml', 'application-hello-prod.yaml']);
    expect(dev.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(dev.kind).toBe('Application');
    expect(dev.metadata.name).toBe('hello-dev');
    expect(dev.metadata.namespace).toBe('argocd');
    expect(dev.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'cdk8s-gitops' });
  });

  test('THEN the name matches the WebService app.kubernetes.io/instance label (Argo CD label tracking)', () => {
    const deployment = objects(renderFiles(app))['dev/hello/deployment-hello.yaml'];
    expect(deployment.metadata.labels['app.kubernetes.io/instance']).toBe(dev.metadata.name);
  });

  test('THEN the source is the repo URL, the rendered-manifests branch and the <env>/<app> folder', () => {
    expect(dev.spec.source).toEqual({ repoURL: REPO, targetRevision: 'rendered-manifests', path: 'dev/hello' });
    expect(prod.spec.source.path).toBe('prod/hello');
  });

  test("THEN the destination is the environment's server and namespace, the project the environment's AppProject", () => {
    expect(dev.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'hello-dev' });
    expect(prod.spec.destination).toEqual({ server: 'https://prod.example.com:6443', namespace: 'hello-prod' });
    expect(dev.spec.project).toBe('dev');
    expect(prod.spec.project).toBe('prod');
  });

  test('THEN sync is automated with prune and self-heal, never on an empty render', () => {
    expect(dev.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
  });

  test('THEN the namespace is created and failed syncs are retried with backoff (5 times, 5s, x2, at most 3m)', () => {
    expect(dev.spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true']);
    expect(dev.spec.syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } });
  });

  test('THEN there is no cascade-delete finalizer and no sync-wave annotation', () => {
    expect(dev.metadata.finalizers).toBeUndefined();
    expect(dev.metadata.annotations).toBeUndefined();
  });
});

describe('ArgoApplication overrides', () => {
  test('GIVEN sync options for all apps WHEN rendered THEN every default is replaced', () => {
    // GIVEN
    const { app } = wired({
      targetRevision: 'deploy',
      sync: { prune: false, selfHeal: false, syncOptions: ['ServerSideApply=true'], retry: { limit: 2, maxDuration: '1m' }, cascadeDelete: true },
    });
    // WHEN
    const dev = argoObjects(app)['application-hello-dev.yaml'];
    // THEN
    expect(dev.spec.source.targetRevision).toBe('deploy');
    expect(dev.spec.syncPolicy).toEqual({
      automated: { prune: false, selfHeal: false, allowEmpty: false },
      syncOptions: ['ServerSideApply=true'],
      retry: { limit: 2, backoff: { duration: '5s', factor: 2, maxDuration: '1m' } },
    });
    expect(dev.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
  });

  test('GIVEN automated: false, retry: false and no sync options THEN the sync policy is empty (manual sync)', () => {
    const { app } = wired({ sync: { automated: false, retry: false, syncOptions: [] } });
    const dev = argoObjects(app)['application-hello-dev.yaml'];
    expect(dev.spec.syncPolicy).toBeUndefined();
  });

  test('GIVEN per-application options THEN only that Application changes, over the common sync options', () => {
    // GIVEN
    const { app } = wired({ sync: { selfHeal: false }, applications: { 'hello-prod': { prune: false } } });
    // WHEN
    const argo = argoObjects(app);
    // THEN
    expect(argo['application-hello-dev.yaml'].spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: false, allowEmpty: false });
    expect(argo['application-hello-prod.yaml'].spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: false, allowEmpty: false });
  });

  test('GIVEN allowEmpty with prune and allowEmptyWithPrune THEN it renders as asked', () => {
    const { app } = wired({ sync: { allowEmpty: true, allowEmptyWithPrune: true } });
    expect(argoObjects(app)['application-hello-dev.yaml'].spec.syncPolicy.automated.allowEmpty).toBe(true);
  });

  test('GIVEN allowEmpty without prune THEN it renders (nothing would be deleted)', () => {
    const { app } = wired({ sync: { allowEmpty: true, prune: false } });
    expect(argoObjects(app)['application-hello-dev.yaml'].spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true, allowEmpty: true });
  });

  test('GIVEN a standalone ArgoApplication with explicit fields THEN they are rendered as given', () => {
    // GIVEN
    const { app } = twoEnvs();
    const chart = new GitOpsChart(app, 'ops', { folder: 'ops', namespace: 'argocd' });
    new ArgoApplication(chart, 'x', {
      repoURL: 'git@github.com:example/hello-config.git',
      name: 'x',
      path: 'dev/hello',
      project: 'team',
      server: 'https://other.example.com',
      namespace: 'x-ns',
      syncWave: 3,
      annotations: { 'example.com/owner': 'team' },
      labels: { team: 'a' },
    });
    // WHEN
    const x = objects(renderFiles(app))['ops/application-x.yaml'];
    // THEN
    expect(x.metadata).toEqual({
      name: 'x',
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops', 'team': 'a' },
      annotations: { 'argocd.argoproj.io/sync-wave': '3', 'example.com/owner': 'team' },
    });
    expect(x.spec.project).toBe('team');
    expect(x.spec.source.repoURL).toBe('git@github.com:example/hello-config.git');
    expect(x.spec.destination).toEqual({ server: 'https://other.example.com', namespace: 'x-ns' });
  });
});

describe('ArgoApplication prop checks', () => {
  function standalone(props: Partial<ConstructorParameters<typeof ArgoApplication>[2]>) {
    const { app } = twoEnvs();
    const chart = new GitOpsChart(app, 'ops', { folder: 'ops', namespace: 'argocd' });
    return { app, build: () => new ArgoApplication(chart, 'x', { repoURL: REPO, name: 'x', path: 'dev/hello', ...props }) };
  }

  test.each([
    ['', 'must not be the root of the branch: Argo CD would sync every environment (and argocd/) into one destination'],
    ['.', 'must not be the root of the branch'],
    ['/', 'must not be the root of the branch'],
    ['/dev/hello', 'must be relative to the root of the branch, not absolute'],
    ['../other', 'must stay inside the branch (no ".." segment)'],
    ['dev/../../etc', 'must stay inside the branch (no ".." segment)'],
    ['dev//hello', 'must be a clean "/"-separated folder path (no empty or "." segment, no backslash)'],
  ])('GIVEN path %j THEN construction fails naming the field and value', (path, message) => {
    const err = validationError(standalone({ path }).build);
    expect(err.message).toContain(`[ops/x] 'path' ${message}`);
    expect(err.message).toContain(`(got ${JSON.stringify(path)})`);
  });

  test.each([
    ['https://user:ghp_secret123@github.com/example/repo.git', 'https://***@github.com/example/repo.git'],
    ['https://oauth2@github.com/example/repo.git', 'https://***@github.com/example/repo.git'],
    ['ssh://git:pw@github.com/example/repo.git', 'ssh://***@github.com/example/repo.git'],
  ])('GIVEN repo URL %s with credentials THEN it fails without printing them', (url, redacted) => {
    const err = validationError(standalone({ repoURL: url }).build);
    expect(err.message).toBe(`[ops/x] 'repoURL' must not carry credentials ("user:token@" or "user@"): put them in a repository Secret labelled argocd.argoproj.io/secret-type: repository (see docs/argocd.md) (got "${redacted}")`);
    expect(err.message).not.toContain('ghp_secret123');
  });

  test.each(['git@github.com:example/repo.git', 'ssh://git@github.com/example/repo.git', 'https://github.com/example/repo.git', 'http://git.internal:3000/repo.git'])(
    'GIVEN repo URL %s without credentials THEN it is accepted', url => {
      expect(() => standalone({ repoURL: url }).build()).not.toThrow();
    });

  test.each([
    ['', "'repoURL' is required: the git URL of the repository holding the rendered branch"],
    ['github.com/example/repo', "'repoURL' must be an https:// URL or an ssh URL (ssh://git@host/org/repo.git or git@host:org/repo.git)"],
    ['ftp://example.com/repo.git', "'repoURL' must be an https:// URL or an ssh URL"],
  ])('GIVEN repo URL %j THEN it fails', (url, message) => {
    expect(validationError(standalone({ repoURL: url }).build).message).toContain(message);
  });

  test('GIVEN allowEmpty and prune without allowEmptyWithPrune THEN construction fails', () => {
    const err = validationError(standalone({ allowEmpty: true }).build);
    expect(err.message).toBe("[ops/x] 'allowEmpty' is true together with prune: an empty render would delete every object of the app; set allowEmptyWithPrune: true if that is intended (got true)");
  });

  test('GIVEN no app and no name or path THEN both are reported at once', () => {
    const err = validationError(standalone({ name: undefined, path: undefined }).build);
    expect(err.problems.map(p => `${p.field}: ${p.message}`)).toEqual(['name: is required when no app is given', 'path: is required when no app is given']);
  });

  test('GIVEN bad retry, sync options and sync wave THEN every problem is reported at once', () => {
    const err = validationError(standalone({ retry: { duration: '5 seconds', factor: 0, limit: -1 }, syncOptions: ['CreateNamespace'], syncWave: 1.5 }).build);
    expect(err.problems.map(p => p.field)).toEqual(['syncWave', 'syncOptions[0]', 'retry.limit', 'retry.duration', 'retry.factor']);
    expect(err.message).toContain("'retry.duration' must be a Go duration such as \"5s\", \"3m\" or \"1h30m\" (got \"5 seconds\")");
    expect(err.message).toContain("'syncOptions[0]' must be \"Key=Value\" (e.g. \"CreateNamespace=true\") (got \"CreateNamespace\")");
  });

  test('GIVEN an <app>-<env> name over 63 characters THEN construction fails naming each app and the name', () => {
    const { app } = twoEnvs(['a'.repeat(60)]);
    const err = validationError(() => new ArgoCd(app, 'argocd', { repoURL: REPO }));
    const a = 'a'.repeat(60);
    expect(err.message).toContain(`[dev/${a}] 'name' makes the Argo CD Application name 64 characters long ("${a}" + "dev"), over 63: shorten the team, app, environment or cluster name (got "${a}-dev")`);
    expect(err.problems.map(p => p.path)).toEqual([`dev/${a}`, `prod/${a}`]);
  });
});

describe('ArgoApplication synth-time checks', () => {
  test('GIVEN a path no AppChart renders THEN synth fails naming the path and the app folders', () => {
    // GIVEN
    const { app } = twoEnvs();
    const chart = new GitOpsChart(app, 'ops', { folder: 'ops', namespace: 'argocd' });
    new ArgoApplication(chart, 'x', { repoURL: REPO, name: 'x', path: 'dev/helo' });
    // WHEN
    const err = validationError(() => renderFiles(app));
    // THEN
    expect(err.message).toBe("[ops/x] 'spec.source.path' is not a folder of the rendered tree: no AppChart renders to it (app folders: dev/hello, prod/hello) (got \"dev/helo\")");
  });

  test('GIVEN two Applications with one name and one path THEN both clashes are reported at once', () => {
    // GIVEN
    const { app } = twoEnvs();
    const chart = new GitOpsChart(app, 'ops', { folder: 'ops', namespace: 'argocd' });
    new ArgoApplication(chart, 'a', { repoURL: REPO, name: 'same', path: 'dev/hello' });
    new ArgoApplication(chart, 'b', { repoURL: REPO, name: 'same', path: 'dev/hello' });
    // WHEN
    const err = validationError(() => renderFiles(app));
    // THEN
    expect(err.message).toBe([
      "[ops/b] 'metadata.name' is the name of ops/a too: Application names must be unique in namespace argocd (got \"same\")",
      "[ops/b] 'spec.source.path' is synced by ops/a too: two Applications must never sync the same folder (they would fight over its objects) (got \"dev/hello\")",
    ].join('\n'));
  });

  test('GIVEN an Application for an app that ArgoCd already wires THEN the duplicate name and path are errors', () => {
    const { app, charts } = twoEnvs();
    const argocd = new ArgoCd(app, 'argocd', { repoURL: REPO });
    new ArgoApplication(argocd, 'again', { repoURL: REPO, app: charts['hello-dev'] });
    const err = validationError(() => renderFiles(app));
    expect(err.problems.map(p => `${p.path} ${p.message.split(' ')[0]}`)).toEqual(["argocd/again 'metadata.name'", "argocd/again 'spec.source.path'"]);
  });
});
