import { Command } from 'commander';
import { registerDiff } from './diff';
import { registerHistory } from './history';
import { registerMigrate } from './migrate';
import { registerPromote } from './promote';
import { registerPublish } from './publish';
import { registerRollback } from './rollback';
import { registerSetImage } from './set-image';
import { registerValidate } from './validate';
import { CliIo } from '../io';

/**
 * Registers one command on `program`. The action reports its exit code
 * through `setExitCode`; thrown `ValidationError`/`EnvironmentError` are
 * mapped by the CLI's single handler.
 */
export type RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => void;

/** Every command, in `--help` order. Add one import and one entry per command. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerSetImage,
  registerPromote,
  registerDiff,
  registerPublish,
  registerHistory,
  registerRollback,
  registerValidate,
  registerMigrate,
];
