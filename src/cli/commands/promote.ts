import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from '../../errors';
import { DEFAULT_PINS_FILE } from '../../pins/defaults';
import { DEFAULT_BRANCH } from '../../publish/defaults';
import { RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { styler } from '../io';

interface PromoteCliOptions {
  readonly to: string;
  readonly from?: string;
  readonly app?: string[];
  readonly version?: string;
  readonly skipReason?: string;
  readonly create?: boolean;
  readonly file: string;
  readonly pipeline: string;
  readonly branch: string;
  readonly remote: string;
  readonly prBranch?: string;
  readonly prBody?: string;
  readonly dir?: string;
  readonly output: string;
  readonly json?: boolean;
}

/** `cdk8s-gitops promote --to prod`: move the upstream stage's version into a stage, once the rendered branch shows it soaked. */
export const registerPromote: RegisterCommand = (program, io, setExitCode) => {
  program
    .command('promote')
    .summary('promote the upstream stage\'s version into a stage, with evidence from the rendered branch')
    .description('Pin, in stage --to, the version its upstream stage runs (or --version), after checking the pipeline '
      + '(pipeline.yaml: stages in order, soak times) and the rendered branch: the version must have been published in '
      + 'the upstream stage for at least the soak time of --to. A version --to ran before is a rollback (no soak). '
      + 'Edits the pins file, or with --pr-branch commits the change to a new branch (checkout untouched) and writes a '
      + 'pull request body (--pr-body) with the pin changes, the evidence and the rendered diff of the stage (--dir).')
    .requiredOption('--to <stage>', 'the stage to promote into')
    .option('--from <stage>', 'the stage to take the version from (default: the upstream stage of --to)')
    .option('-a, --app <app...>', 'only these apps (default: every app pinned upstream)')
    .option('--version <version>', 'promote this version (full reference, tag or digest; one --app); a version --to ran before rolls back')
    .option('--skip-reason <why>', 'allow --from to skip stages; the reason is recorded in the commit')
    .option('--create', 'allow adding the pin of an app that --to has none for')
    .option('-f, --file <file>', 'image pins file', DEFAULT_PINS_FILE)
    .option('-p, --pipeline <file>', 'pipeline file (stages, soak times)', 'pipeline.yaml')
    .option('-b, --branch <branch>', 'the rendered branch to read the evidence from', DEFAULT_BRANCH)
    .option('-r, --remote <remote>', 'remote whose tracking ref to consider', 'origin')
    .option('--pr-branch <name>', 'commit the change to this new branch of the source repository (from HEAD)')
    .option('--pr-body <file>', 'write a pull request body (markdown) to this file')
    .option('-d, --dir <dir>', 'rendered tree with the promoted pins, for the PR body\'s rendered diff of the stage')
    .option('-o, --output <format>', 'text, json or markdown (the PR body)', 'text')
    .option('--json', 'same as --output json')
    .addHelpText('after', `
Examples:
  $ cdk8s-gitops promote --to staging
  $ cdk8s-gitops promote --to prod --app hello --output json
  $ cdk8s-gitops promote --to prod --app hello --version 1.4.1          # roll back: a version prod ran before
  $ cdk8s-gitops promote --from dev --to prod --skip-reason "CVE-2026-1234 hotfix"
  $ cdk8s-gitops promote --to prod && npx cdk8s synth --no-check-upgrade \\
      && cdk8s-gitops promote --to prod --pr-branch promote/prod --pr-body pr.md --dir dist \\
      && git push origin promote/prod && gh pr create --head promote/prod --body-file pr.md --title "promote to prod"`)
    .action(async (options: PromoteCliOptions) => {
      const output = options.json ? 'json' : options.output;
      if (!['text', 'json', 'markdown'].includes(output)) {
        throw new ValidationError(`--output must be text, json or markdown (got ${JSON.stringify(options.output)})`);
      }
      const [{ Pipeline }, { StageHistory }, { planPromotion, iso }, pr, { ImagePins }, { writeFileAtomic }] = await Promise.all([
        import('../../promotion/pipeline'), import('../../promotion/stage-history'), import('../../promotion/promotion'),
        import('../../promotion/pull-request'), import('../../pins/image-pins'), import('../../pins/atomic-write'),
      ]);
      const file = path.resolve(io.cwd, options.file);
      const pipeline = Pipeline.load(path.resolve(io.cwd, options.pipeline));
      const pins = options.prBranch !== undefined
        ? ImagePins.parse(await pr.readFileAtHead(io.cwd, io.env, file), file)
        : ImagePins.load(file);
      const tree = options.dir !== undefined ? (await import('../../render/tree')).readTree(path.resolve(io.cwd, options.dir)) : undefined;
      const history = await StageHistory.read({ cwd: io.cwd, env: io.env, branch: options.branch, remote: options.remote });
      const plan = planPromotion({
        pipeline,
        history,
        pins,
        to: options.to,
        from: options.from,
        apps: options.app,
        version: options.version,
        skipReason: options.skipReason,
        create: options.create,
      });
      const changed = plan.items.some(i => i.change.changed);
      let commit: string | undefined;
      if (changed && options.prBranch !== undefined) {
        commit = await pr.writePromotionBranch({
          cwd: io.cwd, env: io.env, branch: options.prBranch, file, content: plan.pins.text, message: pr.promotionCommitMessage(plan),
        });
      } else if (changed) {
        writeFileAtomic(file, plan.pins.text);
      }
      let body: string | undefined;
      if (options.prBody !== undefined || output === 'markdown') {
        let diff: string | undefined;
        if (tree) {
          const { commit: base, ref } = plan.rendered;
          const d = await pr.renderedStageDiff({ tree, stage: plan.to, commit: base, ref, cwd: io.cwd, env: io.env });
          diff = pr.stageDiffMarkdown(d, plan.to);
        }
        body = pr.promotionPullRequestBody(plan, pipeline, diff);
        if (options.prBody !== undefined) fs.writeFileSync(path.resolve(io.cwd, options.prBody), body);
      }
      if (output === 'json') {
        io.out(`${JSON.stringify({
          from: plan.from,
          to: plan.to,
          skipped: plan.skipped,
          skipReason: plan.skipReason ?? null,
          file: options.file,
          written: changed && commit === undefined,
          prBranch: commit ? options.prBranch : null,
          commit: commit ?? null,
          rendered: { branch: plan.rendered.branch, ref: plan.rendered.ref ?? null, commit: plan.rendered.commit ?? null },
          now: iso(plan.now),
          changes: plan.items.map(i => ({
            app: i.app,
            image: i.imageName ?? null,
            stage: plan.to,
            old: i.change.old?.toString() ?? null,
            new: i.image.toString(),
            changed: i.change.changed,
            rollback: i.rollback,
            evidence: i.evidence ? {
              stage: i.evidence.stage,
              since: iso(i.evidence.since),
              until: i.evidence.until ? iso(i.evidence.until) : null,
              ranFor: i.evidence.ranFor.toString(),
              required: i.evidence.required.toString(),
              renderedCommit: i.evidence.renderedCommit,
              sourceCommit: i.evidence.sourceCommit ?? null,
            } : null,
          })),
        }, undefined, 2)}\n`);
      } else if (output === 'markdown') {
        io.out(body!);
      } else {
        const s = styler(io);
        for (const i of plan.items) {
          const where = s('bold', `${i.app}/${plan.to}${i.imageName !== undefined ? ` (${i.imageName})` : ''}`);
          if (!i.change.changed) {
            io.out(`${where}: ${i.image.toString()} ${s('dim', '(unchanged)')}\n`);
            continue;
          }
          io.out(`${where}: ${s('red', i.change.old?.toString() ?? '(none)')} → ${s('green', i.image.toString())}${i.rollback ? s('yellow', ' (rollback)') : ''}\n`);
          const e = i.evidence!;
          const window = e.until ? `from ${iso(e.since)} to ${iso(e.until)}` : `since ${iso(e.since)}`;
          const need = i.rollback ? 'rollback, no soak required' : `soak ${e.required} required`;
          io.out(s('dim', `  ran in ${e.stage} ${window} (${e.ranFor}; ${need}; rendered ${e.renderedCommit.slice(0, 12)})`) + '\n');
        }
        if (plan.skipped.length > 0) io.out(s('yellow', `skipped ${plan.skipped.join(', ')}: ${plan.skipReason}`) + '\n');
        if (!changed) io.out(`nothing to promote: ${options.file} unchanged${options.prBranch !== undefined ? ', no branch created' : ''}\n`);
        else if (commit) io.out(`committed ${commit.slice(0, 12)} on new branch ${options.prBranch} (the checkout is unchanged)\n`);
        else io.out(`updated ${options.file}\n`);
        if (options.prBody !== undefined) io.out(`pull request body written to ${options.prBody}\n`);
      }
      setExitCode(ExitCode.OK);
    });
};
