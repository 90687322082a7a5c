import { IMAGE } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { ArgoCd, ArgoCdProps } from '../../src/constructs/argo-cd';
import { Cluster } from '../../src/constructs/cluster';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';

/**
 * One team's config repository: dev on the shared dev cluster, prod on two
 * clusters (prod-eu with 3 replicas, prod-us with the default 2), the given
 * apps in each, wired to the shared Argo CD.
 */
export function teamRepo(team: string, apps: string[], argo: Partial<ArgoCdProps> = {}) {
  const app = new GitOpsApp({ outdir: '/nonexistent/never-written', team });
  const dev = new Cluster(app, 'shared-dev', { server: 'https://dev.example.com:6443', labels: { env: 'dev' } });
  const prodEu = new Cluster(app, 'prod-eu', { server: 'https://prod-eu.example.com:6443', labels: { env: 'prod', region: 'eu' } });
  const prodUs = new Cluster(app, 'prod-us', { server: 'https://prod-us.example.com:6443', labels: { env: 'prod', region: 'us' } });
  const envs = [
    new Environment(app, 'dev', { clusters: [dev] }),
    new Environment(app, 'prod', { clusters: [prodEu, prodUs], replicas: 2, perCluster: { 'prod-eu': { replicas: 3 } } }),
  ];
  for (const env of envs) {
    for (const target of env.targets) {
      for (const name of apps) new WebService(new AppChart(target, name), 'web', { image: IMAGE });
    }
  }
  const argocd = new ArgoCd(app, 'argocd', { repoURL: `https://github.com/example/${team}-config.git`, ...argo });
  return { app, argocd, envs, clusters: { dev, prodEu, prodUs } };
}
