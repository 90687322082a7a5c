import { ApiObject, JsonPatch } from 'cdk8s';
import { parse } from 'yaml';
import { deployment, service } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { ImageRef } from '../../src/image-ref';
import { exampleApp } from '../../src/main';
import { renderApp, renderAppDetailed } from '../../src/render/render';
import { RenderedTree } from '../../src/render/tree';
import { validationGate } from '../../src/validate/gate';
import { validateTree } from '../../src/validate/validate-tree';
import { toYaml } from '../../src/yaml';

function badApp(): GitOpsApp {
  const a = new GitOpsApp({ outdir: 'unused' });
  const web = new WebService(new AppChart(new Environment(a, 'dev'), 'hello'), 'web', { image: ImageRef.parse('ghcr.io/example/hello:1.0.0') });
  ApiObject.of(web.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/privileged', true));
  new ApiObject(AppChart.of(web), 'raw', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, datta: { a: 'b' } });
  return a;
}

describe('renderAppDetailed', () => {
  test('GIVEN the example app WHEN rendered in detail THEN every file has its object, and its text parses back to that object', () => {
    // WHEN
    const { tree, objects } = renderAppDetailed(exampleApp());
    // THEN
    expect([...objects.keys()].sort()).toEqual([...tree.keys()]);
    for (const [file, text] of tree) expect(parse(text)).toStrictEqual(objects.get(file));
    expect(renderApp(exampleApp())).toEqual(tree);
  });
});

describe('validation of pre-parsed objects (the synth gate)', () => {
  test('GIVEN a GitOpsApp with a gate WHEN rendered THEN the gate receives the tree and the objects it was emitted from', () => {
    // GIVEN
    const seen: { tree?: RenderedTree; objects?: ReadonlyMap<string, unknown> } = {};
    const app = exampleApp();
    app.addGate((tree, objects) => {
      Object.assign(seen, { tree, objects });
      return [];
    });
    // WHEN
    const tree = app.render();
    // THEN
    expect(seen.tree).toBe(tree);
    expect(seen.objects?.get('dev/hello/kustomization.yaml')).toMatchObject({ kind: 'Kustomization' });
  });

  test('GIVEN a tree with schema and policy violations WHEN gated with its objects THEN the problems equal those of parsing the text', () => {
    // GIVEN
    const { tree, objects } = renderAppDetailed(badApp());
    const gate = validationGate();
    // WHEN
    const fromObjects = gate(tree, objects);
    const fromText = gate(tree);
    // THEN
    expect(fromObjects.length).toBeGreaterThanOrEqual(2);
    expect(fromObjects).toEqual(fromText);
  });

  test('GIVEN objects for one file only WHEN validated THEN only the other files are parsed and YAML-checked', () => {
    // GIVEN two files with a duplicate key in their text; the Deployment's object is given
    const dup = (yaml: string) => yaml.replace(/^kind: (\w+)$/m, 'kind: $1\nkind: $1');
    const d = deployment();
    const tree = new Map([
      ['dev/hello/deployment-hello.yaml', dup(toYaml(d))],
      ['dev/hello/service-hello.yaml', dup(toYaml(service()))],
    ]);
    // WHEN
    const report = validateTree(tree, { objects: new Map([['dev/hello/deployment-hello.yaml', d]]) });
    // THEN
    const yamlFindings = report.findings.filter(f => f.rule.startsWith('yaml-'));
    expect(yamlFindings.map(f => [f.file, f.rule])).toEqual([['dev/hello/service-hello.yaml', 'yaml-duplicate-key']]);
    expect(report.files).toBe(2);
  });
});
