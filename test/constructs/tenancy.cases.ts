import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { ApiObject } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { REPO } from './_argo-fixtures';
import { teamRepo } from './_estate-fixtures';
import { IMAGE, objects } from './_fixtures';
import { isDestinationPermitted, isResourcePermitted, isSourcePermitted, ProjectRules } from '../../src/constructs/_project-rules';
import { AppChart } from '../../src/constructs/app-chart';
import { ArgoApplication } from '../../src/constructs/argo-application';
import { ArgoCd, ArgoMode } from '../../src/constructs/argo-cd';
import { ArgoRoleAction, ArgoSyncWindowKind } from '../../src/constructs/argo-project';
import { Cluster } from '../../src/constructs/cluster';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { ValidationError } from '../../src/errors';
import { renderFiles } from '../../src/testing';
import { sharedDir, validationError } from '../support/tools';

const shared = sharedDir();
const withSchemas = shared ? describe : describe.skip;

/** Each object of `files` with its destination: the cluster its Application targets (argocd/ goes to Argo CD's own). */
function identities(files: Record<string, any>) {
  const apps = Object.values(files).filter(o => o.kind === 'Application');
  return Object.entries(files).filter(([f]) => !f.endsWith('kustomization.yaml')).map(([f, o]) => {
    const folder = f.split('/').slice(0, -1).join('/');
    const owner = apps.find(a => a.spec.source.path === folder);
    const cluster = folder === 'argocd' ? 'argocd' : owner?.spec.destination.name;
    const ns = o.kind === 'Namespace' ? '' : o.metadata.namespace ?? owner?.spec.destination.namespace;
    return `${cluster} ${o.apiVersion.split('/').slice(0, -1).join('')}/${o.kind} ${ns}/${o.metadata.name}`;
  });
}

describe('many teams, one Argo CD', () => {
  const payments = objects(renderFiles(teamRepo('payments', ['api', 'worker']).app));
  const checkout = objects(renderFiles(teamRepo('checkout', ['api', 'web']).app));
  const projectsOf = (files: Record<string, any>) => Object.values(files).filter(o => o.kind === 'AppProject');
  const applicationsOf = (files: Record<string, any>) => Object.values(files).filter(o => o.kind === 'Application');

  test('GIVEN two teams\' repositories with the same app name THEN the union of their trees has no duplicate object and no duplicate Argo CD name', () => {
    const union = [...identities(payments), ...identities(checkout)];
    expect(union.length).toBeGreaterThan(30);
    expect(union.filter((x, i) => union.indexOf(x) !== i)).toEqual([]);
    const argoNames = [...Object.values(payments), ...Object.values(checkout)].filter(o => o.apiVersion === 'argoproj.io/v1alpha1').map(o => `${o.kind}/${o.metadata.name}`);
    expect(argoNames.filter((x, i) => argoNames.indexOf(x) !== i)).toEqual([]);
    expect(argoNames).toEqual(expect.arrayContaining(['Application/payments-api-prod-prod-eu', 'Application/checkout-api-prod-prod-eu', 'AppProject/payments-prod', 'AppProject/checkout-prod']));
  });

  test('GIVEN each team\'s AppProjects THEN Argo CD\'s rules admit the team\'s own Applications and reject every one of the other team\'s', () => {
    const servers = { 'shared-dev': 'https://dev.example.com:6443', 'prod-eu': 'https://prod-eu.example.com:6443', 'prod-us': 'https://prod-us.example.com:6443' } as Record<string, string>;
    for (const [own, other] of [[payments, checkout], [checkout, payments]]) {
      for (const app of applicationsOf(own)) {
        const project: ProjectRules = projectsOf(own).find(p => p.metadata.name === app.spec.project).spec;
        const d = app.spec.destination;
        const verdict = [isSourcePermitted(project, app.spec.source.repoURL), isDestinationPermitted(project, { ...d, server: servers[d.name] })];
        expect([app.metadata.name, ...verdict]).toEqual([app.metadata.name, true, true]);
      }
      for (const project of projectsOf(own)) {
        for (const app of applicationsOf(other)) {
          const d = app.spec.destination;
          const verdict = [
            isDestinationPermitted(project.spec, { ...d, server: servers[d.name] }),
            isSourcePermitted(project.spec, app.spec.source.repoURL),
          ];
          expect([project.metadata.name, app.metadata.name, ...verdict]).toEqual([project.metadata.name, app.metadata.name, false, false]);
        }
      }
    }
  });

  test('GIVEN each team\'s AppProjects THEN they allow no cluster-scoped object but the team\'s own Namespace', () => {
    const prod = projectsOf(payments).find(p => p.metadata.name === 'payments-prod').spec;
    expect(isResourcePermitted(prod, '', 'Namespace', 'payments-prod', false)).toBe(true);
    expect(isResourcePermitted(prod, '', 'Namespace', 'checkout-prod', false)).toBe(false);
    expect(isResourcePermitted(prod, 'rbac.authorization.k8s.io', 'ClusterRole', 'admin', false)).toBe(false);
    expect(isResourcePermitted(prod, 'apps', 'Deployment', 'api', true)).toBe(true);
    for (const o of Object.values(payments).filter(x => x.kind === 'Namespace')) {
      expect(isResourcePermitted(prod, '', 'Namespace', o.metadata.name, false) || o.metadata.name === 'payments-dev').toBe(true);
    }
  });

  withSchemas('against the Argo CD CRD schemas', () => {
    test('GIVEN both teams in both modes THEN every Argo CD object validates', () => {
      // `optimize: false`: the same checks, compiled 3x faster (the ApplicationSet CRD's validator is 7 MB of code).
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { optimize: false } });
      const validators: Record<string, any> = {};
      for (const [kind, file] of [['Application', 'application-crd.yaml'], ['AppProject', 'appproject-crd.yaml'], ['ApplicationSet', 'applicationset-crd.yaml']]) {
        const crd = parse(fs.readFileSync(path.join(shared!, 'schemas', 'argocd', file), 'utf8'));
        validators[kind] = ajv.compile(crd.spec.versions.find((v: any) => v.served).schema.openAPIV3Schema);
      }
      const set = objects(renderFiles(teamRepo('payments', ['api'], { mode: ArgoMode.APPLICATION_SET, project: { roles: [{ name: 'dev', groups: ['payments-devs'] }] } }).app));
      const argo = [...Object.values(payments), ...Object.values(checkout), ...Object.values(set)].filter(o => o.apiVersion === 'argoproj.io/v1alpha1');
      expect(argo.map(o => o.kind)).toEqual(expect.arrayContaining(['Application', 'AppProject', 'ApplicationSet']));
      for (const o of argo) {
        const ok = validators[o.kind](o);
        expect({ name: o.metadata.name, errors: ok ? [] : validators[o.kind].errors }).toEqual({ name: o.metadata.name, errors: [] });
      }
    });
  });

  test('GIVEN ApplicationSet mode THEN the Argo CD objects grow with environments, not with apps', () => {
    const count = (apps: number) => Object.keys(renderFiles(teamRepo('payments', Array.from({ length: apps }, (_, i) => `app${i}`), { mode: ArgoMode.APPLICATION_SET }).app)).filter(f => f.startsWith('argocd/')).length;
    expect([count(1), count(5)]).toEqual([4, 4]);
  });

  test('GIVEN roles and a sync window THEN the AppProject carries the group binding and the window', () => {
    const { app } = teamRepo('payments', ['api'], {
      project: { roles: [{ name: 'developers', groups: ['payments-devs'] }] },
      projects: { prod: { syncWindows: [{ kind: ArgoSyncWindowKind.DENY, schedule: '0 22 * * *', duration: '8h', manualSync: true }], roles: [{ name: 'oncall', groups: ['payments-oncall'], actions: [ArgoRoleAction.SYNC, ArgoRoleAction.ACTION] }] } },
    });
    const prod = objects(renderFiles(app))['argocd/appproject-payments-prod.yaml'].spec;
    expect(prod.roles).toEqual([
      { name: 'developers', groups: ['payments-devs'], policies: ['p, proj:payments-prod:developers, applications, get, payments-prod/*, allow', 'p, proj:payments-prod:developers, applications, sync, payments-prod/*, allow'] },
      { name: 'oncall', groups: ['payments-oncall'], policies: ['p, proj:payments-prod:oncall, applications, sync, payments-prod/*, allow', 'p, proj:payments-prod:oncall, applications, action/*, payments-prod/*, allow'] },
    ]);
    expect(prod.syncWindows).toEqual([{ kind: 'deny', schedule: '0 22 * * *', duration: '8h', applications: ['*'], timeZone: 'UTC', manualSync: true }]);
  });

  test('GIVEN bad roles and sync windows for every project THEN every problem of each project is reported at once', () => {
    const err = validationError(() => teamRepo('payments', ['api'], {
      project: { roles: [{ name: 'Dev', groups: [] }], syncWindows: [{ kind: 'never' as any, schedule: '22 * *', duration: '8 hours' }] },
    }));
    const fields = ['roles[0].name', 'roles[0].groups', 'syncWindows[0].kind', 'syncWindows[0].schedule', 'syncWindows[0].duration'];
    expect(err.problems.map(p => `${p.path} ${p.field}`)).toEqual([...fields.map(f => `argocd/project-dev ${f}`), ...fields.map(f => `argocd/project-prod ${f}`)]);
    expect(err.message).toContain("'syncWindows[0].schedule' must be a cron expression with five fields (minute hour day month weekday), e.g. \"0 22 * * *\" (got \"22 * *\")");
  });

  test('GIVEN a team THEN its bootstrap root AppProject and Application are <team>-root', () => {
    const { argocd } = teamRepo('payments', ['api']);
    const names = parseAllDocuments(argocd.bootstrapManifest()).map(d => `${d.toJS().kind}/${d.toJS().metadata.name}`);
    expect(names).toEqual(['AppProject/payments-root', 'Application/payments-root']);
  });

  test('GIVEN an app without a team THEN today\'s names stay', () => {
    const app = new GitOpsApp();
    new WebService(new AppChart(new Environment(app, 'prod'), 'api'), 'web', { image: IMAGE });
    new ArgoCd(app, 'argocd', { repoURL: REPO });
    expect(Object.keys(renderFiles(app)).filter(f => f.startsWith('argocd/'))).toEqual(['argocd/application-api-prod.yaml', 'argocd/appproject-prod.yaml', 'argocd/kustomization.yaml']);
  });
});

describe('bad input of the estate', () => {
  test.each([
    ['a team that is not DNS-1123', 'Payments', "[(app)] 'team' must be a DNS-1123 label: lowercase letters, digits and \"-\", starting and ending with a letter or digit (got \"Payments\")"],
    ['a team with "-"', 'pay-ments', "[(app)] 'team' must not contain \"-\": Argo CD names are \"<team>-<app>-<env>\", and a team is the part before the first \"-\", so that no two teams can ever render one name (use e.g. \"payments\") (got \"pay-ments\")"],
    ['a team over 30 characters', 't'.repeat(31), `[(app)] 'team' must be 1 to 30 characters long (it has 31) (got "${'t'.repeat(31)}")`],
  ])('GIVEN %s THEN the app fails naming the value', (_what, team, message) => {
    expect(() => new GitOpsApp({ team })).toThrow(message);
  });

  test('GIVEN names that push an Application name over 63 characters THEN construction fails naming the app and the name', () => {
    const long = 'a'.repeat(55);
    const err = validationError(() => teamRepo('payments', [long]));
    expect(err.problems[0]).toEqual({
      path: `dev/${long}`,
      field: 'name',
      message: `makes the Argo CD Application name 68 characters long (team "payments" + "${long}" + "dev"), over 63: shorten the team, app, environment or cluster name`,
      value: `payments-${long}-dev`,
    });
    expect(err.problems.map(p => p.value)).toEqual([`payments-${long}-dev`, `payments-${long}-prod-prod-eu`, `payments-${long}-prod-prod-us`]);
  });

  test('GIVEN two apps whose Argo CD names coincide THEN construction fails naming both', () => {
    const app = new GitOpsApp({ team: 'payments' });
    new WebService(new AppChart(new Environment(app, 'c'), 'a-b'), 'web', { image: IMAGE });
    new WebService(new AppChart(new Environment(app, 'b-c'), 'a'), 'web', { image: IMAGE });
    const err = validationError(() => new ArgoCd(app, 'argocd', { repoURL: REPO }));
    expect(err.message).toBe('[b-c/a] \'name\' makes the Argo CD Application name of c/a-b too: names are "<app>-<env>" joined with "-", so rename the app or environment (e.g. no app "a-b" in env "c" beside app "a" in env "b-c") (got "payments-a-b-c")');
  });

  test('GIVEN a cluster used by two environments of two teams with one namespace THEN synth fails naming both', () => {
    const app = new GitOpsApp({ outdir: '/nonexistent/never-written', team: 'payments' });
    const c = new Cluster(app, 'shared', { server: 'https://shared.example.com' });
    const a = new Environment(app, 'prod', { clusters: [c], namespace: 'shop' });
    const b = new Environment(app, 'checkout-prod', { clusters: [c], namespace: 'shop', team: 'checkout' });
    for (const env of [a, b]) new WebService(new AppChart(env, 'api'), 'web', { image: IMAGE });
    new ArgoCd(app, 'argocd', { repoURL: REPO });
    const err = validationError(() => app.render());
    expect(err.message).toContain("[argocd] 'namespace' is namespace shop on cluster shared of both prod (team payments) and checkout-prod (team checkout): two teams must never share a namespace on one cluster (got \"shop\")");
  });

  test('GIVEN two apps rendering one object for one cluster THEN synth fails naming both construct paths', () => {
    const app = new GitOpsApp({ team: 'payments' });
    const c = new Cluster(app, 'eu', { server: 'https://eu.example.com' });
    const env = new Environment(app, 'prod', { clusters: [c] });
    new WebService(new AppChart(env, 'api'), 'web', { image: IMAGE, name: 'shared' });
    new WebService(new AppChart(env, 'api2'), 'web', { image: IMAGE, name: 'shared' });
    const err = validationError(() => app.render());
    expect(err.message).toContain('is the object apps/Deployment payments-prod/shared that prod/api/web/Deployment/Resource renders too, for the same cluster https://eu.example.com: two Applications would overwrite each other; rename one or render it once');
    expect(err.problems[0].path).toBe('prod/api2/web/Deployment/Resource');
  });

  test('GIVEN a conflict THEN synth writes nothing', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-'));
    fs.rmSync(outdir, { recursive: true });
    const app = new GitOpsApp({ team: 'payments', outdir });
    const env = new Environment(app, 'prod');
    for (const name of ['api', 'api2']) new WebService(new AppChart(env, name), 'web', { image: IMAGE, name: 'shared' });
    expect(() => app.synth()).toThrow(ValidationError);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('GIVEN an Application whose destination is outside its project THEN synth fails naming it', () => {
    const { app, argocd } = teamRepo('payments', ['api']);
    new ArgoApplication(argocd, 'stray', {
      name: 'payments-stray',
      path: 'dev/stray',
      repoURL: 'https://github.com/example/payments-config.git',
      project: 'payments-dev',
      clusterName: 'shared-dev',
      namespace: 'kube-system',
      checkPath: false,
    });
    const err = validationError(() => app.render());
    expect(err.message).toContain("'destination' of argocd/stray (cluster shared-dev, namespace kube-system) is outside its AppProject payments-dev, which allows shared-dev/payments-dev: Argo CD would refuse to sync it (got \"kube-system\")");
  });

  test('GIVEN an object in another namespace or a cluster-scoped kind THEN synth fails: the project would reject it', () => {
    const app = new GitOpsApp({ team: 'payments' });
    const c = new Cluster(app, 'eu', { server: 'https://eu.example.com' });
    const chart = new AppChart(new Environment(app, 'prod', { clusters: [c] }), 'api');
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kube-system' } });
    new ApiObject(chart, 'role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' } });
    new ArgoCd(app, 'argocd', { repoURL: REPO });
    const err = validationError(() => app.render());
    expect(err.message).toContain("'metadata.namespace' of prod/api/cm is outside AppProject payments-prod, which allows eu/payments-prod (got \"kube-system\")");
    expect(err.message).toContain("'kind' of prod/api/role (rbac.authorization.k8s.io/ClusterRole x) is not allowed by AppProject payments-prod: cluster-scoped kinds need an explicit allowlist entry (ArgoCd project.clusterResources) (got \"ClusterRole\")");
  });

  test('GIVEN an explicit allowlist entry THEN the cluster-scoped kind is accepted', () => {
    const app = new GitOpsApp({ team: 'payments' });
    const c = new Cluster(app, 'eu', { server: 'https://eu.example.com' });
    const chart = new AppChart(new Environment(app, 'prod', { clusters: [c] }), 'api');
    new ApiObject(chart, 'role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'payments-reader' } });
    new ArgoCd(app, 'argocd', { repoURL: REPO, project: { clusterResources: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'payments-*' }] } });
    expect(() => app.render()).not.toThrow(ValidationError);
  });
});
