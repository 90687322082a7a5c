import { ApiObject } from 'cdk8s';
import { IMAGE, objects, props } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { ImageRef } from '../../src/image-ref';
import { renderFiles } from '../../src/testing';

function deployment(files: Record<string, string>, path: string) {
  return objects(files)[path];
}

describe('Environment', () => {
  test('GIVEN dev and prod WHEN the same app is added to both THEN each renders to its folder and namespace', () => {
    // GIVEN
    const app = new GitOpsApp();
    for (const env of [new Environment(app, 'dev'), new Environment(app, 'prod', { namespace: 'web-prod', replicas: 3 })]) {
      new WebService(new AppChart(env, 'hello'), 'web', props());
    }
    // WHEN
    const files = renderFiles(app);
    // THEN
    expect(Object.keys(files).filter(f => f.includes('deployment'))).toEqual(['dev/hello/deployment-hello.yaml', 'prod/hello/deployment-hello.yaml']);
    expect(deployment(files, 'dev/hello/deployment-hello.yaml').metadata.namespace).toBe('dev');
    expect(deployment(files, 'dev/hello/deployment-hello.yaml').spec.replicas).toBe(1);
    expect(deployment(files, 'prod/hello/deployment-hello.yaml').metadata.namespace).toBe('web-prod');
    expect(deployment(files, 'prod/hello/deployment-hello.yaml').spec.replicas).toBe(3);
  });

  test('GIVEN overrides for an app THEN replicas, resources and image win over the app props', () => {
    const app = new GitOpsApp();
    const env = new Environment(app, 'prod', {
      replicas: 2,
      resources: { memoryLimit: '512Mi' },
      overrides: { hello: { replicas: 5, resources: { cpuLimit: '2' }, image: IMAGE.withTag('v2') } },
    });
    new WebService(new AppChart(env, 'hello'), 'web', props({ replicas: 4, resources: { cpuLimit: '1', memoryLimit: '1Gi' } }));
    new WebService(new AppChart(env, 'other'), 'web', props());
    const files = renderFiles(app);
    const hello = deployment(files, 'prod/hello/deployment-hello.yaml');
    const c = hello.spec.template.spec.containers[0];
    expect(hello.spec.replicas).toBe(5);
    expect(c.resources.limits).toEqual({ cpu: '2', memory: '1Gi' });
    expect(c.image).toBe('ghcr.io/example/hello:v2');
    expect(objects(files)['prod/hello/kustomization.yaml'].images).toEqual([{ name: 'ghcr.io/example/hello', newTag: 'v2' }]);
    const other = deployment(files, 'prod/other/deployment-other.yaml');
    expect(other.spec.replicas).toBe(2);
    expect(other.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '500m', memory: '512Mi' });
  });

  test('GIVEN image pins on the app WHEN rendered THEN the pin wins over overrides and code', () => {
    const pins = { get: (a: string, e: string) => (a === 'hello' && e === 'dev' ? ImageRef.parse('ghcr.io/example/hello:pinned') : undefined) };
    const app = new GitOpsApp({ pins });
    const env = new Environment(app, 'dev', { overrides: { hello: { image: IMAGE.withTag('override') } } });
    new WebService(new AppChart(env, 'hello'), 'web', props());
    expect(deployment(renderFiles(app), 'dev/hello/deployment-hello.yaml').spec.template.spec.containers[0].image).toBe('ghcr.io/example/hello:pinned');
  });

  test('GIVEN environment labels THEN every object carries them', () => {
    const app = new GitOpsApp();
    const env = new Environment(app, 'dev', { labels: { 'example.com/env': 'dev' } });
    new WebService(new AppChart(env, 'hello', { labels: { team: 'a' } }), 'web', props());
    const o = objects(renderFiles(app));
    expect(o['dev/hello/deployment-hello.yaml'].metadata.labels).toMatchObject({ 'example.com/env': 'dev', 'team': 'a' });
    expect(o['dev/hello/service-hello.yaml'].metadata.labels).toMatchObject({ 'example.com/env': 'dev', 'team': 'a' });
  });

  test.each([
    ['uppercase env name', () => new Environment(new GitOpsApp(), 'Dev'), "[Dev] 'name' must be a DNS-1123 label: lowercase letters, digits and \"-\", starting and ending with a letter or digit (got \"Dev\")"],
    ['long namespace', () => new Environment(new GitOpsApp(), 'dev', { namespace: 'n'.repeat(64) }), "[dev] 'namespace' must be 1 to 63 characters long (it has 64)"],
    ['negative replicas', () => new Environment(new GitOpsApp(), 'dev', { replicas: -1 }), "[dev] 'replicas' must be a whole number >= 0 (got -1)"],
    ['override replicas', () => new Environment(new GitOpsApp(), 'dev', { overrides: { hello: { replicas: 0.5 } } }), "[dev] 'overrides.hello.replicas' must be a whole number >= 0 (got 0.5)"],
    ['server with credentials', () => new Environment(new GitOpsApp(), 'dev', { server: 'https://u:p@k8s.example.com' }), "[dev] 'server' must not carry credentials (\"user:token@\"): put them in the Argo CD cluster Secret (see docs/argocd.md) (got \"https://***@k8s.example.com\")"],
    ['label value not a string', () => new Environment(new GitOpsApp(), 'dev', { labels: { a: true as any } }), "[dev] 'labels.a' must be a string (quote it: \"true\") (got true)"],
    ['bad app name', () => new AppChart(new Environment(new GitOpsApp(), 'dev'), 'Hello_App'), "[dev/Hello_App] 'name' must be a DNS-1123 label"],
    ['app name too long', () => new AppChart(new Environment(new GitOpsApp(), 'dev'), 'x', { name: 'a'.repeat(64) }), "[dev/x] 'name' must be 1 to 63 characters long (it has 64)"],
    ['app chart outside an environment', () => new AppChart(new GitOpsApp(), 'hello'), '[hello] must be defined inside an Environment (new Environment(app, "dev"))'],
  ])('GIVEN %s THEN the error names the path, field and value', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('GIVEN two apps with the same name in one environment WHEN rendered THEN the error names both paths', () => {
    const app = new GitOpsApp();
    const env = new Environment(app, 'dev');
    new WebService(new AppChart(env, 'a', { name: 'hello' }), 'web', props());
    new WebService(new AppChart(env, 'b', { name: 'hello' }), 'web', props());
    expect(() => renderFiles(app)).toThrow("[dev/b] 'name' renders to the folder dev/hello/ that dev/a renders to already: app names must be unique in an environment (got \"hello\")");
  });

  test('GIVEN an extra object in the app WHEN rendered THEN it gets its own file and kustomization entry', () => {
    const app = new GitOpsApp();
    const chart = new AppChart(new Environment(app, 'dev'), 'hello');
    new WebService(chart, 'web', props());
    new ApiObject(chart, 'cfg', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hello-config' } });
    new ApiObject(chart, 'other-ns', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hello-config', namespace: 'shared' } });
    const files = renderFiles(app);
    expect(objects(files)['dev/hello/kustomization.yaml'].resources).toEqual([
      'configmap-hello-config.yaml', 'configmap-shared_hello-config.yaml', 'deployment-hello.yaml', 'service-hello.yaml',
    ]);
    expect(objects(files)['dev/hello/configmap-shared_hello-config.yaml'].metadata.namespace).toBe('shared');
  });
});

describe('Environment overrides', () => {
  test('GIVEN an override image that is a string THEN it must be an ImageRef', () => {
    expect(() => new Environment(new GitOpsApp(), 'dev', { overrides: { hello: { image: 'ghcr.io/x/y:1' as any } } }))
      .toThrow("[dev] 'overrides.hello.image' must be an ImageRef (ImageRef.parse(\"repo:tag\")) (got \"ghcr.io/x/y:1\")");
  });

  test('GIVEN a memory request over its limit THEN the request is named', () => {
    const app = new GitOpsApp();
    const chart = new AppChart(new Environment(app, 'dev'), 'hello');
    new WebService(chart, 'web', props({ resources: { memoryRequest: '1Gi', memoryLimit: '512Mi' } }));
    expect(() => app.render())
      .toThrow("[dev/hello/web] 'resources.memoryRequest' must not exceed the memory limit 512Mi (got \"1Gi\")");
  });
});
