import { ValidationError } from '../../errors';
import { DEFAULT_BRANCH } from '../../publish/defaults';
import { RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { styler } from '../io';

interface HistoryCliOptions {
  readonly branch: string;
  readonly remote: string;
  readonly limit?: string;
  readonly json?: boolean;
}

/** `cdk8s-gitops history`: rendered commits and the source commits they came from. */
export const registerHistory: RegisterCommand = (program, io, setExitCode) => {
  program
    .command('history')
    .summary('list rendered commits with their source commits')
    .description('List the commits of the rendered branch, newest first, with the source commit each was rendered from '
      + '(Source-Commit trailer), rollbacks (Rollback-To), and publishes from a dirty checkout (Source-Dirty) '
      + 'or an unrelated source (Source-Unrelated). Reads the local branch, or the remote-tracking one when it is ahead.')
    .option('-b, --branch <branch>', 'the rendered branch', DEFAULT_BRANCH)
    .option('-r, --remote <remote>', 'remote whose tracking ref to consider', 'origin')
    .option('-n, --limit <n>', 'show at most n commits')
    .option('--json', 'print the entries as JSON')
    .addHelpText('after', `
Examples:
  $ cdk8s-gitops history
  $ cdk8s-gitops history -n 10 --json | jq -r '.[].sourceCommit'`)
    .action(async (options: HistoryCliOptions) => {
      let limit: number | undefined;
      if (options.limit !== undefined) {
        limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new ValidationError(`--limit must be a whole number >= 1 (got ${JSON.stringify(options.limit)})`);
      }
      const { readHistory } = await import('../../publish/history');
      const history = await readHistory({ cwd: io.cwd, env: io.env, branch: options.branch, remote: options.remote, limit });
      if (options.json) {
        io.out(JSON.stringify(history.entries, null, 2) + '\n');
      } else if (!history.ref) {
        io.out(`branch '${options.branch}' does not exist yet: nothing published\n`);
      } else {
        const s = styler(io);
        for (const e of history.entries) {
          const src = e.sourceCommit ? `source ${e.sourceCommit.slice(0, 12)}` : 'source ?';
          const rb = e.rollbackTo ? s('yellow', ` rollback to ${e.rollbackTo.slice(0, 12)}`) : '';
          const dirty = e.sourceDirty ? s('red', ' dirty') : '';
          const unrelated = e.sourceUnrelated ? s('red', ` unrelated to ${e.sourceUnrelated.slice(0, 12)}`) : '';
          io.out(`${s('yellow', e.commit.slice(0, 12))} ${s('dim', e.date)} ${src}${dirty}${unrelated}${rb}  ${e.subject}\n`);
        }
      }
      setExitCode(ExitCode.OK);
    });
};
