import { BackgroundSchemaChecks } from './_background-schemas';
import { bundledKubernetesVersion, DEFAULT_KUBERNETES_VERSION } from './kubernetes-versions';
import { findingToProblem } from './publish-gate';
import { ValidateTreeOptions, validateTree } from './validate-tree';
import { Problem } from '../errors';
import { RenderedTree } from '../render/tree';

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
  const gate = (tree: RenderedTree, objects?: ReadonlyMap<string, unknown>) => validateTree(tree, objects ? { ...options, objects } : options)
    .findings.filter(f => f.severity === 'error').map(findingToProblem);
  Object.defineProperty(gate, VALIDATION_GATE, { value: true });
  Object.defineProperty(gate, BACKGROUND, { value: () => backgroundGate(options) });
  return gate;
}

/**
 * A validation gate whose schema checks run in a worker thread while the
 * objects are still being rendered: `add` each chart's objects as they are
 * emitted, then `check` the whole tree (the same problems as the gate's).
 * @internal
 */
export interface BackgroundGate {
  /** Hands one chart's rendered objects (file → the object its text was emitted from) to the worker. */
  add(batch: [string, unknown][]): void;
  /** The gate's problems for the tree; the objects of `add` must be those in `objects`. */
  check(tree: RenderedTree, objects: ReadonlyMap<string, unknown>): Problem[];
  /** Ends the worker if `check` was not called (idempotent). */
  stop(): void;
}

/**
 * The `BackgroundGate` of a gate made by `validationGate()`, `undefined` for
 * other gates or where no worker can run (then call the gate itself).
 * @internal
 */
export function startBackgroundGate(gate: unknown): BackgroundGate | undefined {
  return isValidationGate(gate) ? (gate as unknown as Record<symbol, () => BackgroundGate | undefined>)[BACKGROUND]() : undefined;
}

function backgroundGate(options: ValidateTreeOptions): BackgroundGate | undefined {
  const version = options.kubernetesVersion === undefined ? DEFAULT_KUBERNETES_VERSION : bundledKubernetesVersion(options.kubernetesVersion);
  // An unknown version is refused by validateTree itself.
  const schemas = version === undefined ? undefined : BackgroundSchemaChecks.start(version);
  if (!schemas) return undefined;
  return {
    add: batch => schemas.add(batch),
    check: (tree, objects) => {
      const schemaResults = schemas.results();
      return validateTree(tree, { ...options, objects, ...(schemaResults ? { schemaResults } : {}) })
        .findings.filter(f => f.severity === 'error').map(findingToProblem);
    },
    stop: () => schemas.stop(),
  };
}

const BACKGROUND = Symbol('cdk8s-gitops.validationGate.background');
const VALIDATION_GATE = Symbol.for('cdk8s-gitops.validationGate');

/** True if `gate` was made by `validationGate()`. */
export function isValidationGate(gate: unknown): boolean {
  return typeof gate === 'function' && VALIDATION_GATE in gate;
}

