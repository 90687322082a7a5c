import * as path from 'path';
import { DEFAULT_PINS_FILE } from '../../pins/defaults';
import { RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';

interface PromoteCliOptions {
  readonly from: string;
  readonly to: string;
  readonly app?: string[];
  readonly file: string;
  readonly create?: boolean;
  readonly json?: boolean;
}

/** `cdk8s-gitops promote --from dev --to prod`: copy one environment's pins to the next. */
export const registerPromote: RegisterCommand = (program, io, setExitCode) => {
  program
    .command('promote')
    .summary('copy the image pins of one environment to another (e.g. dev -> prod)')
    .description('Copy the image pins of one environment to another in the image pins file, '
      + 'so the exact image tested in --from runs in --to. Open a pull request with the result: '
      + 'its review is the approval of the rollout.')
    .requiredOption('--from <env>', 'environment to copy from')
    .requiredOption('--to <env>', 'environment to copy to')
    .option('-a, --app <app...>', 'only these apps (default: every app pinned in --from)')
    .option('-f, --file <file>', 'image pins file', DEFAULT_PINS_FILE)
    .option('--create', 'allow adding the --to pin for an app that has none yet')
    .option('--json', 'print the changes as JSON')
    .addHelpText('after', `
Examples:
  $ cdk8s-gitops promote --from dev --to prod
  $ cdk8s-gitops promote --from dev --to prod --app hello --json
  $ git switch -c promote-hello && cdk8s-gitops promote --from dev --to prod --app hello \\
      && git commit -am "chore(release): promote hello to prod" && gh pr create --fill`)
    .action(async (options: PromoteCliOptions) => {
      const file = path.resolve(io.cwd, options.file);
      const [{ promoteInFile }, { printPinsEdit }] = await Promise.all([import('../../pins/pins-file'), import('./_pins-output')]);
      const edit = promoteInFile(file, options.from, options.to, { apps: options.app, create: options.create });
      printPinsEdit(io, edit, options.file, Boolean(options.json));
      setExitCode(ExitCode.OK);
    });
};
