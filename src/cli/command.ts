import { Command } from 'commander';
import { CliIo } from './io';

/**
 * Registers one command on `program`. The action reports its exit code
 * through `setExitCode`; thrown `ValidationError`/`EnvironmentError` are
 * mapped by the CLI's single handler.
 */
export type RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => void;
