import * as fs from 'fs';
import * as path from 'path';
import { git, readBlobs } from './_git';
import { Pipeline } from './pipeline';
import { PromotionItem, PromotionPlan, iso } from './promotion';
import { pipelineMermaid } from './status';
import { ValidationError } from '../errors';
import { BranchDiff, diffTrees } from '../publish/diff';
import { formatDiff } from '../publish/diff-format';
import { RenderedTree, sortTree } from '../render/tree';

/** `chore(promote): hello, api to prod` or `chore(rollback): hello in prod to <version>`. */
export function promotionTitle(plan: PromotionPlan): string {
  const moved = plan.items.filter(i => i.change.changed);
  const apps = [...new Set(moved.map(i => i.app))];
  const named = apps.length <= 3 ? apps.join(', ') : `${apps.length} apps`;
  if (moved.length > 0 && moved.every(i => i.rollback)) {
    return moved.length === 1
      ? `chore(rollback): ${named} in ${plan.to} back to ${moved[0].image.tag ?? moved[0].image.digest}`
      : `chore(rollback): ${named} in ${plan.to} back to earlier versions`;
  }
  return `chore(promote): ${named || 'nothing'} from ${plan.from} to ${plan.to}`;
}

/** `hello`, or `hello/worker` for one image of an app with several. */
export function itemLabel(item: PromotionItem): string {
  return item.imageName !== undefined ? `${item.app}/${item.imageName}` : item.app;
}

function evidenceLine(item: PromotionItem): string {
  const e = item.evidence;
  if (!e) return 'already pinned';
  const window = e.until ? `from ${iso(e.since)} to ${iso(e.until)}` : `since ${iso(e.since)}`;
  const src = e.sourceCommit ? `, source ${e.sourceCommit.slice(0, 12)}` : '';
  if (item.rollback) return `rollback: ran in ${e.stage} ${window} (${e.ranFor}; rendered ${e.renderedCommit.slice(0, 12)}${src})`;
  return `ran in ${e.stage} ${window} (${e.ranFor}; ${e.required.millis > 0 ? `soak ${e.required} required` : 'no soak required'}; rendered ${e.renderedCommit.slice(0, 12)}${src})`;
}

/**
 * The source commit's message: the title, one line per app with its
 * evidence, and trailers (`Promoted-From`, `Promoted-To`, `Rendered-Evidence`,
 * and `Skipped-Stage`/`Skip-Reason` or `Rollback` when they apply).
 */
export function promotionCommitMessage(plan: PromotionPlan): string {
  const lines = [promotionTitle(plan), ''];
  for (const item of plan.items.filter(i => i.change.changed)) {
    lines.push(`- ${itemLabel(item)}: ${item.change.old?.toString() ?? '(none)'} -> ${item.image.toString()}`, `  ${evidenceLine(item)}`);
  }
  lines.push('');
  lines.push(`Promoted-From: ${plan.from}`, `Promoted-To: ${plan.to}`);
  for (const s of plan.skipped) lines.push(`Skipped-Stage: ${s}`);
  if (plan.skipReason) lines.push(`Skip-Reason: ${plan.skipReason.replace(/\s+/g, ' ')}`);
  for (const item of plan.items.filter(i => i.change.changed && i.rollback)) lines.push(`Rollback: ${itemLabel(item)}`);
  if (plan.rendered.commit) lines.push(`Rendered-Evidence: ${plan.rendered.commit}`);
  return lines.join('\n') + '\n';
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

/**
 * The pull request body: the pin changes, the evidence from the rendered
 * branch, the pipeline (Mermaid), and the rendered diff of the target stage
 * when one is given (markdown from {@link renderedStageDiff}).
 */
export function promotionPullRequestBody(plan: PromotionPlan, pipeline: Pipeline, renderedDiff?: string): string {
  const moved = plan.items.filter(i => i.change.changed);
  const out = [`## ${promotionTitle(plan)}`, ''];
  out.push(`From **${plan.from}** to **${plan.to}** (pipeline ${pipeline.describe()}).`, '');
  if (plan.skipped.length > 0) {
    out.push('> [!WARNING]', `> This promotion skips ${plan.skipped.map(s => `**${s}**`).join(', ')}: ${plan.skipReason}`, '');
  }
  if (moved.some(i => i.rollback)) {
    out.push('> [!NOTE]', `> Rollback: ${moved.filter(i => i.rollback).map(i => `**${itemLabel(i)}**`).join(', ')} go${moved.filter(i => i.rollback).length === 1 ? 'es' : ''} back to a version ${plan.to} ran before (no soak required).`, '');
  }
  out.push('### Pin changes', '', '| App | Before | After |', '|---|---|---|');
  for (const i of moved) out.push(`| ${itemLabel(i)} | ${i.change.old ? code(i.change.old.toString()) : '(none)'} | ${code(i.image.toString())} |`);
  if (moved.length === 0) out.push('| (none) | | |');
  out.push('');
  const at = plan.rendered.commit ? `\`${plan.rendered.branch}\` at \`${plan.rendered.commit.slice(0, 12)}\`` : `\`${plan.rendered.branch}\``;
  out.push('### Evidence', '', `From the rendered branch ${at}, measured at ${iso(plan.now)}:`, '');
  out.push('| App | Ran in | Since | Until | For | Required | Rendered commit | Source commit |', '|---|---|---|---|---|---|---|---|');
  for (const i of moved) {
    const e = i.evidence!;
    out.push(`| ${itemLabel(i)} | ${e.stage} | ${iso(e.since)} | ${e.until ? iso(e.until) : 'now'} | ${e.ranFor} | ${i.rollback ? 'rollback' : e.required} | `
      + `${code(e.renderedCommit.slice(0, 12))} | ${e.sourceCommit ? code(e.sourceCommit.slice(0, 12)) : '–'} |`);
  }
  out.push('', '```mermaid', pipelineMermaid(pipeline), '```', '');
  out.push(renderedDiff ?? '_No rendered diff attached: run `cdk8s synth` with these pins and pass `--dir dist`._\n');
  return out.join('\n').replace(/\n*$/, '\n');
}

/** Options of {@link renderedStageDiff}. */
export interface StageDiffOptions {
  /** The rendered tree (with the promoted pins). */
  readonly tree: RenderedTree;
  /** The stage (top folder of the rendered tree). */
  readonly stage: string;
  /** The rendered commit to compare with; `undefined` if the branch does not exist yet. */
  readonly commit: string | undefined;
  /** The ref that commit was read from, for the diff's header. */
  readonly ref?: string;
  /**
   * A folder inside the repository.
   *
   * @default process.cwd()
   */
  readonly cwd?: string;
  /**
   * Environment for git.
   *
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The diff of the target stage's folder only (`<stage>/…`) between the rendered commit and `tree`. */
export async function renderedStageDiff(options: StageDiffOptions): Promise<BranchDiff> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const prefix = `${options.stage}/`;
  const after = sortTree(new Map([...options.tree].filter(([p]) => p.startsWith(prefix))));
  const before = new Map<string, string>();
  if (options.commit) {
    const listing = (await git(cwd, env, ['ls-tree', '-r', '-z', '--full-tree', options.commit, '--', prefix])).toString('utf8');
    const entries = listing.split('\0').filter(Boolean).map(line => {
      const tab = line.indexOf('\t');
      return { id: line.slice(0, tab).split(' ')[2], path: line.slice(tab + 1) };
    });
    const blobs = await readBlobs(cwd, env, [...new Set(entries.map(e => e.id))]);
    for (const e of entries) before.set(e.path, blobs.get(e.id)!.toString('utf8'));
  }
  const diff = diffTrees(sortTree(before), after);
  return { ...diff, base: options.commit ? { ref: options.ref ?? options.commit, commit: options.commit } : undefined };
}

/** The rendered diff of a stage as markdown (a PR body section). */
export function stageDiffMarkdown(diff: BranchDiff, stage: string): string {
  return formatDiff(diff, 'markdown').replace(/^### Rendered manifests diff/, `### Rendered diff of ${stage}`);
}

/** Options of {@link writePromotionBranch}. */
export interface PromotionBranchOptions {
  /** A folder inside the source repository. */
  readonly cwd: string;
  /**
   * Environment for git.
   *
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The new branch (must not exist). */
  readonly branch: string;
  /** The pins file, absolute or relative to `cwd`, inside the repository. */
  readonly file: string;
  /** The file's new content. */
  readonly content: string;
  /** The commit message. */
  readonly message: string;
}

/**
 * Commits `content` as `file` on top of `HEAD` to a new branch, with git
 * plumbing: the checkout, the index and the current branch are not touched.
 * Refuses (exit 2) a branch that exists or that git would not accept.
 * Returns the new commit.
 */
export async function writePromotionBranch(options: PromotionBranchOptions): Promise<string> {
  const env = options.env ?? process.env;
  const { cwd, branch } = options;
  const checked = await git(cwd, env, ['check-ref-format', '--branch', branch]).catch(() => undefined);
  if (!checked || branch.startsWith('-') || checked.toString('utf8').trim() !== branch) {
    throw new ValidationError([{ path: branch, message: 'is not a valid branch name (git check-ref-format --branch refuses it); pick another --pr-branch' }]);
  }
  const top = (await git(cwd, env, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
  const rel = path.relative(top, path.resolve(cwd, options.file)).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new ValidationError([{ path: options.file, message: `is outside the repository ${top}` }]);
  }
  const exists = await git(cwd, env, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).then(() => true, () => false);
  if (exists) {
    throw new ValidationError([{ path: branch, message: 'branch already exists; pick another --pr-branch name or delete it (git branch -D)' }]);
  }
  const head = (await git(cwd, env, ['rev-parse', '--verify', 'HEAD^{commit}'])).toString('utf8').trim();
  const blob = (await git(cwd, env, ['hash-object', '-w', '--stdin'], { input: options.content })).toString('utf8').trim();
  // A private index: the user's index and checkout stay as they are.
  const gitDir = (await git(cwd, env, ['rev-parse', '--absolute-git-dir'])).toString('utf8').trim();
  const index = path.join(gitDir, `cdk8s-gitops-promote-${process.pid}-${Date.now()}.index`);
  const extraEnv = { GIT_INDEX_FILE: index };
  let tree: string;
  try {
    await git(top, env, ['read-tree', head], { extraEnv });
    await git(top, env, ['update-index', '--add', '--cacheinfo', `100644,${blob},${rel}`], { extraEnv });
    tree = (await git(top, env, ['write-tree'], { extraEnv })).toString('utf8').trim();
  } finally {
    fs.rmSync(index, { force: true });
  }
  const commit = (await git(cwd, env, ['commit-tree', tree, '-p', head, '-F', '-'], { input: options.message })).toString('utf8').trim();
  // Create-only: fails if someone made the branch meanwhile.
  await git(cwd, env, ['update-ref', '-m', 'cdk8s-gitops promote', `refs/heads/${branch}`, commit, '0'.repeat(head.length)]);
  return commit;
}

/**
 * The text of `file` (absolute or relative to `cwd`) in the `HEAD` commit:
 * the base a promotion branch starts from. Refuses a file `HEAD` does not have.
 */
export async function readFileAtHead(cwd: string, env: Readonly<Record<string, string | undefined>>, file: string): Promise<string> {
  const top = (await git(cwd, env, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
  const rel = path.relative(top, path.resolve(cwd, file)).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new ValidationError([{ path: file, message: `is outside the repository ${top}` }]);
  try {
    return (await git(cwd, env, ['show', `HEAD:${rel}`])).toString('utf8');
  } catch (e) {
    throw new ValidationError([{ path: file, message: 'is not in the HEAD commit: commit it before promoting on a branch' }], { cause: e });
  }
}
