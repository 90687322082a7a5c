import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from '../../errors';
import { DEFAULT_PINS_FILE } from '../../pins/defaults';
import { DEFAULT_BRANCH } from '../../publish/defaults';
import { RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';

interface StatusCliOptions {
  readonly pipeline: string;
  readonly file: string;
  readonly branch: string;
  readonly remote: string;
  readonly app?: string[];
  readonly output: string;
  readonly json?: boolean;
  readonly format?: string;
}

/** `cdk8s-gitops status`: which version runs where, since when, and how far behind upstream. */
export const registerStatus: RegisterCommand = (program, io, setExitCode) => {
  program
    .command('status')
    .summary('show which version each app runs in each stage, since when, and how far behind upstream')
    .description('For each app and stage of the pipeline (pipeline.yaml): the version the rendered branch publishes there, '
      + 'since when, how many versions it is behind its upstream stage, and whether the upstream version has soaked enough '
      + 'to promote. Reads the rendered branch only (one git log); pins not yet published are shown from the pins file. '
      + 'The markdown output has a Mermaid picture of the pipeline (GitHub renders it in job summaries and PRs).')
    .option('-p, --pipeline <file>', 'pipeline file (stages, soak times)', 'pipeline.yaml')
    .option('-f, --file <file>', 'image pins file (skipped when absent)', DEFAULT_PINS_FILE)
    .option('-b, --branch <branch>', 'the rendered branch', DEFAULT_BRANCH)
    .option('-r, --remote <remote>', 'remote whose tracking ref to consider', 'origin')
    .option('-a, --app <app...>', 'only these apps')
    .option('-o, --output <format>', 'text, json or markdown', 'text')
    .option('--format <format>', 'same as --output')
    .option('--json', 'same as --output json')
    .addHelpText('after', `
Examples:
  $ cdk8s-gitops status
  $ cdk8s-gitops status --app hello --output json | jq '.apps[0].stages'
  $ cdk8s-gitops status --output markdown >> "$GITHUB_STEP_SUMMARY"`)
    .action(async (options: StatusCliOptions) => {
      const output = options.json ? 'json' : options.format ?? options.output;
      if (!['text', 'json', 'markdown'].includes(output)) {
        throw new ValidationError(`--output must be text, json or markdown (got ${JSON.stringify(output)})`);
      }
      const [{ Pipeline }, { StageHistory }, { pipelineStatus, formatStatus }, { ImagePins }] = await Promise.all([
        import('../../promotion/pipeline'), import('../../promotion/stage-history'), import('../../promotion/status'), import('../../pins/image-pins'),
      ]);
      const pipeline = Pipeline.load(path.resolve(io.cwd, options.pipeline));
      const pinsFile = path.resolve(io.cwd, options.file);
      const pins = fs.existsSync(pinsFile) ? ImagePins.load(pinsFile) : undefined;
      const history = await StageHistory.read({ cwd: io.cwd, env: io.env, branch: options.branch, remote: options.remote });
      const status = pipelineStatus({ pipeline, history, pins, apps: options.app });
      io.out(formatStatus(status, output as 'text' | 'json' | 'markdown'));
      setExitCode(ExitCode.OK);
    });
};
