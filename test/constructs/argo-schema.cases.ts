import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { wired } from './_argo-fixtures';
import { ArgoCd, ArgoMode } from '../../src/constructs/argo-cd';
import { exampleApp } from '../../src/main';
import { renderFiles } from '../../src/testing';
import { sharedDir } from '../support/tools';

// The rendered Argo CD objects must be accepted by the API server: validate
// them against the openAPIV3Schema of each CRD's served version (Argo CD
// v3.5.1, ../shared/schemas/argocd). `x-kubernetes-*` keywords are unknown to
// ajv but allowed (strict: false). The API server silently prunes fields a
// structural schema does not know, so unknown fields are made errors here
// (`closed`): a misspelt field would otherwise pass and vanish in the cluster.
const shared = sharedDir();
const suite = shared ? describe : describe.skip;

/** `schema` with `additionalProperties: false` wherever the API server would prune unknown fields. */
function closed(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closed(v)]));
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

suite('Argo CD objects against the CRD schemas', () => {
  const validators = new Map<string, ValidateFunction>();
  // `optimize: false`: the same checks, compiled 3x faster (the ApplicationSet CRD's 7 MB of validator code took 13 s under load).
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { optimize: false } });
  const validatorFor = (kind: string): ValidateFunction => {
    const file = { Application: 'application-crd.yaml', AppProject: 'appproject-crd.yaml', ApplicationSet: 'applicationset-crd.yaml' }[kind];
    if (!file) throw new Error(`no CRD for kind ${kind}`);
    if (!validators.has(kind)) {
      const crd = parse(fs.readFileSync(path.join(shared!, 'schemas', 'argocd', file), 'utf8'));
      const version = crd.spec.versions.find((v: any) => v.served);
      validators.set(kind, ajv.compile(closed(version.schema.openAPIV3Schema)));
    }
    return validators.get(kind)!;
  };
  const expectValid = (where: string, obj: any) => {
    const validate = validatorFor(obj.kind);
    const ok = validate(obj);
    expect({ where, errors: ok ? [] : validate.errors }).toEqual({ where, errors: [] });
  };
  const argoFiles = (files: Record<string, string>) => Object.entries(files)
    .filter(([f]) => f.startsWith('argocd/') && !f.endsWith('/kustomization.yaml'))
    .map(([f, y]) => [f, parse(y)] as const);

  test('GIVEN the example app (src/main.ts) THEN every Application and AppProject of dev and prod validates', () => {
    const files = argoFiles(renderFiles(exampleApp()));
    expect(files.map(([, o]) => `${o.kind}/${o.metadata.name}`)).toEqual(['Application/hello-dev', 'Application/hello-prod', 'Application/network-policy-prod', 'AppProject/dev', 'AppProject/prod']);
    for (const [f, obj] of files) expectValid(f, obj);
  });

  test('GIVEN the bootstrap manifest THEN the root AppProject and Application validate', () => {
    const argocd = exampleApp().node.findChild('argocd') as ArgoCd;
    const docs = parseAllDocuments(argocd.bootstrapManifest()).map(d => d.toJS());
    expect(docs.map(d => d.kind)).toEqual(['AppProject', 'Application']);
    for (const d of docs) expectValid(`bootstrap ${d.kind}`, d);
  });

  test('GIVEN every option set (finalizer, waves, manual sync, no retry) THEN the Applications validate', () => {
    const { app, charts } = wired({ sync: { cascadeDelete: true, automated: false, retry: false, syncOptions: [] } }, ['db', 'api']);
    charts['api-dev'].addDependency(charts['db-dev']);
    for (const [f, obj] of argoFiles(renderFiles(app))) expectValid(f, obj);
  });

  test('GIVEN ApplicationSet mode THEN the hand-typed ApplicationSet validates', () => {
    const files = argoFiles(renderFiles(wired({ mode: ArgoMode.APPLICATION_SET, sync: { cascadeDelete: true } }).app));
    expect(files.map(([, o]) => o.kind)).toContain('ApplicationSet');
    for (const [f, obj] of files) expectValid(f, obj);
  });

  test('GIVEN an object the schema rejects THEN the check fails (the validator is not vacuous)', () => {
    const validate = validatorFor('Application');
    const bad = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x' }, spec: { project: 'p', destination: {}, syncPolicy: { retry: { limit: 'five' } } } };
    expect(validate(bad)).toBe(false);
    expect(validate.errors!.map(e => e.instancePath)).toContain('/spec/syncPolicy/retry/limit');
  });

  test('GIVEN a misspelt field THEN the check fails (the API server would prune it silently)', () => {
    const validate = validatorFor('Application');
    const typo = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x' }, spec: { project: 'p', destination: {}, syncPolicy: { automated: { selfheal: true } } } };
    expect(validate(typo)).toBe(false);
    expect(validate.errors!.map(e => `${e.instancePath} ${e.message}`)).toContain('/spec/syncPolicy/automated must NOT have additional properties');
  });
});
