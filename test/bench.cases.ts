import { ApiObject } from 'cdk8s';
import { appName, buildApp, buildRawCdk8sPlus, ENVIRONMENTS, expectedFiles } from '../bench/generate';
import { evaluate, Measurements } from '../bench/report';
import { renderApp } from '../src/render/render';

describe('bench generator', () => {
  test('renders N apps x every environment into the expected files', () => {
    // GIVEN the generated app with 3 apps
    const app = buildApp(3, 'unused-outdir');
    // WHEN it is rendered
    const tree = renderApp(app);
    // THEN every app has a deployment, a service, a kustomization and an Argo CD Application in each environment
    expect(tree.size).toBe(expectedFiles(3));
    expect(tree.size).toBe(3 * 2 * 4 + 2 + 1);
    for (const env of ENVIRONMENTS) {
      for (let i = 0; i < 3; i++) {
        const name = appName(i);
        for (const file of [`deployment-${name}.yaml`, `service-${name}.yaml`, 'kustomization.yaml']) {
          expect(tree.has(`${env.name}/${name}/${file}`)).toBe(true);
        }
        expect(tree.has(`argocd/application-${name}-${env.name}.yaml`)).toBe(true);
      }
    }
  });

  test('the one-app change touches only that app in that environment', () => {
    // GIVEN the same apps with and without app 1's dev image changed
    const before = renderApp(buildApp(3, 'unused-outdir'));
    const after = renderApp(buildApp(3, 'unused-outdir', { app: 1, env: 'dev' }));
    // WHEN the trees are compared
    const changed = [...after].filter(([p, c]) => before.get(p) !== c).map(([p]) => p);
    // THEN only its Deployment and kustomization (images:) differ
    expect(changed).toEqual([`dev/${appName(1)}/deployment-${appName(1)}.yaml`, `dev/${appName(1)}/kustomization.yaml`]);
  });

  test('the raw cdk8s-plus peer builds the same Deployments and Services', () => {
    // GIVEN the peer app with 2 apps
    const raw = buildRawCdk8sPlus(2, 'unused-outdir');
    // WHEN its API objects are listed
    const kinds = raw.node.findAll().filter(ApiObject.isApiObject).map(o => `${o.kind}/${o.name}`).sort();
    // THEN it holds one Deployment and one Service per app and environment
    expect(kinds).toEqual(['Deployment/app-00000', 'Deployment/app-00000', 'Deployment/app-00001', 'Deployment/app-00001',
      'Service/app-00000', 'Service/app-00000', 'Service/app-00001', 'Service/app-00001']);
  });
});

describe('bench targets', () => {
  test('a phase that has not landed is reported as not measured, with the reason', () => {
    // GIVEN measurements where validate was skipped
    const m: Measurements = {
      machine: {},
      options: {},
      startup: {},
      counts: [{
        apps: 10,
        reps: 1,
        files: 60,
        renderedFiles: 60,
        expectedFiles: 60,
        phasesMaxRssMiB: 1,
        phases: { build: { ms: [1] }, render: { ms: [2] }, write: { ms: [1] }, validate: { skipped: 'src/validate/validate-tree.ts does not exist yet' } },
        wholeFast: { ms: [100] },
        wholePrecompiled: { ms: [90] },
        wholeCli: { ms: [900] },
        kustomizeOne: { ms: [1] },
        kustomizeAll: { ms: [1] },
      }],
    };
    // WHEN the targets are evaluated
    const t = evaluate(m).find(r => r.target.includes('validate vs render'))!;
    // THEN it is neither met nor missed and says why
    expect(t.met).toBeUndefined();
    expect(t.why).toBe('not measured: src/validate/validate-tree.ts does not exist yet');
  });
});
