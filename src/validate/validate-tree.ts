import * as posix from 'path/posix';
import { schemaResult } from './_schemas';
import { duplicateObjectFindings, FolderObjects, objectIdentity, ObjectIdentity } from './duplicate-objects';
import { Finding, makeReport, ObjectLocation, Severity, ValidationReport, WaivedFinding } from './finding';
import { bundledKubernetesVersion, DEFAULT_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from './kubernetes-versions';
import { POLICY_RULES } from './rules';
import { withPodTemplateMemo } from './rules/_pod';
import { K8sObject, PolicyRule, TreeObject } from './rules/_rule';
import { treeShapeFindings } from './tree-shape';
import { ParsedDocument, parseYamlFile } from './yaml-safety';
import { ValidationError } from '../errors';
import { RenderedTree } from '../render/tree';

/** Annotation prefix of a waiver: `cdk8s-gitops.io/waive.<rule-id>: "<reason>"`. */
export const WAIVER_PREFIX = 'cdk8s-gitops.io/waive.';

/** Severity override for a rule id, or `off` to disable it. */
export type RuleSetting = Severity | 'off';

/** Options of `validateTree`. */
export interface ValidateTreeOptions {
  /**
   * Kubernetes version whose schemas objects are checked against: a bundled
   * minor, written `1.31`, `v1.31` or `1.31.4` (1.28 to 1.36 are bundled).
   *
   * @default - the newest bundled minor (`DEFAULT_KUBERNETES_VERSION`)
   */
  readonly kubernetesVersion?: string;
  /**
   * Per-rule severity overrides (`error`, `warning`) or `off`, by rule id.
   * Applies to policy rules and to `schema-unknown-kind`.
   *
   * @default - every rule at its documented severity
   */
  readonly rules?: Readonly<Record<string, RuleSetting>>;
  /**
   * Values already parsed, by tree path: for a file listed here validation
   * checks this value (one object per file) instead of parsing the text, and
   * skips the YAML-level checks (syntax, duplicate keys, YAML 1.1/1.2
   * ambiguity, unsafe characters). Only for text emitted from these very
   * values by the renderer (`renderAppDetailed`): its emitter (`toYaml` in
   * src/yaml/emit.ts) cannot write duplicate keys, quotes every string
   * YAML 1.1 or 1.2 would misread, and the renderer refuses unsafe
   * characters before emitting, so those checks hold by construction.
   * Files from disk or elsewhere must not be listed.
   *
   * @default - every file is parsed and fully checked
   */
  readonly objects?: ReadonlyMap<string, unknown>;
}

const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const POLICY_IDS = new Set(POLICY_RULES.map(r => r.id));

/** True if `file` is a Kustomize kustomization file. */
export function isKustomizationFile(file: string): boolean {
  // A tree path's last segment (paths never end in "/"); `posix.basename` costs more, called per rendered file.
  return KUSTOMIZATION_FILES.has(file.slice(file.lastIndexOf('/') + 1));
}

/** True if `file` holds Kubernetes YAML that validation reads. */
export function isYamlFile(file: string): boolean {
  return /\.ya?ml$/.test(file) || posix.basename(file) === 'Kustomization';
}

/** The object's identity for messages; tolerant of malformed objects. */
export function locate(file: string, obj: unknown): ObjectLocation {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { file };
  const o = obj as K8sObject;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return { file, kind: str(o.kind), namespace: str(o.metadata?.namespace), name: str(o.metadata?.name) };
}

/**
 * Validates a rendered tree in memory: YAML safety, strict schemas
 * (Kubernetes 1.28, Argo CD v1alpha1, kustomization), `resources` lists and
 * the default policy. Pure and synchronous; `kustomize build` is separate
 * (`checkKustomize`, or `validateDir`). Throws `ValidationError` only for bad
 * options (an unsupported Kubernetes version, an unknown rule id).
 */
export function validateTree(tree: RenderedTree, options: ValidateTreeOptions = {}): ValidationReport {
  return validateTreeParsed(tree, options);
}

/** An object of the tree with its location for findings. */
interface LocatedObject extends TreeObject {
  readonly loc: ObjectLocation;
}

/** Internal options of a run over part of a tree. */
export interface PartialRun {
  /** Check only the files of these folders (the rest of the tree is still seen by `resources` lookups). */
  readonly only?: ReadonlySet<string>;
  /**
   * Run the rules that span folders (tree shape, `object-duplicate`, and the
   * policy rules with `acrossFolders`, whose facts are returned per folder
   * instead). @default true
   */
  readonly crossFolder?: boolean;
  /**
   * Check each kustomization's `resources` list against the tree's paths
   * (`kustomizationResourceFindings`); a run over part of a tree that sees
   * only its own folders' paths (the gate's worker) leaves it to the caller. @default true
   */
  readonly resources?: boolean;
}

/** One object's fact for a policy rule that spans folders (see `PolicyRule.acrossFolders`), as kept per folder. */
export interface RuleFact {
  /** The rule id. */
  readonly rule: string;
  /** The object. */
  readonly loc: ObjectLocation;
  /** What the rule knows of it. */
  readonly fact: unknown;
  /** The reason of the object's waiver of this rule, if any. */
  readonly waiver?: string;
}

/**
 * Per-folder counts and object identities of a run over part of a tree
 * (`crossFolder: false`), for the caller that judges the folders together;
 * a run over the whole tree leaves them out (at 5,000 apps ~6 MiB that the
 * synth gate would hold for nothing).
 */
export interface FolderStats {
  readonly folderStats?: ReadonlyMap<string, { files: number; objects: number; identities: FolderObjects; facts: readonly RuleFact[] }>;
}

/**
 * `validateTree`, also recording each parsed file's document values in
 * `parsed` (path → values) so a later check (kustomize) need not parse again.
 * @internal
 */
export function validateTreeParsed(
  tree: RenderedTree, options: ValidateTreeOptions & PartialRun, parsed?: Map<string, unknown[]>,
): ValidationReport & FolderStats {
  // The objects do not change during the run: rules share each object's pod template.
  return withPodTemplateMemo(() => validateObjects(tree, options, parsed));
}

/**
 * The findings of the policy rules that span folders, from the facts of
 * every folder of a tree (see `PartialRun.crossFolder`): each fact's object
 * is judged against the facts of the whole tree, waivers honoured.
 * @internal
 */
export function acrossFolderFindings(
  facts: Iterable<RuleFact>, options: Pick<ValidateTreeOptions, 'rules'> = {},
): { findings: Finding[]; waived: WaivedFinding[] } {
  const byRule = new Map<string, RuleFact[]>();
  for (const f of facts) {
    let list = byRule.get(f.rule);
    if (!list) byRule.set(f.rule, list = []);
    list.push(f);
  }
  const findings: Finding[] = [];
  const waived: WaivedFinding[] = [];
  for (const rule of POLICY_RULES) {
    const list = byRule.get(rule.id);
    const severity = options.rules?.[rule.id] ?? rule.severity;
    if (!list || !rule.acrossFolders || severity === 'off') continue;
    const all = list.map(f => f.fact);
    for (const f of list) {
      for (const hit of rule.acrossFolders.check(f.fact, all)) {
        const finding: Finding = { ...f.loc, rule: rule.id, severity, ...hit };
        if (f.waiver !== undefined) waived.push({ ...finding, reason: f.waiver });
        else findings.push(finding);
      }
    }
  }
  return { findings, waived };
}

/** What one run of `validateObjects` gathers, file by file and then folder by folder. */
interface Run {
  readonly options: ValidateTreeOptions & PartialRun;
  readonly k8sVersion: string;
  readonly parsed?: Map<string, unknown[]>;
  readonly findings: Finding[];
  readonly waived: WaivedFinding[];
  readonly perFolder: Map<string, { files: number; objects: number }>;
  /** The objects of each folder, for the policy rules. */
  readonly folders: Map<string, LocatedObject[]>;
  readonly identities: Map<string, { namespace?: string; objects: ObjectIdentity[] }>;
  readonly kustomizations: { file: string; value: K8sObject }[];
  /** Facts of the rules that span folders, by folder (a run with `crossFolder: false`). */
  readonly facts: Map<string, RuleFact[]>;
  files: number;
  objects: number;
}

// The run is split into small functions (one file, one folder) rather than
// one loop body: a worker thread calls it once per batch of folders, and V8
// spent more compiling one large optimized function than running it.
function validateObjects(
  tree: RenderedTree, options: ValidateTreeOptions & PartialRun, parsed?: Map<string, unknown[]>,
): ValidationReport & FolderStats {
  checkOptions(options);
  const crossFolder = options.crossFolder ?? true;
  const run: Run = {
    options,
    k8sVersion: options.kubernetesVersion === undefined ? DEFAULT_KUBERNETES_VERSION : bundledKubernetesVersion(options.kubernetesVersion)!,
    parsed,
    findings: crossFolder ? treeShapeFindings(tree) : [],
    waived: [],
    perFolder: new Map(),
    folders: new Map(),
    identities: new Map(),
    kustomizations: [],
    facts: new Map(),
    files: 0,
    objects: 0,
  };
  // Paths first: a file's text is read only when its folder is checked (a DiskTree reads it from disk then).
  for (const file of tree.keys()) {
    if (!isYamlFile(file)) continue;
    const folder = posix.dirname(file);
    if (options.only && !options.only.has(folder)) continue;
    checkFile(run, tree, file, folder);
  }

  const all = [...run.folders.values()].flat();
  const rules = POLICY_RULES.map(rule => ({ rule, severity: options.rules?.[rule.id] ?? rule.severity })).filter(r => r.severity !== 'off');
  // In a run over part of a tree, rules that span folders leave a fact per object instead (judged over the whole tree by the caller).
  const spanning = crossFolder ? [] : rules.filter(r => r.rule.acrossFolders);
  const local = crossFolder ? rules : rules.filter(r => !r.rule.acrossFolders);
  for (const [dir, list] of run.folders) judgeFolder(run, dir, list, all, spanning, local);

  const { findings, waived, identities, perFolder, facts } = run;
  if (crossFolder) findings.push(...duplicateObjectFindings(identities as ReadonlyMap<string, FolderObjects>));
  if (options.resources ?? true) findings.push(...kustomizationResourceFindings(tree, run.kustomizations));
  if (crossFolder) return makeReport(findings, run.files, run.objects, waived);
  const folderStats = new Map([...perFolder].map(([dir, c]) => [dir, {
    ...c, identities: identities.get(dir) ?? { objects: [] }, facts: facts.get(dir) ?? [],
  }]));
  return { ...makeReport(findings, run.files, run.objects, waived), folderStats };
}

/** Parses (unless its object is given) and checks one file: YAML, identity, schema; keeps its objects for the rules. */
function checkFile(run: Run, tree: RenderedTree, file: string, folder: string): void {
  const { options, findings } = run;
  run.files++;
  let counts = run.perFolder.get(folder);
  if (!counts) run.perFolder.set(folder, counts = { files: 0, objects: 0 });
  counts.files++;
  const identitiesOf = () => {
    let entry = run.identities.get(folder);
    if (!entry) run.identities.set(folder, entry = { objects: [] });
    return entry;
  };
  const kustomization = isKustomizationFile(file);
  const given = options.objects?.get(file);
  const docs: readonly ParsedDocument[] = given !== undefined ? [{ value: given, problems: [] }] : parseYamlFile(tree.get(file)!);
  run.parsed?.set(file, docs.map(d => d.value));
  for (const doc of docs) {
    const loc = locate(file, doc.value);
    for (const p of doc.problems) findings.push({ ...loc, severity: 'error', ...p });
    if (doc.value === undefined || doc.value === null) continue;
    if (typeof doc.value !== 'object' || Array.isArray(doc.value)) {
      findings.push({ ...loc, rule: 'object-identity', severity: 'error', message: 'the document is not a mapping (an object with apiVersion, kind and metadata.name)', value: doc.value });
      continue;
    }
    const obj = doc.value as K8sObject;
    const schema = schemaResult(obj, kustomization, run.k8sVersion);
    if (kustomization) {
      for (const v of schema ?? []) findings.push({ ...loc, rule: 'kustomization-schema', severity: 'error', ...v });
      run.kustomizations.push({ file, value: obj });
      if (typeof obj.namespace === 'string' && obj.namespace !== '') identitiesOf().namespace = obj.namespace;
      continue;
    }
    run.objects++;
    counts.objects++;
    for (const p of identityProblems(obj)) findings.push({ ...loc, rule: 'object-identity', severity: 'error', ...p });
    const id = objectIdentity(file, obj);
    if (id) identitiesOf().objects.push(id);
    if (schema) {
      for (const v of schema) findings.push({ ...loc, rule: 'schema', severity: 'error', ...v });
    } else if (schema === null) {
      const s: RuleSetting = options.rules?.['schema-unknown-kind'] ?? 'warning';
      if (s !== 'off') {
        findings.push({ ...loc, rule: 'schema-unknown-kind', severity: s, field: 'kind', message: `no schema is bundled for ${obj.apiVersion} ${obj.kind} (Kubernetes ${run.k8sVersion}, Argo CD, HTTPRoute, ExternalSecret, SealedSecret and Certificate only): the object was not schema-checked`, value: obj.kind });
      }
    }
    let list = run.folders.get(folder);
    if (!list) run.folders.set(folder, list = []);
    list.push({ file, object: obj, loc });
  }
}

/** Runs the policy rules on one folder's objects (`spanning` ones leave a fact instead), waivers honoured. */
function judgeFolder(
  run: Run, dir: string, list: readonly LocatedObject[], all: readonly LocatedObject[],
  spanning: readonly { rule: PolicyRule }[], local: readonly { rule: PolicyRule; severity: RuleSetting }[],
): void {
  for (const item of list) {
    const loc = item.loc;
    const waivers = readWaivers(item.object, loc, run.findings);
    for (const { rule } of spanning) {
      const fact = rule.acrossFolders!.fact(item.object);
      if (fact === undefined) continue;
      let kept = run.facts.get(dir);
      if (!kept) run.facts.set(dir, kept = []);
      const waiver = waivers.get(rule.id);
      kept.push({ rule: rule.id, loc, fact, ...(waiver !== undefined ? { waiver } : {}) });
    }
    const context = { object: item.object, file: item.file, folder: list, tree: all };
    for (const { rule, severity: s } of local) {
      if (s === 'off') continue;
      for (const hit of rule.check(context)) {
        const f: Finding = { ...loc, rule: rule.id, severity: s, ...hit };
        const reason = waivers.get(rule.id);
        if (reason !== undefined) run.waived.push({ ...f, reason });
        else run.findings.push(f);
      }
    }
  }
}

/**
 * Refuses bad options (an unsupported Kubernetes version, an unknown rule id
 * or setting) with a `ValidationError`, as `validateTree` does.
 * @internal
 */
export function checkOptions(options: ValidateTreeOptions): void {
  const v = options.kubernetesVersion;
  if (v !== undefined && bundledKubernetesVersion(v) === undefined) {
    const all = SUPPORTED_KUBERNETES_VERSIONS;
    throw new ValidationError([{ path: 'kubernetesVersion', message: `schemas are bundled for Kubernetes ${all[0]} to ${all[all.length - 1]} only; pass one of ${all.join(', ')}`, value: v }]);
  }
  const known = new Set([...POLICY_IDS, 'schema-unknown-kind']);
  const bad = Object.entries(options.rules ?? {}).filter(([id, s]) => !known.has(id) || !['error', 'warning', 'off'].includes(s));
  if (bad.length) {
    throw new ValidationError(bad.map(([id, s]) => (known.has(id)
      ? { path: `rules.${id}`, message: 'must be "error", "warning" or "off"', value: s }
      : { path: `rules.${id}`, message: `is not a rule that can be configured (known: ${[...known].sort().join(', ')})`, value: id })));
  }
}

function identityProblems(obj: K8sObject): { field: string; message: string; value?: unknown }[] {
  const out: { field: string; message: string; value?: unknown }[] = [];
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') out.push({ field: 'apiVersion', message: 'is required (a non-empty string)', value: obj.apiVersion });
  if (typeof obj.kind !== 'string' || obj.kind === '') out.push({ field: 'kind', message: 'is required (a non-empty string)', value: obj.kind });
  if (typeof obj.metadata?.name !== 'string' || obj.metadata.name === '') {
    out.push({ field: 'metadata.name', message: 'is required: every object on the branch needs a name (generateName does not work with GitOps)', value: obj.metadata?.name });
  }
  return out;
}

/** Reads `cdk8s-gitops.io/waive.<rule>` annotations; reports empty reasons and unknown rules. */
function readWaivers(obj: K8sObject, loc: ObjectLocation, findings: Finding[]): Map<string, string> {
  const out = new Map<string, string>();
  const annotations = obj.metadata?.annotations;
  if (!annotations || typeof annotations !== 'object') return out;
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(WAIVER_PREFIX)) continue;
    const id = key.slice(WAIVER_PREFIX.length);
    const field = `metadata.annotations[${JSON.stringify(key)}]`;
    if (!POLICY_IDS.has(id)) {
      findings.push({ ...loc, rule: 'waiver-unknown-rule', severity: 'warning', field, message: `waives "${id}", which is not a policy rule (see docs/validation.md): it has no effect`, value: id });
      continue;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      findings.push({ ...loc, rule: 'waiver-reason', severity: 'error', field, message: 'a waiver needs a non-empty reason, e.g. "reads the Kubernetes API to discover peers"', value });
      continue;
    }
    out.set(id, value.trim());
  }
  return out;
}

/**
 * The `kustomization-resources` findings of these kustomizations (file → its
 * value): each lists exactly the YAML files beside it, and only paths of `tree`.
 * @internal
 */
export function kustomizationResourceFindings(tree: RenderedTree, kustomizations: Iterable<{ file: string; value: K8sObject }>): Finding[] {
  let index: FolderIndex | undefined;
  const findings: Finding[] = [];
  for (const k of kustomizations) findings.push(...checkResources(tree, index ??= folderIndex(tree), k.file, k.value));
  return findings;
}

/** Files by folder, and every folder that has files below it. */
interface FolderIndex {
  readonly files: Map<string, string[]>;
  readonly dirs: Set<string>;
}

function folderIndex(tree: RenderedTree): FolderIndex {
  const files = new Map<string, string[]>();
  const dirs = new Set<string>();
  for (const p of tree.keys()) {
    const dir = posix.dirname(p);
    let list = files.get(dir);
    if (!list) files.set(dir, list = []);
    list.push(p);
    for (let d = dir; d !== '.' && !dirs.has(d); d = posix.dirname(d)) dirs.add(d);
  }
  return { files, dirs };
}

/** A kustomization lists exactly the YAML files beside it, and only files that exist. */
function checkResources(tree: RenderedTree, index: FolderIndex, file: string, k: K8sObject): Finding[] {
  const folder = posix.dirname(file);
  const loc: ObjectLocation = { file };
  const findings: Finding[] = [];
  const resources: unknown[] = Array.isArray(k.resources) ? k.resources : [];
  const listed = new Set<string>();
  resources.forEach((r, i) => {
    if (typeof r !== 'string') return;
    const resolved = posix.normalize(posix.join(folder, r));
    if (listed.has(resolved)) {
      findings.push({ ...loc, rule: 'kustomization-resources', severity: 'error', field: `resources[${i}]`, message: 'is listed twice: kustomize fails with "may not add resource with an already registered id"', value: r });
    }
    listed.add(resolved);
    const exists = tree.has(resolved) || index.dirs.has(resolved);
    if (!exists && !/^[a-z]+:\/\//.test(r)) {
      findings.push({ ...loc, rule: 'kustomization-resources', severity: 'error', field: `resources[${i}]`, message: 'names a file that is not in the tree: kustomize build fails', value: r });
    }
  });
  for (const p of index.files.get(folder) ?? []) {
    if (isKustomizationFile(p) || !/\.ya?ml$/.test(p)) continue;
    if (!listed.has(p)) {
      findings.push({ ...loc, rule: 'kustomization-resources', severity: 'error', field: 'resources', message: `does not list ${posix.basename(p)}, which sits beside it: Argo CD would never apply that file`, value: posix.basename(p) });
    }
  }
  return findings;
}
