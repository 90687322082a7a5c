import { IMAGE, appWith, objects } from './_fixtures';
import { MigrationJob } from '../../src/constructs/migration-job';
import { EnvFromSource, EnvValue, HealthCheck, PodVolume } from '../../src/constructs/pod-spec';
import { WebService } from '../../src/constructs/web-service';
import { Worker, WorkerProps } from '../../src/constructs/worker';
import { ValidationError } from '../../src/errors';
import { ImageRef } from '../../src/image-ref';
import { renderFiles } from '../../src/testing';

// The pod template every kind shares, exercised through Worker (the base is abstract).
const CHECK = HealthCheck.exec(['/app', 'check']);
const worker = (extra: Partial<WorkerProps> = {}): WorkerProps => ({ image: IMAGE, healthCheck: CHECK, ...extra });

function render(extra: Partial<WorkerProps>) {
  const { app, chart } = appWith();
  const w = new Worker(chart, 'worker', worker(extra));
  const o = objects(renderFiles(app));
  return { w, o, d: o['dev/hello/deployment-hello-worker.yaml'], pod: o['dev/hello/deployment-hello-worker.yaml'].spec.template.spec };
}

function problems(build: (chart: ReturnType<typeof appWith>['chart']) => void): string[] {
  const { app, chart } = appWith();
  build(chart);
  try {
    renderFiles(app);
  } catch (e) {
    if (e instanceof ValidationError) return e.message.split('\n');
    throw e;
  }
  return [];
}

describe('Workload pod template', () => {
  test('GIVEN command and args THEN the main container runs them', () => {
    const { pod } = render({ command: ['/bin/worker'], args: ['--queue', 'mail'] });
    expect(pod.containers[0].command).toEqual(['/bin/worker']);
    expect(pod.containers[0].args).toEqual(['--queue', 'mail']);
  });

  test('GIVEN env from literals, ConfigMap and Secret keys, and envFrom THEN they render sorted, as references', () => {
    const { pod } = render({
      env: { Z: 'last', DB_URL: EnvValue.fromSecretKey('hello-db', 'url'), MODE: EnvValue.fromConfigMapKey('hello-config', 'mode', { optional: true }), A: EnvValue.of('first') },
      envFrom: [EnvFromSource.configMap('hello-config'), EnvFromSource.secret('hello-env', { prefix: 'APP_' })],
    });
    const c = pod.containers[0];
    expect(c.env).toEqual([
      { name: 'A', value: 'first' },
      { name: 'DB_URL', valueFrom: { secretKeyRef: { key: 'url', name: 'hello-db' } } },
      { name: 'MODE', valueFrom: { configMapKeyRef: { key: 'mode', name: 'hello-config', optional: true } } },
      { name: 'Z', value: 'last' },
    ]);
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'hello-config' } }, { prefix: 'APP_', secretRef: { name: 'hello-env' } }]);
  });

  test('GIVEN named ports THEN the container declares each with its name and protocol', () => {
    const { pod } = render({ ports: [{ name: 'metrics', port: 9090 }, { name: 'dns', port: 5353, protocol: 'UDP' }] });
    expect(pod.containers[0].ports).toEqual([{ containerPort: 9090, name: 'metrics' }, { containerPort: 5353, name: 'dns', protocol: 'UDP' }]);
  });

  test('GIVEN volumes of each kind and mounts THEN the pod has them beside /tmp and the container mounts them', () => {
    const { pod } = render({
      volumes: [
        PodVolume.emptyDir('cache', { sizeLimit: '1Gi', memory: true }),
        PodVolume.configMap('config', 'hello-config', { items: { 'app.yaml': 'app.yaml' }, defaultMode: 0o444 }),
        PodVolume.secret('tls', 'hello-tls'),
        PodVolume.persistentVolumeClaim('data', 'hello-data', { readOnly: true }),
      ],
      mounts: [
        { volume: 'cache', path: '/cache' },
        { volume: 'config', path: '/etc/hello', readOnly: true },
        { volume: 'tls', path: '/tls', readOnly: true },
        { volume: 'data', path: '/data', subPath: 'hello' },
      ],
    });
    expect(pod.volumes).toEqual([
      { emptyDir: { sizeLimit: '64Mi' }, name: 'tmp' },
      { emptyDir: { medium: 'Memory', sizeLimit: '1024Mi' }, name: 'cache' },
      { configMap: { defaultMode: 0o444, items: [{ key: 'app.yaml', path: 'app.yaml' }], name: 'hello-config' }, name: 'config' },
      { name: 'tls', secret: { secretName: 'hello-tls' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'hello-data', readOnly: true } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { mountPath: '/tmp', name: 'tmp' },
      { mountPath: '/cache', name: 'cache' },
      { mountPath: '/etc/hello', name: 'config', readOnly: true },
      { mountPath: '/tls', name: 'tls', readOnly: true },
      { mountPath: '/data', name: 'data', subPath: 'hello' },
    ]);
  });

  test('GIVEN init containers and sidecars THEN each gets the secure defaults, its own image, resources and probe', () => {
    const proxy = ImageRef.parse('ghcr.io/example/proxy:1.2');
    const { pod, o } = render({
      initContainers: [{ name: 'wait', image: ImageRef.parse('ghcr.io/example/wait:3'), args: ['db:5432'] }],
      sidecars: [{ name: 'proxy', image: proxy, ports: [{ name: 'admin', port: 15000 }], healthCheck: HealthCheck.tcp(15000), resources: { cpuLimit: '200m' } }],
    });
    const [main, side] = pod.containers;
    const [init] = pod.initContainers;
    expect(side.name).toBe('proxy');
    expect(side.image).toBe('ghcr.io/example/proxy:1.2');
    expect(side.securityContext).toEqual(main.securityContext);
    expect(side.readinessProbe.tcpSocket).toEqual({ port: 15000 });
    expect(side.resources).toEqual({ limits: { cpu: '200m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    expect(init).toMatchObject({ name: 'wait', image: 'ghcr.io/example/wait:3', args: ['db:5432'], securityContext: main.securityContext });
    expect(init.readinessProbe).toBeUndefined();
    expect(o['dev/hello/kustomization.yaml'].images.map((i: any) => i.name)).toEqual(['ghcr.io/example/hello', 'ghcr.io/example/proxy', 'ghcr.io/example/wait']);
  });

  test('GIVEN a service account with annotations THEN a per-app ServiceAccount without a token is created and used', () => {
    const { pod, o } = render({ serviceAccount: { annotations: { 'iam.gke.io/gcp-service-account': 'hello@p.iam.gserviceaccount.com' } } });
    expect(pod.serviceAccountName).toBe('hello');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(o['dev/hello/serviceaccount-hello.yaml']).toMatchObject({
      automountServiceAccountToken: false,
      metadata: { name: 'hello', annotations: { 'iam.gke.io/gcp-service-account': 'hello@p.iam.gserviceaccount.com' } },
    });
  });

  test('GIVEN two workloads of an app naming the same account THEN they share one ServiceAccount', () => {
    const { app, chart } = appWith();
    new WebService(chart, 'web', { image: IMAGE, serviceAccount: {} });
    new MigrationJob(chart, 'migrate', { image: IMAGE, serviceAccount: {} });
    const files = Object.keys(renderFiles(app));
    expect(files.filter(f => f.includes('serviceaccount'))).toEqual(['dev/hello/serviceaccount-hello.yaml']);
  });

  test('GIVEN pod annotations (prop and method) THEN the pod template carries them', () => {
    const { app, chart } = appWith();
    const w = new Worker(chart, 'worker', worker({ podAnnotations: { b: '2' } }));
    w.addPodAnnotation('example.com/config-hash', 'abc123');
    const d = objects(renderFiles(app))['dev/hello/deployment-hello-worker.yaml'];
    expect(d.spec.template.metadata.annotations).toEqual({ 'b': '2', 'example.com/config-hash': 'abc123' });
  });

  test('GIVEN the methods addEnv, addEnvFrom, addVolume and mount THEN they change the main container after construction', () => {
    const { app, chart } = appWith();
    const w = new Worker(chart, 'worker', worker());
    w.addEnv('LOG', 'debug');
    w.addEnv('TOKEN', EnvValue.fromSecretKey('hello-api', 'token'));
    w.addEnvFrom(EnvFromSource.configMap('hello-config'));
    w.addVolume(PodVolume.configMap('config', 'hello-config'));
    w.mount({ volume: 'config', path: '/etc/hello', readOnly: true });
    const c = objects(renderFiles(app))['dev/hello/deployment-hello-worker.yaml'].spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'LOG', value: 'debug' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { key: 'token', name: 'hello-api' } } }]);
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'hello-config' } }]);
    expect(c.volumeMounts).toContainEqual({ mountPath: '/etc/hello', name: 'config', readOnly: true });
  });

  test('GIVEN imageName THEN the pins are asked for that image; sidecars ask with their own name', () => {
    const asked: string[] = [];
    const { app, chart } = appWith({}, 'hello');
    (app as any).pins = { get: (a: string, e: string, n?: string) => { asked.push(`${a}/${e}/${n}`); return IMAGE; } };
    new Worker(chart, 'worker', { healthCheck: CHECK, imageName: 'worker', sidecars: [{ name: 'proxy', healthCheck: CHECK }] });
    renderFiles(app);
    expect(asked).toEqual(['hello/dev/worker', 'hello/dev/proxy']);
  });
});

describe('Workload refusals (all reported at synth, one line each)', () => {
  const cases: [string, Partial<WorkerProps>, string][] = [
    ['a bad env name', { env: { 'A B': 'x' } }, "[dev/hello/worker] 'env.A B' is not a valid environment variable name (no \"=\" or whitespace) (got \"A B\")"],
    ['a bad secret name', { env: { X: EnvValue.fromSecretKey('Bad_Name', 'k') } }, "[dev/hello/worker] 'env.X' must be a DNS-1123 label"],
    ['a bad key', { env: { X: EnvValue.fromConfigMapKey('cm', 'a/b') } }, "[dev/hello/worker] 'env.X' the key must be letters, digits, \"-\", \"_\" and \".\" (got \"a/b\")"],
    ['a bad envFrom prefix', { envFrom: [EnvFromSource.configMap('cm', { prefix: '1X' })] }, "[dev/hello/worker] 'envFrom[0].prefix' must be letters, digits and \"_\", not starting with a digit (got \"1X\")"],
    ['a long port name', { ports: [{ name: 'a-very-long-port-name', port: 1 }] }, "[dev/hello/worker] 'ports[0].name' must be an IANA service name"],
    ['a port out of range', { ports: [{ name: 'metrics', port: 0 }] }, "[dev/hello/worker] 'ports[0].port' must be a whole number between 1 and 65535 (got 0)"],
    ['a repeated port', { ports: [{ name: 'a', port: 9000 }, { name: 'b', port: 9000 }] }, "[dev/hello/worker] 'ports[1]' repeats the port number of ports[0] (got 9000)"],
    ['a bad protocol', { ports: [{ name: 'a', port: 9000, protocol: 'HTTP' as any }] }, "[dev/hello/worker] 'ports[0].protocol' must be TCP, UDP or SCTP (got \"HTTP\")"],
    ['a servicePort on a Worker', { ports: [{ name: 'a', port: 9000, servicePort: 80 }] }, "[dev/hello/worker] 'ports[0].servicePort' a Worker has no Service; remove servicePort (or use a WebService) (got 80)"],
    ['a mount of an unknown volume', { mounts: [{ volume: 'nope', path: '/x' }] }, "[dev/hello/worker] 'mounts[0].volume' names no volume of the pod (it has: tmp); add it to 'volumes' (got \"nope\")"],
    ['a relative mount path', { volumes: [PodVolume.emptyDir('c')], mounts: [{ volume: 'c', path: 'x' }] }, "[dev/hello/worker] 'mounts[0].path' must be an absolute path without \"..\" (got \"x\")"],
    ['a second tmp volume', { volumes: [PodVolume.emptyDir('tmp')] }, "[dev/hello/worker] 'volumes[0].name' names a volume the pod has already (the writable /tmp; set writableTmp: false to replace it) (got \"tmp\")"],
    ['a bad size', { volumes: [PodVolume.emptyDir('c', { sizeLimit: '1GB' })] }, "[dev/hello/worker] 'volumes[0].sizeLimit' must be a size in Mi or Gi, such as \"256Mi\" or \"1Gi\" (got \"1GB\")"],
    ['a bad claim name', { volumes: [PodVolume.persistentVolumeClaim('d', 'Data')] }, "[dev/hello/worker] 'volumes[0].persistentVolumeClaim' must be a DNS-1123 label"],
    ['a bad file mode', { volumes: [PodVolume.secret('s', 'x', { defaultMode: 0o1000 })] }, "[dev/hello/worker] 'volumes[0].defaultMode' must be a whole number between 0 and 511 (got 512)"],
    ['a volume that is not a PodVolume', { volumes: [{ name: 'x' } as any] }, "[dev/hello/worker] 'volumes[0]' must be a PodVolume (PodVolume.emptyDir, .configMap, .secret or .persistentVolumeClaim) (got {\"name\":\"x\"})"],
    ['args that are not strings', { args: [1 as any] }, "[dev/hello/worker] 'args' must be a list of strings (got [1])"],
    ['a sidecar named like the main container', { sidecars: [{ name: 'hello-worker', image: IMAGE, healthCheck: CHECK }] }, "[dev/hello/worker] 'sidecars/initContainers' container names must be unique in the pod (got \"hello-worker\")"],
    ['a sidecar without image or pin', { sidecars: [{ name: 'proxy', healthCheck: CHECK }] }, "[dev/hello/worker] 'sidecars[0].image' is not set and no pin exists for app \"hello\" in environment \"dev\""],
    ['an init container with a probe', { initContainers: [{ name: 'init', image: IMAGE, healthCheck: CHECK }] }, "[dev/hello/worker] 'initContainers[0].healthCheck' init containers have no probes (they run to completion)"],
    ['a bad pod annotation', { podAnnotations: { a: 1 as any } }, "[dev/hello/worker] 'podAnnotations.a' must be a string (got 1)"],
    ['a bad service account name', { serviceAccount: { name: 'Bad' } }, "[dev/hello/worker] 'serviceAccount.name' must be a DNS-1123 label"],
    ['a bad imageName', { imageName: 'Bad Name' }, "[dev/hello/worker] 'imageName' must be a DNS-1123 label"],
    ['runAsUser 0', { runAsUser: 0 }, "[dev/hello/worker] 'runAsUser' must be a whole number between 1 and 2147483647 (got 0)"],
    ['an http check without a leading slash', { healthCheck: HealthCheck.http('health', 8080) }, "[dev/hello/worker] 'healthCheck.path' must be an HTTP path starting with \"/\" (got \"health\")"],
    ['an exec check with no command', { healthCheck: HealthCheck.exec([]) }, "[dev/hello/worker] 'healthCheck.command' must be a non-empty list of non-empty strings (got [])"],
    ['a tcp check on port 0', { healthCheck: HealthCheck.tcp(0) }, "[dev/hello/worker] 'healthCheck.port' must be a whole number between 1 and 65535 (got 0)"],
    ['an opt-out without a reason', { healthCheck: HealthCheck.none(' ') }, "[dev/hello/worker] 'healthCheck' HealthCheck.none needs a reason (why this container has no probe) (got \" \")"],
    ['a health check that is not a HealthCheck', { healthCheck: { path: '/' } as any }, "[dev/hello/worker] 'healthCheck' must be a HealthCheck (HealthCheck.http, .tcp, .exec or .none) (got {\"path\":\"/\"})"],
  ];
  test.each(cases)('GIVEN %s WHEN rendered THEN the message names path, field and value', (_name, bad, message) => {
    const lines = problems(chart => new Worker(chart, 'worker', worker(bad)));
    expect(lines.some(l => l.startsWith(message))).toBe(true);
  });

  test('GIVEN an env var set twice (prop and addEnv) THEN it is refused', () => {
    const lines = problems(chart => new Worker(chart, 'worker', worker({ env: { A: '1' } })).addEnv('A', '2'));
    expect(lines).toContain("[dev/hello/worker] 'env.A' is set twice (got \"A\")");
  });

  test('GIVEN two workloads giving one ServiceAccount different annotations THEN it is refused', () => {
    const lines = problems(chart => {
      new Worker(chart, 'worker', worker({ serviceAccount: { annotations: { a: '1' } } }));
      new MigrationJob(chart, 'migrate', { image: IMAGE, serviceAccount: { annotations: { a: '2' } } });
    });
    expect(lines).toContain("[dev/hello/migrate] 'serviceAccount.annotations' differ from those another workload of the app gave ServiceAccount \"hello\" ({\"a\":\"1\"}) (got {\"a\":\"2\"})");
  });
});
