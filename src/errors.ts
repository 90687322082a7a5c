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
