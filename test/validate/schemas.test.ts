import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parse, stringify } from 'yaml';
import { application, certificate, configMap, deployment, externalSecret, hpa, httpRoute, ingress, mutated, networkPolicy, Obj, pdb, sealedSecret, service } from './_fixtures';
import { bundleJson, BUNDLE_PATH, generateBundle, generateMultiVersionBundle, kubernetesVersionsIn, PRECOMPILED_KEYS, validatorsJson, VALIDATORS_PATH } from '../../scripts/generate-schemas';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { exampleApp } from '../../src/main';
import { renderFiles } from '../../src/testing';
import { bundleAjv, bundleFor, runValidator, schemaFor, validatorFor } from '../../src/validate/_schemas';
import { DEFAULT_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from '../../src/validate/kubernetes-versions';
import { validateTree } from '../../src/validate/validate-tree';
import { IMAGE } from '../constructs/_fixtures';
import { sharedDir } from '../support/tools';

const shared = sharedDir();
const d = describe;

/** The reference: the ../shared schemas as published, made strict the way kubeconform's -strict does. */
function strict(node: any): any {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === 'properties' || k === 'definitions' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, strict(s)])) : strict(v);
  }
  if (out.properties && out.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

const CORPUS: [string, Obj][] = [
  ['good Deployment', deployment()],
  ['good Service', service()],
  ['good PodDisruptionBudget', pdb()],
  ['good Application', application()],
  ['Deployment typo replica', mutated(deployment(), x => { x.spec.replica = 1; })],
  ['Deployment string port', mutated(deployment(), x => { x.spec.template.spec.containers[0].ports[0].containerPort = '80'; })],
  ['Deployment boolean env value', mutated(deployment(), x => { x.spec.template.spec.containers[0].env[0].value = true; })],
  ['Deployment unknown securityContext field', mutated(deployment(), x => { x.spec.template.spec.securityContext.runAsNonRot = true; })],
  ['Deployment missing container name', mutated(deployment(), x => { delete x.spec.template.spec.containers[0].name; })],
  ['Service string port', mutated(service(), x => { x.spec.ports[0].port = '80'; })],
  ['Service int targetPort', mutated(service(), x => { x.spec.ports[0].targetPort = 8080; })],
  ['Service unknown field', mutated(service(), x => { x.spec.selectors = {}; })],
  ['Application unknown field', mutated(application(), x => { x.spec.syncPolicy.automated.selfheal = true; })],
  ['Application missing project', mutated(application(), x => { delete x.spec.project; })],
  ['good Ingress', ingress()],
  ['Ingress port number as string', mutated(ingress(), x => { x.spec.rules[0].http.paths[0].backend.service.port = { number: '80' }; })],
  ['Ingress unknown tls field', mutated(ingress(), x => { x.spec.tls[0].secret = 'x'; })],
  ['good HorizontalPodAutoscaler', hpa()],
  ['HorizontalPodAutoscaler v1 field in v2', mutated(hpa(), x => { x.spec.targetCPUUtilizationPercentage = 70; })],
  ['good NetworkPolicy', networkPolicy()],
  ['NetworkPolicy unknown field', mutated(networkPolicy(), x => { x.spec.ingres = []; })],
  ['good ConfigMap', configMap()],
  ['ConfigMap number value', mutated(configMap(), x => { x.data.port = 80; })],
  ['good HTTPRoute', httpRoute()],
  ['HTTPRoute unknown rule field', mutated(httpRoute(), x => { x.spec.rules[0].backends = []; })],
  ['HTTPRoute string port', mutated(httpRoute(), x => { x.spec.rules[0].backendRefs[0].port = '80'; })],
  ['HTTPRoute path type not in enum', mutated(httpRoute(), x => { x.spec.rules[0].matches[0].path.type = 'Prefix'; })],
  ['good ExternalSecret', externalSecret()],
  ['ExternalSecret typo in remoteRef', mutated(externalSecret(), x => { x.spec.data[0].remoteRef.propery = 'password'; })],
  ['ExternalSecret store kind not in enum', mutated(externalSecret(), x => { x.spec.secretStoreRef.kind = 'Vault'; })],
  ['good SealedSecret', sealedSecret()],
  ['SealedSecret plaintext data field', mutated(sealedSecret(), x => { x.spec.data = 'x'; })],
  ['good Certificate', certificate()],
  ['Certificate missing issuerRef', mutated(certificate(), x => { delete x.spec.issuerRef; })],
  ['Certificate dnsNames a string', mutated(certificate(), x => { x.spec.dnsNames = 'hello.example.com'; })],
];

/** Files under shared/schemas of the CRDs bundled besides Argo CD's Application, by kind (served version `v`). */
const CRD_FILES: Record<string, [string, string]> = {
  HTTPRoute: ['gateway-api/gateway.networking.k8s.io_httproutes.yaml', 'v1'],
  ExternalSecret: ['external-secrets/external-secrets.io_externalsecrets.yaml', 'v1'],
  SealedSecret: ['sealed-secrets/bitnami.com_sealedsecrets.yaml', 'v1alpha1'],
  Certificate: ['cert-manager/cert-manager.io_certificates.yaml', 'v1'],
};

(shared ? d : d.skip)('runtime schemas agree with ../shared/schemas', () => {
  const dir = path.join(shared ?? '', 'schemas');
  let reference: (obj: Obj) => boolean;

  beforeAll(() => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, allowUnionTypes: true });
    const newest = kubernetesVersionsIn(dir).pop();
    const defs = JSON.parse(fs.readFileSync(path.join(dir, 'kubernetes', `v${newest}.0`, '_definitions.json'), 'utf8')).definitions;
    ajv.addSchema({ $id: 'ref', definitions: strict(defs) });
    const app = parse(fs.readFileSync(path.join(dir, 'argocd', 'application-crd.yaml'), 'utf8')).spec.versions[0].schema.openAPIV3Schema;
    const byKind: Record<string, any> = {
      Deployment: ajv.compile({ $ref: 'ref#/definitions/io.k8s.api.apps.v1.Deployment' }),
      Service: ajv.compile({ $ref: 'ref#/definitions/io.k8s.api.core.v1.Service' }),
      PodDisruptionBudget: ajv.compile({ $ref: 'ref#/definitions/io.k8s.api.policy.v1.PodDisruptionBudget' }),
      Application: ajv.compile(strict(app)),
      Ingress: ajv.compile({ $ref: 'ref#/definitions/io.k8s.api.networking.v1.Ingress' }),
      NetworkPolicy: ajv.compile({ $ref: 'ref#/definitions/io.k8s.api.networking.v1.NetworkPolicy' }),
      HorizontalPodAutoscaler: ajv.compile({ $ref: 'ref#/definitions/io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler' }),
      ConfigMap: ajv.compile({ $ref: 'ref#/definitions/io.k8s.api.core.v1.ConfigMap' }),
    };
    for (const [kind, [file, version]] of Object.entries(CRD_FILES)) {
      const crd = parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      byKind[kind] = ajv.compile(strict(crd.spec.versions.find((v: any) => v.name === version).schema.openAPIV3Schema));
    }
    reference = obj => Boolean(byKind[obj.kind](obj));
  });

  test.each(CORPUS)('%s: same verdict', (_name, obj) => {
    // GIVEN the bundled validator and the reference built from ../shared
    const runtime = validatorFor(obj.apiVersion, obj.kind)!;
    // WHEN / THEN both accept or both reject
    expect(runValidator(runtime, obj).length === 0).toBe(reference(obj));
  });

  test('the corpus has both verdicts, and the good objects are valid', () => {
    const verdicts = new Set(CORPUS.map(([, o]) => reference(o)));
    expect([...verdicts].sort()).toEqual([false, true]);
    expect(CORPUS.filter(([name, o]) => name.startsWith('good ') && !reference(o)).map(([name]) => name)).toEqual([]);
  });

  test('the committed bundle is what scripts/generate-schemas.ts makes from ../shared (run `npx projen schemas`)', () => {
    expect(fs.readFileSync(BUNDLE_PATH, 'utf8') === bundleJson(generateMultiVersionBundle(dir))).toBe(true);
  }, 180_000); // nine Kubernetes minors: ~15 s on a loaded 2-core machine

  test('GIVEN ../shared WHEN listing its Kubernetes minors THEN they are exactly the supported versions, the newest the default', () => {
    expect(kubernetesVersionsIn(dir)).toEqual(SUPPORTED_KUBERNETES_VERSIONS);
    expect(DEFAULT_KUBERNETES_VERSION).toBe(kubernetesVersionsIn(dir).pop());
  });

  test('GIVEN one minor WHEN generated alone THEN it equals that minor inside the shipped bundle', () => {
    const file = JSON.parse(fs.readFileSync(BUNDLE_PATH, 'utf8'));
    const alone = generateBundle(dir, '1.31');
    expect(bundleFor(file, '1.31')).toEqual({ kinds: alone.kinds, definitions: alone.definitions, kustomization: alone.kustomization });
  });
});

describe('bundled schemas', () => {
  test('cover the Kubernetes kinds and the Argo CD kinds', () => {
    for (const [apiVersion, kind] of [['apps/v1', 'Deployment'], ['v1', 'Service'], ['policy/v1', 'PodDisruptionBudget'], ['networking.k8s.io/v1', 'Ingress'],
      ['argoproj.io/v1alpha1', 'Application'], ['argoproj.io/v1alpha1', 'ApplicationSet'], ['argoproj.io/v1alpha1', 'AppProject'],
      ['gateway.networking.k8s.io/v1', 'HTTPRoute'], ['external-secrets.io/v1', 'ExternalSecret'], ['bitnami.com/v1alpha1', 'SealedSecret'],
      ['cert-manager.io/v1', 'Certificate'], ['autoscaling/v2', 'HorizontalPodAutoscaler'], ['networking.k8s.io/v1', 'NetworkPolicy']]) {
      expect(validatorFor(apiVersion, kind)).toBeDefined();
    }
    expect(validatorFor('example.com/v1', 'Widget')).toBeUndefined();
    // v1beta1 of ExternalSecret is in the CRD file but no longer served
    expect(validatorFor('external-secrets.io/v1beta1', 'ExternalSecret')).toBeUndefined();
  });

  test('the committed precompiled validators are what scripts/generate-schemas.ts makes from the committed bundle (run `npx projen schemas`)', () => {
    // GIVEN the committed bundle / WHEN the validators are generated from it / THEN they equal the committed file
    expect(fs.readFileSync(VALIDATORS_PATH, 'utf8') === validatorsJson(fs.readFileSync(BUNDLE_PATH, 'utf8'))).toBe(true);
  }, 120_000);

  test('GIVEN the example app and an environment with a managed namespace WHEN rendered THEN every kind has a precompiled validator (none is compiled at synth)', () => {
    // GIVEN the example, plus the kinds it does not use: a Namespace with quota and limits, a ServiceAccount
    const app = new GitOpsApp();
    const env = new Environment(app, 'dev', { namespacePolicy: { quota: { pods: 5 }, containerDefaults: { memoryLimit: '128Mi' } } });
    new WebService(new AppChart(env, 'api'), 'web', { image: IMAGE, serviceAccount: {} });
    // WHEN rendered
    const docs = [...Object.values(renderFiles(exampleApp())), ...Object.values(renderFiles(app))].map(text => parse(text));
    const keys = new Set(docs.map(o => (o.kind === 'Kustomization' ? 'kustomization' : `${o.apiVersion}/${o.kind}`)));
    // THEN each has ajv standalone code in _validators.json
    expect(keys).toEqual(new Set([...keys].filter(k => PRECOMPILED_KEYS.includes(k))));
    expect([...keys]).toEqual(expect.arrayContaining(['batch/v1/Job', 'batch/v1/CronJob', 'v1/Namespace', 'v1/ResourceQuota', 'v1/LimitRange', 'v1/ServiceAccount']));
  });

  test('precompiled validators give the same errors as validators compiled at run time', () => {
    // GIVEN a validator compiled at run time from the bundle, with the run-time options
    const bundle = bundleFor(JSON.parse(fs.readFileSync(BUNDLE_PATH, 'utf8')), DEFAULT_KUBERNETES_VERSION);
    const ajv = bundleAjv(bundle);
    for (const [, obj] of CORPUS) {
      const key = `${obj.apiVersion}/${obj.kind}`;
      expect(PRECOMPILED_KEYS).toContain(key);
      // WHEN both validate the same object / THEN the violations are the same
      expect(runValidator(validatorFor(obj.apiVersion, obj.kind)!, obj)).toEqual(runValidator(ajv.compile(schemaFor(bundle, key)!), obj));
    }
  });

  test('compile once per kind and minor', () => {
    expect(validatorFor('apps/v1', 'Deployment')).toBe(validatorFor('apps/v1', 'Deployment'));
    expect(validatorFor('apps/v1', 'Deployment', '1.30')).toBe(validatorFor('apps/v1', 'Deployment', '1.30'));
    expect(validatorFor('apps/v1', 'Deployment', '1.30')).not.toBe(validatorFor('apps/v1', 'Deployment'));
  });

  test('GIVEN a field Kubernetes 1.33 added (container lifecycle stopSignal) THEN 1.33 and later accept it and 1.28 to 1.32 reject it', () => {
    // GIVEN
    const obj = deployment();
    obj.spec.template.spec.containers[0].lifecycle = { stopSignal: 'SIGTERM' };
    // WHEN each bundled minor validates it
    const verdicts = Object.fromEntries(SUPPORTED_KUBERNETES_VERSIONS.map(v => [v, runValidator(validatorFor('apps/v1', 'Deployment', v)!, obj)]));
    // THEN
    for (const v of ['1.28', '1.29', '1.30', '1.31', '1.32']) {
      expect(verdicts[v]).toEqual([{
        field: 'spec.template.spec.containers[0].lifecycle.stopSignal',
        message: 'unknown field: the schema has no such field, and Kubernetes would drop or reject it',
      }]);
    }
    for (const v of ['1.33', '1.34', '1.35', '1.36']) expect(verdicts[v]).toEqual([]);
  });

  test('GIVEN a Service with trafficDistribution (1.31+) WHEN validating the tree THEN --kubernetes-version decides', () => {
    const svc = service();
    svc.spec.trafficDistribution = 'PreferClose';
    const tree = new Map([['dev/hello/service-hello.yaml', stringify(svc)]]);
    const schemaFindings = (v?: string) => validateTree(tree, { kubernetesVersion: v }).findings.filter(f => f.rule === 'schema').map(f => f.field);
    expect(schemaFindings('1.28')).toEqual(['spec.trafficDistribution']);
    expect(schemaFindings('v1.31.2')).toEqual([]);
    expect(schemaFindings()).toEqual([]);
  });
});
