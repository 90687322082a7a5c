import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from '../../src/errors';
import { migrate } from '../../src/migrate/migrate';
import { tmpDir } from '../support/tools';

const SRC = path.resolve(__dirname, '../../src');
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: hello}
spec:
  selector: {matchLabels: {app: hello}}
  template:
    metadata: {labels: {app: hello}}
    spec: {containers: [{name: hello, image: user/hello:latest, ports: [{containerPort: 8080}]}]}
`;
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: {name: hello}\nspec: {selector: {app: hello}, ports: [{port: 80, targetPort: 8080}]}\n';

describe('migrate: reading a kustomization folder', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tmpDir('migrate-load-'));
    fs.mkdirSync(path.join(dir, 'k8s'));
    fs.writeFileSync(path.join(dir, 'k8s', 'deployment.yaml'), DEPLOYMENT);
    fs.writeFileSync(path.join(dir, 'k8s', 'service.yaml'), SERVICE);
  });
  afterEach(() => cleanup());

  test('GIVEN a kustomization.yaml without apiVersion and kind (kustomize reads it) WHEN migrated THEN its resources, namespace and images apply', () => {
    // GIVEN
    fs.writeFileSync(path.join(dir, 'k8s', 'kustomization.yaml'),
      'namespace: shop\nresources:\n  - deployment.yaml\n  - service.yaml\nimages:\n  - name: user/hello\n    newTag: abc123\n');
    // WHEN
    const result = migrate(['k8s'], { cwd: dir, importFrom: SRC, app: 'hello' });
    // THEN
    expect(result.objects.map(o => `${o.kind} ${o.className}`)).toEqual(['Deployment WebService', 'Service WebService']);
    expect(result.namespace).toBe('shop');
    expect(result.code).toContain("ImageRef.parse('user/hello:abc123')");
  });

  test('GIVEN a kustomization.yaml without kind but with another apiVersion WHEN migrated THEN it is refused, naming the file and the field', () => {
    fs.writeFileSync(path.join(dir, 'k8s', 'kustomization.yaml'), 'apiVersion: v1\nresources: [deployment.yaml]\n');
    expect(() => migrate(['k8s'], { cwd: dir, importFrom: SRC })).toThrow(ValidationError);
    expect(() => migrate(['k8s'], { cwd: dir, importFrom: SRC })).toThrow("[k8s/kustomization.yaml] 'document 1' has no 'kind'");
  });

  test('GIVEN another file without apiVersion and kind WHEN migrated THEN it is still refused', () => {
    fs.writeFileSync(path.join(dir, 'k8s', 'extra.yaml'), 'resources: [deployment.yaml]\n');
    expect(() => migrate(['k8s/extra.yaml'], { cwd: dir, importFrom: SRC }))
      .toThrow("[k8s/extra.yaml] 'document 1' has no 'apiVersion'\n[k8s/extra.yaml] 'document 1' has no 'kind'");
  });
});
