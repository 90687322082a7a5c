import { appWith, objects, props, synthProblems } from './_fixtures';
import { ExternalSecret, SecretStoreRef } from '../../src/constructs/external-secret';
import { WebService } from '../../src/constructs/web-service';
import { renderFiles } from '../../src/testing';

describe('ExternalSecret', () => {
  test('GIVEN a ClusterSecretStore and one key WHEN rendered THEN an external-secrets.io/v1 ExternalSecret owning a Secret of the same name (snapshot)', () => {
    // GIVEN
    const { app, chart } = appWith();
    new ExternalSecret(chart, 'db', { store: SecretStoreRef.cluster('vault'), data: { password: { key: 'hello/db', property: 'password' } } });
    // WHEN / THEN
    expect(renderFiles(app)['dev/hello/externalsecret-db.yaml']).toMatchSnapshot();
  });

  test('GIVEN a namespaced store, extract and a refresh interval THEN they are rendered', () => {
    const { app, chart } = appWith();
    new ExternalSecret(chart, 'api', { store: SecretStoreRef.namespaced('aws'), extract: ['hello/api'], refreshInterval: '15m', name: 'hello-api' });
    const spec = objects(renderFiles(app))['dev/hello/externalsecret-hello-api.yaml'].spec;
    expect(spec).toEqual({ dataFrom: [{ extract: { key: 'hello/api' } }], refreshInterval: '15m', secretStoreRef: { kind: 'SecretStore', name: 'aws' }, target: { creationPolicy: 'Owner', name: 'hello-api' } });
  });

  test('GIVEN a workload THEN one call consumes the Secret as env, one key or files', () => {
    const { app, chart } = appWith();
    const web = new WebService(chart, 'web', props());
    const db = new ExternalSecret(chart, 'db', { store: SecretStoreRef.cluster('vault'), data: { password: { key: 'hello/db' } } });
    db.envFrom(web);
    db.env(web, 'DB_PASSWORD', 'password');
    db.mount(web, '/var/run/secrets/db');
    const pod = objects(renderFiles(app))['dev/hello/deployment-hello.yaml'].spec.template.spec;
    expect(pod.containers[0].envFrom).toEqual([{ secretRef: { name: 'db' } }]);
    expect(pod.containers[0].env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'db' } } }]);
    expect(pod.volumes).toContainEqual({ name: 'secret-db', secret: { secretName: 'db' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ mountPath: '/var/run/secrets/db', name: 'secret-db', readOnly: true });
  });

  test('GIVEN no store, a bad key, no keys and a bad interval THEN all are reported', () => {
    const { app, chart } = appWith();
    new ExternalSecret(chart, 'a', { store: undefined as unknown as SecretStoreRef, data: { 'a b': { key: '' } }, refreshInterval: 'hourly' });
    new ExternalSecret(chart, 'b', { store: SecretStoreRef.cluster('Vault') });
    expect(synthProblems(app)).toEqual([
      '[dev/hello/a] \'store\' is required: SecretStoreRef.cluster("<name>") or SecretStoreRef.namespaced("<name>")',
      '[dev/hello/a] \'data.a b\' is not a valid Secret key (letters, digits, "-", "_" and ".") (got "a b")',
      '[dev/hello/a] \'data.a b.key\' must name the secret in the manager (got "")',
      '[dev/hello/a] \'refreshInterval\' must be a Go duration such as "1h" or "15m" (got "hourly")',
      '[dev/hello/b] \'store.name\' must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters) (got "Vault")',
      '[dev/hello/b] \'data\' and extract are both empty: the Secret would have no keys',
    ]);
  });
});
