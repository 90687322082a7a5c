import { ApiObject, Chart, Testing } from 'cdk8s';
import {
  AppChart, Autoscaler, Environment, GitOpsApp, HealthCheck, ImageRef, MigrationJob, ScheduledJob, WebService, Worker,
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
    ['addEnv', (w: WebService) => w.addEnv('A', 'b')],
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
