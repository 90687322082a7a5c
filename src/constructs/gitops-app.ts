import * as path from 'path';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkTeam } from './_tenancy';
import { Problem, ValidationError } from '../errors';
import { ImageRef } from '../image-ref';
import { RenderedApp, renderAppDetailed, TextSink } from '../render/render';
import { RenderedTree, StagedTree } from '../render/tree';
import { GateWorkers, isValidationGate, prefillPluginCache, validationGate } from '../validate/gate';

/** Where image pins come from (the pins file, `ImagePins`). */
export interface ImagePinSource {
  /**
   * The pinned image of `app` in `env`, if any; `imageName` names one of an
   * app's several images (a source with one image per app may ignore it).
   */
  get(app: string, env: string, imageName?: string): ImageRef | undefined;
  /**
   * The pins no lookup used, as problems (see `ImagePins.unused`); synth
   * fails on them unless `allowUnusedPins`.
   */
  unused?(used: Iterable<{ readonly app: string; readonly env: string; readonly image?: string }>): Problem[];
}

/**
 * A check run on the rendered tree before anything is written. `objects`
 * holds the value each file was emitted from (path → object), so a gate can
 * check objects without parsing the text back; it is absent when the tree
 * came from elsewhere (e.g. read from disk).
 */
export type TreeGate = (tree: RenderedTree, objects?: ReadonlyMap<string, unknown>) => readonly Problem[];

/** Props of `GitOpsApp`. */
export interface GitOpsAppProps {
  /**
   * Directory the rendered tree is written to (replaced as a whole).
   *
   * @default 'dist'
   */
  readonly outdir?: string;
  /**
   * Image pins per app and environment (e.g. `ImagePins.load('images.yaml')`);
   * they win over the images in code.
   *
   * @default - the images given in code
   */
  readonly pins?: ImagePinSource;
  /**
   * Render even when the pins hold entries no app, environment or workload
   * looks up (e.g. a test that builds only part of the app). By default such
   * a stale pin fails synth, naming it, so a removed app never leaves a pin
   * behind.
   *
   * @default false
   */
  readonly allowUnusedPins?: boolean;
  /**
   * Checks run on the rendered tree before it is written; any problem fails
   * the synth and leaves the previous output untouched.
   *
   * @default - none
   */
  readonly gates?: TreeGate[];
  /**
   * The team (tenant) owning this config repository in a shared Argo CD: every
   * Argo CD name is prefixed with it (`<team>-<env>` projects,
   * `<team>-<app>-<env>` Applications), namespaces default to
   * `<team>-<env>` and are rendered with Pod Security labels. A DNS-1123
   * label without `-` (so no two teams can produce one name).
   *
   * @default - none: today's names, for a repository alone in its Argo CD
   */
  readonly team?: string;
  /**
   * Run the validation gate (`validationGate()`: schemas, YAML safety,
   * policy) before writing, whatever `gates` holds. `false` is an explicit
   * opt-out, reported at every synth as a Node.js warning
   * (`CDK8S_GITOPS_VALIDATION_OFF`) and in `notices`.
   *
   * @default true
   */
  readonly validate?: boolean;
}

/** Printed (as a Node.js warning) by every synth of an app that opted out of validation. */
export const VALIDATION_OFF_NOTICE = 'the validation gate is off (GitOpsApp validate: false): the tree is written without schema, YAML-safety and policy checks';

/**
 * The root of a cdk8s-gitops app: environments, each holding apps. `synth()`
 * renders the whole tree in memory, runs the gates, then replaces `outdir`
 * all-or-nothing; bad input writes nothing.
 */
export class GitOpsApp extends App {
  /** The GitOpsApp at the root of `scope`, if it is one. */
  public static find(scope: IConstruct): GitOpsApp | undefined {
    const root = scope.node.root;
    return root instanceof GitOpsApp ? root : undefined;
  }

  /** The team owning the app, if any. */
  public readonly team?: string;
  /** What a synth of this app reports besides its output, e.g. that validation is off. */
  public readonly notices: readonly string[];
  private readonly pins?: ImagePinSource;
  private readonly allowUnusedPins: boolean;
  private readonly pinLookups: Array<{ app: string; env: string; image?: string }> = [];
  private readonly gates: TreeGate[];

  constructor(props: GitOpsAppProps = {}) {
    const badTeam = props.team !== undefined ? checkTeam('(app)', 'team', props.team) : undefined;
    if (badTeam) throw new ValidationError([badTeam]);
    super({ outdir: props.outdir ?? 'dist' });
    this.team = props.team;
    this.pins = props.pins;
    this.allowUnusedPins = props.allowUnusedPins ?? false;
    this.gates = [...(props.gates ?? [])];
    // Safe by default: the validation gate runs unless the app opts out.
    const validate = props.validate ?? true;
    if (validate && !this.gates.some(isValidationGate)) this.gates.unshift(validationGate());
    this.notices = validate ? [] : [VALIDATION_OFF_NOTICE];
  }

  /**
   * The pinned image of `app` in `env` (its image `imageName`, for an app
   * with several images), if the pins hold one. Each lookup marks the pin used.
   */
  public pinFor(app: string, env: string, imageName?: string): ImageRef | undefined {
    // The lookups serve only the pins' stale-pin check (`unused`): without pins there is nothing to record.
    if (this.pins === undefined) return undefined;
    this.pinLookups.push(imageName === undefined ? { app, env } : { app, env, image: imageName });
    return this.pins.get(app, env, imageName);
  }

  /** Adds a gate run on the rendered tree before writing. */
  public addGate(gate: TreeGate): void {
    this.gates.push(gate);
  }

  /** Renders the tree in memory (validations included), writing nothing. */
  public render(): RenderedTree {
    return this.checked(renderAppDetailed(this));
  }

  /**
   * Renders and replaces `outdir` with the tree. Under `cdk8s synth`, also
   * copies the tree into the CLI's own output directory (`CDK8S_OUTDIR`) so
   * its listing and validation plugins see the same files.
   *
   * Each text is written into a temporary sibling of the output as soon as it
   * is rendered (the tree does not hold them while the gates run); the output
   * is swapped in only when the render and every gate passed, else the
   * temporary folder is removed and the output left as it was.
   */
  public synth(): void {
    // The library never prints: an opt-out is a warning event, which Node.js prints to stderr.
    for (const notice of this.notices) process.emitWarning(notice, { code: 'CDK8S_GITOPS_VALIDATION_OFF' });
    // A worker that failed after it was handed files to write lost them: render again, in this thread only.
    if (this.synthOnce(true) === 'again') this.synthOnce(false);
  }

  /** `synth()`, with the gates' workers or without; `'again'` when a worker lost files (nothing was swapped in). */
  private synthOnce(useWorkers: boolean): 'again' | undefined {
    const cliOutdir = process.env.CDK8S_OUTDIR;
    const outputs = [new StagedTree(this.outdir)];
    if (cliOutdir && path.resolve(cliOutdir) !== path.resolve(this.outdir)) outputs.push(new StagedTree(cliOutdir));
    // A write that fails is reported after the render and the gates, as when
    // the tree was written at the end: bad input is named first.
    let writeError: unknown;
    const sink: TextSink = {
      write: (file, text) => {
        if (writeError !== undefined) return false;
        try {
          for (const out of outputs) out.add(file, text);
          return true;
        } catch (e) {
          writeError = e;
          return false;
        }
      },
      read: file => outputs[0].read(file),
    };
    // The validation gates check (and write) in worker threads once the app is large enough (see `GateWorkers`).
    const workers = useWorkers && this.gates.some(isValidationGate) ? new GateWorkers(this.gates, () => outputs.map(out => out.open())) : undefined;
    try {
      const rendered = renderAppDetailed(this, { sink, ...(workers ? { onChart: workers.onChart, _onPlan: workers.onPlan } : {}) });
      const problems = this.gateProblems(rendered, workers);
      if (problems === undefined) return 'again';
      if (problems.length) throw new ValidationError(problems);
      writeError ??= workers?.openError ?? workers?.writeError();
      if (writeError !== undefined) throw writeError;
      // Under `cdk8s synth`, the validation plugin then finds this tree checked (an app small enough to keep every object).
      if (this.gates.some(isValidationGate)) prefillPluginCache(rendered.tree, rendered.objects);
      for (const out of outputs) out.commit();
      return undefined;
    } finally {
      workers?.stop();
      for (const out of outputs) out.abort();
    }
  }

  /** Runs the stale-pin check and the gates on a rendered tree; returns the tree if nothing failed. */
  private checked(rendered: RenderedApp): RenderedTree {
    const problems = this.gateProblems(rendered)!;
    if (problems.length) throw new ValidationError(problems);
    return rendered.tree;
  }

  /**
   * The stale-pin check's and the gates' problems (a gate with a worker in
   * `workers` checks with it); `undefined` when a worker lost files it was
   * handed to write.
   */
  private gateProblems({ tree, objects }: RenderedApp, workers?: GateWorkers): Problem[] | undefined {
    const stale = this.allowUnusedPins ? [] : this.pins?.unused?.(this.pinLookups) ?? [];
    const problems: Problem[] = [...stale];
    for (const gate of this.gates) {
      const b = workers?.of(gate);
      const found = b ? b.check(tree, objects) : gate(tree, objects);
      if (found === undefined) return undefined;
      problems.push(...found);
    }
    return problems;
  }
}
