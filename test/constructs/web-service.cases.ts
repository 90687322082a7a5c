import { IMAGE, appWith, objects, props } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { ValidationError } from '../../src/errors';
import { ImageRef } from '../../src/image-ref';
import { renderFiles } from '../../src/testing';

describe('WebService defaults', () => {
  test('GIVEN only an image WHEN rendered THEN a Deployment, Service and kustomization with secure defaults (snapshot)', () => {
    // GIVEN
    const { app, chart } = appWith();
    new WebService(chart, 'web', props());
    // WHEN
    const files = renderFiles(app);
    // THEN
    expect(Object.keys(files)).toEqual(['dev/hello/deployment-hello.yaml', 'dev/hello/kustomization.yaml', 'dev/hello/service-hello.yaml']);
    expect(files).toMatchSnapshot();
  });

  test('GIVEN defaults THEN the pod is locked down: non-root 10001, read-only fs, no escalation, drop ALL, seccomp, no token', () => {
    const { app, chart } = appWith();
    new WebService(chart, 'web', props());
    const d = objects(renderFiles(app))['dev/hello/deployment-hello.yaml'];
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 10001,
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/', port: 8080, scheme: 'HTTP' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/', port: 8080, scheme: 'HTTP' });
    expect(c.ports).toEqual([{ containerPort: 8080 }]);
    expect(c.image).toBe(IMAGE.toString());
    expect(c.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(d.spec.replicas).toBe(1);
  });

  test('GIVEN defaults THEN names are the app name and selectors are name labels, no path hashes', () => {
    const { app, chart } = appWith();
    new WebService(chart, 'web', props());
    const o = objects(renderFiles(app));
    const d = o['dev/hello/deployment-hello.yaml'];
    const s = o['dev/hello/service-hello.yaml'];
    const selector = { 'app.kubernetes.io/instance': 'hello-dev', 'app.kubernetes.io/name': 'hello' };
    expect(d.metadata.name).toBe('hello');
    expect(d.metadata.namespace).toBe('hello-dev');
    expect(d.spec.selector).toEqual({ matchLabels: selector });
    expect(d.spec.template.metadata.labels).toEqual(selector);
    expect(s.metadata.name).toBe('hello');
    expect(s.spec.selector).toEqual(selector);
    expect(s.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
    expect(JSON.stringify(o)).not.toContain('cdk8s.io/metadata.addr');
  });

  test('GIVEN the kustomization THEN it lists exactly the rendered files and pins the same image', () => {
    const { app, chart } = appWith();
    new WebService(chart, 'web', props());
    const k = objects(renderFiles(app))['dev/hello/kustomization.yaml'];
    expect(k).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['deployment-hello.yaml', 'service-hello.yaml'],
      images: [{ name: 'ghcr.io/example/hello', newTag: '6f1ed002ab5595859014ebf0951522d9b6c7e8e4' }],
    });
  });
});

describe('WebService stability', () => {
  test('GIVEN the same app under different construct ids WHEN rendered THEN the output is byte-identical', () => {
    const render = (chartId: string, webId: string) => {
      const app = new GitOpsApp();
      const env = new Environment(app, `env-${chartId}`, { name: 'dev', namespace: 'hello-dev' });
      const chart = new AppChart(env, chartId, { name: 'hello' });
      new WebService(chart, webId, props({ replicas: 3 }));
      return renderFiles(app);
    };
    expect(render('a', 'web')).toEqual(render('renamed', 'Frontend'));
  });
});

describe('WebService props', () => {
  test('GIVEN every prop WHEN rendered THEN each lands in the Deployment and Service (snapshot)', () => {
    const { app, chart } = appWith();
    new WebService(chart, 'web', props({
      name: 'api',
      port: 3000,
      servicePort: 8080,
      replicas: 3,
      env: { B: 'on', A: '0755' },
      resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '1Gi' },
      readinessPath: '/ready',
      livenessPath: '/healthz',
      labels: { team: 'web' },
      runAsUser: 20000,
      writableTmp: false,
    }));
    const files = renderFiles(app);
    const o = objects(files);
    const d = o['dev/hello/deployment-api.yaml'];
    const c = d.spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'A', value: '0755' }, { name: 'B', value: 'on' }]);
    expect(files['dev/hello/deployment-api.yaml']).toContain('value: "on"');
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(c.readinessProbe.httpGet.path).toBe('/ready');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.securityContext.runAsUser).toBe(20000);
    expect(c.volumeMounts).toBeUndefined();
    expect(d.metadata.labels.team).toBe('web');
    expect(d.spec.template.metadata.labels.team).toBe('web');
    expect(d.spec.selector.matchLabels.team).toBeUndefined();
    expect(o['dev/hello/service-api.yaml'].spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 3000 }]);
    expect(files).toMatchSnapshot();
  });

  test('GIVEN replicas >= 2 THEN a PodDisruptionBudget and topology spread are added', () => {
    const { app, chart } = appWith();
    new WebService(chart, 'web', props({ replicas: 2 }));
    const o = objects(renderFiles(app));
    const selector = { 'app.kubernetes.io/instance': 'hello-dev', 'app.kubernetes.io/name': 'hello' };
    expect(o['dev/hello/poddisruptionbudget-hello.yaml'].spec).toEqual({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: selector } });
    expect(o['dev/hello/deployment-hello.yaml'].spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey))
      .toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
  });

  test('GIVEN a digest-pinned image THEN the Deployment and kustomization carry the digest', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const { app, chart } = appWith();
    new WebService(chart, 'web', props({ image: ImageRef.parse(`ghcr.io/example/hello@${digest}`) }));
    const o = objects(renderFiles(app));
    expect(o['dev/hello/deployment-hello.yaml'].spec.template.spec.containers[0].image).toBe(`ghcr.io/example/hello@${digest}`);
    expect(o['dev/hello/kustomization.yaml'].images).toEqual([{ name: 'ghcr.io/example/hello', digest }]);
  });
});

describe('WebService bad input', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['port 0', { port: 0 }, "[dev/hello/web] 'port' must be a whole number between 1 and 65535 (got 0)"],
    ['port 70000', { port: 70000 }, "[dev/hello/web] 'port' must be a whole number between 1 and 65535 (got 70000)"],
    ['fractional port', { port: 80.5 }, "[dev/hello/web] 'port' must be a whole number between 1 and 65535 (got 80.5)"],
    ['string port', { servicePort: '80' }, "[dev/hello/web] 'servicePort' must be a whole number between 1 and 65535 (got \"80\")"],
    ['negative replicas', { replicas: -1 }, "[dev/hello/web] 'replicas' must be a whole number >= 0 (got -1)"],
    ['fractional replicas', { replicas: 1.5 }, "[dev/hello/web] 'replicas' must be a whole number >= 0 (got 1.5)"],
    ['label number', { labels: { team: 5 } }, "[dev/hello/web] 'labels.team' must be a string (quote it: \"5\") (got 5)"],
    ['label too long', { labels: { team: 'x'.repeat(64) } }, "[dev/hello/web] 'labels.team' must be at most 63 characters"],
    ['bad label key', { labels: { 'bad key': 'x' } }, "[dev/hello/web] 'labels.bad key' is not a valid label key"],
    ['uppercase name', { name: 'Hello' }, "[dev/hello/web] 'name' must be a DNS-1123 label: lowercase letters, digits and \"-\", starting and ending with a letter or digit (got \"Hello\")"],
    ['name with digit first', { name: '1hello' }, "[dev/hello/web] 'name' must start with a lowercase letter (a Service name is a DNS-1035 label) (got \"1hello\")"],
    ['name too long', { name: 'a'.repeat(64) }, "[dev/hello/web] 'name' must be 1 to 63 characters long (it has 64)"],
    ['image as string', { image: 'Hello:latest' }, "[dev/hello/web] 'image' invalid image reference \"Hello:latest\": the repository path \"Hello\" must be lowercase (got \"Hello:latest\")"],
    ['image as a valid string', { image: 'ghcr.io/x/y:1' }, "[dev/hello/web] 'image' must be an ImageRef, e.g. ImageRef.parse(\"ghcr.io/org/app:tag\"), not a string (got \"ghcr.io/x/y:1\")"],
    ['image as an object', { image: { repository: 'x' } }, "[dev/hello/web] 'image' must be an ImageRef, e.g. ImageRef.parse(\"ghcr.io/org/app:tag\") (got {\"repository\":\"x\"})"],
    ['env value number', { env: { PORT: 8080 } }, "[dev/hello/web] 'env.PORT' must be a string (quote it: \"8080\") or an EnvValue (got 8080)"],
    ['env name with =', { env: { 'A=B': 'x' } }, "[dev/hello/web] 'env.A=B' is not a valid environment variable name"],
    ['probe path', { readinessPath: 'ready' }, "[dev/hello/web] 'readinessPath' must be an HTTP path starting with \"/\" (got \"ready\")"],
    ['cpu', { resources: { cpuLimit: 'lots' } }, "[dev/hello/web] 'resources.cpuLimit' must be a CPU quantity such as \"250m\" or \"0.5\" (got \"lots\")"],
    ['memory', { resources: { memoryRequest: '128MB' } }, "[dev/hello/web] 'resources.memoryRequest' must be a memory quantity in Ki, Mi, Gi or Ti"],
    ['request over limit', { resources: { cpuRequest: '2', cpuLimit: '500m' } }, "[dev/hello/web] 'resources.cpuRequest' must not exceed the CPU limit 500m (got \"2\")"],
  ];
  test.each(cases)('GIVEN %s WHEN rendered THEN the error names path, field and value', (_name, bad, message) => {
    const { app, chart } = appWith();
    new WebService(chart, 'web', props(bad as any));
    expect(() => renderFiles(app)).toThrow(message);
  });

  test('GIVEN several bad props WHEN rendered THEN every problem is reported at once', () => {
    const { app, chart } = appWith();
    new WebService(chart, 'web', props({ port: 0, replicas: -2 }));
    let error: ValidationError | undefined;
    try {
      renderFiles(app);
    } catch (e) {
      error = e as ValidationError;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.problems.map(p => p.field).sort()).toEqual(['port', 'replicas']);
  });

  test('GIVEN a WebService outside an AppChart THEN the error says where it must go', () => {
    const app = new GitOpsApp();
    const env = new Environment(app, 'dev');
    expect(() => new WebService(env, 'web', props())).toThrow('[dev/web] must be defined inside an AppChart (new AppChart(env, "hello"))');
  });

  test('GIVEN two WebServices pinning one repository to different tags in one app THEN the kustomization refuses', () => {
    const { app, chart } = appWith();
    new WebService(chart, 'a', props({ name: 'a' }));
    new WebService(chart, 'b', props({ name: 'b', image: IMAGE.withTag('other') }));
    expect(() => renderFiles(app))
      .toThrow("[dev/hello/Kustomization] 'images' pins ghcr.io/example/hello:6f1ed002ab5595859014ebf0951522d9b6c7e8e4 already; one folder can pin a repository to one tag/digest only (got \"ghcr.io/example/hello:other\")");
  });
});

describe('WebService image from pins', () => {
  test('GIVEN no image and no pin WHEN rendered THEN the error says how to pin one', () => {
    const { app, chart } = appWith();
    new WebService(chart, 'web', {});
    expect(() => renderFiles(app))
      .toThrow("[dev/hello/web] 'image' is not set and no pin exists for app \"hello\" in environment \"dev\": pass 'image' or run `cdk8s-gitops set-image hello=<repository>:<tag> --env dev`");
  });
});
