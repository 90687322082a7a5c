import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { withFastToJson } from './_fast-to-json';
import { HeapBound } from './_heap-bound';
import { KUSTOMIZATION_FILE, apiGroup, objectFileName } from './layout';
import { isBlankText, RenderedTree, sortTree, TextsOnDemand, unsafeTreePath } from './tree';
import { chartObjects } from '../constructs/_chart-objects';
import { DeferredParts, rawChildren, walkTree } from '../constructs/_deferred';
import { CLUSTER_SCOPED_KINDS } from '../constructs/_tenancy';
import { withTreeWalk } from '../constructs/_tree-walk';
import { GitOpsChart } from '../constructs/gitops-chart';
import { validateConstruct } from '../constructs/problem-validation';
import { RenderedPatch } from '../constructs/rendered-patch';
import { Problem, ValidationError } from '../errors';
import { findUnsafeStrings, hasUnsafeStrings, toYaml } from '../yaml';

interface RenderedObject {
  /** The object's construct (its path names it in problems; computed only for a problem). */
  readonly obj: ApiObject;
  readonly json: Record<string, any>;
  file: string;
}

/** A rendered tree and the objects its files were emitted from. */
export interface RenderedApp {
  /** The rendered tree (path → YAML text), as `renderApp` returns it. */
  readonly tree: RenderedTree;
  /**
   * Path → the JSON value the file's text was emitted from by `toYaml`
   * (one object per file), for every file but those of the charts
   * `onChart` took or checks. Parsing the text gives the same value back.
   * Validators use it to skip re-parsing (see `validateTree`'s `objects`).
   */
  readonly objects: ReadonlyMap<string, unknown>;
}

/**
 * Where `renderAppDetailed` hands each file's text as soon as it is emitted,
 * so the rendered tree need not hold every text (e.g. a `StagedTree` writing
 * them into the output's temporary directory).
 */
export interface TextSink {
  /**
   * Takes one file's text. Returns `true` when `read` can give it back, so the
   * tree does not hold it; `false` (e.g. it could not be written) keeps it in the tree.
   */
  write(path: string, text: string): boolean;
  /** The text of a file `write` took. */
  read(path: string): string;
}

/** Options of `renderAppDetailed`. */
export interface RenderOptions {
  /**
   * Hand each text to this sink as soon as it is emitted; the returned tree
   * then reads the texts it took back from it (`TextsOnDemand`).
   *
   * @default - every text is held in the returned tree
   */
  readonly sink?: TextSink;
  /**
   * Called with each chart's files and the objects their texts are emitted
   * from (e.g. to check them in a worker while the next charts render). With
   * a `sink`, it is called before they are emitted, and returning `true` hands
   * them over: the callee emits each with `toYaml` and writes the text where
   * `sink.read` finds it (e.g. a worker thread writing into the folder of a
   * `StagedTree`), and the render neither emits nor keeps them; returning
   * `'check'` means the callee checks the objects: the render emits and
   * writes them but does not keep them.
   *
   * @default - nothing is called
   */
  readonly onChart?: (files: [string, unknown][]) => boolean | 'check' | void;
  /**
   * Deferred workloads (see `DeferredParts`) the render builds for good
   * before its first chart when the app has no more; a larger app builds
   * each with its chart and drops it after.
   * @internal
   */
  readonly _prebuildLimit?: number;
  /** Called once the render knows its charts, before the first. @internal */
  readonly _onPlan?: (plan: RenderPlan) => void;
}

/** What a render is about to do. @internal */
export interface RenderPlan {
  /** True if it builds the deferred workloads chart by chart (an app of more than the prebuild limit). */
  readonly buildsPerChart: boolean;
}

/**
 * Up to this many deferred workloads, a render builds them all for good
 * before its first chart, as if the tree had been built with them: the
 * whole process is ≈ 5% faster at 1,000 apps × 2 environments (the objects
 * are built in one pass, before the gate's worker starts, and never
 * dropped) for ≈ 11 KB of heap per workload. A larger estate builds each
 * workload with its chart and drops it after, holding one chart's objects
 * at a time.
 */
const PREBUILD_LIMIT = 4096;

/**
 * Renders every chart of `app` to an in-memory tree, writing nothing.
 * Runs all construct validations first and reports every problem at once;
 * throws `ValidationError` on bad input.
 */
export function renderApp(app: App): RenderedTree {
  return renderAppDetailed(app).tree;
}

/**
 * `renderApp`, also returning the object each file was emitted from, so a
 * gate can validate the objects instead of parsing the text back.
 */
export function renderAppDetailed(app: App, options: RenderOptions = {}): RenderedApp {
  // One walk of the tree for the validations (those that look at the whole
  // tree share it, see `withTreeWalk`) and the chart order.
  const all = walkTree(app);
  const problems = validationProblems(app, all);
  if (problems.length) throw new ValidationError(problems);

  const files: [string, string | undefined][] = [];
  const objects = new Map<string, unknown>();
  const folders = new Map<string, string>();
  const identities: Identities = new Map();
  const heap = new HeapBound({ every: 128, growth: 64 * 2 ** 20, floor: 192 * 2 ** 20 });
  const charts = chartsInOrder(app, all);
  const buildsPerChart = !prebuild(all, options._prebuildLimit ?? PREBUILD_LIMIT);
  options._onPlan?.({ buildsPerChart });
  for (const chart of charts) {
    heap.tick(rawChildren(chart).length);
    if (!GitOpsChart.isGitOpsChart(chart)) {
      problems.push({ path: chart.node.path, message: 'is a plain cdk8s Chart; put objects in an AppChart (one app in one Environment) so they have a folder in the rendered tree' });
      continue;
    }
    const why = unsafeTreePath(chart.folder);
    if (why) {
      problems.push({ path: chart.node.path, field: 'folder', message: `must be a relative path inside the tree; it ${why}`, value: chart.folder });
      continue;
    }
    const other = folders.get(chart.folder);
    if (other !== undefined) {
      problems.push({ path: chart.node.path, field: 'name', message: `renders to the folder ${chart.folder}/ that ${other} renders to already: app names must be unique in an environment`, value: chart.folder.split('/').pop() });
      continue;
    }
    folders.set(chart.folder, chart.node.path);
    const rendered = withFastToJson(() => renderChart(chart, problems, identities));
    // Handed over (to be emitted and written by the callee where the sink reads them), or emitted here.
    const handling = options.sink && options.onChart && !problems.length ? options.onChart(rendered) : undefined;
    if (handling === true) {
      for (const [file] of rendered) files.push([file, undefined]);
      continue;
    }
    for (const [file, json] of rendered) {
      const text = toYaml(json);
      // A blank text stays in the tree too, so that the gate's empty-file rule reads nothing back (`TextsOnDemand`).
      files.push([file, options.sink?.write(file, text) && !isBlankText(text) ? undefined : text]);
      if (handling !== 'check') objects.set(file, json);
    }
    if (options.onChart && !options.sink && !problems.length) options.onChart(rendered);
  }
  if (problems.length) throw new ValidationError(problems);
  const sink = options.sink;
  // Without a sink every text is a string (renderChart returns `undefined` only for a text the sink took).
  return { tree: sink ? new TextsOnDemand(sortTree(files), p => sink.read(p)) : sortTree(files as [string, string][]), objects };
}

/**
 * The app's charts in `app.charts` order. cdk8s sorts them topologically
 * through a graph of every construct of the app, keyed by path in a plain
 * object (a fifth of the render at 1,000 apps); with no dependency anywhere in the
 * app that order is the key order of such an object, so only an app with
 * dependencies pays for the graph.
 */
function chartsInOrder(app: App, all: readonly IConstruct[]): Chart[] {
  const byPath: Record<string, Chart> = {};
  for (const c of all) {
    if (c.node.dependencies.length > 0) return app.charts;
    if (c instanceof Chart) byPath[c.node.path] = c;
  }
  return Object.values(byPath);
}

/** Builds for good the deferred parts under `all` that are not built, if there are at most `limit`: true if it did. */
function prebuild(all: readonly IConstruct[], limit: number): boolean {
  const pending: DeferredParts[] = [];
  for (const c of all) {
    const parts = DeferredParts.of(c);
    if (parts?.pending) pending.push(parts);
  }
  if (pending.length > limit) return false;
  for (const parts of pending) parts.ensure();
  return true;
}

/** Object identities (destination and identity) → the first object rendering one, or its construct path. */
type Identities = Map<string, ApiObject | string>;

/** The chart's files (tree path → the object to emit it from), its problems added to `problems`. */
function renderChart(chart: GitOpsChart, problems: Problem[], identities: Identities): [string, unknown][] {
  // The workloads' deferred objects are built for this chart only, and dropped once it is rendered.
  const transient: DeferredParts[] = [];
  try {
    const objects = chartObjects(chart, transient);
    return renderChartObjects(chart, objects, problems, identities, transient.length > 0);
  } finally {
    for (const parts of transient) parts.release();
  }
}

function renderChartObjects(
  chart: GitOpsChart, all: readonly ApiObject[], problems: Problem[], identities: Identities, dropped: boolean,
): [string, unknown][] {
  const objects: RenderedObject[] = [];
  const kustomization = chart.kustomization;
  const labels = kustomization?.commonLabels ?? {};
  const annotations = kustomization?.commonAnnotations ?? {};
  for (const obj of all) {
    // The construct path (a walk up the tree and a join) only names problems: computed for one.
    const json = withRenderedPatches(obj, problems);
    const kind = json?.kind;
    const name = json?.metadata?.name;
    if (typeof json?.apiVersion !== 'string' || !json.apiVersion) problems.push({ path: obj.node.path, field: 'apiVersion', message: 'is required', value: json?.apiVersion });
    if (typeof kind !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) problems.push({ path: obj.node.path, field: 'kind', message: 'is required and must be alphanumeric', value: kind });
    if (typeof name !== 'string' || !name || name.includes('/') || name === '.' || name === '..') {
      problems.push({ path: obj.node.path, field: 'metadata.name', message: 'is required and must not contain "/"', value: name });
      continue;
    }
    applyCommonMetadata(json, labels, annotations);
    if (hasUnsafeStrings(json)) problems.push(...findUnsafeStrings(json, obj.node.path));
    objects.push({ obj, json, file: '' });
  }
  assignFileNames(chart, objects, problems);
  if (chart.destination !== undefined) checkIdentities(chart, chart.destination, objects, identities, problems, dropped);
  const out: [string, unknown][] = objects.map(o => [`${chart.folder}/${o.file}`, o.json]);
  if (kustomization) {
    const k = kustomization.toJson(objects.map(o => o.file));
    if (hasUnsafeStrings(k)) problems.push(...findUnsafeStrings(k, kustomization.node.path));
    out.push([`${chart.folder}/${KUSTOMIZATION_FILE}`, k]);
  }
  return out;
}

/** Names each object's file; qualifies the kind with its API group on a clash; duplicates are errors. */
function assignFileNames(chart: GitOpsChart, objects: RenderedObject[], problems: Problem[]): void {
  const ns = chart.namespace;
  const byFile = new Map<string, RenderedObject[]>();
  for (const o of objects) {
    o.file = objectFileName(o.json.kind, o.json.metadata.name, o.json.metadata.namespace, ns);
    byFile.set(o.file, [...(byFile.get(o.file) ?? []), o]);
  }
  for (const [file, clash] of byFile) {
    if (clash.length < 2) continue;
    const groups = new Set(clash.map(o => apiGroup(o.json.apiVersion)));
    if (groups.size === clash.length) {
      for (const o of clash) {
        const group = apiGroup(o.json.apiVersion);
        if (group) o.file = objectFileName(o.json.kind, o.json.metadata.name, o.json.metadata.namespace, ns, group);
      }
      continue;
    }
    problems.push({
      path: clash[1].obj.node.path,
      field: 'metadata.name',
      message: `duplicates ${clash[0].obj.node.path}: both are ${clash[0].json.kind} ${JSON.stringify(clash[0].json.metadata.name)} and would be written to ${chart.folder}/${file}`,
      value: clash[1].json.metadata.name,
    });
  }
}

/**
 * Two charts applying the same object identity (group, kind, namespace,
 * name) to one cluster would have two Argo CD Applications overwrite each
 * other at run time: refused here, naming both construct paths.
 */
function checkIdentities(
  chart: GitOpsChart, destination: string, objects: RenderedObject[], seen: Identities, problems: Problem[], dropped: boolean,
): void {
  let chartPath: string | undefined;
  for (const o of objects) {
    const { kind, metadata } = o.json;
    const group = apiGroup(o.json.apiVersion);
    const namespace = CLUSTER_SCOPED_KINDS.has(kind) ? '' : metadata.namespace ?? chart.namespace ?? '';
    const identity = `${group}/${kind} ${namespace ? `${namespace}/` : ''}${metadata.name}`;
    const key = `${destination}\n${identity}`;
    const first = seen.get(key);
    if (first === undefined) {
      // The object, or its path if the chart's objects are dropped after its render (deferred workloads).
      seen.set(key, dropped ? pathUnder(chart, (chartPath ??= chart.node.path), o.obj) : o.obj);
    } else if (typeof first === 'string' ? first !== o.obj.node.path : first !== o.obj) {
      problems.push({
        path: o.obj.node.path,
        field: 'metadata.name',
        message: `is the object ${identity} that ${typeof first === 'string' ? first : first.node.path} renders too, for the same cluster ${destination}: two Applications would overwrite each other; rename one or render it once`,
        value: metadata.name,
      });
    }
  }
}

/** `obj.node.path`, for an object under `chart` whose path is `chartPath` (without walking up to the root for each object). */
function pathUnder(chart: GitOpsChart, chartPath: string, obj: ApiObject): string {
  let path = obj.node.id;
  for (let c = obj.node.scope; c !== undefined && c !== chart; c = c.node.scope) path = `${c.node.id}/${path}`;
  return chartPath ? `${chartPath}/${path}` : path;
}

/**
 * Writes the kustomization's common labels/annotations into the raw object,
 * where kustomize would put them, so raw files and `kustomize build` agree.
 */
function applyCommonMetadata(json: Record<string, any>, labels: Record<string, string>, annotations: Record<string, string>): void {
  if (Object.keys(labels).length) {
    json.metadata.labels = sortKeys({ ...json.metadata.labels, ...labels });
  }
  if (Object.keys(annotations).length) {
    json.metadata.annotations = sortKeys({ ...json.metadata.annotations, ...annotations });
    for (const at of ANNOTATED_TEMPLATES[json.kind] ?? []) {
      const parent = at.reduce<any>((o, k) => o?.[k], json);
      if (parent && typeof parent === 'object') {
        parent.metadata = { ...parent.metadata, annotations: sortKeys({ ...parent.metadata?.annotations, ...annotations }) };
      }
    }
  }
}

/** Where kustomize's `commonAnnotations` also go, by kind (its built-in field specs). */
const ANNOTATED_TEMPLATES: Record<string, string[][]> = {
  Deployment: [['spec', 'template']],
  ReplicaSet: [['spec', 'template']],
  DaemonSet: [['spec', 'template']],
  StatefulSet: [['spec', 'template']],
  Job: [['spec', 'template']],
  ReplicationController: [['spec', 'template']],
  CronJob: [['spec', 'jobTemplate'], ['spec', 'jobTemplate', 'spec', 'template']],
};

function sortKeys<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Runs every construct's validations (`node.addValidation`): every problem of every construct, at once. */
export function collectValidationProblems(root: IConstruct): Problem[] {
  return validationProblems(root, walkTree(root));
}

/** `collectValidationProblems` over `all`, the walk of `root`'s tree (shared with whole-tree validations when `root` is the tree's root). */
function validationProblems(root: IConstruct, all: readonly IConstruct[]): Problem[] {
  const problems: Problem[] = [];
  const run = () => {
    for (const c of all) {
      const found = validateConstruct(c);
      if (found.length) problems.push(...found);
    }
  };
  if (root.node.scope === undefined) withTreeWalk(root, all, run);
  else run();
  return problems;
}

/** The object's JSON with its `RenderedPatch`es applied last; a patch that does not apply is a problem naming it. */
function withRenderedPatches(obj: ApiObject, problems: Problem[]): any {
  let json = obj.toJson();
  for (const op of RenderedPatch.patchesOf(obj)) {
    const pointer = op.path.split('/').slice(1).map(t => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    // `add` needs the parent, `replace` and `remove` the target itself (JSON Patch, RFC 6902).
    const mustExist = op.op === 'add' ? pointer.slice(0, -1) : pointer;
    if (!op.path.startsWith('/') || !exists(json, mustExist)) {
      problems.push({ path: obj.node.path, field: 'RenderedPatch', message: `does not apply: ${op.op === 'add' ? 'the parent of ' : ''}${op.path} does not exist in the rendered object`, value: op });
      continue;
    }
    json = JsonPatch.apply(json, op.op === 'remove' ? JsonPatch.remove(op.path) : JsonPatch[op.op](op.path, op.value));
  }
  return json;
}

function exists(json: unknown, pointer: readonly string[]): boolean {
  let at: any = json;
  for (const token of pointer) {
    if (at === null || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, token)) return false;
    at = at[token];
  }
  return true;
}
