/**
 * Named errors with structured fields. The CLI maps each class to an exit
 * code (see `src/cli/exit-codes.ts`); the library never prints or exits.
 */

/** One problem found in user input: where, which field, what value. */
export interface Problem {
  /** Construct path (`hello/prod/web`) or file (`dist/dev/hello/deployment-hello.yaml`). */
  readonly path: string;
  /** The field, e.g. `replicas` or `spec.template.spec.containers[0].image`. */
  readonly field?: string;
  /** What is wrong, phrased so a person can act on it. */
  readonly message: string;
  /** The offending value, if any. */
  readonly value?: unknown;
}

/** Formats one problem as `[path] field: message (got value)`. */
export function formatProblem(p: Problem): string {
  const field = p.field ? `'${p.field}' ` : '';
  const got = p.value !== undefined ? ` (got ${formatValue(p.value)})` : '';
  return `[${p.path}] ${field}${p.message}${got}`;
}

/** Renders a value for an error message: strings quoted (JSON escapes), others as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(value);
  }
}

/** Bad input: props, files or arguments. CLI exit code 2. */
export class ValidationError extends Error {
  public readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[] | string, options?: { cause?: unknown }) {
    const list: Problem[] = typeof problems === 'string' ? [{ path: '', message: problems }] : [...problems];
    super(list.map(p => (p.path ? formatProblem(p) : p.message)).join('\n'), options);
    this.name = 'ValidationError';
    this.problems = list;
  }
}

/** The environment failed: git, the file system, a missing tool. CLI exit code 3. */
export class EnvironmentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnvironmentError';
  }
}

/** What a program should print and exit with when `error` escapes it. */
export interface FailureReport {
  /** 2 for bad input (`ValidationError`), 3 for the environment (`EnvironmentError`), 4 for a bug. */
  readonly exitCode: 2 | 3 | 4;
  /** The text for stderr: the message alone for 2 and 3; the stack for a bug, or when `debug` asks. */
  readonly text: string;
}

/**
 * Maps an error to its exit code and the text to print, for a program's
 * top level (the app run by `cdk8s synth`, the CLI). User errors get no stack
 * trace unless `debug` (e.g. `CDK8S_GITOPS_DEBUG=1`) asks for one.
 */
export function failureReport(error: unknown, options: { readonly debug?: boolean } = {}): FailureReport {
  const stack = (e: unknown) => (e instanceof Error && e.stack ? e.stack : String(e));
  if (error instanceof ValidationError || error instanceof EnvironmentError) {
    const body = options.debug ? stack(error) : `error: ${error.message}`;
    return { exitCode: error instanceof ValidationError ? 2 : 3, text: `${body}\n` };
  }
  return { exitCode: 4, text: `internal error (a bug in cdk8s-gitops; please report it):\n${stack(error)}\n` };
}
