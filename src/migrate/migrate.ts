import { ARGO_FOLDER, isArgoApplicationObject } from './_argo-fit';
import { FieldChange, diffJson } from './_diff';
import { generateCode, GenerateOptions, MigratedAs, PlannedObject } from './_generate';
import { LoadedInput, loadInputs } from './_load';
import { RenderedObjects, runGeneratedCode } from './_run';
import { plaintextSecretProblems } from './_secrets';
import { strictProblems } from './_strict';
import { formatProblem, ValidationError } from '../errors';
import { validationGate } from '../validate/gate';
import { YamlLimits } from '../yaml';

export type { FieldChange } from './_diff';

/** Options of `migrate`. */
export interface MigrateOptions {
  /**
   * App name (the AppChart, `dist/<env>/<app>/`).
   *
   * @default - the first Deployment's name, else the first object's
   */
  readonly app?: string;
  /**
   * Environment name.
   *
   * @default 'dev'
   */
  readonly env?: string;
  /**
   * Namespace of the environment.
   *
   * @default - the kustomization's namespace, else the objects' most common one, else the environment name
   */
  readonly namespace?: string;
  /**
   * Reproduce the input exactly: no WebService; the other constructs where
   * `RenderedPatch`es can undo what they add, else typed k8s classes; and
   * JSON patches undoing whatever the constructs still change.
   *
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Module the generated code imports the constructs from.
   *
   * @default 'cdk8s-gitops'
   */
  readonly importFrom?: string;
  /**
   * Directory the input paths are relative to.
   *
   * @default process.cwd()
   */
  readonly cwd?: string;
  /**
   * Limits on each input file (size, alias expansion, nesting): a file over
   * one is refused (exit 2), naming it.
   *
   * @default - the yaml module's (256 MiB, an alias bomb's expansion, 1000 levels)
   */
  readonly yamlLimits?: YamlLimits;
}

/** One input object, what it became and how its rendered form differs. */
export interface MigratedObject {
  /** Input file and 1-based document index. */
  readonly file: string;
  readonly document: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** How it is written in code. */
  readonly as: MigratedAs;
  /** The class used. */
  readonly className: string;
  /** Its file in the rendered tree, if it renders. */
  readonly rendered?: string;
  /** Field differences, input → rendered (empty when equal). */
  readonly changes: readonly FieldChange[];
}

/** The result of `migrate`. */
export interface MigrateResult {
  /** The generated TypeScript program. */
  readonly code: string;
  readonly app: string;
  readonly env: string;
  readonly namespace: string;
  readonly strict: boolean;
  /** Every input object. */
  readonly objects: readonly MigratedObject[];
  /** Rendered objects that no input object became (e.g. a PodDisruptionBudget). */
  readonly added: readonly { readonly file: string; readonly json: Record<string, any> }[];
  /** Why objects were not written as a WebService or typed class. */
  readonly notes: readonly string[];
  /** True when the rendered objects equal the input objects exactly. */
  readonly exact: boolean;
  /**
   * The validation gate of the generated app: on (the program never opts
   * out), and the problems it reports on the rendered tree, one line each —
   * what the program's first synth refuses until they are fixed.
   */
  readonly gate: { readonly on: boolean; readonly problems: readonly string[] };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Migrates hand-written manifests (files, folders, kustomization folders) to
 * a cdk8s-gitops program. The program is then rendered in-process and every
 * rendered object is compared with its input object, field by field: the
 * result's `changes` are what the cluster would see change. Throws
 * `ValidationError` on bad input, when `strict` does not give the input
 * back exactly (naming file, field and value), and on a plaintext `Secret` (secret
 * values never go into source; the message leaves them out); writes nothing.
 */
export function migrate(paths: readonly string[], options: MigrateOptions = {}): MigrateResult {
  const input = loadInputs(paths, options.cwd ?? process.cwd(), options.yamlLimits);
  const env = options.env ?? 'dev';
  const namespace = options.namespace ?? defaultNamespace(input) ?? env;
  const app = options.app ?? defaultApp(input);
  const problems = [
    ...plaintextSecretProblems(input.objects),
    ...(!DNS_LABEL.test(app) ? [{ path: '--app', message: 'must be a DNS-1123 label (lowercase letters, digits, "-")', value: app }] : []),
    ...(!DNS_LABEL.test(env) ? [{ path: '--env', message: 'must be a DNS-1123 label (lowercase letters, digits, "-")', value: env }] : []),
    ...(env === ARGO_FOLDER && input.objects.some(isArgoApplicationObject)
      ? [{ path: '--env', message: `must not be "${ARGO_FOLDER}" when the input has Argo CD Applications: they are rendered to the ${ARGO_FOLDER}/ folder`, value: env }]
      : []),
  ];
  if (problems.length) throw new ValidationError(problems);
  const importFrom = options.importFrom ?? 'cdk8s-gitops';
  const strict = options.strict ?? false;
  const appFolderRequested = options.app !== undefined || options.env !== undefined;
  const base = { app, env, namespace, strict, importFrom, appFolderRequested };

  const pass = (generateOptions: GenerateOptions) => {
    let generated = generateCode(input, generateOptions);
    let run = runGeneratedCode(generated.code, importFrom);
    let compared = compare(input, generated.planned, run.objects);
    if (strict) {
      const patches = new Map(compared.objects.map((o, i) => [i, o.changes] as const));
      generated = generateCode(input, { ...generateOptions, patches });
      run = runGeneratedCode(generated.code, importFrom);
      compared = compare(input, generated.planned, run.objects);
    }
    const exact = compared.added.length === 0 && compared.objects.every(o => o.changes.length === 0 && o.rendered !== undefined);
    return { generated, run, compared, exact, notes: generated.notes };
  };
  let result = pass(base);
  const constructs = result.compared.objects.filter(o => STRICT_CONSTRUCTS.has(o.as));
  if (strict && !result.exact && constructs.length) {
    // A construct rendered what no patch undoes (an object the input lacks, e.g. a Worker's PodDisruptionBudget once
    // an Autoscaler's minimum is 2): those objects stay typed k8s objects, as the note says.
    const why = strictProblems(result.compared).map(formatProblem);
    const typed = pass({ ...base, strictConstructs: false });
    const which = constructs.map(o => `${o.kind} ${o.name} (${o.file}#${o.document})`).join(', ');
    const note = `--strict: ${which} stay typed k8s objects, not ${[...new Set(constructs.map(o => o.className))].join(', ')}: with them the output differs from the input where no RenderedPatch reaches (${why.slice(0, 3).join('; ')}${why.length > 3 ? `; and ${why.length - 3} more` : ''})`;
    result = { ...typed, notes: [...typed.notes, note] };
  }
  const { generated, run, compared, exact } = result;
  // --strict promises the input back exactly: anything else is an error naming file, field and value.
  if (strict && !exact) throw new ValidationError(strictProblems(compared));
  // The generated app keeps the validation gate: say now what its first synth will refuse.
  const gate = { on: run.gateOn, problems: validationGate()(run.tree).map(formatProblem) };
  return { code: generated.code, app, env, namespace, strict, ...compared, notes: result.notes, exact, gate };
}

/** The constructs --strict gives up (keeping their objects typed) when they do not give the input back exactly. */
const STRICT_CONSTRUCTS: ReadonlySet<MigratedAs> = new Set<MigratedAs>([
  'IngressRoute', 'GatewayHttpRoute', 'Autoscaler', 'NetworkAccess', 'NetworkIsolation', 'HashedConfigMap', 'ExternalSecret', 'SealedSecret',
]);

function compare(input: LoadedInput, planned: readonly PlannedObject[], rendered: RenderedObjects) {
  const left = new Map(rendered);
  const group = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
  const objects: MigratedObject[] = input.objects.map((o, index) => {
    const plan = planned.find(p => p.index === index)!;
    const { apiVersion, kind } = o.json;
    const candidates = [...left].filter(([, r]) => group(r.apiVersion) === group(apiVersion) && r.kind === kind && r.metadata?.name === plan.name);
    const match = candidates.find(([, r]) => r.metadata?.namespace === o.json.metadata?.namespace) ?? candidates[0];
    if (match) left.delete(match[0]);
    return {
      file: o.file,
      document: o.document,
      apiVersion,
      kind,
      name: o.json.metadata.name,
      as: plan.as,
      className: plan.className,
      rendered: match?.[0],
      changes: match ? diffJson(o.json, match[1]) : [],
    };
  });
  return { objects, added: [...left].map(([file, json]) => ({ file, json })) };
}

function defaultNamespace(input: LoadedInput): string | undefined {
  const k = input.kustomizations.find(x => x.namespace)?.namespace;
  if (k) return k;
  // An Argo CD Application lives in Argo CD's namespace: the app's is its destination.
  const counts = new Map<string, number>();
  for (const o of input.objects.filter(x => !isArgoApplicationObject(x))) {
    const ns = o.json.metadata?.namespace;
    if (typeof ns === 'string') counts.set(ns, (counts.get(ns) ?? 0) + 1);
  }
  const destination = input.objects.find(isArgoApplicationObject)?.json.spec?.destination?.namespace;
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? (typeof destination === 'string' ? destination : undefined);
}

function defaultApp(input: LoadedInput): string {
  const first = input.objects.find(o => o.json.kind === 'Deployment') ?? input.objects[0];
  const name = String(first.json.metadata.name).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return name || 'app';
}

/**
 * The differences as lines for people: one per object, then one per field
 * (`+ added`, `- removed`, `~ changed`), with field paths and values.
 */
export function formatDifferences(result: MigrateResult): string[] {
  const lines: string[] = [];
  for (const o of result.objects) {
    const head = `${o.kind} ${o.name} (${o.file}#${o.document}) → ${o.className}`;
    if (!o.rendered) {
      lines.push(`${head}: NOT RENDERED`);
      continue;
    }
    lines.push(o.changes.length ? `${head}: ${o.changes.length} difference${o.changes.length === 1 ? '' : 's'}` : `${head}: identical`);
    for (const c of o.changes) {
      if (c.op === 'added') lines.push(`  + ${c.field}: ${show(c.to)}`);
      else if (c.op === 'removed') lines.push(`  - ${c.field}: ${show(c.from)}`);
      else lines.push(`  ~ ${c.field}: ${show(c.from)} → ${show(c.to)}`);
    }
    if (o.kind === 'Deployment' && o.changes.some(c => c.field.startsWith('spec.selector'))) {
      lines.push('  ! spec.selector is immutable: the cluster must replace this Deployment (delete it, or sync once with Argo CD\'s Replace=true)');
    }
  }
  for (const a of result.added) lines.push(`+ ${a.json.kind} ${a.json.metadata?.name} (${a.file}): added by the constructs`);
  return lines;
}

function show(v: unknown): string {
  return JSON.stringify(v);
}
