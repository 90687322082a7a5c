import { FieldChange, diffJson } from './_diff';
import { fitMigrationJob, fitScheduledJob, isPreSyncJob } from './_job-fit';
import { SourceObject } from './_load';
import { Built, Misfit, OWNED_LABELS, formatMisfit, realize, usedNames } from './_pod-fit';
import { fieldPath, literal, str } from './_ts';
import { KindFit, KindFitOptions, fitWorker } from './_worker-fit';
import { AppChart } from '../constructs/app-chart';
import { Environment } from '../constructs/environment';
import { GitOpsApp } from '../constructs/gitops-app';
import { MigrationJob } from '../constructs/migration-job';
import { ScheduledJob } from '../constructs/scheduled-job';
import { Worker } from '../constructs/worker';
import { ValidationError, formatValue } from '../errors';
import { renderAppDetailed } from '../render/render';

/** A workload object written as its construct. */
export interface WorkloadFit extends KindFit {
  /** Comments written above it. */
  readonly comments: readonly string[];
}

/** Which input objects become `Worker`, `ScheduledJob` and `MigrationJob`, and why others do not. */
export interface WorkloadPlan {
  /** Input index → its construct. */
  readonly fits: ReadonlyMap<number, WorkloadFit>;
  /** Input objects a workload construct renders too (its ServiceAccount, its PodDisruptionBudget): index → the workload's class. */
  readonly covered: ReadonlyMap<number, KindFit['className']>;
  /** Why candidates stay typed k8s objects, naming file, field and value. */
  readonly notes: readonly string[];
}

/** Options of `planWorkloads`. */
export interface WorkloadPlanOptions {
  readonly app: string;
  readonly env: string;
  readonly namespace: string;
  readonly strict: boolean;
  /**
   * Whether a HorizontalPodAutoscaler of the input becomes an `Autoscaler` of
   * the Worker of Deployment `deployment` (which then renders no replicas).
   *
   * @default - never: a Deployment an HPA scales stays a typed k8s object
   */
  readonly becomesAutoscaler?: (hpa: SourceObject, deployment: string) => boolean;
}

const CONSTRUCTS = { Worker, ScheduledJob, MigrationJob } as const;
const MAX_MISFITS = 5;

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Maps the workload objects left over by the WebService fit to their
 * constructs: a Deployment no Service selects → `Worker`, a CronJob →
 * `ScheduledJob`, a Job that is an Argo CD PreSync hook → `MigrationJob`.
 *
 * Each candidate's construct is built and rendered on a scratch tree. Without
 * --strict it is used when its rendering keeps every field of the input (it
 * may only add: the secure defaults, its labels and selector, the main
 * container's name); with --strict when the construct accepts the values and
 * renders no object the input lacks (JSON patches undo the rest). Otherwise
 * the object stays a typed k8s object, with a note naming file, field and value.
 */
export function planWorkloads(objects: readonly SourceObject[], handled: ReadonlySet<number>, options: WorkloadPlanOptions): WorkloadPlan {
  const fits = new Map<number, WorkloadFit>();
  const consumed = new Map<number, KindFit['className']>();
  const notes: string[] = [];
  const services = objects.filter(o => o.json.kind === 'Service' && isObject(o.json.spec?.selector) && Object.keys(o.json.spec.selector).length);
  const serviceAccounts = new Map(objects.map((object, index) => ({ object, index }))
    .filter(s => !handled.has(s.index) && s.object.json.kind === 'ServiceAccount' && s.object.json.apiVersion === 'v1')
    .map(s => [String(s.object.json.metadata?.name), s] as const));
  const kindOptions: KindFitOptions = { strict: options.strict, serviceAccounts };
  // A Worker writes its replicas: with an autoscaler of its own, each sync would reset the scale.
  // A WebService selects its pods by the app name: a workload of that name would carry the same labels.
  const webService = objects.some((x, i) => handled.has(i) && x.json.kind === 'Deployment');
  const autoscalers = objects.filter(o => o.json.kind === 'HorizontalPodAutoscaler' && o.json.spec?.scaleTargetRef?.kind === 'Deployment');
  objects.forEach((o, index) => {
    const j = o.json;
    // Without a name it is no workload a construct can take (the typed class reports it).
    if (handled.has(index) || !isObject(j.metadata) || typeof j.metadata.name !== 'string') return;
    let candidate: { className: string; fit: () => KindFit | Misfit } | undefined;
    if (j.kind === 'Deployment' && !services.some(s => selects(s.json.spec.selector, j.spec?.template?.metadata?.labels))) {
      candidate = { className: 'Worker', fit: () => fitWorker(o, kindOptions) };
    } else if (j.kind === 'CronJob') {
      candidate = { className: 'ScheduledJob', fit: () => fitScheduledJob(o, kindOptions) };
    } else if (isPreSyncJob(o)) {
      candidate = { className: 'MigrationJob', fit: () => fitMigrationJob(o, kindOptions) };
    }
    if (!candidate) return;
    // Unless its only HPA becomes an Autoscaler of the Worker, which then writes no replicas.
    const scalers = candidate.className === 'Worker' && !options.strict ? autoscalers.filter(a => a.json.spec.scaleTargetRef.name === j.metadata?.name) : [];
    const scaler = scalers.length > 1 ? scalers[1] : scalers.find(a => !options.becomesAutoscaler?.(a, j.metadata?.name));
    let fit: KindFit | Misfit = scaler
      ? { field: 'spec.replicas', message: `is owned by HorizontalPodAutoscaler ${scaler.json.metadata?.name} (${scaler.file}#${scaler.document}), and a Worker writes its replicas`, value: j.spec?.replicas }
      : webService && j.metadata?.name === options.app
        ? { field: 'metadata.name', message: `is the app's name: a ${candidate.className}'s pods would carry the labels the WebService's Service selects (migrate with another --app)`, value: j.metadata.name }
        : candidate.fit();
    let checked = 'field' in fit ? { misfits: [fit], covers: [] } : check(fit, o, objects, options);
    if (options.strict && !('field' in fit) && checked.misfits.length && fit.props.serviceAccount !== undefined) {
      // With --strict the construct's ServiceAccount must equal the input's; else a patch writes serviceAccountName.
      const { serviceAccount: _, ...props } = fit.props;
      const alone: KindFit = { ...fit, props };
      const again = check(alone, o, objects, options);
      if (!again.misfits.length) [fit, checked] = [alone, again];
    }
    const misfits = checked.misfits;
    if ('field' in fit || misfits.length) {
      const shown = misfits.slice(0, MAX_MISFITS).map(formatMisfit).join('; ');
      const more = misfits.length > MAX_MISFITS ? `; and ${misfits.length - MAX_MISFITS} more` : '';
      notes.push(`${j.kind} ${j.metadata?.name} (${o.file}#${o.document}) stays a typed k8s object, not a ${candidate.className}: ${shown}${more}`);
      return;
    }
    for (const i of checked.covers) if (!consumed.has(i)) consumed.set(i, fit.className);
    fits.set(index, { ...fit, comments: comments(fit, o, options.strict) });
  });
  return { fits, covered: consumed, notes };
}

/** True when every label of the selector is on the pods. */
function selects(selector: Record<string, unknown>, podLabels: unknown): boolean {
  return isObject(podLabels) && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
}

function comments(fit: KindFit, o: SourceObject, strict: boolean): string[] {
  const out = [`${o.json.kind} ${o.json.metadata.name} (${o.file}#${o.document}) as a ${fit.className}${strict ? '' : ', with its secure defaults (see the differences migrate printed)'}.`];
  const hc = fit.props.healthCheck;
  if (hc instanceof Built && hc.code.startsWith('HealthCheck.none(')) out.push('The YAML has no probe: HealthCheck.none records why on the object (the probe rules\' waiver); write a real check.');
  const added = strict ? [] : (ADDED[fit.className] ?? []).filter(([prop]) => fit.props[prop] === undefined).map(([, what]) => what);
  if (added.length) out.push(`${fit.className} adds on purpose: ${added.join(', ')}.`);
  return out;
}

/** What a job kind sets where the input left Kubernetes' default: behaviour changes people should read. */
const ADDED: Record<string, readonly (readonly [string, string])[]> = {
  ScheduledJob: [
    ['timeZone', 'timeZone Etc/UTC (without one, the schedule was read in the controller\'s time zone)'],
    ['concurrencyPolicy', 'concurrencyPolicy Forbid (Kubernetes\' default is Allow: overlapping runs)'],
    ['backoffLimit', 'backoffLimit 2 (Kubernetes\' default is 6)'],
    ['activeDeadlineSeconds', 'activeDeadlineSeconds 3600 (a run is stopped after an hour)'],
    ['startingDeadlineSeconds', 'startingDeadlineSeconds 300 (a run missed by more is skipped)'],
  ],
  MigrationJob: [
    ['deletePolicy', 'the hook-delete-policy BeforeHookCreation'],
    ['backoffLimit', 'backoffLimit 1 (Kubernetes\' default is 6)'],
    ['activeDeadlineSeconds', 'activeDeadlineSeconds 600 (a migration is stopped after 10 minutes: set it if yours take longer)'],
  ],
};

/**
 * Builds the construct on a scratch tree. Returns what keeps it from
 * reproducing the input, and the other input objects it renders too.
 */
function check(fit: KindFit, o: SourceObject, objects: readonly SourceObject[], options: WorkloadPlanOptions): {
  misfits: Misfit[]; covers: number[];
} {
  const app = new GitOpsApp({ outdir: '.migrate-scratch', validate: false });
  const chart = new AppChart(new Environment(app, options.env, { namespace: options.namespace }), options.app);
  let rendered: ReadonlyMap<string, unknown>;
  try {
    new CONSTRUCTS[fit.className](chart, 'workload', realize(fit.props));
    rendered = renderAppDetailed(app).objects;
  } catch (e) {
    // The construct's own checks (all at once), or cdk8s-plus refusing a value: the program must not fail the same way.
    if (!(e instanceof ValidationError)) return { misfits: [{ field: fit.templateField, message: `is refused by ${fit.className}: ${(e as Error).message}` }], covers: [] };
    const misfits = e.problems.map(p => {
      const prop = (p.field ?? '').split(/[.[]/)[0];
      return { field: fit.fields[prop] ?? fit.templateField, message: `is refused by ${fit.className}${p.field ? ` ('${p.field}')` : ''}: ${p.message}`, value: p.value };
    });
    return { misfits, covers: [] };
  }
  const find = (kind: string, name: unknown) => [...rendered.values()].find((r: any) => r?.kind === kind && r.metadata?.name === name);
  const main = find(o.json.kind, o.json.metadata?.name);
  if (!main) return { misfits: [{ field: 'metadata.name', message: `is not the name the ${fit.className} renders`, value: o.json.metadata?.name }], covers: [] };
  const t = fit.templateField;
  const allowed = new Set([
    `${t}.spec.containers[0].name`,
    ...OWNED_LABELS.flatMap(k => [fieldPath('metadata.labels', k), fieldPath(`${t}.metadata.labels`, k)]),
  ]);
  const ownsSelector = (f: string) => f === 'spec.selector' || f.startsWith('spec.selector.');
  const misfits = options.strict ? [] : uncovered(o.json, main, '', { kind: fit.className, skip: f => allowed.has(f) || (fit.className === 'Worker' && ownsSelector(f)), template: t });
  const covers: number[] = [];
  // The other objects the construct renders (its ServiceAccount, a PodDisruptionBudget): an input object of the
  // same kind and name is rendered by the construct (when it keeps its fields), else two objects would share a file.
  for (const [file, r] of rendered as ReadonlyMap<string, any>) {
    if (r === main || file.endsWith('/kustomization.yaml')) continue;
    const index = objects.findIndex(x => x.json.kind === r.kind && x.json.metadata?.name === r.metadata?.name);
    const twin = objects[index];
    const budget = r.kind === 'PodDisruptionBudget';
    const where = budget ? { field: 'spec.replicas', value: o.json.spec?.replicas } : { field: t };
    if (!twin) {
      // Without --strict an added object is a reported difference; with it, no patch takes it away.
      if (options.strict) misfits.push({ ...where, message: `${budget ? 'is 2 or more: ' : ''}a ${fit.className} adds a ${r.kind} the input does not have` });
      continue;
    }
    if (options.strict) {
      // No patch reaches an object the construct renders itself: it must equal the input's.
      const fields = diffJson(twin.json, r).map(c => c.field);
      if (!fields.length) {
        covers.push(index);
        continue;
      }
      const shown = `${fields.slice(0, 3).join(', ')}${fields.length > 3 ? ` and ${fields.length - 3} more` : ''}`;
      const message = `makes the ${fit.className} render its own ${r.kind} ${r.metadata.name}, which differs from ${twin.file}#${twin.document} in ${shown} (no patch reaches it)`;
      misfits.push({ ...where, message });
      continue;
    }
    const differs = uncovered(twin.json, r, '', { kind: fit.className, skip: f => allowed.has(f) || (budget && ownsSelector(f)), template: t });
    misfits.push(...differs.map(m => ({ ...m, message: `of ${r.kind} ${r.metadata.name} (${twin.file}#${twin.document}) ${m.message}` })));
    if (!differs.length) covers.push(index);
  }
  return { misfits, covers };
}

interface Coverage {
  readonly kind: string;
  /** Fields the construct owns (its labels, selector, the main container's name). */
  readonly skip: (field: string) => boolean;
  /** The pod template's field: its first container is matched by position, the others by name. */
  readonly template: string;
}

/** The fields of `input` that `rendered` does not keep (missing, or with another value). */
function uncovered(input: unknown, rendered: unknown, field: string, c: Coverage): Misfit[] {
  if (c.skip(field) || input === null) return [];
  if (isObject(input)) {
    if (!isObject(rendered)) return [{ field, message: `is ${formatValue(rendered)} in a ${c.kind}`, value: input }];
    return Object.entries(input).flatMap(([k, v]) => {
      const f = fieldPath(field, k);
      if (v === null || c.skip(f)) return [];
      if (!(k in rendered)) return [{ field: f, message: `has no ${c.kind} prop`, value: v }];
      return uncovered(v, rendered[k], f, c);
    });
  }
  if (Array.isArray(input) && Array.isArray(rendered)) {
    const key = input.every(i => isObject(i) && typeof i.mountPath === 'string') ? 'mountPath'
      : input.every(i => isObject(i) && typeof i.name === 'string') && rendered.every(isObject) ? 'name' : undefined;
    if (key) {
      const containers = field === `${c.template}.spec.containers`;
      return input.flatMap((item, i) => {
        const f = fieldPath(field, i);
        const match = containers && i === 0 ? rendered[0] : rendered.find(r => r[key] === item[key]);
        return match === undefined ? [{ field: f, message: `has no ${c.kind} prop`, value: item }] : uncovered(item, match, f, c);
      });
    }
  }
  if (JSON.stringify(input) === JSON.stringify(rendered)) return [];
  if (typeof input === 'number' && rendered === String(input) && /\.resources\.(limits|requests)\.\w+$/.test(field)) return [];
  return [{ field, message: `is ${formatValue(rendered)} in a ${c.kind}`, value: input }];
}

/**
 * The statement writing a workload fit, with --strict's `RenderedPatch`es
 * undoing what the construct changes, bound to `binding` when given.
 * Returns its lines and the library names it uses.
 */
export function workloadCode(
  fit: WorkloadFit, id: string, patches: readonly FieldChange[] | undefined, variable: (base: string) => string, binding?: string,
): {
    lines: string[]; uses: string[];
  } {
  const uses = [fit.className, ...usedNames(fit.props)];
  const expr = `new ${fit.className}(chart, ${str(id)}, ${literal(fit.props)})`;
  const lines = fit.comments.map(c => `// ${c}`);
  // `binding`: the variable other statements (an Autoscaler, a NetworkAccess) refer to it by.
  if (!patches?.length) return { lines: [...lines, `${binding ? `const ${binding} = ` : ''}${expr};`], uses };
  const v = binding ?? variable(id);
  uses.push('RenderedPatch');
  return {
    lines: [
      ...lines,
      `const ${v} = ${expr};`,
      `// --strict: undo what ${fit.className} changes, so the output equals the input exactly.`,
      ...renderedPatchCode(`${v}.${fit.resource}`, patches),
    ],
    uses,
  };
}

/**
 * `RenderedPatch.of(<object>)` with one chained operation per difference,
 * undoing it (an added field removed, a removed one added back, a changed one
 * replaced by the input's value); no lines when nothing differs.
 */
export function renderedPatchCode(object: string, patches: readonly FieldChange[]): string[] {
  if (!patches.length) return [];
  const ops = patches.map(p => {
    if (p.op === 'added') return `  .remove(${str(p.pointer)})`;
    return `  .${p.op === 'removed' ? 'add' : 'replace'}(${str(p.pointer)}, ${literal(p.from, '  ')})`;
  });
  return [`RenderedPatch.of(${object})`, ...ops.slice(0, -1), `${ops[ops.length - 1]};`];
}
