import { ApiObject, JsonPatch } from 'cdk8s';
import { parse } from 'yaml';
import { appFolder, deployment, mutated, networkPolicy, service } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { ImageRef } from '../../src/image-ref';
import { exampleApp } from '../../src/main';
import { renderApp, renderAppDetailed } from '../../src/render/render';
import { RenderedTree } from '../../src/render/tree';
import { validationGate } from '../../src/validate/gate';
import { validateByFolder, validateTree } from '../../src/validate/validate-tree';
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

describe('validation folder by folder (the synth gate while rendering)', () => {
  /** Folders whose findings span folders: duplicates, a NetworkPolicy judged in another folder, waivers, a kustomization missing a file. */
  function mixedTree(): Map<string, string> {
    const allowOnly = mutated(networkPolicy(), p => {
      p.metadata.name = 'allow-web';
      p.spec.podSelector = { matchLabels: { app: 'hello' } };
    });
    const waived = mutated(deployment('other'), d => {
      d.metadata.annotations = { 'cdk8s-gitops.io/waive.network-default-deny': 'judged elsewhere', 'cdk8s-gitops.io/waive.no-such-rule': 'x' };
      d.spec.template.spec.containers[0].securityContext.privileged = true;
    });
    const tree = new Map([
      ...appFolder('dev/hello', [deployment(), service()]),
      ...appFolder('dev/copy', [deployment(), service(), allowOnly]),
      ...appFolder('dev/other', [waived]),
      // More folders than one batch of the folder-by-folder run (64).
      ...Array.from({ length: 70 }, (_, i) => [...appFolder(`dev/app-${i}`, [deployment(`app-${i}`), service(`app-${i}`)])]).flat(),
    ]);
    tree.set('dev/other/configmap-stray.yaml', toYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray', namespace: 'dev' }, data: { a: 'b' } }));
    return tree;
  }

  test('GIVEN folders with findings within and across folders WHEN validated folder by folder THEN the report equals validateTree of the whole tree', () => {
    // GIVEN
    const tree = mixedTree();
    const objects = new Map([...tree].map(([file, text]) => [file, parse(text)]));
    const byDir = new Map<string, [string, unknown][]>();
    for (const [file, value] of objects) {
      const dir = file.slice(0, file.lastIndexOf('/'));
      byDir.set(dir, [...(byDir.get(dir) ?? []), [file, value]]);
    }
    // WHEN
    const run = validateByFolder();
    for (const files of byDir.values()) run.folder(files);
    const streamed = run.finish(tree);
    // THEN
    const whole = validateTree(tree, { objects });
    const rules = new Set(whole.findings.map(f => f.rule));
    for (const r of ['object-duplicate', 'network-default-deny', 'waiver-unknown-rule', 'kustomization-resources']) expect(rules).toContain(r);
    expect(whole.waived.map(w => w.rule)).toContain('network-default-deny');
    const { folderStats: _, ...wholeReport } = whole as typeof whole & { folderStats?: unknown };
    expect(streamed).toEqual(wholeReport);
  });

  test('GIVEN a GitOpsApp with only the validation gate WHEN rendered THEN the render keeps no object and the problems equal those of the whole-tree gate', () => {
    // GIVEN
    const folders: string[] = [];
    // WHEN
    const detailed = renderAppDetailed(badApp(), { keepObjects: false, onFolder: files => folders.push(...files.map(([f]) => f)) });
    let thrown: unknown;
    try {
      badApp().render();
    } catch (e) {
      thrown = e;
    }
    // THEN
    expect(detailed.objects.size).toBe(0);
    expect(folders.sort()).toEqual([...detailed.tree.keys()]);
    const full = renderAppDetailed(badApp());
    expect((thrown as { problems?: unknown }).problems).toEqual(validationGate()(full.tree, full.objects));
  });

  test('GIVEN a validation gate with an unknown rule id WHEN a GitOpsApp renders THEN the gate throws its options error after rendering', () => {
    // GIVEN
    const app = exampleApp();
    app.addGate(validationGate({ rules: { 'no-such-rule': 'off' } }));
    // WHEN / THEN
    expect(() => app.render()).toThrow(/rules.no-such-rule.*is not a rule that can be configured/s);
  });
});
