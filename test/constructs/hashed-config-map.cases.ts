import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { appWith, objects, props, synthProblems } from './_fixtures';
import { HashedConfigMap, kustomizeConfigMapHash } from '../../src/constructs/hashed-config-map';
import { WebService } from '../../src/constructs/web-service';
import { renderFiles } from '../../src/testing';
import { hasTool, tmpDir } from '../support/tools';

/** The example's app with one ConfigMap, consumed as env and as files. */
function render(data: Record<string, string>) {
  const { app, chart } = appWith();
  const web = new WebService(chart, 'web', props());
  const config = new HashedConfigMap(chart, 'config', { name: 'hello-config', data });
  config.envFrom(web);
  config.mount(web, '/etc/hello');
  config.env(web, 'GREETING', 'greeting');
  return { files: renderFiles(app), config };
}

describe('HashedConfigMap', () => {
  test('GIVEN literals WHEN rendered THEN the name carries the content hash, Argo CD prunes it last, and the pod uses it three ways (snapshot)', () => {
    // GIVEN / WHEN
    const { files, config } = render({ 'greeting': 'hello', 'app.properties': 'a=1\n' });
    // THEN
    expect(config.name).toMatch(/^hello-config-[a-z0-9]{10}$/);
    expect(files[`dev/hello/configmap-${config.name}.yaml`]).toMatchSnapshot();
    const c = objects(files)['dev/hello/deployment-hello.yaml'].spec.template.spec;
    expect(c.containers[0].envFrom).toEqual([{ configMapRef: { name: config.name } }]);
    expect(c.containers[0].env).toEqual([{ name: 'GREETING', valueFrom: { configMapKeyRef: { key: 'greeting', name: config.name } } }]);
    expect(c.containers[0].volumeMounts).toContainEqual({ mountPath: '/etc/hello', name: 'config-hello-config', readOnly: true });
    expect(c.volumes).toContainEqual({ configMap: { name: config.name }, name: 'config-hello-config' });
  });

  test('GIVEN a changed value WHEN rendered again THEN only the ConfigMap (its name and data) and the pod template references change: a rollout', () => {
    // GIVEN two renders that differ in one value
    const before = render({ 'greeting': 'hello', 'app.properties': 'a=1\n' });
    const after = render({ 'greeting': 'hello', 'app.properties': 'a=2\n' });
    // THEN the name changes
    expect(after.config.name).not.toBe(before.config.name);
    // AND with the old name replaced by the new one, every other file is byte-identical
    const rename = (files: Record<string, string>) => Object.fromEntries(Object.entries(files)
      .filter(([f]) => !f.includes('/configmap-'))
      .map(([f, text]) => [f, text.split(before.config.name).join(after.config.name)]));
    expect(rename(before.files)).toEqual(Object.fromEntries(Object.entries(after.files).filter(([f]) => !f.includes('/configmap-'))));
    // AND the Deployment's pod template did change (so the pods roll)
    expect(after.files['dev/hello/deployment-hello.yaml']).not.toBe(before.files['dev/hello/deployment-hello.yaml']);
    expect(objects(after.files)[`dev/hello/configmap-${after.config.name}.yaml`].data['app.properties']).toBe('a=2\n');
  });

  test('GIVEN files THEN their text becomes values', () => {
    const { dir, cleanup } = tmpDir('traffic-cm-');
    try {
      fs.writeFileSync(path.join(dir, 'nginx.conf'), 'server {}\n');
      const { app, chart } = appWith();
      const config = new HashedConfigMap(chart, 'nginx', { files: { 'nginx.conf': path.join(dir, 'nginx.conf') }, data: { mode: 'x' } });
      expect(config.data).toEqual({ 'mode': 'x', 'nginx.conf': 'server {}\n' });
      expect(Object.keys(renderFiles(app))).toContain(`dev/hello/configmap-${config.name}.yaml`);
    } finally {
      cleanup();
    }
  });

  test('GIVEN keys that are not file names, a missing file, a non-string value, a bad mount, an unknown key and no keys THEN all are reported', () => {
    const { app, chart } = appWith();
    const web = new WebService(chart, 'web', props());
    const config = new HashedConfigMap(chart, 'config', {
      data: { 'a/b': 'x', '..': 'y', 'port': 80 as unknown as string, 'ok.conf': 'z' },
      files: { 'ok.conf': '/nonexistent/traffic/ok.conf' },
    });
    config.mount(web, 'etc/hello');
    config.env(web, 'X', 'missing');
    new HashedConfigMap(chart, 'empty', {});
    expect(synthProblems(app)).toEqual([
      '[dev/hello/web] \'mounts.path\' must be an absolute path without ".." (got "etc/hello")',
      '[dev/hello/config] \'data.a/b\' is not a valid ConfigMap key: a file name of letters, digits, "-", "_" and "." (not "." or "..", at most 253) (got "a/b")',
      '[dev/hello/config] \'data...\' is not a valid ConfigMap key: a file name of letters, digits, "-", "_" and "." (not "." or "..", at most 253) (got "..")',
      '[dev/hello/config] \'data.port\' must be a string (quote it: "80") (got 80)',
      '[dev/hello/config] \'files.ok.conf\' cannot be read (ENOENT) (got "/nonexistent/traffic/ok.conf")',
      '[dev/hello/config] \'key\' is not a key of the ConfigMap (it has .., a/b, ok.conf, port) (got "missing")',
      '[dev/hello/empty] \'data\' and files are both empty: a ConfigMap needs at least one key',
    ]);
  });
});

const kubectl = hasTool('kubectl');
(kubectl ? describe : describe.skip)('HashedConfigMap agrees with kustomize', () => {
  test('GIVEN the same literals and a file with HTML characters WHEN kubectl kustomize generates the ConfigMap THEN the hash suffix is the same', () => {
    const { dir, cleanup } = tmpDir('traffic-kz-');
    try {
      const text = 'a=1\n<b>&"x"\n';
      fs.writeFileSync(path.join(dir, 'app.properties'), text);
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'configMapGenerator:\n- name: hello-config\n  literals:\n  - LOG_LEVEL=info\n  - EMPTY=\n  files:\n  - app.properties\n');
      const out = execFileSync('kubectl', ['kustomize', '--', dir], { encoding: 'utf8' });
      const name = /name: (hello-config-\w+)/.exec(out)![1];
      expect(`hello-config-${kustomizeConfigMapHash({ 'LOG_LEVEL': 'info', 'EMPTY': '', 'app.properties': text })}`).toBe(name);
    } finally {
      cleanup();
    }
  });
});
