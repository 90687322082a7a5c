import { DEFAULT_BRANCH } from '../../publish/defaults';
import { RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { styler } from '../io';

interface RollbackCliOptions {
  readonly to: string;
  readonly branch: string;
  readonly remote: string;
  readonly push?: boolean;
  readonly allowDeletions?: string;
  readonly json?: boolean;
}

/** `cdk8s-gitops rollback --to <sha>`: restore an earlier rendered tree as a new forward commit. */
export const registerRollback: RegisterCommand = (program, io, setExitCode) => {
  program
    .command('rollback')
    .summary('publish the tree of an earlier rendered commit as a new commit (emergency rollback)')
    .description('Publish the tree of an earlier rendered commit as a new forward commit with a Rollback-To trailer: '
      + 'the rendered-branch equivalent of git revert. --to takes a rendered commit, or a source commit recorded in '
      + 'a Source-Commit trailer (see `cdk8s-gitops history`). Revert the source change too, or the next render rolls forward again.')
    .requiredOption('--to <sha>', 'rendered commit or source commit to roll back to (full or abbreviated)')
    .option('-b, --branch <branch>', 'the rendered branch', DEFAULT_BRANCH)
    .option('-r, --remote <remote>', 'remote name or URL (without credentials)', 'origin')
    .option('--push', 'fetch first, then push the rollback commit (race-safe, never forced)')
    .option('--allow-deletions <percent>', 'allow deleting up to this share of the branch\'s files (default 50%)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `
Examples:
  $ cdk8s-gitops history                          # find the commit to go back to
  $ cdk8s-gitops rollback --to 3f2a9c1 --push     # a rendered commit or a source commit
  $ git revert <bad source commit> && git push    # then fix the source, or the next render rolls forward`)
    .action(async (options: RollbackCliOptions) => {
      const [{ parseAllowedDeletions }, { rollback }, { printWriteResult }] = await Promise.all([
        import('../../publish/allow-deletions'), import('../../publish/rollback'), import('./_publish-output'),
      ]);
      const allowDeletions = options.allowDeletions !== undefined ? parseAllowedDeletions(options.allowDeletions) : undefined;
      const result = await rollback({
        to: options.to,
        cwd: io.cwd,
        env: io.env,
        branch: options.branch,
        remote: options.remote,
        push: Boolean(options.push),
        allowDeletions,
      });
      printWriteResult(io, result, Boolean(options.json), 'rolled back');
      if (!options.json && result.status === 'published') {
        io.err(`${styler(io)('yellow', 'note')}: restored the tree of ${result.rolledBackTo.slice(0, 12)}`
          + `${result.sourceCommit ? ` (source ${result.sourceCommit.slice(0, 12)})` : ''}. Revert the source too, or the next publish rolls forward again.\n`);
      }
      setExitCode(ExitCode.OK);
    });
};
