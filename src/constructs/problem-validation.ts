import { IConstruct, IValidation } from 'constructs';
import { Problem, formatProblem } from '../errors';

/**
 * Construct problems reported through cdk8s validations
 * (`node.addValidation`), so a synth reports every problem of every
 * construct at once instead of stopping at the first constructor that throws.
 *
 * `node.validate()` only returns strings; the renderer asks `problemsOf` for
 * the structured problems (path, field, value) behind them.
 */
class ProblemValidation implements IValidation {
  public last: readonly Problem[] = [];
  constructor(private readonly check: () => readonly Problem[]) {}
  public validate(): string[] {
    this.last = [...this.check()];
    return this.last.map(problemText);
  }
}

/**
 * A construct's problem validations, on the construct itself. Not in a
 * `WeakMap`: V8's young-generation collector keeps the entries of an old
 * WeakMap alive, so every construct registered there (a workload the render
 * builds and drops) would survive to the old generation and stay in the
 * heap until a full collection.
 */
const VALIDATIONS = Symbol('cdk8s-gitops.problemValidations');

type WithValidations = IConstruct & { [VALIDATIONS]?: ProblemValidation[] };

/** Registers `check` as a validation of `scope`; its problems are reported at synth. */
export function addProblemValidation(scope: IConstruct, check: () => readonly Problem[]): void {
  const validation = new ProblemValidation(check);
  scope.node.addValidation(validation);
  const host = scope as WithValidations;
  if (host[VALIDATIONS]) host[VALIDATIONS].push(validation);
  else Object.defineProperty(host, VALIDATIONS, { value: [validation] });
}

/**
 * Runs the validations of `scope` (`node.validate()`) and returns their
 * problems: the structured ones registered with `addProblemValidation`, and
 * any other validation's message as a `Problem` at the construct's path.
 */
export function validateConstruct(scope: IConstruct): Problem[] {
  const messages = scope.node.validate();
  // No message: no registered validation found a problem either (each returns one message per problem).
  if (messages.length === 0) return [];
  const structured = ((scope as WithValidations)[VALIDATIONS] ?? []).flatMap(v => v.last);
  const rest = [...messages];
  for (const p of structured) {
    const i = rest.indexOf(problemText(p));
    if (i >= 0) rest.splice(i, 1);
  }
  return [...structured, ...rest.map(message => ({ path: scope.node.path || '(app)', message }))];
}

/** The text `node.validate()` returns for a problem (cdk8s adds the path itself). */
function problemText(p: Problem): string {
  return formatProblem(p);
}
