import { appWith, objects, props, synthProblems } from './_fixtures';
import { SealedSecret, SealingScope } from '../../src/constructs/sealed-secret';
import { WebService } from '../../src/constructs/web-service';
import { renderFiles } from '../../src/testing';

const SEALED = 'AgBy3i4OJSWK+PiTySYZZA==';

describe('SealedSecret', () => {
  test('GIVEN sealed values WHEN rendered THEN a bitnami.com/v1alpha1 SealedSecret with an Opaque template (snapshot)', () => {
    // GIVEN
    const { app, chart } = appWith();
    new SealedSecret(chart, 'api-token', { encryptedData: { token: SEALED } });
    // WHEN / THEN
    expect(renderFiles(app)['dev/hello/sealedsecret-api-token.yaml']).toMatchSnapshot();
  });

  test('GIVEN a namespace-wide scope and a type THEN the annotation is on the SealedSecret and its template', () => {
    const { app, chart } = appWith();
    new SealedSecret(chart, 's', { encryptedData: { tls: SEALED }, scope: SealingScope.NAMESPACE_WIDE, type: 'kubernetes.io/tls', name: 'certs' });
    const s = objects(renderFiles(app))['dev/hello/sealedsecret-certs.yaml'];
    expect(s.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(s.spec.template.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(s.spec.template.type).toBe('kubernetes.io/tls');
  });

  test('GIVEN a workload THEN one call mounts the unsealed Secret', () => {
    const { app, chart } = appWith();
    const web = new WebService(chart, 'web', props());
    new SealedSecret(chart, 'token', { encryptedData: { token: SEALED } }).mount(web, '/var/run/secrets/token');
    const pod = objects(renderFiles(app))['dev/hello/deployment-hello.yaml'].spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'secret-token', secret: { secretName: 'token' } });
  });

  test('GIVEN a plain value, a bad key and no values THEN all are reported (the plain value shortened)', () => {
    const { app, chart } = appWith();
    new SealedSecret(chart, 'a', { encryptedData: { 'password': 'hunter2-is-my-password', 'a/b': SEALED } });
    new SealedSecret(chart, 'b', { encryptedData: {} });
    expect(synthProblems(app)).toEqual([
      '[dev/hello/a] \'encryptedData.a/b\' is not a valid Secret key (letters, digits, "-", "_" and ".") (got "a/b")',
      '[dev/hello/a] \'encryptedData.password\' must be kubeseal output (base64 ciphertext), not a plain value (got "hunter2-is-m…")',
      '[dev/hello/b] \'encryptedData\' is empty: seal at least one value with kubeseal',
    ]);
  });
});
