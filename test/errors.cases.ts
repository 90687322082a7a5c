import { EnvironmentError, ValidationError, failureReport } from '../src/errors';

describe('failureReport', () => {
  test('GIVEN a ValidationError THEN exit 2 and its lines, no stack', () => {
    const r = failureReport(new ValidationError([{ path: 'dev/hello/web', field: 'port', message: 'must be small', value: 0 }]));
    expect(r).toEqual({ exitCode: 2, text: "error: [dev/hello/web] 'port' must be small (got 0)\n" });
  });

  test('GIVEN an EnvironmentError THEN exit 3 and its message', () => {
    expect(failureReport(new EnvironmentError('git is missing'))).toEqual({ exitCode: 3, text: 'error: git is missing\n' });
  });

  test('GIVEN debug THEN a user error comes with its stack', () => {
    const r = failureReport(new ValidationError('bad'), { debug: true });
    expect(r.exitCode).toBe(2);
    expect(r.text).toMatch(/^ValidationError: bad\n\s+at /);
  });

  test('GIVEN any other error THEN it is a bug: exit 4 with the stack', () => {
    const r = failureReport(new TypeError('x is undefined'));
    expect(r.exitCode).toBe(4);
    expect(r.text).toMatch(/^internal error \(a bug in cdk8s-gitops; please report it\):\nTypeError: x is undefined\n\s+at /);
  });
});
