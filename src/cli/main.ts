import { Command, CommanderError } from 'commander';
import { commandsFor } from './commands';
import { applyOutputOption } from './conventions';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes';
import { CliIo, processIo } from './io';
import { EnvironmentError, ValidationError } from '../errors';
import { VERSION } from '../version';

/**
 * Runs `cdk8s-gitops` with `argv` (without `node` and the script) and returns
 * the exit code. Never calls `process.exit`: the bin shim does.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code: number = ExitCode.OK;
  const program = new Command('cdk8s-gitops')
    .description('Validate, diff and publish a rendered cdk8s tree to the branch Argo CD syncs; manage image pins.')
    .version(VERSION, '-V, --version')
    // Program options only before the command: `promote --version <v>` is promote's own option.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  program
    .option('--debug', 'print the stack of every error, not only of bugs (also CDK8S_GITOPS_DEBUG=1)')
    .option('-q, --quiet', 'no progress on stderr (progress is shown only when stderr is a terminal)');
  for (const command of commandsFor(argv)) {
    command.load()(program, io, c => { code = c; });
  }
  applyOutputOption(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    const debug = Boolean(program.opts().debug) || argv.includes('--debug') || ['1', 'true'].includes(io.env.CDK8S_GITOPS_DEBUG ?? '');
    return handleError(e, io, { debug });
  }
}

/**
 * The one place that maps errors to messages and exit codes. A stack trace
 * only for a bug (exit 4), or for any error with `debug`.
 */
export function handleError(e: unknown, io: CliIo, options: { readonly debug?: boolean } = {}): number {
  const stack = () => (options.debug && e instanceof Error && e.stack ? `${e.stack}\n` : '');
  if (e instanceof CommanderError) {
    // Help and version exit 0; parse errors were already printed by commander.
    return e.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  }
  if (e instanceof ValidationError) {
    io.err(`error: ${e.message}\n${stack()}`);
    return ExitCode.USAGE;
  }
  if (e instanceof EnvironmentError) {
    io.err(`error: ${e.message}\n${stack()}`);
    return ExitCode.ENVIRONMENT;
  }
  const err = e as Error;
  io.err(`internal error (a bug in cdk8s-gitops ${VERSION}; please report it):\n${err?.stack ?? String(e)}\n`);
  return ExitCode.INTERNAL;
}

/** Entry point of the `cdk8s-gitops` bin. */
export function main(): void {
  runCli(process.argv.slice(2)).then(
    code => { process.exitCode = code; },
    e => { process.exitCode = handleError(e, processIo()); },
  );
}
