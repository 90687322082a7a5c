import { IMAGE, appWith, objects } from './_fixtures';
import { WebService } from '../../src/constructs/web-service';
import { renderFiles } from '../../src/testing';

describe('ReplicatedWorkload.releaseReplicas', () => {
  test('GIVEN a WebService handed to an autoscaler with minReplicas 2 THEN no replicas field, a PDB and spread', () => {
    // GIVEN
    const { app, chart } = appWith();
    const web = new WebService(chart, 'web', { image: IMAGE });
    // WHEN
    web.releaseReplicas(2);
    const o = objects(renderFiles(app));
    // THEN
    const d = o['dev/hello/deployment-hello.yaml'];
    expect(d.spec).not.toHaveProperty('replicas');
    expect(d.spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    expect(o['dev/hello/poddisruptionbudget-hello.yaml']).toBeDefined();
    expect(web.hasAutoscaler).toBe(true);
    expect(web.replicas).toBe(2);
  });

  test('GIVEN 3 replicas released with minReplicas 1 THEN the PDB and spread are gone', () => {
    const { app, chart } = appWith();
    const web = new WebService(chart, 'web', { image: IMAGE, replicas: 3 });
    web.releaseReplicas(1);
    const o = objects(renderFiles(app));
    expect(o['dev/hello/deployment-hello.yaml'].spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(Object.keys(o)).not.toContain('dev/hello/poddisruptionbudget-hello.yaml');
  });

  test('GIVEN minReplicas 0 THEN it is refused at synth', () => {
    const { app, chart } = appWith();
    new WebService(chart, 'web', { image: IMAGE }).releaseReplicas(0);
    expect(() => renderFiles(app)).toThrow("[dev/hello/web] 'minReplicas' must be a whole number >= 1 (got 0)");
  });
});
