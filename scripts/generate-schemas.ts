/**
 * Generates `src/validate/schemas/_bundle.json`: the strict JSON schemas that
 * `cdk8s-gitops validate` uses at run time, so that the published package
 * needs neither the network nor `../shared`.
 *
 * Inputs (see ../shared/schemas/SOURCES.md): the Kubernetes OpenAPI v2
 * definitions of every minor under `kubernetes/` (1.28 to 1.36), the Argo CD v3.5.1 CRDs (Application, ApplicationSet,
 * AppProject), the traffic and secrets CRDs (`CRDS`) and the SchemaStore
 * kustomization schema.
 *
 * The output is a transformed, minimised bundle, not a copy:
 * - descriptions, formats and `x-kubernetes-*` annotations are dropped;
 * - kubeconform `-strict` semantics: every object schema with `properties`
 *   and no `additionalProperties` gets `additionalProperties: false` (unless
 *   it preserves unknown fields);
 * - CRD `x-kubernetes-int-or-string` becomes string|integer, `nullable` adds
 *   null, and a CRD's `metadata` is the strict Kubernetes ObjectMeta;
 * - large identical subtrees (ApplicationSet repeats the Application spec in
 *   every generator) are hoisted into shared definitions.
 *
 * Run: `npx projen schemas` (or `node --require esbuild-register scripts/generate-schemas.ts [sharedSchemasDir]`).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import standaloneCode from 'ajv/dist/standalone';
import { parse } from 'yaml';
import { BundleFile, bundleAjv, bundleFor, KUSTOMIZATION_KEY, schemaFor } from '../src/validate/_schemas';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

/** The generated bundle's shape (mirrored by `src/validate/_schemas.ts`). */
export interface SchemaBundle {
  readonly comment: string;
  /** `apiVersion/kind` → definition name. */
  readonly kinds: Record<string, string>;
  /** All definitions; refs are `#/definitions/<name>`. */
  readonly definitions: Record<string, Json>;
  /** The kustomization.yaml schema (self-contained, refs into its own `definitions`). */
  readonly kustomization: Json;
}

/**
 * The CRDs bundled, by folder under `shared/schemas`: Argo CD, and the
 * traffic and secrets kinds the constructs render (Gateway API HTTPRoute,
 * External Secrets ExternalSecret, Sealed Secrets SealedSecret, cert-manager
 * Certificate). Only served versions are bundled.
 */
const CRDS: readonly string[] = [
  'argocd/application-crd.yaml',
  'argocd/applicationset-crd.yaml',
  'argocd/appproject-crd.yaml',
  'gateway-api/gateway.networking.k8s.io_httproutes.yaml',
  'external-secrets/external-secrets.io_externalsecrets.yaml',
  'sealed-secrets/bitnami.com_sealedsecrets.yaml',
  'cert-manager/cert-manager.io_certificates.yaml',
];
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const HOIST_MIN_LENGTH = 600;

function isObj(v: Json | undefined): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Drops documentation and annotations; applies the strict and CRD rules. Pure. */
function transform(node: Json, crd: boolean): Json {
  if (Array.isArray(node)) return node.map(n => transform(n, crd));
  if (!isObj(node)) return node;
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' || k === 'format' || k === '$schema' || k === '$id' || k === 'example' || k === 'examples' || k === 'markdownDescription' || k.startsWith('x-') || k === 'nullable' || k === 'default') continue;
    if (k === 'properties' || k === 'definitions' || k === 'patternProperties') {
      const props: Obj = {};
      for (const [name, sub] of Object.entries(v as Obj)) props[name] = transform(sub, crd);
      out[k] = props;
    } else {
      out[k] = transform(v, crd);
    }
  }
  if (crd && node['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'string' }, { type: 'integer' }];
  }
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (isObj(out.properties) && out.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  if (crd && node.nullable === true && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
  }
  return out;
}

function sortKeys(node: Json): Json {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (!isObj(node)) return node;
  const out: Obj = {};
  for (const k of Object.keys(node).sort()) out[k] = sortKeys(node[k]);
  return out;
}

/** Hoists identical subtrees of at least HOIST_MIN_LENGTH characters into `definitions`. */
function hoist(definitions: Record<string, Json>): Record<string, Json> {
  const counts = new Map<string, number>();
  const count = (n: Json): string => {
    const s = JSON.stringify(n);
    if (isObj(n) || Array.isArray(n)) {
      for (const v of Object.values(n)) count(v);
      if (isObj(n) && s.length >= HOIST_MIN_LENGTH) counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    return s;
  };
  for (const d of Object.values(definitions)) {
    if (isObj(d)) for (const v of Object.values(d)) count(v);
  }
  const hoisted: Record<string, Json> = {};
  const replace = (n: Json): Json => {
    if (Array.isArray(n)) return n.map(replace);
    if (!isObj(n)) return n;
    const s = JSON.stringify(n);
    if (s.length >= HOIST_MIN_LENGTH && (counts.get(s) ?? 0) > 1) {
      const name = `shared.${createHash('sha256').update(s).digest('hex').slice(0, 12)}`;
      if (!(name in hoisted)) {
        hoisted[name] = null;
        hoisted[name] = replaceChildren(n);
      }
      return { $ref: `#/definitions/${name}` };
    }
    return replaceChildren(n);
  };
  const replaceChildren = (n: Obj): Obj => {
    const out: Obj = {};
    for (const [k, v] of Object.entries(n)) {
      out[k] = k === 'properties' || k === 'definitions' ? Object.fromEntries(Object.entries(v as Obj).map(([p, s]) => [p, replace(s)])) : replace(v);
    }
    return out;
  };
  const result: Record<string, Json> = {};
  for (const [name, d] of Object.entries(definitions)) result[name] = isObj(d) ? replaceChildren(d) : d;
  return { ...result, ...hoisted };
}

/** The Kubernetes minors under `schemas/kubernetes` (`v1.28.0` -> `1.28`), oldest first. */
export function kubernetesVersionsIn(schemasDir: string): string[] {
  return fs.readdirSync(path.join(schemasDir, 'kubernetes'))
    .map(d => /^v(\d+)\.(\d+)\.\d+$/.exec(d)).filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]) || Number(a[2]) - Number(b[2]))
    .map(m => `${m[1]}.${m[2]}`);
}

/** The parts of a bundle that do not depend on the Kubernetes version, read once. */
interface VersionlessInputs {
  readonly crds: Array<{ readonly key: string; readonly name: string; readonly schema: Obj }>;
  readonly kustomization: Json;
}
const inputsCache = new Map<string, VersionlessInputs>();

function versionless(schemasDir: string): VersionlessInputs {
  let inputs = inputsCache.get(schemasDir);
  if (!inputs) {
    const crds: VersionlessInputs['crds'] = [];
    for (const file of CRDS) {
      const crd = parse(fs.readFileSync(path.join(schemasDir, file), 'utf8'));
      const group: string = crd.spec.group;
      const kind: string = crd.spec.names.kind;
      for (const version of crd.spec.versions) {
        if (version.served === false) continue;
        const schema = transform(version.schema.openAPIV3Schema, true) as Obj;
        const props = schema.properties as Obj;
        props.metadata = { $ref: `#/definitions/${OBJECT_META}` };
        props.apiVersion = { type: 'string' };
        props.kind = { type: 'string', enum: [kind] };
        crds.push({ key: `${group}/${version.name}/${kind}`, name: `${group.split('.').reverse().join('.')}.${version.name}.${kind}`, schema });
      }
    }
    const kustomizeRaw = JSON.parse(fs.readFileSync(path.join(schemasDir, 'kustomize', 'kustomization.json'), 'utf8'));
    inputs = { crds, kustomization: sortKeys(transform(kustomizeRaw, false)) };
    inputsCache.set(schemasDir, inputs);
  }
  return inputs;
}

/** Builds the bundle of one Kubernetes minor (default: the newest) from a `shared/schemas` folder. Deterministic. */
export function generateBundle(schemasDir: string, kubernetesVersion?: string): SchemaBundle {
  const version = kubernetesVersion ?? kubernetesVersionsIn(schemasDir).pop()!;
  const k8s = JSON.parse(fs.readFileSync(path.join(schemasDir, 'kubernetes', `v${version}.0`, '_definitions.json'), 'utf8')).definitions as Record<string, Obj>;
  const definitions: Record<string, Json> = {};
  const kinds: Record<string, string> = {};
  for (const [name, def] of Object.entries(k8s)) {
    definitions[name] = transform(def, false);
    const gvks = def['x-kubernetes-group-version-kind'];
    if (Array.isArray(gvks) && gvks.length === 1 && isObj(gvks[0])) {
      const { group, version: v, kind } = gvks[0] as Record<string, string>;
      kinds[`${group ? `${group}/` : ''}${v}/${kind}`] = name;
    }
  }
  const { crds, kustomization } = versionless(schemasDir);
  for (const crd of crds) {
    definitions[crd.name] = crd.schema;
    kinds[crd.key] = crd.name;
  }
  return {
    comment: `Kubernetes v${version}.0`,
    kinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : 1))),
    definitions: sortKeys(hoist(sortKeys(definitions as Json) as Record<string, Json>)) as Record<string, Json>,
    kustomization,
  };
}

/**
 * The bundle of every Kubernetes minor, as shipped: each version's kinds and
 * definition names, with every distinct definition stored once in `pool`
 * (keyed by a hash of its content; most are the same across minors).
 */
export interface MultiVersionBundle {
  readonly comment: string;
  /** The minor validated against unless told otherwise: the newest. */
  readonly default: string;
  readonly versions: Record<string, { readonly kinds: Record<string, string>; readonly definitions: Record<string, string> }>;
  readonly pool: Record<string, Json>;
  readonly kustomization: Json;
}

export function generateMultiVersionBundle(schemasDir: string): MultiVersionBundle {
  const minors = kubernetesVersionsIn(schemasDir);
  const pool: Record<string, Json> = {};
  const versions: MultiVersionBundle['versions'] = {};
  let kustomization: Json = null;
  for (const minor of minors) {
    const b = generateBundle(schemasDir, minor);
    kustomization = b.kustomization;
    const names: Record<string, string> = {};
    for (const [name, def] of Object.entries(b.definitions)) {
      const text = JSON.stringify(def);
      const key = createHash('sha256').update(text).digest('base64url').slice(0, 12);
      if (key in pool && JSON.stringify(pool[key]) !== text) throw new Error(`hash collision on ${key}`);
      pool[key] = def;
      names[name] = key;
    }
    versions[minor] = { kinds: b.kinds, definitions: names };
  }
  return {
    comment: `Generated by scripts/generate-schemas.ts from the Kubernetes v${minors[0]}.0 to v${minors[minors.length - 1]}.0 OpenAPI definitions `
      + '(cdk8s-team/cdk8s kubernetes-schemas), '
      + 'the Argo CD v3.5.1 CRDs (argoproj/argo-cd), the CRDs of Gateway API v1.6.1 HTTPRoute (kubernetes-sigs/gateway-api), '
      + 'External Secrets v2.9.0 ExternalSecret (external-secrets/external-secrets), Sealed Secrets v0.36.6 SealedSecret '
      + '(bitnami-labs/sealed-secrets) and cert-manager v1.21.1 Certificate (cert-manager/cert-manager) '
      + 'and the SchemaStore kustomization schema, all Apache-2.0 '
      + '(SchemaStore NOTICE: "JSON Schema Store / Copyright 2015-Current Mads Kristensen and Contributors"). '
      + 'Transformed (documentation removed, strict additionalProperties, shared subtrees hoisted, definitions stored once). Do not edit.',
    default: minors[minors.length - 1],
    versions,
    pool: Object.fromEntries(Object.entries(pool).sort(([a], [b]) => (a < b ? -1 : 1))),
    kustomization,
  };
}

/**
 * The bundle file's text: JSON, loaded with `require` on first use (no
 * transpiling under esbuild-register or ts-node; `tsc` copies it to lib/).
 * Its `comment` field names the sources and says not to edit it.
 */
export function bundleJson(bundle: MultiVersionBundle): string {
  return `${JSON.stringify(bundle)}\n`;
}

export const BUNDLE_PATH = path.join(__dirname, '..', 'src', 'validate', 'schemas', '_bundle.json');

/**
 * Validator keys precompiled to ajv standalone code: the kinds this
 * package's constructs emit, and kustomization.yaml. Other kinds are
 * compiled at run time on first use.
 */
export const PRECOMPILED_KEYS: readonly string[] = [
  'apps/v1/Deployment',
  'v1/Service',
  'policy/v1/PodDisruptionBudget',
  'argoproj.io/v1alpha1/Application',
  'argoproj.io/v1alpha1/AppProject',
  'argoproj.io/v1alpha1/ApplicationSet',
  'networking.k8s.io/v1/Ingress',
  'networking.k8s.io/v1/NetworkPolicy',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'v1/ConfigMap',
  'gateway.networking.k8s.io/v1/HTTPRoute',
  'external-secrets.io/v1/ExternalSecret',
  'bitnami.com/v1alpha1/SealedSecret',
  'cert-manager.io/v1/Certificate',
  'batch/v1/Job',
  'batch/v1/CronJob',
  'v1/Namespace',
  'v1/ServiceAccount',
  'v1/ResourceQuota',
  'v1/LimitRange',
  KUSTOMIZATION_KEY,
];

/**
 * The precompiled validators file's text: `{ comment, validators: key → ajv
 * standalone CommonJS code }`, compiled with the run-time ajv options
 * (`AJV_OPTIONS`), so validation and its errors are the same as compiling at
 * run time, without the compile (≈ 0.2 s of a render's start-up).
 */
export function validatorsJson(bundleText: string): string {
  const file = JSON.parse(bundleText) as BundleFile; // exactly what the run time loads
  const bundle = bundleFor(file, file.default);
  const validators: Record<string, string> = {};
  for (const key of PRECOMPILED_KEYS) {
    // A fresh instance per key: each module holds only what its kind needs.
    const ajv = bundleAjv(bundle, { code: { source: true } });
    validators[key] = standaloneCode(ajv, ajv.compile(schemaFor(bundle, key)!));
  }
  return `${JSON.stringify({ comment: `Generated by scripts/generate-schemas.ts from _bundle.json (Kubernetes ${file.default}) with ajv standalone code. Do not edit.`, validators })}\n`;
}

export const VALIDATORS_PATH = path.join(__dirname, '..', 'src', 'validate', 'schemas', '_validators.json');

if (require.main === module) {
  const dir = process.argv[2] ?? path.join(__dirname, '..', '..', 'shared', 'schemas');
  const bundleText = bundleJson(generateMultiVersionBundle(dir));
  for (const [file, text] of [[BUNDLE_PATH, bundleText], [VALIDATORS_PATH, validatorsJson(bundleText)]]) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    // eslint-disable-next-line no-console
    console.log(`wrote ${file} (${text.length} bytes)`);
  }
}
