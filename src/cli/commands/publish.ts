import * as path from 'path';
import { DEFAULT_BRANCH } from '../../publish/defaults';
import type { Gate } from '../../publish/publish';
import { RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { progressReporter } from '../io';

interface PublishCliOptions {
  readonly dir: string;
  readonly branch: string;
  readonly remote: string;
  readonly push?: boolean;
  readonly sourceSha?: string;
  readonly allowDeletions?: string;
  readonly json?: boolean;
  readonly validate: boolean;
  readonly pushTo?: string;
  readonly allowDirty?: boolean;
  readonly allowUnrelatedSource?: boolean;
  readonly skipKustomize?: boolean;
  readonly cache: boolean;
}

/** `cdk8s-gitops publish`: make the rendered branch's tree exactly the rendered folder, as one commit. */
export const registerPublish: RegisterCommand = (program, io, setExitCode) => {
  program
    .command('publish')
    .summary('commit the rendered tree to the rendered-manifests branch (and push it)')
    .description('Make the rendered branch\'s tree exactly --dir (adds, changes and deletions) as one new commit on top of it, '
      + 'without touching your checkout. No commit when nothing changed. Refuses an empty tree, broken YAML, an app folder '
      + 'without kustomization.yaml, a branch cdk8s-gitops did not create, and deleting more than 50% of the files. '
      + 'Refuses a checkout with uncommitted changes, and a source commit unrelated to the branch\'s; a source commit older than '
      + 'the branch\'s is reported as superseded (exit 0) and not published. '
      + 'With --push, a push that loses a race is checked again and re-applied on the new tip; never forced.')
    .option('-d, --dir <dir>', 'the rendered tree', 'dist')
    .option('-b, --branch <branch>', 'the rendered branch', DEFAULT_BRANCH)
    .option('-r, --remote <remote>', 'remote name or URL (without credentials) to push to', 'origin')
    .option('--push', 'push the branch to the remote (race-safe, never forced)')
    .option('--push-to <branch>', 'push the commit to this branch instead, for a pull request against --branch (which does not move)')
    .option('--source-sha <sha>', 'the source commit the tree was rendered from (default: HEAD)')
    .option('--allow-dirty', 'publish from a checkout with uncommitted changes (recorded: Source-Dirty: true)')
    .option('--allow-unrelated-source', 'replace a branch rendered from an unrelated source history (recorded: Source-Unrelated)')
    .option('--allow-deletions <percent>', 'allow deleting up to this share of the branch\'s files (default 50%)')
    .option('--no-validate', 'skip the validation gate (recorded as a "Checks-Skipped: validate" trailer)')
    .option('--skip-kustomize', 'skip the gate\'s kustomize equivalence check (recorded as "Checks-Skipped: kustomize")')
    .option('--no-cache', 'do not use or fill the check-result cache shared with `validate`')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `
Before anything is committed the tree passes the validation gate: the whole of
\`cdk8s-gitops validate\`, kustomize equivalence included, on the folders the
commit adds or changes (every folder when the branch's tip skipped a check),
plus the tree-wide rules. An error-severity finding refuses the publish
(exit 2). Check results are cached per folder content and tool versions
(\$XDG_CACHE_HOME/cdk8s-gitops, or \$CDK8S_GITOPS_CACHE_DIR), so \`validate\`
then \`publish\` in one CI job builds each folder once. A skipped check is
recorded in the commit's Checks-Skipped trailer.

Examples:
  $ cdk8s-gitops publish                                   # commit dist/ to the local rendered-manifests branch
  $ cdk8s-gitops publish --push --source-sha "$GITHUB_SHA" # in CI: commit and push
  $ cdk8s-gitops publish --dir out --branch rendered/prod --push
  $ cdk8s-gitops publish --push --allow-deletions 100%     # an intended mass removal
  $ cdk8s-gitops publish --push-to rendered-manifests-next # a pull request against rendered-manifests
  $ cdk8s-gitops publish --allow-dirty                     # local experiment (trailer Source-Dirty: true)

A source commit older than the branch's (a late CI run) prints "superseded by
<sha>" and exits 0 without publishing; --json says "status": "superseded".

Credentials: never put a token in the remote URL (it is refused). In CI use the
checkout's credential helper, or GIT_ASKPASS, or GIT_CONFIG_COUNT/KEY/VALUE
with an http.extraHeader (see docs/publishing.md).`)
    .action(async (options: PublishCliOptions) => {
      const [{ parseAllowedDeletions }, { publishTree }, { readRenderedDir }, { printWriteResult }, { defaultCacheDir }] = await Promise.all([
        import('../../publish/allow-deletions'), import('../../publish/publish'), import('../../validate/tree-shape'), import('./_publish-output'),
        import('../../cache-dir'),
      ]);
      const cacheDir = options.cache ? defaultCacheDir(io.env) : undefined;
      // The validation modules (schemas, ajv) load only when a commit is about to be made: a no-op publish never needs them.
      const gate: Gate | undefined = options.validate ? async (touched, context) => {
        const { publishGate } = await import('../../validate/publish-gate');
        const onProgress = progressReporter(io, Boolean(program.opts().quiet), 'kustomize builds');
        return publishGate({ skipKustomize: options.skipKustomize, cacheDir, onProgress })(touched, context);
      } : undefined;
      const checksSkipped = !options.validate ? ['validate'] : options.skipKustomize ? ['kustomize'] : [];
      const allowDeletions = options.allowDeletions !== undefined ? parseAllowedDeletions(options.allowDeletions) : undefined;
      const dir = path.resolve(io.cwd, options.dir);
      const result = await publishTree({
        // Read while git's first processes run. Files unchanged since the last run (same size, times and inode)
        // are neither read nor hashed: the stat cache keeps their blob ids.
        tree: () => readRenderedDir(dir, { shownAs: options.dir, cacheDir }),
        cwd: io.cwd,
        env: io.env,
        branch: options.branch,
        remote: options.remote,
        push: Boolean(options.push),
        pushTo: options.pushTo,
        sourceSha: options.sourceSha,
        outputDir: dir,
        allowDirty: Boolean(options.allowDirty),
        allowUnrelatedSource: Boolean(options.allowUnrelatedSource),
        allowDeletions,
        gate,
        checksSkipped,
        cacheDir,
      });
      printWriteResult(io, result, Boolean(options.json));
      setExitCode(ExitCode.OK);
    });
};
