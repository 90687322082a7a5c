/**
 * Generates the benchmark's apps: N apps × 2 environments, each app a
 * WebService (Deployment + Service) and its Kustomization, built with the
 * project's own constructs, with an Argo CD Application per app and environment (ArgoCd), plus the equivalent plain cdk8s-plus-28 app used
 * as a peer. Also writes the same apps as a standalone app file for the
 * whole-process measurements (`node -r esbuild-register app.ts`, `cdk8s synth`).
 */
import * as path from 'path';
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AppChart, ArgoCd, Environment, GitOpsApp, ImageRef, WebService } from '../src';

/** The environments every generated app is deployed to. */
export const ENVIRONMENTS = [
  { name: 'dev', namespace: 'bench-dev' },
  { name: 'prod', namespace: 'bench-prod' },
] as const;

/** A change of one app's image in one environment (the "one-app change"). */
export interface OneAppChange {
  /** Index of the app. */
  readonly app: number;
  /** Environment name. */
  readonly env: string;
}

/** Name of app `i` (sorted like its index). */
export function appName(i: number): string {
  return `app-${String(i).padStart(5, '0')}`;
}

/** The image of app `i` in `env`; the changed app gets another tag. */
export function imageFor(i: number, env: string, change?: OneAppChange): string {
  const changed = change && change.app === i && change.env === env;
  return `ghcr.io/example/${appName(i)}:${changed ? '2.0.1' : '2.0.0'}`;
}

/** Builds the construct tree of `apps` apps in every environment (nothing is rendered). */
export function buildApp(apps: number, outdir: string, change?: OneAppChange): GitOpsApp {
  const app = new GitOpsApp({ outdir });
  for (const e of ENVIRONMENTS) {
    const env = new Environment(app, e.name, { namespace: e.namespace });
    for (let i = 0; i < apps; i++) {
      const chart = new AppChart(env, appName(i));
      new WebService(chart, 'web', { image: ImageRef.parse(imageFor(i, e.name, change)), port: 8080, env: { LOG_LEVEL: 'info' } });
    }
  }
  new ArgoCd(app, 'argocd', { repoURL: REPO_URL });
  return app;
}

/** The config repository the generated Argo CD Applications point at. */
export const REPO_URL = 'https://github.com/example/bench-config.git';

/** Files the rendered tree holds per app and environment: deployment, service, kustomization. */
export const FILES_PER_APP_ENV = 3;

/** Files of the whole rendered tree: the app folders plus argocd/ (an Application per app and environment, an AppProject per environment, a kustomization). */
export function expectedFiles(apps: number): number {
  return apps * ENVIRONMENTS.length * (FILES_PER_APP_ENV + 1) + ENVIRONMENTS.length + 1;
}

/**
 * The peer: the same Deployment + Service per app and environment with plain
 * cdk8s + cdk8s-plus-28 (no kustomization, no checks), as a cdk8s user would
 * write them without this library. `app.synth()` writes one file per chart.
 */
export function buildRawCdk8sPlus(apps: number, outdir: string): App {
  const app = new App({ outdir });
  for (const e of ENVIRONMENTS) {
    for (let i = 0; i < apps; i++) {
      const name = appName(i);
      const chart = new Chart(app, `${e.name}-${name}`, { namespace: e.namespace, disableResourceNameHashes: true });
      const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${e.name}` };
      const deployment = new kplus.Deployment(chart, 'Deployment', {
        metadata: { name, labels: selector },
        replicas: 1,
        select: false,
        automountServiceAccountToken: false,
        podMetadata: { labels: selector },
        securityContext: { ensureNonRoot: true, user: 10001, group: 10001, fsGroup: 10001 },
        containers: [{
          name,
          image: imageFor(i, e.name),
          portNumber: 8080,
          envVariables: { LOG_LEVEL: kplus.EnvValue.fromValue('info') },
          resources: {
            cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
            memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
          },
          readiness: kplus.Probe.fromHttpGet('/', { port: 8080 }),
          liveness: kplus.Probe.fromHttpGet('/', { port: 8080 }),
          securityContext: { ensureNonRoot: true, user: 10001, group: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
        }],
      });
      deployment.select(kplus.LabelSelector.of({ labels: selector }));
      const service = new kplus.Service(chart, 'Service', {
        metadata: { name, labels: selector },
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      });
      for (const [k, v] of Object.entries(selector)) service.selectLabel(k, v);
    }
  }
  return app;
}

/**
 * Source of a standalone app file rendering `apps` apps the way a user's
 * `main.ts` does (`new GitOpsApp()` … `app.synth()` into `./dist`), importing
 * the library from `srcIndex` (this checkout's `src/index.ts`).
 */
export function appSource(apps: number, srcIndex: string): string {
  const from = JSON.stringify(srcIndex.replace(/\.ts$/, '').split(path.sep).join('/'));
  return `// Generated by bench/generate.ts: ${apps} apps x ${ENVIRONMENTS.length} environments.
import { AppChart, ArgoCd, Environment, GitOpsApp, ImageRef, WebService } from ${from};

const app = new GitOpsApp();
for (const e of ${JSON.stringify(ENVIRONMENTS)}) {
  const env = new Environment(app, e.name, { namespace: e.namespace });
  for (let i = 0; i < ${apps}; i++) {
    const name = 'app-' + String(i).padStart(5, '0');
    const chart = new AppChart(env, name);
    new WebService(chart, 'web', { image: ImageRef.parse('ghcr.io/example/' + name + ':2.0.0'), port: 8080, env: { LOG_LEVEL: 'info' } });
  }
}
new ArgoCd(app, 'argocd', { repoURL: ${JSON.stringify(REPO_URL)} });
app.synth();
`;
}
