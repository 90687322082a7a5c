/**
 * What a command may touch of the outside world, injectable so tests can run
 * the CLI in-process. Colour only on a TTY and never with `NO_COLOR`.
 */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True if stdout is a terminal. */
  readonly isTTY: boolean;
}

/** The real process's io. */
export function processIo(): CliIo {
  return {
    out: text => process.stdout.write(text),
    err: text => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
  };
}

/** True when colour may be used: a TTY, and `NO_COLOR` unset or empty. */
export function useColor(io: CliIo): boolean {
  return io.isTTY && !io.env.NO_COLOR;
}

const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;

/** A styler that is the identity when colour is off. */
export function styler(io: CliIo): (style: keyof typeof CODES, text: string) => string {
  const on = useColor(io);
  return (style, text) => (on ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text);
}
