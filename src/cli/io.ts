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
  /** True if stderr is a terminal (progress is shown only there). */
  readonly errIsTTY?: boolean;
}

/** The real process's io. Output to a reader that went away (`| head`) is dropped quietly. */
export function processIo(): CliIo {
  guardBrokenPipes();
  return {
    out: text => write(process.stdout, text),
    err: text => write(process.stderr, text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    errIsTTY: Boolean(process.stderr.isTTY),
  };
}

function write(stream: NodeJS.WriteStream, text: string): void {
  if (!stream.destroyed && stream.writable) stream.write(text);
}

let guarded = false;

/**
 * Makes EPIPE on stdout/stderr harmless: when the reader closes the pipe
 * early (`cdk8s-gitops publish --help | head -1`), further output is dropped
 * and the command finishes with its own exit code instead of crashing with
 * an unhandled 'error' event. Other stream errors still surface.
 */
export function guardBrokenPipes(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') return;
      throw e;
    });
  }
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

/**
 * A progress reporter for a long run, or `undefined` when there should be
 * none: only when stderr is a terminal and `--quiet` is not given. It
 * rewrites one stderr line (`label: done/total`) and clears it at the end.
 */
export function progressReporter(io: CliIo, quiet: boolean, label: string): ((done: number, total: number) => void) | undefined {
  if (quiet || !io.errIsTTY) return undefined;
  return (done, total) => io.err(done < total ? `\r${label}: ${done}/${total}` : '\r\u001b[2K');
}
