import { IMAGE, objects } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { ArgoCd, ArgoCdProps } from '../../src/constructs/argo-cd';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { renderFiles } from '../../src/testing';

export const REPO = 'https://github.com/example/hello-config.git';

/** dev (namespace hello-dev) and prod (hello-prod, another cluster) with the given apps in each. */
export function twoEnvs(apps: string[] = ['hello']) {
  const app = new GitOpsApp({ outdir: '/nonexistent/never-written' });
  const dev = new Environment(app, 'dev', { namespace: 'hello-dev' });
  const prod = new Environment(app, 'prod', { namespace: 'hello-prod', server: 'https://prod.example.com:6443' });
  const charts: Record<string, AppChart> = {};
  for (const env of [dev, prod]) {
    for (const name of apps) {
      const chart = new AppChart(env, name);
      new WebService(chart, 'web', { image: IMAGE });
      charts[`${name}-${env.envName}`] = chart;
    }
  }
  return { app, dev, prod, charts };
}

/** twoEnvs plus an ArgoCd with `props` over the example repo URL. */
export function wired(props: Partial<ArgoCdProps> = {}, apps?: string[]) {
  const t = twoEnvs(apps);
  const argocd = new ArgoCd(t.app, 'argocd', { repoURL: REPO, ...props });
  return { ...t, argocd };
}

/** The parsed objects of `argocd/`, keyed by file name. */
export function argoObjects(app: GitOpsApp): Record<string, any> {
  const all = objects(renderFiles(app));
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('argocd/')).map(([k, v]) => [k.slice('argocd/'.length), v]));
}
