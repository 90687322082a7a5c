import * as fs from 'fs';
import * as path from 'path';
import { Document } from 'yaml';
import { Problem, ValidationError } from '../errors';
import { YamlLimitError, YamlLimits, parseYamlDocuments, readYamlText, toJsSafe } from '../yaml';

/** One Kubernetes object read from a file, after Kustomize's namespace and images were applied. */
export interface SourceObject {
  /** The file it was read from (as given, relative to the working directory). */
  readonly file: string;
  /** 1-based index of the YAML document in that file. */
  readonly document: number;
  /** The object as the cluster receives it (placeholders resolved). */
  readonly json: Record<string, any>;
  /** Container images before Kustomize rewrote them, by field path. */
  readonly imagesBefore: Record<string, string>;
}

/** A kustomization read from the input. */
export interface SourceKustomization {
  readonly file: string;
  readonly namespace?: string;
  readonly images: readonly KustomizeImage[];
}

/** A kustomization `images:` entry. */
export interface KustomizeImage {
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
  readonly digest?: string;
}

/** Everything read from the input paths. */
export interface LoadedInput {
  readonly objects: SourceObject[];
  readonly kustomizations: SourceKustomization[];
  readonly files: string[];
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** The apiVersion kustomize gives a kustomization file that names none. */
const KUSTOMIZE_API_VERSION = 'kustomize.config.k8s.io/v1beta1';
const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images']);

/** Kinds without a namespace: Kustomize's `namespace` leaves them alone. */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding',
  'CustomResourceDefinition', 'PriorityClass', 'IngressClass', 'RuntimeClass', 'CSIDriver', 'CSINode',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'VolumeAttachment',
  'ClusterIssuer', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'FlowSchema',
  'PriorityLevelConfiguration', 'AppProject',
]);

/**
 * Reads YAML files, folders of YAML files and kustomization folders. Every
 * problem (unparseable YAML, a document without apiVersion/kind, duplicate
 * objects, unsupported kustomization fields) is collected and thrown at once
 * as a `ValidationError` naming the file and document index.
 */
export function loadInputs(paths: readonly string[], cwd: string, limits: YamlLimits = {}): LoadedInput {
  const problems: Problem[] = [];
  const objects: SourceObject[] = [];
  const kustomizations: SourceKustomization[] = [];
  const seen = new Set<string>();
  const files: string[] = [];

  const display = (abs: string) => {
    const rel = path.relative(cwd, abs);
    return !rel || rel.startsWith('..') ? abs : rel;
  };

  const readFile = (abs: string): Record<string, any>[] | undefined => {
    let text: string;
    try {
      // Size checked on disk before reading: a huge file is refused unread.
      text = readYamlText(abs, limits);
    } catch (e) {
      if (e instanceof ValidationError) problems.push(...e.problems.map(p => ({ ...p, path: display(abs) })));
      else problems.push({ path: display(abs), message: `cannot be read: ${(e as Error).message}` });
      return undefined;
    }
    files.push(display(abs));
    let list: Document.Parsed[];
    try {
      list = parseYamlDocuments(text, display(abs), limits);
    } catch (e) {
      if (!(e instanceof YamlLimitError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
    const out: Record<string, any>[] = [];
    const defaultsToKustomization = KUSTOMIZATION_FILES.includes(path.basename(abs)) && list.length === 1;
    list.forEach((doc, i) => {
      const where = { path: display(abs), field: `document ${i + 1}` };
      if (doc.errors.length) {
        const e = doc.errors[0];
        problems.push({ ...where, message: `is not valid YAML: ${e.message.split('\n')[0]}` });
        return;
      }
      const json = toJsSafe(doc) as any;
      if (json === null || json === undefined) { out.push(undefined as any); return; }
      if (typeof json !== 'object' || Array.isArray(json)) {
        problems.push({ ...where, message: 'must be a mapping (a Kubernetes object)', value: json });
        out.push(undefined as any);
        return;
      }
      if (defaultsToKustomization && json.apiVersion === undefined && json.kind === undefined) {
        // kustomize reads a kustomization file without apiVersion and kind (many hand-written ones have neither).
        out.push({ apiVersion: KUSTOMIZE_API_VERSION, kind: 'Kustomization', ...json });
        return;
      }
      for (const key of ['apiVersion', 'kind'] as const) {
        if (typeof json[key] !== 'string' || !json[key]) problems.push({ ...where, message: `has no '${key}'`, value: json[key] });
      }
      out.push(json);
    });
    return out;
  };

  const loadKustomization = (abs: string, k: Record<string, any>): void => {
    const dir = path.dirname(abs);
    const where = display(abs);
    for (const key of Object.keys(k)) {
      if (!KUSTOMIZATION_FIELDS.has(key)) {
        problems.push({ path: where, field: key, message: `is not supported by migrate (only resources, namespace and images are); render it first with "kubectl kustomize ${path.relative(cwd, dir) || '.'} > all.yaml" and migrate that` });
      }
    }
    const images: KustomizeImage[] = [];
    for (const [i, img] of (Array.isArray(k.images) ? k.images : []).entries()) {
      if (!img || typeof img.name !== 'string') {
        problems.push({ path: where, field: `images[${i}].name`, message: 'is required', value: img?.name });
        continue;
      }
      images.push({ name: img.name, newName: img.newName, newTag: img.newTag === undefined ? undefined : String(img.newTag), digest: img.digest });
    }
    const info: SourceKustomization = { file: where, namespace: typeof k.namespace === 'string' ? k.namespace : undefined, images };
    kustomizations.push(info);
    const start = objects.length;
    for (const [i, r] of (Array.isArray(k.resources) ? k.resources : []).entries()) {
      if (typeof r !== 'string' || /^[a-z]+:\/\//i.test(r) || r.includes('?ref=')) {
        problems.push({ path: where, field: `resources[${i}]`, message: 'must be a local file or folder (remote bases cannot be migrated)', value: r });
        continue;
      }
      const target = path.resolve(dir, r);
      if (!fs.existsSync(target)) {
        problems.push({ path: where, field: `resources[${i}]`, message: 'does not exist', value: r });
        continue;
      }
      loadPath(target);
    }
    for (let n = start; n < objects.length; n++) {
      objects[n] = applyKustomize(objects[n], info);
    }
  };

  const loadFile = (abs: string): void => {
    if (seen.has(abs)) return;
    seen.add(abs);
    const docs = readFile(abs);
    if (!docs) return;
    docs.forEach((json, i) => {
      if (!json || typeof json.kind !== 'string' || typeof json.apiVersion !== 'string') return;
      if (json.kind === 'Kustomization' && String(json.apiVersion).startsWith('kustomize.config.k8s.io/')) {
        loadKustomization(abs, json);
        return;
      }
      objects.push({ file: display(abs), document: i + 1, json, imagesBefore: {} });
    });
  };

  const loadPath = (abs: string): void => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      problems.push({ path: display(abs), message: 'does not exist' });
      return;
    }
    if (!stat.isDirectory()) return loadFile(abs);
    const k = KUSTOMIZATION_FILES.map(f => path.join(abs, f)).find(f => fs.existsSync(f));
    if (k) return loadFile(k);
    const yamls = fs.readdirSync(abs).filter(f => /\.ya?ml$/.test(f)).sort();
    if (!yamls.length) problems.push({ path: display(abs), message: 'has no kustomization.yaml and no .yaml files' });
    for (const f of yamls) loadFile(path.join(abs, f));
  };

  // Kustomizations first, so a file listed both directly and in a kustomization gets its namespace and images.
  const resolved = paths.map(p => path.resolve(cwd, p));
  const isKustomization = (abs: string) => KUSTOMIZATION_FILES.includes(path.basename(abs))
    || (fs.existsSync(abs) && fs.statSync(abs).isDirectory() && KUSTOMIZATION_FILES.some(f => fs.existsSync(path.join(abs, f))));
  for (const abs of [...resolved.filter(isKustomization), ...resolved.filter(p => !isKustomization(p))]) loadPath(abs);

  problems.push(...findDuplicates(objects));
  if (problems.length) throw new ValidationError(problems);
  if (!objects.length) throw new ValidationError([{ path: paths.join(', '), message: 'holds no Kubernetes objects' }]);
  return { objects, kustomizations, files };
}

/** Identity of an object in a cluster: API group, kind, namespace, name. */
export function objectKey(json: Record<string, any>): string {
  const group = String(json.apiVersion ?? '').includes('/') ? String(json.apiVersion).split('/')[0] : '';
  return `${group}/${json.kind}/${json.metadata?.namespace ?? ''}/${json.metadata?.name ?? ''}`;
}

function findDuplicates(objects: readonly SourceObject[]): Problem[] {
  const problems: Problem[] = [];
  const byKey = new Map<string, SourceObject>();
  for (const o of objects) {
    const name = o.json.metadata?.name;
    if (typeof name !== 'string' || !name) {
      problems.push({ path: o.file, field: `document ${o.document}`, message: "has no 'metadata.name'", value: name });
      continue;
    }
    const key = objectKey(o.json);
    const first = byKey.get(key);
    if (first) {
      problems.push({ path: o.file, field: `document ${o.document}`, message: `duplicates ${first.file} document ${first.document}: both are ${o.json.kind} ${JSON.stringify(name)}` });
    } else {
      byKey.set(key, o);
    }
  }
  return problems;
}

/** The pod specs of an object (Deployment, StatefulSet, Job, CronJob, Pod, …) with their field paths. */
export function podSpecs(json: Record<string, any>): [string, Record<string, any>][] {
  const out: [string, Record<string, any>][] = [];
  if (json.kind === 'Pod' && json.spec) out.push(['spec', json.spec]);
  if (json.spec?.template?.spec) out.push(['spec.template.spec', json.spec.template.spec]);
  if (json.spec?.jobTemplate?.spec?.template?.spec) out.push(['spec.jobTemplate.spec.template.spec', json.spec.jobTemplate.spec.template.spec]);
  return out;
}

/** Splits `name[:tag][@digest]` the way Kustomize matches images (by name). */
export function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) { digest = rest.slice(at + 1); rest = rest.slice(0, at); }
  let tag: string | undefined;
  const colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
  if (colon >= 0) { tag = rest.slice(colon + 1); rest = rest.slice(0, colon); }
  return { name: rest, tag, digest };
}

/**
 * Applies a kustomization to one object like `kustomize build`: its namespace
 * (to namespaced kinds) and its `images` entries, one after the other, so
 * `argocdimage` → `user/app:latest` → `user/app:<sha>` chains.
 */
function applyKustomize(o: SourceObject, k: SourceKustomization): SourceObject {
  const json = structuredClone(o.json);
  if (k.namespace && !CLUSTER_SCOPED_KINDS.has(json.kind)) {
    json.metadata = { ...json.metadata, namespace: k.namespace };
  }
  const imagesBefore = { ...o.imagesBefore };
  for (const [where, spec] of podSpecs(json)) {
    for (const list of ['initContainers', 'containers'] as const) {
      for (const [i, c] of (Array.isArray(spec[list]) ? spec[list] : []).entries()) {
        if (typeof c?.image !== 'string') continue;
        const field = `${where}.${list}[${i}].image`;
        let image: string = c.image;
        for (const img of k.images) {
          const parts = splitImage(image);
          if (parts.name !== img.name) continue;
          const name = img.newName ?? parts.name;
          let tag = parts.tag;
          let digest = parts.digest;
          if (img.newTag !== undefined) { tag = img.newTag; digest = undefined; }
          if (img.digest !== undefined) { digest = img.digest; tag = undefined; }
          image = `${name}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
        }
        if (image !== c.image) {
          imagesBefore[field] ??= c.image;
          c.image = image;
        }
      }
    }
  }
  return { ...o, json, imagesBefore };
}
