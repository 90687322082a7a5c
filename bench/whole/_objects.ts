/**
 * The objects every whole-process peer renders: per app and environment the
 * Deployment and Service of bench/generate.ts's raw cdk8s-plus-28 peer, with
 * plain cdk8s + cdk8s-plus-28 (no kustomization, no Argo CD, no checks).
 */
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

export const ENVIRONMENTS = [
  { name: 'dev', namespace: 'bench-dev' },
  { name: 'prod', namespace: 'bench-prod' },
] as const;

export function appName(i: number): string {
  return `app-${String(i).padStart(5, '0')}`;
}

/** Adds app `i`'s Deployment and Service in environment `env` to `chart`, ids prefixed by `prefix`. */
export function addApp(chart: Chart, i: number, env: { name: string; namespace: string }, prefix = ''): void {
  const name = appName(i);
  const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${env.name}` };
  const deployment = new kplus.Deployment(chart, `${prefix}Deployment`, {
    metadata: { name, namespace: env.namespace, labels: selector },
    replicas: 1,
    select: false,
    automountServiceAccountToken: false,
    podMetadata: { labels: selector },
    securityContext: { ensureNonRoot: true, user: 10001, group: 10001, fsGroup: 10001 },
    containers: [{
      name,
      image: `ghcr.io/example/${name}:2.0.0`,
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
  const service = new kplus.Service(chart, `${prefix}Service`, {
    metadata: { name, namespace: env.namespace, labels: selector },
    ports: [{ name: 'http', port: 80, targetPort: 8080 }],
  });
  for (const [k, v] of Object.entries(selector)) service.selectLabel(k, v);
}

/** `node <peer>.js <apps> <outdir>` */
export function args(): { apps: number; outdir: string } {
  const apps = Number(process.argv[2]);
  const outdir = process.argv[3];
  if (!Number.isInteger(apps) || apps < 1 || !outdir) throw new Error('usage: node <peer>.js <apps> <outdir>');
  return { apps, outdir };
}

export { App, Chart };
