/* eslint-disable @typescript-eslint/no-require-imports */
import type { RegisterCommand } from '../command';

/** A command: its name, and its registration, loaded on first use. */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => RegisterCommand;
}

/**
 * Every command, in `--help` order. Add one entry per command. A command's
 * module loads only when it is registered: `cdk8s-gitops <command>` registers
 * that command alone (its start-up does not load the others), anything
 * else (`--help`, `help <command>`, a mistyped name) registers them all.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'init', load: () => (require('./init') as typeof import('./init')).registerInit },
  { name: 'set-image', load: () => (require('./set-image') as typeof import('./set-image')).registerSetImage },
  { name: 'promote', load: () => (require('./promote') as typeof import('./promote')).registerPromote },
  { name: 'status', load: () => (require('./status') as typeof import('./status')).registerStatus },
  { name: 'diff', load: () => (require('./diff') as typeof import('./diff')).registerDiff },
  { name: 'publish', load: () => (require('./publish') as typeof import('./publish')).registerPublish },
  { name: 'history', load: () => (require('./history') as typeof import('./history')).registerHistory },
  { name: 'rollback', load: () => (require('./rollback') as typeof import('./rollback')).registerRollback },
  { name: 'validate', load: () => (require('./validate') as typeof import('./validate')).registerValidate },
  { name: 'migrate', load: () => (require('./migrate') as typeof import('./migrate')).registerMigrate },
];

/**
 * The commands to register for `argv`: the one it names (its first word not
 * starting with `-`: the program's own options take no value), else all.
 */
export function commandsFor(argv: readonly string[]): readonly CommandEntry[] {
  const word = argv.find(a => !a.startsWith('-'));
  const named = COMMANDS.find(c => c.name === word);
  return named ? [named] : COMMANDS;
}
