import { ApiObject, Chart, Testing } from 'cdk8s';
import {
  AppChart, Autoscaler, EnvFromSource, Environment, EnvValue, ExternalSecret, GatewayHttpRoute, GitOpsApp, HashedConfigMap, HealthCheck,
  ImageRef, IngressRoute, MigrationJob, PodVolume, RouteTls, ScheduledJob, SealedSecret, SecretStoreRef, WebService, Worker,
} from '../../src';
import { chartObjectFacts, chartObjects } from '../../src/constructs/_chart-objects';
import { DeferredParts, rawChildren, walkTree } from '../../src/constructs/_deferred';
import { renderAppDetailed } from '../../src/render/render';

const image = ImageRef.parse('ghcr.io/example/app:1.0.0');

function estate() {
  const app = new GitOpsApp({ outdir: '/nonexistent' });
  const env = new Environment(app, 'dev', { namespace: 'dev-ns' });
  const chart = new AppChart(env, 'web');
  return { app, env, chart };
}

const ids = (c: { node: { id: string } }[]) => c.map(x => x.node.id);

describe('deferred workload parts', () => {
  test('GIVEN a WebService WHEN nothing looks at it THEN its kplus objects are not in the tree yet', () => {
    // GIVEN
    const { chart } = estate();
    const web = new WebService(chart, 'web', { image });
    // THEN
    expect(ids(rawChildren(web))).not.toContain('Deployment');
    expect(DeferredParts.of(web)?.pending).toBe(true);
    expect(walkTree(chart).some(c => ApiObject.isApiObject(c) && c.kind === 'Deployment')).toBe(false);
  });

  test.each([
    ['node.findAll()', (w: WebService) => w.node.findAll()],
    ['node.children', (w: WebService) => w.node.children],
    ['node.tryFindChild', (w: WebService) => w.node.tryFindChild('Service')],
    ['ApiObject.of (node.defaultChild)', (w: WebService) => ApiObject.of(w.deployment)],
    ['the service accessor', (w: WebService) => w.service],
  ])('GIVEN a WebService WHEN %s looks at it THEN its objects are built for good and stay after a render', (_, look) => {
    // GIVEN
    const { app, chart } = estate();
    const web = new WebService(chart, 'web', { image });
    // WHEN
    look(web);
    app.render();
    // THEN
    expect(ids(rawChildren(web))).toEqual(expect.arrayContaining(['Deployment', 'Service']));
    expect(DeferredParts.of(web)?.pending).toBe(false);
  });

  /**
   * A WebService given config and secrets through its methods and by the
   * consuming constructs; `builtFirst`, its objects (and the ConfigMap's) are
   * built before the calls, as they were before the calls were deferred.
   */
  function consumed(chart: AppChart, builtFirst = false): WebService {
    const web = new WebService(chart, 'web', { image, port: 8080 });
    if (builtFirst) web.node.findAll();
    web.addEnv('MODE', 'blue');
    web.addEnv('TOKEN', EnvValue.fromSecretKey('tokens', 'api'));
    web.addEnvFrom(EnvFromSource.configMap('shared', { prefix: 'SHARED_' }));
    web.addVolume(PodVolume.emptyDir('cache'));
    web.mount({ volume: 'cache', path: '/var/cache/web' });
    web.addPodAnnotation('example.com/owner', 'team-a');
    const config = new HashedConfigMap(chart, 'config', { data: { GREETING: 'hello' } });
    if (builtFirst) expect(config.configMap.name).toBe(config.name);
    config.envFrom(web);
    config.mount(web, '/etc/web');
    new SealedSecret(chart, 'creds', { encryptedData: { password: 'AgBy3i4OJSWK+PiTySYZZA==' } }).env(web, 'DB_PASSWORD', 'password');
    new ExternalSecret(chart, 'api', { store: SecretStoreRef.cluster('vault'), extract: ['web/api'] }).envFrom(web);
    return web;
  }

  test('GIVEN a WebService WHEN its methods and consuming constructs give it config and secrets THEN its objects are not built', () => {
    // GIVEN
    const { chart } = estate();
    // WHEN
    const web = consumed(chart);
    // THEN
    expect(DeferredParts.of(web)?.pending).toBe(true);
    expect(ids(rawChildren(web))).not.toContain('Deployment');
  });

  test.each([
    ['deferred and rendered chart by chart', 0, false],
    ['deferred and built before the first chart', 4096, false],
    ['built for good (after the calls) before the render', 4096, true],
  ])('GIVEN a consumed WebService %s WHEN rendered twice THEN the files are the ones of a WebService built at once', (_, limit, buildFirst) => {
    // GIVEN
    const eager = estate();
    consumed(eager.chart, true);
    const expected = [...renderAppDetailed(eager.app).tree];
    const { app, chart } = estate();
    const web = consumed(chart);
    if (buildFirst) web.node.findAll();
    // WHEN
    const first = [...renderAppDetailed(app, { _prebuildLimit: limit }).tree];
    const second = [...renderAppDetailed(app, { _prebuildLimit: limit }).tree];
    // THEN
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
    const deployment = expected.find(([p]) => p === 'dev/web/deployment-web.yaml')![1];
    for (const text of ['MODE', 'tokens', 'SHARED_', '/var/cache/web', 'example.com/owner', 'config-', '/etc/web', 'DB_PASSWORD', 'secretRef']) {
      expect(deployment).toContain(text);
    }
  });

  test.each([
    ['Worker', (c: AppChart) => new Worker(c, 'w', { image, healthCheck: HealthCheck.none('batch') })],
    ['ScheduledJob', (c: AppChart) => new ScheduledJob(c, 'w', { image, schedule: '0 3 * * *' })],
    ['MigrationJob', (c: AppChart) => new MigrationJob(c, 'w', { image })],
  ])('GIVEN a %s given env, env from a ConfigMap and a mounted volume WHEN rendered twice chart by chart THEN the files are those of one built at once', (_, make) => {
    // GIVEN
    const give = (w: Worker | ScheduledJob | MigrationJob) => {
      w.addEnv('MODE', 'blue');
      w.addEnvFrom(EnvFromSource.configMap('shared'));
      w.addVolume(PodVolume.emptyDir('cache'));
      w.mount({ volume: 'cache', path: '/var/cache/w' });
    };
    const eager = estate();
    const built = make(eager.chart);
    built.node.findAll();
    give(built);
    const expected = [...renderAppDetailed(eager.app).tree];
    const { app, chart } = estate();
    const deferred = make(chart);
    give(deferred);
    // WHEN
    const renders = [0, 1].map(() => [...renderAppDetailed(app, { _prebuildLimit: 0 }).tree]);
    // THEN
    expect(DeferredParts.of(deferred)?.pending).toBe(true);
    expect(renders).toEqual([expected, expected]);
    expect(expected.map(([, text]) => text).join('')).toContain('/var/cache/w');
  });

  /** A WebService with two ports behind an Ingress (TLS from an issuer) and an HTTPRoute on its named port. */
  function routed(chart: AppChart): WebService {
    const web = new WebService(chart, 'web', { image, port: 8080, ports: [{ name: 'admin', port: 9000, servicePort: 9090 }] });
    new IngressRoute(chart, 'public', { backend: web, hosts: ['web.example.com'], port: 'http', tls: RouteTls.fromIssuer('letsencrypt') });
    new GatewayHttpRoute(chart, 'admin', { backend: web, name: 'web-admin', port: 'admin', gateway: { name: 'internal', namespace: 'gateways' } });
    return web;
  }

  test('GIVEN a WebService behind an Ingress and an HTTPRoute THEN the routes do not build it, and the files are those of a WebService built first', () => {
    // GIVEN
    const eager = estate();
    routed(eager.chart).node.findAll();
    const expected = [...renderAppDetailed(eager.app).tree];
    const { app, chart } = estate();
    // WHEN
    const web = routed(chart);
    // THEN
    expect(DeferredParts.of(web)?.pending).toBe(true);
    expect([...renderAppDetailed(app, { _prebuildLimit: 0 }).tree]).toEqual(expected);
    const files = new Map(expected);
    expect(files.get('dev/web/ingress-web.yaml')).toContain('number: 80');
    expect(files.get('dev/web/httproute-web-admin.yaml')).toContain('port: 9090');
  });

  test('GIVEN a WebService THEN the Service routes read before it is built is the one it builds, and once built, the Service itself', () => {
    // GIVEN
    const { chart } = estate();
    const web = new WebService(chart, 'web', { image, ports: [{ name: 'admin', port: 9000, servicePort: 9090 }, { name: 'debug', port: 9100 }] });
    // WHEN
    const before = web.routeService;
    // THEN
    expect(DeferredParts.of(web)?.pending).toBe(true);
    expect(before).toEqual({ name: web.service.name, ports: web.service.ports });
    web.service.bind(9200, { name: 'metrics' });
    expect(web.routeService.ports.map(p => p.name)).toEqual(['http', 'admin', 'metrics']);
  });

  test('GIVEN a HashedConfigMap THEN its ConfigMap is built on first look or at render, and renders the same either way', () => {
    // GIVEN
    const make = () => {
      const { app, chart } = estate();
      const config = new HashedConfigMap(chart, 'config', { name: 'web-config', data: { GREETING: 'hello' } });
      new WebService(chart, 'web', { image });
      return { app, config };
    };
    const deferred = make();
    const built = make();
    // WHEN
    const name = built.config.configMap.name;
    // THEN
    expect(DeferredParts.of(deferred.config)?.pending).toBe(true);
    expect(DeferredParts.of(built.config)?.pending).toBe(false);
    expect(name).toBe(built.config.name);
    const files = [...renderAppDetailed(deferred.app, { _prebuildLimit: 0 }).tree];
    expect(files).toEqual([...renderAppDetailed(built.app).tree]);
    expect(files.map(([p]) => p)).toContain(`dev/web/configmap-${name}.yaml`);
    expect(DeferredParts.of(deferred.config)?.pending).toBe(true);
  });

  test('GIVEN a workload rendered chart by chart WHEN a method is called after a render THEN the next render has it', () => {
    // GIVEN
    const { app, chart } = estate();
    const web = new WebService(chart, 'web', { image });
    renderAppDetailed(app, { _prebuildLimit: 0 });
    // WHEN
    web.addEnv('LATE', 'yes');
    const files = new Map(renderAppDetailed(app, { _prebuildLimit: 0 }).tree);
    // THEN
    expect(DeferredParts.of(web)?.pending).toBe(true);
    expect(files.get('dev/web/deployment-web.yaml')).toContain('LATE');
  });

  test('GIVEN a method given bad input on a workload not built THEN the problem is reported at once, without building it', () => {
    // GIVEN
    const { app, chart } = estate();
    const web = new WebService(chart, 'web', { image });
    // WHEN
    web.addEnv('BAD NAME', 'x');
    web.mount({ volume: 'missing', path: '/data' });
    // THEN
    expect(DeferredParts.of(web)?.pending).toBe(true);
    expect(() => renderAppDetailed(app)).toThrow(/env\.BAD NAME.*not a valid environment variable name[^]*mounts\.volume.*names no volume of the pod/);
  });

  test('GIVEN an app rendering chart by chart WHEN it renders twice THEN the renders are identical and its workloads are dropped after each', () => {
    // GIVEN
    const { app, chart } = estate();
    const web = new WebService(chart, 'web', { image, replicas: 3, env: { LOG_LEVEL: 'info' } });
    new Worker(chart, 'worker', { image, healthCheck: HealthCheck.none('batch') });
    const render = () => [...renderAppDetailed(app, { _prebuildLimit: 0 }).tree];
    // WHEN
    const first = render();
    const after = ids(rawChildren(web));
    const second = render();
    // THEN
    expect(second).toEqual(first);
    expect(first.map(([p]) => p)).toEqual(expect.arrayContaining(['dev/web/deployment-web.yaml', 'dev/web/service-web.yaml']));
    expect(after).not.toContain('Deployment');
    expect(DeferredParts.of(web)?.pending).toBe(true);
    expect([...app.render()]).toEqual(first);
  });

  test('GIVEN workloads WHEN rendered deferred or built first THEN the files are the same, and Testing.synth sees the objects', () => {
    // GIVEN
    const make = () => {
      const { app, chart } = estate();
      const web = new WebService(chart, 'web', { image, replicas: 2 });
      new Autoscaler(chart, 'scale', { target: web, maxReplicas: 5, cpuUtilization: 70 });
      new ScheduledJob(chart, 'cron', { image, schedule: '0 3 * * *' });
      new MigrationJob(chart, 'migrate', { image });
      return { app, chart };
    };
    const deferred = make();
    const built = make();
    built.chart.node.findAll();
    // WHEN / THEN
    expect([...deferred.app.render()]).toEqual([...built.app.render()]);
    expect(Testing.synth(deferred.chart).map(o => o.kind).sort()).toEqual(
      ['CronJob', 'Deployment', 'HorizontalPodAutoscaler', 'Job', 'Service'].sort());
  });

  test.each([
    ['WebService, 1 replica', (c: AppChart) => new WebService(c, 'w', { image })],
    ['WebService, 3 replicas', (c: AppChart) => new WebService(c, 'w', { image, replicas: 3 })],
    ['WebService, autoscaled to a minimum of 1', (c: AppChart) => {
      const w = new WebService(c, 'w', { image, replicas: 3 });
      new Autoscaler(c, 'a', { target: w, minReplicas: 1, maxReplicas: 4, cpuUtilization: 50 });
    }],
    ['Worker, 2 replicas', (c: AppChart) => new Worker(c, 'w', { image, replicas: 2, healthCheck: HealthCheck.none('x') })],
    ['ScheduledJob', (c: AppChart) => new ScheduledJob(c, 'w', { image, schedule: '* * * * *' })],
    ['MigrationJob', (c: AppChart) => new MigrationJob(c, 'w', { image })],
    ['HashedConfigMap', (c: AppChart) => new HashedConfigMap(c, 'cfg', { data: { a: 'b' } })],
  ])('GIVEN a %s THEN the objects it declares before building are the ones it builds', (_, make) => {
    // GIVEN
    const { chart } = estate();
    make(chart);
    // WHEN
    const declared = chartObjectFacts(chart);
    const builtObjects = chartObjects(chart);
    // THEN
    const facts = builtObjects.map(o => ({
      path: o.node.path, apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.metadata.namespace,
    }));
    expect(declared).toEqual(facts);
    expect(declared.map(o => o.kind)).toContain(builtObjects.find(o => o.kind !== 'Kustomization' && o.kind !== 'HorizontalPodAutoscaler')?.kind);
  });

  test('GIVEN a chart WHEN its objects are listed for a render THEN the deferred ones are built for it only, until released', () => {
    // GIVEN
    const { chart } = estate();
    const web = new WebService(chart, 'web', { image });
    const transient: DeferredParts[] = [];
    // WHEN
    const objects = chartObjects(chart as Chart, transient);
    // THEN
    expect(objects.map(o => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'Service']));
    expect(transient).toEqual([DeferredParts.of(web)]);
    transient.forEach(t => t.release());
    expect(ids(rawChildren(web))).not.toContain('Service');
    expect(web.service.name).toBe('web');
  });

  test.each([
    [1, 'builds each workload with its chart and drops it after', true],
    [2, 'builds every workload for good before the first chart', false],
  ])('GIVEN two workloads and a prebuild limit of %p WHEN rendered THEN it %s', (limit, _, perChart) => {
    // GIVEN
    const { app, env } = estate();
    new WebService(new AppChart(env, 'a'), 'web', { image });
    const second = new WebService(new AppChart(env, 'b'), 'web', { image });
    const pendingAt: boolean[] = [];
    // WHEN
    const rendered = renderAppDetailed(app, { _prebuildLimit: limit, onChart: () => void pendingAt.push(DeferredParts.of(second)!.pending) });
    // THEN
    expect(pendingAt[0]).toBe(perChart);
    expect(walkTree(app).filter(c => DeferredParts.of(c) !== undefined).map(c => DeferredParts.of(c)!.pending)).toEqual([perChart, perChart]);
    expect([...rendered.tree]).toEqual([...app.render()]);
  });

  test.each([0, 4096])('GIVEN two apps rendering one Deployment for one cluster WHEN rendered with a prebuild limit of %p THEN the problem names both construct paths', limit => {
    // GIVEN
    const { app, env } = estate();
    new WebService(new AppChart(env, 'api'), 'web', { image, name: 'shared' });
    new WebService(new AppChart(env, 'api2'), 'web', { image, name: 'shared' });
    // WHEN
    const render = () => renderAppDetailed(app, { _prebuildLimit: limit });
    // THEN
    expect(render).toThrow('[dev/api2/web/Deployment/Resource] \'metadata.name\' is the object apps/Deployment dev-ns/shared that dev/api/web/Deployment/Resource renders too');
  });

  test('GIVEN a kind that adds a build step after its objects were built THEN it is refused, naming the workload', () => {
    // GIVEN
    class LateStep extends WebService {
      public addLateStep(): void {
        this._defer(() => undefined);
      }
    }
    const { chart } = estate();
    const late = new LateStep(chart, 'late', { image });
    late.node.findAll();
    // WHEN / THEN
    expect(() => late.addLateStep()).toThrow('dev/web/late: parts added after they were built');
  });
});
