import { Command, InvalidArgumentError, Option } from 'commander';

/** Output formats a command can print, in `--output` order. */
const FORMATS = ['text', 'json', 'markdown'] as const;

/**
 * One output option across commands (DESIGN.md): every command that prints a
 * machine-readable form gets `-o, --output <format>`; its older spelling
 * (`--json`, or `--format`) stays as an alias. Applied after the commands
 * are registered, so each command keeps declaring only what it prints.
 */
export function applyOutputOption(program: Command): void {
  for (const cmd of program.commands) {
    const long = (name: string) => cmd.options.find(o => o.long === name);
    if (long('--output')) continue; // the command handles --output itself
    const format = long('--format');
    const json = long('--json');
    if (!format && !json) continue;
    const formats = format?.argChoices ?? (format ? [...FORMATS] : ['text', 'json']);
    const shortTaken = cmd.options.some(o => o.short === '-o');
    const option = new Option(`${shortTaken ? '' : '-o, '}--output <format>`, `output format: ${formats.join(', ')}`)
      .argParser((value: string) => {
        if (!formats.includes(value)) throw new InvalidArgumentError(`'${value}' is not one of ${formats.join(', ')}.`);
        return value;
      });
    cmd.addOption(option);
    if (format) format.description = `${format.description} (alias of --output)`;
    if (json) json.description = 'same as --output json';
    cmd.hook('preAction', (_program, action) => {
      const output = action.getOptionValue('output') as string | undefined;
      if (output === undefined) return;
      if (format) action.setOptionValue('format', output);
      else if (output === 'json') action.setOptionValue('json', true);
    });
  }
}
