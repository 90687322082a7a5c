import { appWith, objects, props, synthProblems } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { Autoscaler } from '../../src/constructs/autoscaler';
import { WebService } from '../../src/constructs/web-service';
import { renderFiles } from '../../src/testing';

describe('Autoscaler', () => {
  test('GIVEN a CPU target WHEN rendered THEN an autoscaling/v2 HPA, and the Deployment has no replicas (snapshot)', () => {
    // GIVEN
    const { app, chart } = appWith();
    const web = new WebService(chart, 'web', props());
    new Autoscaler(chart, 'scale', { target: web, maxReplicas: 4, cpuUtilization: 70 });
    // WHEN
    const files = renderFiles(app);
    // THEN
    expect(files['dev/hello/horizontalpodautoscaler-hello.yaml']).toMatchSnapshot();
    const d = objects(files)['dev/hello/deployment-hello.yaml'];
    expect('replicas' in d.spec).toBe(false);
    // minReplicas 1 (no HA asked): no PDB, no spread
    expect(Object.keys(files)).not.toContain('dev/hello/poddisruptionbudget-hello.yaml');
    expect(d.spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  test('GIVEN minReplicas 2 on a 1-replica WebService THEN the pods get a PDB and topology spread', () => {
    const { app, chart } = appWith();
    const web = new WebService(chart, 'web', props({ replicas: 1 }));
    new Autoscaler(chart, 'scale', { target: web, minReplicas: 2, maxReplicas: 6, cpuUtilization: 60, memoryUtilization: 80 });
    const files = objects(renderFiles(app));
    expect(files['dev/hello/poddisruptionbudget-hello.yaml'].spec).toEqual({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { 'app.kubernetes.io/instance': 'hello-dev', 'app.kubernetes.io/name': 'hello' } } });
    expect(files['dev/hello/deployment-hello.yaml'].spec.template.spec.topologySpreadConstraints.map((c: any) => c.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    expect(files['dev/hello/horizontalpodautoscaler-hello.yaml'].spec.metrics.map((m: any) => `${m.resource.name}=${m.resource.target.averageUtilization}`)).toEqual(['cpu=60', 'memory=80']);
  });

  test('GIVEN an environment of 2 replicas THEN high availability is assumed: minReplicas 2, the annotation set, one PDB (the WebService\'s)', () => {
    const { app, chart } = appWith({ replicas: 2 });
    const web = new WebService(chart, 'web', props());
    const hpa = new Autoscaler(chart, 'scale', { target: web, maxReplicas: 3, memoryUtilization: 75 });
    const files = renderFiles(app);
    expect(hpa.minReplicas).toBe(2);
    expect(objects(files)['dev/hello/horizontalpodautoscaler-hello.yaml'].metadata.annotations).toEqual({ 'cdk8s-gitops.io/high-availability': 'true' });
    expect(Object.keys(files).filter(f => f.includes('poddisruptionbudget'))).toEqual(['dev/hello/poddisruptionbudget-hello.yaml']);
  });

  test('GIVEN min > max, min < 1, a CPU target of 0 or 101 and no metric THEN every problem is reported', () => {
    const { app, chart } = appWith();
    const web = new WebService(chart, 'web', props());
    new Autoscaler(chart, 'a', { target: web, minReplicas: 5, maxReplicas: 3, cpuUtilization: 101, name: 'a' });
    new Autoscaler(chart, 'b', { target: web, minReplicas: 0, maxReplicas: 3, cpuUtilization: 0, memoryUtilization: 50.5, name: 'b' });
    new Autoscaler(chart, 'c', { target: web, maxReplicas: 3, name: 'c' });
    expect(synthProblems(app)).toEqual([
      '[dev/hello/a] \'minReplicas\' must not exceed maxReplicas (3) (got 5)',
      '[dev/hello/a] \'cpuUtilization\' must be a whole number between 1 and 100 (got 101)',
      '[dev/hello/b] \'minReplicas\' must be a whole number >= 1 (got 0)',
      '[dev/hello/b] \'cpuUtilization\' must be a whole number between 1 and 100 (got 0)',
      '[dev/hello/b] \'memoryUtilization\' must be a whole number between 1 and 100 (got 50.5)',
      '[dev/hello/c] \'cpuUtilization\' and memoryUtilization are both unset: an autoscaler needs a metric (e.g. cpuUtilization: 70)',
    ]);
  });

  test('GIVEN a target in another app THEN the autoscaler is refused, naming that app', () => {
    const { app, env, chart } = appWith();
    const web = new WebService(chart, 'web', props());
    new Autoscaler(new AppChart(env, 'other'), 'scale', { target: web, maxReplicas: 3, cpuUtilization: 70 });
    expect(synthProblems(app)).toEqual(['[dev/other/scale] \'target\' is in app dev/hello: define the autoscaler in the target\'s app']);
  });
});
