import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { REPO, argoObjects, twoEnvs, wired } from './_argo-fixtures';
import { IMAGE } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { ArgoCd, ArgoMode } from '../../src/constructs/argo-cd';
import { Environment } from '../../src/constructs/environment';
import { WebService } from '../../src/constructs/web-service';
import { exampleApp } from '../../src/main';
import { renderFiles } from '../../src/testing';
import { validationError } from '../support/tools';

const ROOT = path.resolve(__dirname, '..', '..');

describe('ArgoCd', () => {
  test('GIVEN the example app WHEN rendered THEN argocd/ holds the AppProjects and Applications of dev and prod plus a kustomization', () => {
    // WHEN
    const files = Object.keys(renderFiles(exampleApp())).filter(f => f.startsWith('argocd/'));
    // THEN
    expect(files).toEqual([
      'argocd/application-hello-dev.yaml',
      'argocd/application-hello-prod.yaml',
      'argocd/application-network-policy-prod.yaml',
      'argocd/appproject-dev.yaml',
      'argocd/appproject-prod.yaml',
      'argocd/kustomization.yaml',
    ]);
  });

  test('GIVEN the example app WHEN rendered THEN the argocd/ folder matches the snapshot', () => {
    const files = renderFiles(exampleApp());
    expect(Object.fromEntries(Object.entries(files).filter(([f]) => f.startsWith('argocd/')))).toMatchSnapshot();
  });

  test('GIVEN a folder and namespace THEN the objects go there', () => {
    const { app } = wired({ folder: 'cd', namespace: 'gitops' });
    const files = renderFiles(app);
    expect(Object.keys(files).filter(f => f.startsWith('cd/'))).toHaveLength(5);
    expect(files['cd/application-hello-dev.yaml']).toContain('namespace: gitops\n');
  });

  test('GIVEN discover: false WHEN addApplication is called for one app THEN only that app has an Application', () => {
    // GIVEN
    const { app, charts } = twoEnvs();
    const argocd = new ArgoCd(app, 'argocd', { repoURL: REPO, discover: false });
    // WHEN
    const application = argocd.addApplication(charts['hello-prod'], { selfHeal: false });
    // THEN
    expect(argocd.applicationFor(charts['hello-prod'])).toBe(application);
    expect(argocd.applicationFor(charts['hello-dev'])).toBeUndefined();
    const argo = argoObjects(app);
    expect(Object.keys(argo)).toEqual(['application-hello-prod.yaml', 'appproject-prod.yaml', 'kustomization.yaml']);
    expect(argo['application-hello-prod.yaml'].spec.syncPolicy.automated.selfHeal).toBe(false);
  });

  test('GIVEN an app that has an Application WHEN addApplication is called again THEN it fails', () => {
    const { argocd, charts } = wired();
    expect(validationError(() => argocd.addApplication(charts['hello-dev'])).message)
      .toBe('[argocd] \'applications\' has an Application for dev/hello already (argocd/hello-dev) (got "dev/hello")');
  });

  test('GIVEN an AppChart created after ArgoCd THEN synth fails and says to create ArgoCd last', () => {
    // GIVEN
    const { app, dev } = wired();
    new WebService(new AppChart(dev, 'late'), 'web', { image: IMAGE });
    // WHEN
    const err = validationError(() => renderFiles(app));
    // THEN
    expect(err.message).toBe('[argocd] \'applications\' has no Application for dev/late (folder dev/late): it was created after the ArgoCd construct; create ArgoCd last or call argocd.addApplication(app) (got "dev/late")');
  });

  test('GIVEN per-application options for an unknown Application THEN synth fails listing the known names', () => {
    const { app } = wired({ applications: { 'helo-dev': { prune: false } } });
    expect(validationError(() => renderFiles(app)).message)
      .toBe('[argocd] \'applications.helo-dev\' names no Application (known: hello-dev, hello-prod) (got "helo-dev")');
  });

  test('GIVEN an environment named like the Argo CD folder THEN synth fails', () => {
    const { app } = twoEnvs();
    new WebService(new AppChart(new Environment(app, 'argocd', { namespace: 'x' }), 'a'), 'web', { image: IMAGE });
    new ArgoCd(app, 'cd', { repoURL: REPO });
    expect(validationError(() => renderFiles(app)).message).toContain('[cd] \'folder\' is also the folder of the environment argocd: rename one (got "argocd")');
  });

  test('GIVEN a repo URL with a token THEN construction fails without printing the token', () => {
    const { app } = twoEnvs();
    const err = validationError(() => new ArgoCd(app, 'argocd', { repoURL: 'https://x-access-token:ghs_abc@github.com/o/r.git' }));
    expect(err.message).toContain('[argocd] \'repoURL\' must not carry credentials');
    expect(err.message).not.toContain('ghs_abc');
  });
});

describe('ArgoCd sync waves from dependencies', () => {
  test('GIVEN web -> api -> db and web -> db THEN the waves are the depths 0, 1, 2 (0 is not written)', () => {
    // GIVEN
    const { app, charts } = twoEnvs(['db', 'api', 'web']);
    charts['api-dev'].addDependency(charts['db-dev']);
    charts['web-dev'].addDependency(charts['api-dev'], charts['db-dev']);
    // WHEN
    new ArgoCd(app, 'argocd', { repoURL: REPO });
    const argo = argoObjects(app);
    // THEN
    const wave = (f: string) => argo[f].metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    expect(wave('application-db-dev.yaml')).toBeUndefined();
    expect(wave('application-api-dev.yaml')).toBe('1');
    expect(wave('application-web-dev.yaml')).toBe('2');
    expect(wave('application-web-prod.yaml')).toBeUndefined();
    expect(wave('appproject-dev.yaml')).toBe('-1');
  });

  test('GIVEN a dependency added after ArgoCd THEN it still counts (waves are computed at synth)', () => {
    const { app, charts, argocd } = wired({}, ['db', 'api']);
    charts['api-prod'].addDependency(charts['db-prod']);
    expect(argocd.applicationFor(charts['api-prod'])!.syncWave).toBe(1);
    expect(argoObjects(app)['application-api-prod.yaml'].metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '1' });
  });

  test('GIVEN a dependency cycle THEN synth fails naming the cycle, once per app on it', () => {
    // GIVEN
    const { app, charts } = twoEnvs(['a', 'b', 'c']);
    charts['a-dev'].addDependency(charts['b-dev']);
    charts['b-dev'].addDependency(charts['a-dev']);
    charts['c-dev'].addDependency(charts['a-dev']);
    new ArgoCd(app, 'argocd', { repoURL: REPO });
    // WHEN
    const err = validationError(() => renderFiles(app));
    // THEN
    expect(err.message).toBe([
      "[argocd/a-dev] 'dependencies' form a cycle: dev/a -> dev/b -> dev/a; sync waves need an order, remove one addDependency",
      "[argocd/b-dev] 'dependencies' form a cycle: dev/b -> dev/a -> dev/b; sync waves need an order, remove one addDependency",
    ].join('\n'));
  });
});

describe('ArgoCd in ApplicationSet mode', () => {
  test('GIVEN mode APPLICATION_SET THEN one ApplicationSet replaces the Applications, with the same sync policy', () => {
    // GIVEN
    const { app } = wired({ mode: ArgoMode.APPLICATION_SET });
    // WHEN
    const argo = argoObjects(app);
    // THEN
    expect(Object.keys(argo)).toEqual(['applicationset-apps.yaml', 'appproject-dev.yaml', 'appproject-prod.yaml', 'kustomization.yaml']);
    const set = argo['applicationset-apps.yaml'];
    expect(set.metadata).toEqual({ name: 'apps', namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } });
    expect(set.spec.goTemplate).toBe(true);
    expect(set.spec.goTemplateOptions).toEqual(['missingkey=error']);
    expect(set.spec.generators).toEqual([{
      matrix: {
        generators: [
          {
            list: {
              elements: [
                { env: 'dev', server: 'https://kubernetes.default.svc', namespace: 'hello-dev', project: 'dev' },
                { env: 'prod', server: 'https://prod.example.com:6443', namespace: 'hello-prod', project: 'prod' },
              ],
            },
          },
          { git: { repoURL: REPO, revision: 'rendered-manifests', directories: [{ path: '{{ .env }}/*' }] } },
        ],
      },
    }]);
    expect(set.spec.template.metadata.name).toBe('{{ .path.basename }}-{{ .env }}');
    expect(set.spec.template.spec).toEqual({
      project: '{{ .project }}',
      source: { repoURL: REPO, targetRevision: 'rendered-manifests', path: '{{ .path.path }}' },
      destination: { server: '{{ .server }}', namespace: '{{ .namespace }}' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true, allowEmpty: false },
        syncOptions: ['CreateNamespace=true'],
        retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
      },
    });
  });

  test('GIVEN per-application options in ApplicationSet mode THEN construction fails', () => {
    const { app } = twoEnvs();
    expect(validationError(() => new ArgoCd(app, 'argocd', { repoURL: REPO, mode: ArgoMode.APPLICATION_SET, applications: { 'hello-dev': {} } })).message)
      .toBe('[argocd] \'applications\' per-Application options need mode ArgoMode.APPLICATIONS (an ApplicationSet has one template for all) (got ["hello-dev"])');
  });

  test('GIVEN ApplicationSet mode WHEN addApplication is called THEN it fails', () => {
    const { argocd, charts } = wired({ mode: ArgoMode.APPLICATION_SET });
    expect(validationError(() => argocd.addApplication(charts['hello-dev'])).message).toContain('addApplication needs mode ArgoMode.APPLICATIONS');
  });

  test('GIVEN dependencies in ApplicationSet mode THEN synth fails: an ApplicationSet cannot order apps', () => {
    const { app, charts } = wired({ mode: ArgoMode.APPLICATION_SET }, ['db', 'api']);
    charts['api-dev'].addDependency(charts['db-dev']);
    expect(validationError(() => renderFiles(app)).message)
      .toBe('[argocd] \'mode\' is an ApplicationSet, which cannot order apps: dev/api depends on dev/db; use ArgoMode.APPLICATIONS for sync waves (got "application-set")');
  });

  test('GIVEN an environment created after ArgoCd in ApplicationSet mode THEN synth fails', () => {
    const { app } = wired({ mode: ArgoMode.APPLICATION_SET });
    new WebService(new AppChart(new Environment(app, 'stage'), 'hello'), 'web', { image: IMAGE });
    expect(validationError(() => renderFiles(app)).message)
      .toBe('[argocd] \'environments\' lacks the environment of stage/hello: it was created after the ArgoCd construct; create ArgoCd last (got "stage")');
  });
});

describe('ArgoCd bootstrap manifest', () => {
  const { app, argocd } = wired();
  const manifest = argocd.bootstrapManifest();
  const [project, root] = parseAllDocuments(manifest).map(d => d.toJS());

  test('THEN it says how to apply it', () => {
    expect(manifest.split('\n').slice(0, 2)).toEqual([
      '# Generated by cdk8s-gitops (ArgoCd.bootstrapManifest()). Apply once:',
      '#   kubectl apply -n argocd -f <this file>',
    ]);
  });

  test('THEN the root Application syncs the argocd/ folder of the rendered branch with prune and self-heal', () => {
    expect(root.kind).toBe('Application');
    expect(root.metadata).toEqual({ name: 'root', namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } });
    expect(root.spec.source).toEqual({ repoURL: REPO, targetRevision: 'rendered-manifests', path: 'argocd' });
    expect(root.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(root.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
    expect(root.spec.project).toBe('root');
  });

  test('THEN its AppProject may only manage Argo CD objects in the argocd namespace from this repo', () => {
    expect(project.kind).toBe('AppProject');
    expect(project.spec.sourceRepos).toEqual([REPO]);
    expect(project.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    expect(project.spec.namespaceResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`)).toEqual(['argoproj.io/Application', 'argoproj.io/AppProject', 'argoproj.io/ApplicationSet']);
  });

  test('THEN it is not part of the rendered tree (the root app never manages itself)', () => {
    const files = renderFiles(app);
    expect(Object.values(files).filter(y => /\n {2}name: root\n/.test(y))).toEqual([]);
  });

  test('GIVEN the example app THEN the committed bootstrap/root-application.yaml is up to date', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'bootstrap', 'root-application.yaml'), 'utf8');
    expect(committed).toBe((exampleApp().node.findChild('argocd') as ArgoCd).bootstrapManifest());
  });
});
