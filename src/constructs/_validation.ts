import { IConstruct } from 'constructs';
import { Problem } from '../errors';

/**
 * Registers `check` as a cdk8s validation of `scope`: its problems are
 * reported at synth together with every other construct's, one line each
 * (`[path] 'field' message (got value)`), instead of stopping at the first
 * constructor that throws.
 */
export function addProblemCheck(scope: IConstruct, check: () => readonly Problem[]): void {
  scope.node.addValidation({
    validate: () => check().map(p => {
      const field = p.field ? `'${p.field}' ` : '';
      const got = p.value !== undefined ? ` (got ${JSON.stringify(p.value)})` : '';
      return `${field}${p.message}${got}`;
    }),
  });
}
