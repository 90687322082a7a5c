import { BackgroundChecks } from './_background-checks';
import { withAcrossFolders } from './_folder-checks';
import { Finding, makeReport } from './finding';
import { bundledKubernetesVersion } from './kubernetes-versions';
import { findingToProblem } from './publish-gate';
import { ValidateTreeOptions, validateTree } from './validate-tree';
import { EnvironmentError, Problem } from '../errors';
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
  Object.defineProperty(gate, BACKGROUND, { value: (writeTo: readonly string[]) => backgroundGate(options, writeTo) });
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
 * handed over to write go into each folder of `writeTo`.
 * @internal
 */
export function startBackgroundGate(gate: unknown, writeTo: readonly string[] = []): BackgroundGate | undefined {
  if (!isValidationGate(gate)) return undefined;
  return (gate as unknown as Record<symbol, (w: readonly string[]) => BackgroundGate | undefined>)[BACKGROUND](writeTo);
}

function backgroundGate(options: ValidateTreeOptions, writeTo: readonly string[]): BackgroundGate | undefined {
  // Bad options are refused by validateTree itself, in-thread.
  if (options.kubernetesVersion !== undefined && bundledKubernetesVersion(options.kubernetesVersion) === undefined) return undefined;
  const checks = BackgroundChecks.start(options, writeTo);
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

const BACKGROUND = Symbol('cdk8s-gitops.validationGate.background');
const VALIDATION_GATE = Symbol.for('cdk8s-gitops.validationGate');

/** True if `gate` was made by `validationGate()`. */
export function isValidationGate(gate: unknown): boolean {
  return typeof gate === 'function' && VALIDATION_GATE in gate;
}

