import { Finding } from './finding';
import { ValidateTreeOptions, validateTree } from './validate-tree';
import { Problem } from '../errors';
import { RenderedTree } from '../render/tree';

/** A finding as a `Problem`: `[file: Kind/namespace/name] 'field' message [rule] (got value)`. */
export function findingToProblem(f: Finding): Problem {
  const object = f.kind ? `: ${f.kind}/${f.namespace ? `${f.namespace}/` : ''}${f.name ?? ''}` : '';
  return { path: `${f.file}${object}`, field: f.field, message: `${f.message} [${f.rule}]`, value: f.value };
}

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
