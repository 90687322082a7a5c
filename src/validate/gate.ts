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
  return gate;
}

const VALIDATION_GATE = Symbol.for('cdk8s-gitops.validationGate');

/** True if `gate` was made by `validationGate()`. */
export function isValidationGate(gate: unknown): boolean {
  return typeof gate === 'function' && VALIDATION_GATE in gate;
}

