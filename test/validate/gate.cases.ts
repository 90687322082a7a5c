import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { ImageRef } from '../../src/image-ref';
import { readTree } from '../../src/render/tree';
import { findingToProblem, validationGate } from '../../src/validate/gate';
import { tmpDir } from '../support/tools';

function app(outdir: string, patch?: JsonPatch) {
  const a = new GitOpsApp({ outdir, gates: [validationGate()] });
  const web = new WebService(new AppChart(new Environment(a, 'dev'), 'hello'), 'web', { image: ImageRef.parse('ghcr.io/example/hello:1.0.0') });
  if (patch) ApiObject.of(web.deployment).addJsonPatch(patch);
  return a;
}

describe('validationGate in GitOpsApp.synth', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tmpDir()));
  afterEach(() => cleanup());

  test('GIVEN a secure WebService WHEN synthesized with the gate THEN it writes the tree', () => {
    app(path.join(dir, 'dist')).synth();
    expect(readTree(path.join(dir, 'dist')).size).toBe(3);
  });

  test('GIVEN an escape-hatch typo and a privileged container WHEN synthesized THEN every finding is reported and nothing is written', () => {
    // GIVEN a good tree already on disk
    const out = path.join(dir, 'dist');
    app(out).synth();
    const before = readTree(out);
    // WHEN a policy violation through an escape hatch, and a raw object with a typo, are added
    const bad = app(out, JsonPatch.replace('/spec/template/spec/containers/0/securityContext/privileged', true));
    new ApiObject(AppChart.of(bad.node.findAll().find(c => c instanceof WebService)!), 'raw', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, datta: { a: 'b' },
    });
    // THEN
    let message = '';
    try {
      bad.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("[dev/hello/configmap-cfg.yaml: ConfigMap/dev/cfg] 'datta'");
    expect(message).toContain("[dev/hello/deployment-hello.yaml: Deployment/dev/hello] 'spec.template.spec.containers[0].securityContext.privileged' must not be true [not-privileged] (got true)");
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('GIVEN a finding THEN it becomes a problem naming file, object, field, rule and value', () => {
    expect(findingToProblem({ rule: 'image-pinned', severity: 'error', file: 'dev/a/deployment-a.yaml', kind: 'Deployment', namespace: 'dev', name: 'a', field: 'spec.x', message: 'is bad', value: 'v' }))
      .toEqual({ path: 'dev/a/deployment-a.yaml: Deployment/dev/a', field: 'spec.x', message: 'is bad [image-pinned]', value: 'v' });
  });
});
