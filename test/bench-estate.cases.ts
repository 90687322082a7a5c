import { teamApp } from '../bench/estate';
import { ArgoMode } from '../src/constructs/argo-cd';
import { renderApp } from '../src/render/render';

describe('estate bench generator', () => {
  const argoFiles = (apps: number, mode: ArgoMode) => [...renderApp(teamApp(3, apps, mode)).keys()].filter(p => p.startsWith('argocd/') && !p.endsWith('/kustomization.yaml'));

  test('GIVEN a team with N apps THEN dev, staging and both prod clusters get a folder per app and a namespace', () => {
    // WHEN team 3's repository with 2 apps is rendered
    const folders = new Set([...renderApp(teamApp(3, 2, ArgoMode.APPLICATIONS)).keys()].map(p => p.split('/').slice(0, -1).join('/')));
    // THEN each app is in 4 folders, each destination has its namespace folder
    expect([...folders].sort()).toEqual([
      'argocd', 'dev/app0', 'dev/app1', 'dev/namespace',
      'prod/prod-eu/app0', 'prod/prod-eu/app1', 'prod/prod-eu/namespace', 'prod/prod-us/app0', 'prod/prod-us/app1', 'prod/prod-us/namespace',
      'staging/app0', 'staging/app1', 'staging/namespace',
    ]);
  });

  test('GIVEN ApplicationSet mode THEN the Argo CD objects do not grow with the apps; in Applications mode they do', () => {
    expect(argoFiles(1, ArgoMode.APPLICATION_SET)).toEqual(['argocd/applicationset-team3-apps.yaml', 'argocd/appproject-team3-dev.yaml', 'argocd/appproject-team3-prod.yaml', 'argocd/appproject-team3-staging.yaml']);
    expect(argoFiles(3, ArgoMode.APPLICATION_SET)).toHaveLength(4);
    expect([argoFiles(1, ArgoMode.APPLICATIONS).length, argoFiles(3, ArgoMode.APPLICATIONS).length]).toEqual([3 + 4 + 4, 3 + 4 * 3 + 4]);
  });
});
