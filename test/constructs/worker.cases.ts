import { IMAGE, appWith, objects } from './_fixtures';
import { HealthCheck } from '../../src/constructs/pod-spec';
import { Worker } from '../../src/constructs/worker';
import { renderFiles } from '../../src/testing';

const CHECK = HealthCheck.exec(['/app/worker', '--check']);

describe('Worker defaults', () => {
  test('GIVEN an image and a health check WHEN rendered THEN one Deployment named <app>-worker, no Service (snapshot)', () => {
    // GIVEN
    const { app, chart } = appWith();
    new Worker(chart, 'worker', { image: IMAGE, healthCheck: CHECK });
    // WHEN
    const files = renderFiles(app);
    // THEN
    expect(Object.keys(files)).toEqual(['dev/hello/deployment-hello-worker.yaml', 'dev/hello/kustomization.yaml']);
    expect(files['dev/hello/deployment-hello-worker.yaml']).toMatchSnapshot();
  });

  test('GIVEN defaults THEN the pod is locked down like every workload and selected by the worker name', () => {
    const { app, chart } = appWith();
    new Worker(chart, 'worker', { image: IMAGE, healthCheck: CHECK });
    const d = objects(renderFiles(app))['dev/hello/deployment-hello-worker.yaml'];
    const pod = d.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(pod.containers[0].ports).toBeUndefined();
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'hello-worker-dev', 'app.kubernetes.io/name': 'hello-worker' });
    expect(d.spec.replicas).toBe(1);
  });

  test('GIVEN an exec health check THEN it is the liveness and the readiness probe', () => {
    const { app, chart } = appWith();
    new Worker(chart, 'worker', { image: IMAGE, healthCheck: CHECK });
    const c = objects(renderFiles(app))['dev/hello/deployment-hello-worker.yaml'].spec.template.spec.containers[0];
    expect(c.livenessProbe.exec).toEqual({ command: ['/app/worker', '--check'] });
    expect(c.readinessProbe.exec).toEqual({ command: ['/app/worker', '--check'] });
  });
});

describe('Worker props', () => {
  test('GIVEN an HTTP health check on a named port THEN the probes get it', () => {
    const { app, chart } = appWith();
    new Worker(chart, 'worker', { image: IMAGE, ports: [{ name: 'health', port: 8081 }], healthCheck: HealthCheck.http('/healthz', 8081) });
    const c = objects(renderFiles(app))['dev/hello/deployment-hello-worker.yaml'].spec.template.spec.containers[0];
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8081, scheme: 'HTTP' });
  });

  test('GIVEN HealthCheck.none(reason) THEN no probes, and the reason waives both probe rules on the Deployment', () => {
    const { app, chart } = appWith();
    new Worker(chart, 'worker', { image: IMAGE, healthCheck: HealthCheck.none('exits on failure; Kubernetes restarts it') });
    const d = objects(renderFiles(app))['dev/hello/deployment-hello-worker.yaml'];
    expect(d.spec.template.spec.containers[0].livenessProbe).toBeUndefined();
    expect(d.metadata.annotations).toEqual({
      'cdk8s-gitops.io/waive.liveness-probe': 'exits on failure; Kubernetes restarts it',
      'cdk8s-gitops.io/waive.readiness-probe': 'exits on failure; Kubernetes restarts it',
    });
  });

  test('GIVEN a name and 2 replicas THEN objects use the name, with a PDB and spread', () => {
    const { app, chart } = appWith();
    new Worker(chart, 'worker', { image: IMAGE, healthCheck: CHECK, name: 'mailer', replicas: 2 });
    const o = objects(renderFiles(app));
    expect(o['dev/hello/poddisruptionbudget-mailer.yaml'].spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'mailer-dev', 'app.kubernetes.io/name': 'mailer' });
    expect(o['dev/hello/deployment-mailer.yaml'].spec.template.spec.topologySpreadConstraints).toHaveLength(2);
  });
});

describe('Worker refusals', () => {
  test('GIVEN no health check WHEN rendered THEN it says how to add one or opt out', () => {
    const { app, chart } = appWith();
    new Worker(chart, 'worker', { image: IMAGE } as any);
    expect(() => renderFiles(app)).toThrow("[dev/hello/worker] 'healthCheck' is required: HealthCheck.exec([...]), .http(path, port), .tcp(port), or HealthCheck.none(\"why there is no probe\")");
  });
});
