import * as fs from 'fs';
import { isMap, isSeq, parseDocument } from 'yaml';
import { Duration } from './duration';
import { EnvironmentError, Problem, ValidationError, formatValue } from '../errors';

/** The conventional name of the pipeline file, at the repository root. */
export const DEFAULT_PIPELINE_FILE = 'pipeline.yaml';

const NAME = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

/** One stage of a promotion pipeline. */
export interface StageProps {
  /** The stage: an environment of the image pins file and the rendered tree, e.g. `prod`. */
  readonly name: string;
  /**
   * The stage a version comes from. Several stages may follow the same one
   * (a fan-out, e.g. `prod-eu` and `prod-us` after `staging`).
   *
   * @default - the stage listed before this one; none for the first stage
   */
  readonly after?: string;
  /**
   * How long a version must have run in the upstream stage (`after`) before
   * it may be promoted into this one, e.g. `24h`.
   *
   * @default '0s'
   */
  readonly soak?: string;
  /**
   * A person approves promotions into this stage: the generated `promote.yml`
   * runs them in the GitHub environment of the same name, whose required
   * reviewers gate the job.
   *
   * @default false
   */
  readonly approval?: boolean;
}

/** Options of {@link Pipeline}. */
export interface PipelineProps {
  /** The stages, upstream first. */
  readonly stages: readonly StageProps[];
  /**
   * Where the pipeline was defined, for messages.
   *
   * @default 'pipeline'
   */
  readonly source?: string;
}

/** A stage with its defaults resolved. */
export interface Stage {
  /** The stage's name. */
  readonly name: string;
  /** The upstream stage, or `undefined` for a first stage. */
  readonly after?: string;
  /** The soak required in the upstream stage before promotion into this one. */
  readonly soak: Duration;
  /** True if promotions into this stage need a person's approval. */
  readonly approval: boolean;
}

/**
 * The ordered stages a version moves through, e.g. `dev → staging → prod`,
 * or a fan-out from one stage to several. Promotion into a stage takes the
 * version from its upstream stage, once the rendered branch shows it ran
 * there for the stage's soak time.
 *
 * ```yaml
 * # pipeline.yaml
 * stages:
 *   - name: dev
 *   - name: staging
 *     soak: 1h
 *   - name: prod
 *     after: staging
 *     soak: 24h
 *     approval: true
 * ```
 */
export class Pipeline {
  /** Reads a pipeline file (see the class doc). Throws `ValidationError` naming the file and field. */
  public static load(file: string): Pipeline {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ValidationError([{
          path: file,
          message: 'pipeline file does not exist: create it with the stages in order, e.g. '
            + '"stages: [{name: dev}, {name: prod, soak: 24h}]" (see docs/ci-cd.md), or point to it with --pipeline',
        }], { cause: e });
      }
      throw new EnvironmentError(`cannot read pipeline file ${file}: ${(e as Error).message}`, { cause: e });
    }
    return Pipeline.parse(text, file);
  }

  /** Parses pipeline YAML; `file` names the source in messages. */
  public static parse(text: string, file: string = DEFAULT_PIPELINE_FILE): Pipeline {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) {
      throw new ValidationError(doc.errors.map(e => ({ path: file, message: `is not valid YAML: ${e.message.split('\n')[0]}` })));
    }
    const root = doc.contents;
    const stages = isMap(root) ? root.get('stages', true) : undefined;
    if (!isMap(root) || !isSeq(stages)) {
      throw new ValidationError([{ path: file, field: 'stages', message: 'must be a list of stages, e.g. "stages: [{name: dev}, {name: prod, soak: 24h}]"' }]);
    }
    const problems: Problem[] = [];
    for (const key of root.items.map(p => String((p.key as { value?: unknown })?.value ?? p.key))) {
      if (key !== 'stages') problems.push({ path: file, field: key, message: 'unknown field (only "stages")' });
    }
    const props: StageProps[] = [];
    (stages.toJSON() as unknown[]).forEach((s, i) => {
      const field = `stages[${i}]`;
      if (!s || typeof s !== 'object' || Array.isArray(s)) {
        problems.push({ path: file, field, message: 'must be a mapping with name, and optionally after, soak and approval', value: s });
        return;
      }
      const o = s as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        if (!['name', 'after', 'soak', 'approval'].includes(k)) problems.push({ path: file, field: `${field}.${k}`, message: 'unknown field (name, after, soak, approval)' });
      }
      for (const k of ['name', 'after', 'soak'] as const) {
        if (o[k] !== undefined && typeof o[k] !== 'string') problems.push({ path: file, field: `${field}.${k}`, message: 'must be a string', value: o[k] });
      }
      if (o.approval !== undefined && typeof o.approval !== 'boolean') problems.push({ path: file, field: `${field}.approval`, message: 'must be true or false', value: o.approval });
      props.push(o as unknown as StageProps);
    });
    if (problems.length > 0) throw new ValidationError(problems);
    return new Pipeline({ stages: props, source: file });
  }

  /** Where the pipeline was defined. */
  public readonly source: string;
  private readonly byName: ReadonlyMap<string, Stage>;

  constructor(props: PipelineProps) {
    this.source = props.source ?? 'pipeline';
    const problems: Problem[] = [];
    const byName = new Map<string, Stage>();
    if (props.stages.length === 0) problems.push({ path: this.source, field: 'stages', message: 'must list at least one stage' });
    props.stages.forEach((s, i) => {
      const field = `stages[${i}]`;
      if (typeof s.name !== 'string' || !NAME.test(s.name) || s.name.length > 63) {
        problems.push({ path: this.source, field: `${field}.name`, message: 'must be an environment name: lowercase letters, digits and "-"', value: s.name ?? null });
        return;
      }
      if (byName.has(s.name)) {
        problems.push({ path: this.source, field: `${field}.name`, message: 'is listed twice', value: s.name });
        return;
      }
      let soak = Duration.ZERO;
      try {
        if (s.soak !== undefined) soak = Duration.parse(s.soak, `${this.source}: ${field}.soak`);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        problems.push({ path: this.source, field: `${field}.soak`, message: e.problems[0].message, value: s.soak });
      }
      const after = s.after ?? (i > 0 ? props.stages[i - 1].name : undefined);
      if (s.after !== undefined && !byName.has(s.after)) {
        const why = props.stages.some(o => o.name === s.after) ? 'must name a stage listed before this one' : 'names no stage';
        problems.push({ path: this.source, field: `${field}.after`, message: `${why}; stages before it: ${list([...byName.keys()])}`, value: s.after });
      }
      if (i === 0 && s.soak !== undefined && soak.millis > 0) {
        problems.push({ path: this.source, field: `${field}.soak`, message: 'the first stage has no upstream to soak in; remove soak', value: s.soak });
      }
      byName.set(s.name, { name: s.name, after, soak, approval: s.approval ?? false });
    });
    if (problems.length > 0) throw new ValidationError(problems);
    this.byName = byName;
  }

  /** The stages, upstream first (the order they were listed in). */
  public get stages(): Stage[] {
    return [...this.byName.values()];
  }

  /** The stage called `name`, or `undefined`. */
  public tryStage(name: string): Stage | undefined {
    return this.byName.get(name);
  }

  /** The stage called `name`. Throws `ValidationError` listing the stages when there is none (`flag` names the argument). */
  public stage(name: string, flag: string = 'stage'): Stage {
    const s = this.byName.get(name);
    if (!s) {
      throw new ValidationError([{
        path: this.source,
        message: `unknown stage ${formatValue(name)} (${flag}); stages: ${list([...this.byName.keys()])}`,
      }]);
    }
    return s;
  }

  /** The stages upstream of `name`, nearest first (`prod` → `staging`, `dev`). */
  public upstreamOf(name: string): Stage[] {
    const out: Stage[] = [];
    for (let s = this.byName.get(name); s?.after !== undefined; s = this.byName.get(s.after)) out.push(this.byName.get(s.after)!);
    return out;
  }

  /** The stages that follow `name` directly. */
  public downstreamOf(name: string): Stage[] {
    return this.stages.filter(s => s.after === name);
  }

  /** `dev → staging → prod` (a fan-out as `staging → {prod-eu, prod-us}` chains, one line per leaf). */
  public describe(): string {
    const leaves = this.stages.filter(s => this.downstreamOf(s.name).length === 0);
    return leaves.map(l => [...this.upstreamOf(l.name).reverse().map(s => s.name), l.name].join(' → ')).join('; ');
  }
}

function list(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.join(', ');
}
