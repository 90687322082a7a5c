import * as path from 'path';
import { ValidationError } from '../../errors';
import { DEFAULT_BRANCH } from '../../publish/defaults';
import type { DiffFormat } from '../../publish/diff-format';
import { RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { styler } from '../io';

interface DiffCliOptions {
  readonly dir: string;
  readonly branch: string;
  readonly remote: string;
  readonly fetch?: boolean;
  readonly format: string;
  readonly json?: boolean;
  readonly exitCode?: boolean;
}

/** `cdk8s-gitops diff`: what a publish would change, object by object. */
export const registerDiff: RegisterCommand = (program, io, setExitCode) => {
  program
    .command('diff')
    .summary('show what publish would change on the rendered branch')
    .description('Compare the rendered tree with the rendered branch: added, removed and changed objects (kind, namespace, '
      + 'name, changed fields) and a unified diff. Compares with the local branch, or the remote-tracking branch when it is '
      + 'ahead, diverged or the only one (--fetch updates it first).')
    .option('-d, --dir <dir>', 'the rendered tree', 'dist')
    .option('-b, --branch <branch>', 'the rendered branch', DEFAULT_BRANCH)
    .option('-r, --remote <remote>', 'remote whose tracking ref to consider', 'origin')
    .option('--fetch', 'fetch the branch from the remote first')
    .option('-f, --format <format>', 'text, markdown (PR comment, $GITHUB_STEP_SUMMARY) or json', 'text')
    .option('--json', 'same as --format json')
    .option('--exit-code', 'exit 1 when there are changes')
    .addHelpText('after', `
Examples:
  $ cdk8s-gitops diff
  $ cdk8s-gitops diff --fetch --format markdown >> "$GITHUB_STEP_SUMMARY"
  $ cdk8s-gitops diff --exit-code --format json > diff.json || echo "changes"`)
    .action(async (options: DiffCliOptions) => {
      const format = (options.json ? 'json' : options.format) as DiffFormat;
      if (!['text', 'markdown', 'json'].includes(format)) {
        throw new ValidationError(`--format must be text, markdown or json (got ${JSON.stringify(options.format)})`);
      }
      const [{ diffBranch }, { formatDiff, hasChanges }, { readTree }] = await Promise.all([
        import('../../publish/diff'), import('../../publish/diff-format'), import('../../render/tree'),
      ]);
      const tree = readTree(path.resolve(io.cwd, options.dir));
      const diff = await diffBranch({ tree, cwd: io.cwd, env: io.env, branch: options.branch, remote: options.remote, fetch: options.fetch });
      io.out(formatDiff(diff, format, styler(io)));
      setExitCode(options.exitCode && hasChanges(diff) ? ExitCode.FINDINGS : ExitCode.OK);
    });
};
