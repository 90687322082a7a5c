import type Ajv from 'ajv';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { pointerToField } from './finding';
import { DEFAULT_KUBERNETES_VERSION } from './kubernetes-versions';
// A type-only import: it makes `tsc` copy the JSON file to lib/ but emits no
// require; the bundle is required on first use (see `load`).
import type BundleFileJson from './schemas/_bundle.json';
import type ValidatorsFile from './schemas/_validators.json';

/** The generated strict schema bundle (see scripts/generate-schemas.ts). */
export interface SchemaBundle {
  readonly kinds: Record<string, string>;
  readonly definitions: Record<string, unknown>;
  readonly kustomization: Record<string, unknown>;
}

/** One schema violation, with the field path already formatted. */
export interface SchemaViolation {
  readonly field: string;
  readonly message: string;
  readonly value?: unknown;
}

/**
 * The shipped `schemas/_bundle.json`: every minor's kinds and definition
 * names, each distinct definition stored once in `pool`.
 */
export interface BundleFile {
  readonly default: string;
  readonly versions: Record<string, { readonly kinds: Record<string, string>; readonly definitions: Record<string, string> }>;
  readonly pool: Record<string, unknown>;
  readonly kustomization: Record<string, unknown>;
}

/** One minor's bundle out of the shipped file. */
export function bundleFor(file: BundleFile, version: string): SchemaBundle {
  const v = file.versions[version];
  if (!v) throw new Error(`no schemas bundled for Kubernetes ${version}`);
  const definitions: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(v.definitions)) definitions[name] = file.pool[key];
  return { kinds: v.kinds, definitions, kustomization: file.kustomization };
}

/**
 * The ajv options of every validator, compiled here or ahead of time by
 * scripts/generate-schemas.ts (the same checks and errors either way).
 */
export const AJV_OPTIONS: Options = { allErrors: true, strict: false, allowUnionTypes: true, verbose: true, validateSchema: false };

/** The validator key of the kustomization.yaml schema. */
export const KUSTOMIZATION_KEY = 'kustomization';

/**
 * An ajv instance holding the bundle's definitions, and the schema to
 * compile for a validator key (`apiVersion/kind`, or `KUSTOMIZATION_KEY`),
 * `undefined` when none is bundled. Shared with the generator.
 */
export function schemaFor(b: SchemaBundle, key: string): object | undefined {
  if (key === KUSTOMIZATION_KEY) return b.kustomization;
  const def = b.kinds[key];
  return def ? { $ref: `k8s#/definitions/${def}` } : undefined;
}

/** A new ajv instance with the bundle's Kubernetes definitions added. */
export function bundleAjv(b: SchemaBundle, options: Options = {}): Ajv {
  // Loaded on first use: the precompiled validators need only ajv's small
  // runtime helpers, and loading ajv itself costs ~0.1 s of every synth.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AjvClass = (require('ajv') as typeof import('ajv')).default;
  const a = new AjvClass({ ...AJV_OPTIONS, ...options });
  a.addSchema({ $id: 'k8s', definitions: b.definitions });
  return a;
}

let file: BundleFile | undefined;
const loaded = new Map<string, { bundle: SchemaBundle; ajv: Ajv }>();
/**
 * A precompiled validator: its ajv standalone CommonJS code, or (in this
 * repo's prebuilt bundles, see scripts/prebuilt.js) that code already
 * wrapped in a function, so V8 parses it with the bundle and can cache it.
 */
type PrecompiledModule = string | ((req: NodeJS.Require, module: { exports: unknown }, exports: unknown) => void);

let precompiled: Record<string, PrecompiledModule> | undefined;
const validators = new Map<string, ValidateFunction | null>();

function load(version: string): { bundle: SchemaBundle; ajv: Ajv } {
  let l = loaded.get(version);
  if (!l) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    file ??= require('./schemas/_bundle.json') as typeof BundleFileJson as BundleFile;
    const bundle = bundleFor(file, version);
    // `code.optimize: 0` skips ajv's code-optimisation passes: the same checks
    // and errors, compiled in about half the time (only kinds without a
    // precompiled validator are compiled here).
    l = { bundle, ajv: bundleAjv(bundle, { code: { optimize: 0 } }) };
    loaded.set(version, l);
  }
  return l;
}

/**
 * The validator generated ahead of time (ajv standalone code in
 * `schemas/_validators.json`, for the kinds this package's constructs
 * emit), instantiated on first use; `undefined` for other keys.
 */
function precompiledValidator(key: string): ValidateFunction | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  precompiled ??= (require('./schemas/_validators.json') as typeof ValidatorsFile as { validators: Record<string, PrecompiledModule> }).validators;
  const code = precompiled[key];
  if (code === undefined) return undefined;
  const mod: { exports: unknown } = { exports: {} };
  // The same evaluation ajv does for the validators it compiles (new Function).
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const init = typeof code === 'function' ? code : new Function('require', 'module', 'exports', code);
  init(require, mod, mod.exports);
  return mod.exports as ValidateFunction;
}

/**
 * The validator of `key` for a bundled Kubernetes minor: precompiled for the
 * default minor (and kustomization.yaml, which has no minor), else compiled
 * once from that minor's bundle; cached either way.
 */
function cached(key: string, version: string): ValidateFunction | undefined {
  const useDefault = version === DEFAULT_KUBERNETES_VERSION || key === KUSTOMIZATION_KEY;
  const cacheKey = useDefault ? key : `${version}\u0000${key}`;
  let v = validators.get(cacheKey);
  if (v === undefined) {
    v = (useDefault ? precompiledValidator(key) : undefined) ?? null;
    if (!v) {
      const { bundle: b, ajv: a } = load(useDefault ? DEFAULT_KUBERNETES_VERSION : version);
      const schema = schemaFor(b, key);
      v = schema ? a.compile(schema) : null;
    }
    validators.set(cacheKey, v);
  }
  return v ?? undefined;
}

/**
 * The validator for `apiVersion`/`kind` under a bundled Kubernetes minor
 * (default: the newest), or `undefined` when no schema is bundled for it.
 * Precompiled or compiled once per kind and minor, and cached.
 */
export function validatorFor(apiVersion: string, kind: string, kubernetesVersion: string = DEFAULT_KUBERNETES_VERSION): ValidateFunction | undefined {
  return cached(`${apiVersion}/${kind}`, kubernetesVersion);
}

/** The kustomization.yaml validator. */
export function kustomizationValidator(): ValidateFunction {
  return cached(KUSTOMIZATION_KEY, DEFAULT_KUBERNETES_VERSION)!;
}

/**
 * One rendered object's schema check as `validateTree` runs it: its
 * violations (empty when valid), `null` when no schema is bundled for its
 * kind, `undefined` when it is not schema-checked (not a mapping, or no
 * string apiVersion and kind). Run in the gate's worker by `checkFolderBatch`.
 */
export type SchemaResult = readonly SchemaViolation[] | null | undefined;

/** `SchemaResult` of `obj`, a kustomization file's value when `kustomization`. */
export function schemaResult(obj: unknown, kustomization: boolean, kubernetesVersion: string): SchemaResult {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  if (kustomization) return runValidator(kustomizationValidator(), obj);
  const o = obj as { apiVersion?: unknown; kind?: unknown };
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return undefined;
  const validate = validatorFor(o.apiVersion, o.kind, kubernetesVersion);
  return validate ? runValidator(validate, obj) : null;
}

/** Validates `value`, returning person-readable violations (empty when valid). */
export function runValidator(validate: ValidateFunction, value: unknown): SchemaViolation[] {
  if (validate(value)) return [];
  return explain(validate.errors ?? []);
}

/** Turns ajv errors into one violation per problem, dropping the noise of union branches. */
export function explain(errors: readonly ErrorObject[]): SchemaViolation[] {
  const unionAt = new Set(errors.filter(e => e.keyword === 'oneOf' || e.keyword === 'anyOf').map(e => e.instancePath));
  const out: SchemaViolation[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && unionAt.has(e.instancePath) && /\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath)) continue;
    const v = describe(e);
    const key = `${v.field}\u0000${v.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

function describe(e: ErrorObject): SchemaViolation {
  const field = pointerToField(e.instancePath);
  const join = (f: string, k: string) => (f ? `${f}.${k}` : k);
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const guess = closest(prop, known);
      return {
        field: join(field, prop),
        message: `unknown field${guess ? ` (did you mean "${guess}"?)` : ''}: the schema has no such field, and Kubernetes would drop or reject it`,
      };
    }
    case 'required':
      return { field: join(field, (e.params as { missingProperty: string }).missingProperty), message: 'is required but missing' };
    case 'type':
      return { field, message: `must be ${article(String((e.params as { type: string | string[] }).type))}`, value: e.data };
    case 'enum':
      return { field, message: `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map(a => JSON.stringify(a)).join(', ')}`, value: e.data };
    case 'oneOf':
    case 'anyOf': {
      const branches = ((e.parentSchema as Record<string, { type?: string }[]>)?.[e.keyword] ?? []).map(b => b.type).filter(Boolean);
      const what = branches.length ? branches.map(t => article(String(t))).join(' or ') : 'one of the allowed forms';
      return { field, message: `must be ${what}`, value: e.data };
    }
    default:
      return { field, message: e.message ?? `violates ${e.keyword}`, value: typeof e.data === 'object' ? undefined : e.data };
  }
}

function article(type: string): string {
  const t = type.replace(/,/g, ' or ');
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** The known name closest to `word` (edit distance ≤ 2, or a prefix), if any. */
function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = distance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && k < best)) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 99;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
