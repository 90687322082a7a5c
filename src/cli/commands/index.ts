import { registerDiff } from './diff';
import { registerHistory } from './history';
import { registerInit } from './init';
import { registerMigrate } from './migrate';
import { registerPromote } from './promote';
import { registerPublish } from './publish';
import { registerRollback } from './rollback';
import { registerSetImage } from './set-image';
import { registerStatus } from './status';
import { registerValidate } from './validate';
import { RegisterCommand } from '../command';

/** Every command, in `--help` order. Add one import and one entry per command. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerInit,
  registerSetImage,
  registerPromote,
  registerStatus,
  registerDiff,
  registerPublish,
  registerHistory,
  registerRollback,
  registerValidate,
  registerMigrate,
];
