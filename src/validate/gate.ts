import * as path from 'path';
import { BackgroundChecks } from './_background-checks';
import { withAcrossFolders } from './_folder-checks';
import { Finding, makeReport } from './finding';
import { bundledKubernetesVersion } from './kubernetes-versions';
import { findingToProblem } from './publish-gate';
import { ValidateTreeOptions, validateTree } from './validate-tree';
import { EnvironmentError, Problem } from '../errors';
import type { RenderPlan } from '../render/render';
import { RenderedTree, stagingError } from '../render/tree';

export { findingToProblem, publishGate } from './publish-gate';
export type { PublishGateOptions } from './publish-gate';

/**
 * The validation gate as a tree check for `GitOpsApp({ gates })` and
 * `publishTree({ gate })`: schemas, YAML safety and policy (not kustomize,
 * which needs files on disk). Error-severity findings become problems;
 * warnings pass. Given `objects` (GitOpsApp passes the values the renderer
 * emitted each file from), it checks those instead of parsing the text back.
 */
export function validationGate(options: ValidateTreeOptions = {}): (tree: RenderedTree, objects?: ReadonlyMap<string, unknown>) => Problem[] {
  const gate = (tree: RenderedTree, objects?: ReadonlyMap<string, unknown>) =>
    errorProblems(validateTree(tree, objects ? { ...options, objects } : options).findings);
  Object.defineProperty(gate, VALIDATION_GATE, { value: true });
  Object.defineProperty(gate, BACKGROUND, {
    value: (writeTo: readonly string[], youngGenerationMb?: number) => backgroundGate(options, writeTo, youngGenerationMb),
  });
  return gate;
}

/**
 * A validation gate whose per-folder checks run in a worker thread while the
 * objects are still being rendered: `add` each chart's objects as they are
 * emitted, then `check` the whole tree (the same problems as the gate's).
 * @internal
 */
export interface BackgroundGate {
  /**
   * Hands one chart's rendered objects (file → the object its text is emitted
   * from) to the worker; `toWrite`, the worker also emits and writes them into
   * the staging folders given to `startBackgroundGate`.
   */
  add(batch: readonly [string, unknown][], toWrite?: boolean): void;
  /**
   * The gate's problems for the tree. `objects` holds the objects of the files
   * not handed to `add` (those are checked here), and may lack the others.
   * `undefined` when the worker failed after it was handed files to write:
   * they are lost, render again without a worker.
   */
  check(tree: RenderedTree, objects: ReadonlyMap<string, unknown>): Problem[] | undefined;
  /** Files handed over that the worker has not done yet (checked, and written if asked). */
  backlog(): number;
  /** Why a file handed over to write could not be written, if so (known after `check`). */
  writeError(): EnvironmentError | undefined;
  /** Ends the worker if `check` was not called (idempotent). */
  stop(): void;
}

/**
 * The `BackgroundGate` of a gate made by `validationGate()`, `undefined` for
 * other gates or where no worker can run (then call the gate itself). Files
 * handed over to write go into each folder of `writeTo`; `youngGenerationMb`
 * caps the worker's young generation.
 * @internal
 */
export function startBackgroundGate(gate: unknown, writeTo: readonly string[] = [], youngGenerationMb?: number): BackgroundGate | undefined {
  if (!isValidationGate(gate)) return undefined;
  const start = (gate as unknown as Record<symbol, (w: readonly string[], y?: number) => BackgroundGate | undefined>)[BACKGROUND];
  return start(writeTo, youngGenerationMb);
}

function backgroundGate(options: ValidateTreeOptions, writeTo: readonly string[], youngGenerationMb?: number): BackgroundGate | undefined {
  // Bad options are refused by validateTree itself, in-thread.
  if (options.kubernetesVersion !== undefined && bundledKubernetesVersion(options.kubernetesVersion) === undefined) return undefined;
  const checks = BackgroundChecks.start(options, writeTo, youngGenerationMb);
  if (!checks) return undefined;
  let wrote = false;
  let failure: EnvironmentError | undefined;
  return {
    add: (batch, toWrite = false) => {
      wrote ||= toWrite;
      checks.add(batch, toWrite);
    },
    check: (tree, objects) => {
      const r = checks.results();
      if (!r) {
        if (wrote) return undefined;
        // The worker failed: every file is checked in-thread (those handed over without their object are parsed).
        return errorProblems(validateTree(tree, { ...options, objects }).findings);
      }
      if (r.writeError !== undefined) failure = stagingError(r.writeErrorDir!, new Error(r.writeError));
      return errorProblems(makeReport(withAcrossFolders(tree, r.found, checks.kustomizations, options), 0, 0).findings);
    },
    backlog: () => checks.backlog(),
    writeError: () => failure,
    stop: () => checks.stop(),
  };
}

function errorProblems(findings: readonly Finding[]): Problem[] {
  return findings.filter(f => f.severity === 'error').map(findingToProblem);
}

/** The young generation of a large render's gate worker, MiB (see `GateWorkers.onPlan`). */
const LARGE_WORKER_YOUNG_MB = 8;

/** The charts an app renders before the validation gate's checks (and the writes) move to a worker thread. */
const BACKGROUND_MIN_CHARTS = 64;

/**
 * Files the gate's worker may be behind by before the main thread emits and
 * writes the next chart itself: `CDK8S_GITOPS_GATE_BACKLOG`, else 512
 * (≈ 50 ms of the worker's work).
 */
function maxGateBacklog(): number {
  const n = Number(process.env.CDK8S_GITOPS_GATE_BACKLOG);
  return process.env.CDK8S_GITOPS_GATE_BACKLOG && Number.isInteger(n) && n >= 0 ? n : 512;
}

/**
 * The worker threads of a synth's validation gates, fed by the render's
 * `onChart`. From the `BACKGROUND_MIN_CHARTS`-th chart on, each validation
 * gate checks in a worker while the next charts render; a smaller app checks
 * in-thread (a worker's start-up, and the validators compiled without the app
 * command's V8 code cache, would cost it more than it saves). When every gate
 * has a worker, the first one also emits and writes the files into the
 * staging folders `open` returns (the main thread then neither emits, writes
 * nor keeps them), unless that would put it more than `maxGateBacklog()`
 * files behind (a chart of thousands of files, such as the Argo CD
 * Applications, or other processes taking the second core): then the main
 * thread emits and writes the chart itself, and the workers only check it
 * (in a large render, one building its workloads chart by chart, a chart of
 * more files than that is checked in this thread too: see `onPlan`).
 * @internal
 */
export class GateWorkers {
  /** Why the staging folders could not be opened for a worker to write, if so (nothing was handed over to write then). */
  public openError: unknown;
  private readonly background = new Map<unknown, BackgroundGate>();
  private readonly early: [string, unknown][][] = [];
  private started = false;
  private writer: BackgroundGate | undefined;
  private readonly maxBacklog = maxGateBacklog();
  private large = false;

  constructor(private readonly gates: readonly unknown[], private readonly open: () => string[]) {}

  /**
   * The render's plan (see `RenderOptions._onPlan`): a render that builds its
   * workloads chart by chart (a large estate) gets a worker with a small young
   * generation (8 MiB; V8's default grows to 32 MiB): its heap is part of the
   * synth's peak memory. A smaller render keeps V8's default, which lets the
   * worker keep up (≈ 3% of the whole process at 1,000 apps). A large render
   * also keeps its charts of more than `maxGateBacklog()` files in this
   * thread (see `onChart`): 10,000 Argo CD Applications at 5,000 apps, whose
   * copy in the worker cost ≈ 30 MiB of peak memory.
   */
  public readonly onPlan = (plan: RenderPlan): void => {
    this.large = plan.buildsPerChart;
  };

  /** The render's `onChart` (see `RenderOptions.onChart`): hands the chart over, has it checked only, or keeps it. */
  public readonly onChart = (files: [string, unknown][]): boolean | 'check' => {
    if (this.started) {
      const writer = this.writer;
      // A large render keeps a chart of more files than the backlog (the Argo CD chart's thousands of
      // Applications): this thread emits, writes and checks it, rather than the worker holding a copy too.
      if (this.large && files.length > this.maxBacklog) return false;
      const toWrite = writer !== undefined && writer.backlog() + files.length <= this.maxBacklog;
      this.background.forEach(b => b.add(files, toWrite && b === writer));
      return toWrite || (writer !== undefined ? 'check' : false);
    }
    this.early.push(files);
    if (this.early.length < BACKGROUND_MIN_CHARTS) return false;
    this.started = true;
    let writeTo: string[] | undefined;
    try {
      writeTo = this.open();
    } catch (e) {
      this.openError = e;
    }
    for (const gate of this.gates) {
      const b = startBackgroundGate(gate, writeTo, this.large ? LARGE_WORKER_YOUNG_MB : undefined);
      if (b) this.background.set(gate, b);
    }
    if (writeTo !== undefined && this.background.size === this.gates.length) this.writer = this.background.values().next().value;
    for (const f of this.early.splice(0)) this.background.forEach(b => b.add(f));
    return false;
  };

  /** The worker of `gate`, if it has one. */
  public of(gate: unknown): BackgroundGate | undefined {
    return this.background.get(gate);
  }

  /** Why a file handed over to write could not be written, if so (known after the gates' `check`). */
  public writeError(): EnvironmentError | undefined {
    return [...this.background.values()].map(b => b.writeError()).find(e => e !== undefined);
  }

  /** Ends every worker (idempotent). */
  public stop(): void {
    this.background.forEach(b => b.stop());
  }
}

const BACKGROUND = Symbol('cdk8s-gitops.validationGate.background');
const VALIDATION_GATE = Symbol.for('cdk8s-gitops.validationGate');

/** True if `gate` was made by `validationGate()`. */
export function isValidationGate(gate: unknown): boolean {
  return typeof gate === 'function' && VALIDATION_GATE in gate;
}


/**
 * Under `cdk8s synth` with this package's validation plugin configured
 * (cdk8s.yaml), checks the rendered tree as the plugin will check the CLI's
 * copy of it (the plugin's options, the objects every file was emitted from:
 * no parse) and keeps the results in the plugin's cache, keyed by each
 * folder's content as the plugin keys them: the plugin then finds every
 * folder checked and only builds the kustomizations, comparing kubectl's
 * output with the cached objects. Nothing else is done with the results (the
 * gates decided); a failure only leaves the plugin its work.
 * `objects` must hold every file's object, else nothing is done. True if
 * the results were checked and kept (for tests).
 * @internal
 */
export function prefillPluginCache(
  tree: RenderedTree, objects: ReadonlyMap<string, unknown>, env: NodeJS.ProcessEnv = process.env, cwd = '.',
): boolean {
  // The environment first: the plugin's module (and the YAML parser for cdk8s.yaml) loads only under the CLI.
  if (!env.CDK8S_OUTDIR || env.CDK8S_RECORD_CONSTRUCT_METADATA !== 'true') return false;
  for (const file of tree.keys()) if (!objects.has(file)) return false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { synthPluginProps } = require('./cdk8s-plugin') as typeof import('./cdk8s-plugin');
    const props = synthPluginProps(env, cwd);
    if (!props || props.cache === false) return false;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { validateRenderedFolders, defaultCacheDir } = require('./validate-folders') as typeof import('./validate-folders');
    validateRenderedFolders(tree, {
      kubernetesVersion: props.kubernetesVersion,
      rules: props.rules,
      cacheDir: props.cacheDir !== undefined ? path.resolve(cwd, props.cacheDir) : defaultCacheDir(env),
      objects,
    });
    return true;
  } catch {
    // bad plugin options, an unwritable cache: the plugin reports or pays for them
    return false;
  }
}
