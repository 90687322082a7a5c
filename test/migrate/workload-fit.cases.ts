import { SourceObject } from '../../src/migrate/_load';
import { planWorkloads } from '../../src/migrate/_workload-fit';

/** A Deployment no Service selects, with `change` applied to its pod spec. */
function worker(change: (spec: Record<string, any>) => void): SourceObject {
  const spec: Record<string, any> = { containers: [{ name: 'w', image: 'ghcr.io/example/w:1.0.0', volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }] };
  change(spec);
  const json = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'w' },
    spec: { selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec } },
  };
  return { file: 'w.yaml', document: 1, json, imagesBefore: {} };
}

const plan = (o: SourceObject, strict = false) => planWorkloads([o], new Set(), { app: 'shop', env: 'dev', namespace: 'shop', strict });

describe('migrate fits: malformed workloads stay typed objects, saying why (no crash)', () => {
  test.each([false, true])('GIVEN an init container that is null WHEN planned (strict: %s) THEN the note names the field and value', strict => {
    const p = plan(worker(s => { s.initContainers = [null]; }), strict);
    expect(p.fits.size).toBe(0);
    expect(p.notes).toEqual(["Deployment w (w.yaml#1) stays a typed k8s object, not a Worker: 'spec.template.spec.initContainers' is not a list of containers (got [null])"]);
  });

  test('GIVEN volumeMounts that are not a list WHEN planned THEN the note names the field and value', () => {
    const p = plan(worker(s => { s.containers[0].volumeMounts = true; }));
    expect(p.notes).toEqual(['Deployment w (w.yaml#1) stays a typed k8s object, not a Worker: '
      + '\'spec.template.spec.containers[0].volumeMounts\' is [{"mountPath":"/tmp","name":"tmp"}] in a Worker (got true)']);
  });

  test('GIVEN a Deployment without metadata WHEN planned THEN it is no candidate (its typed class reports it)', () => {
    const o = worker(() => undefined);
    const p = plan({ ...o, json: { ...o.json, metadata: null } });
    expect([p.fits.size, p.notes]).toEqual([0, []]);
  });

  test('GIVEN a well-formed worker WHEN planned THEN it fits', () => {
    const p = plan(worker(s => { s.volumes = [{ name: 'scratch', emptyDir: {} }]; }));
    expect(p.notes).toEqual([]);
    expect(p.fits.get(0)!.className).toBe('Worker');
  });
});
