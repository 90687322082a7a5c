import { ApiObject } from 'cdk8s';
import { objects, props } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { Kustomization } from '../../src/constructs/kustomization';
import { WebService } from '../../src/constructs/web-service';
import { ImageRef } from '../../src/image-ref';
import { renderFiles } from '../../src/testing';

describe('Kustomization', () => {
  test('GIVEN every typed field WHEN rendered THEN the kustomization uses kustomize field names and order', () => {
    // GIVEN
    const app = new GitOpsApp();
    const k = new Kustomization(app, 'k', { namespace: 'ns', labels: { b: '2', a: '1' }, annotations: { note: 'x' }, resources: ['https://example.com/base'] });
    k.addImage(ImageRef.parse(`ghcr.io/z/app@sha256:${'c'.repeat(64)}`));
    k.addImage(ImageRef.parse('ghcr.io/a/app:1'));
    // WHEN
    const json = k.toJson(['service-x.yaml', 'deployment-x.yaml']);
    // THEN
    expect(json).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: 'ns',
      labels: [{ pairs: { a: '1', b: '2' }, includeSelectors: false }],
      commonAnnotations: { note: 'x' },
      resources: ['deployment-x.yaml', 'service-x.yaml', 'https://example.com/base'],
      images: [{ name: 'ghcr.io/a/app', newTag: '1' }, { name: 'ghcr.io/z/app', digest: `sha256:${'c'.repeat(64)}` }],
    });
    expect(Object.keys(json)).toEqual(['apiVersion', 'kind', 'namespace', 'labels', 'commonAnnotations', 'resources', 'images']);
  });

  test('GIVEN the same image twice THEN it is pinned once', () => {
    const k = new Kustomization(new GitOpsApp(), 'k');
    k.addImage(ImageRef.parse('ghcr.io/a/app:1'));
    k.addImage(ImageRef.parse('ghcr.io/a/app:1'));
    expect(k.imageEntries).toEqual([{ name: 'ghcr.io/a/app', newTag: '1' }]);
  });

  test('GIVEN common labels and annotations on an app WHEN rendered THEN the raw objects carry them too', () => {
    // A bare CronJob (no containers) checks where kustomize puts metadata; policy is not the point here.
    const app = new GitOpsApp({ validate: false });
    const chart = new AppChart(new Environment(app, 'dev'), 'hello');
    new WebService(chart, 'web', props());
    chart.kustomization!.addLabel('example.com/team', 'web');
    chart.kustomization!.addAnnotation('example.com/owner', 'team-web@example.com');
    new ApiObject(chart, 'job', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } } } });
    const o = objects(renderFiles(app));
    const d = o['dev/hello/deployment-hello.yaml'];
    expect(d.metadata.labels['example.com/team']).toBe('web');
    expect(d.spec.selector.matchLabels['example.com/team']).toBeUndefined();
    expect(d.metadata.annotations).toEqual({ 'example.com/owner': 'team-web@example.com' });
    expect(d.spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'team-web@example.com' });
    expect(o['dev/hello/cronjob-tick.yaml'].spec.jobTemplate.spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'team-web@example.com' });
    expect(o['dev/hello/kustomization.yaml'].labels).toEqual([{ pairs: { 'example.com/team': 'web' }, includeSelectors: false }]);
  });

  test.each([
    ['label value', (k: Kustomization) => k.addLabel('a', 'not valid!'), "[k] 'labels.a' must be at most 63 characters of [A-Za-z0-9-_.]"],
    ['annotation value', (k: Kustomization) => k.addAnnotation('a', 1 as any), "[k] 'annotations.a' must be a string (got 1)"],
  ])('GIVEN a bad %s THEN it is refused naming field and value', (_n, act, message) => {
    const k = new Kustomization(new GitOpsApp(), 'k');
    expect(() => act(k)).toThrow(message);
  });
});

describe('Kustomization props', () => {
  test.each([
    ['labels not a map', { labels: 'team=web' }, "[k] 'labels' must be a map of strings (got \"team=web\")"],
    ['annotations not a map', { annotations: ['a'] }, "[k] 'annotations' must be a map of strings (got [\"a\"])"],
  ])('GIVEN %s THEN the constructor names field and value', (_n, bad, message) => {
    expect(() => new Kustomization(new GitOpsApp(), 'k', bad as any)).toThrow(message);
  });
});
