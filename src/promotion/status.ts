import { Duration } from './duration';
import { Pipeline } from './pipeline';
import { iso } from './promotion';
import { StageHistory, StageRun } from './stage-history';
import { ValidationError } from '../errors';
import { ImagePins } from '../pins/image-pins';

/** One app in one stage. */
export interface StageStatus {
  /** The stage. */
  readonly stage: string;
  /** The version the rendered branch runs there (image references joined with `, `); `undefined` if the stage has no folder for the app. */
  readonly version?: string;
  /** Since when (the rendered commit's date). */
  readonly since?: Date;
  /** The rendered commit that published it. */
  readonly renderedCommit?: string;
  /** That commit's source commit. */
  readonly sourceCommit?: string;
  /** The pin in the image pins file, when pins were given and the app has one in this stage. */
  readonly pinned?: string;
  /** The upstream stage. */
  readonly upstream?: string;
  /** How many versions the upstream stage has published since it ran this stage's version (0: in step, or no upstream). */
  readonly behind: number;
  /** Since when the upstream stage has run a version this stage lacks. */
  readonly behindSince?: Date;
  /** True when the upstream stage's current version is newer here and has soaked long enough to promote. */
  readonly promotable: boolean;
}

/** The status of one app across the stages. */
export interface AppStatus {
  /** The app. */
  readonly app: string;
  /** One entry per stage, in pipeline order. */
  readonly stages: readonly StageStatus[];
}

/** Which version is where: every app in every stage of a pipeline. */
export interface PipelineStatus {
  /** The pipeline. */
  readonly pipeline: Pipeline;
  /** The rendered branch, the ref and commit read. */
  readonly rendered: { readonly branch: string; readonly ref?: string; readonly commit?: string };
  /** The time ages are measured at. */
  readonly now: Date;
  /** Apps sorted by name. */
  readonly apps: readonly AppStatus[];
}

/** Options of {@link pipelineStatus}. */
export interface PipelineStatusOptions {
  /** The stages. */
  readonly pipeline: Pipeline;
  /** The rendered branch's history. */
  readonly history: StageHistory;
  /**
   * The image pins, to show pins not yet published.
   *
   * @default - pins are not shown
   */
  readonly pins?: ImagePins;
  /**
   * Only these apps; one that is neither on the rendered branch nor in the
   * pins is a `ValidationError`.
   *
   * @default - every app of the history and the pins
   */
  readonly apps?: readonly string[];
  /**
   * The time ages are measured at.
   *
   * @default - the current time
   */
  readonly now?: Date;
}

/** For each app and stage: the version, since when, and how far behind upstream. */
export function pipelineStatus(options: PipelineStatusOptions): PipelineStatus {
  const { pipeline, history, pins } = options;
  const now = options.now ?? new Date();
  const known = [...new Set([...history.apps(), ...(pins?.apps() ?? [])])].sort();
  const unknown = (options.apps ?? []).filter(app => !known.includes(app));
  if (unknown.length > 0) {
    throw new ValidationError(unknown.map(app => ({
      path: 'status',
      field: 'app',
      message: `is neither published on ${history.branch} nor pinned in the pins file; known apps: ${known.join(', ') || '(none)'}`,
      value: app,
    })));
  }
  const names = options.apps ?? known;
  const stages = pipeline.stages;
  const apps: AppStatus[] = [];
  for (const app of names) {
    const entries: StageStatus[] = [];
    for (const stage of stages) {
      const current = history.current(stage.name, app);
      const pinned = pins?.get(app, stage.name)?.toString();
      let behind = 0;
      let behindSince: Date | undefined;
      let promotable = false;
      const upRuns = stage.after !== undefined ? history.runs(stage.after, app) : [];
      const up = stage.after !== undefined ? history.current(stage.after, app) : undefined;
      if (up && up.version !== current?.version) {
        const newer = newerRuns(upRuns, current);
        behind = new Set(newer.map(r => r.version)).size;
        behindSince = newer[0]?.since;
        promotable = now.getTime() - up.since.getTime() >= stage.soak.millis;
      }
      entries.push({
        stage: stage.name,
        version: current?.version,
        since: current?.since,
        renderedCommit: current?.renderedCommit,
        sourceCommit: current?.sourceCommit,
        pinned,
        upstream: stage.after,
        behind,
        behindSince,
        promotable,
      });
    }
    apps.push({ app, stages: entries });
  }
  return { pipeline, rendered: { branch: history.branch, ref: history.ref, commit: history.tip }, now, apps };
}

/** The upstream runs after the last one that ran `current`'s version (all of them if it never ran there). */
function newerRuns(upRuns: readonly StageRun[], current: StageRun | undefined): StageRun[] {
  let i = upRuns.length - 1;
  while (i >= 0 && upRuns[i].version !== current?.version) i--;
  return upRuns.slice(i + 1);
}

/** Output formats of a status. */
export type StatusFormat = 'text' | 'json' | 'markdown';

/** Renders a status as `text` (terminal), `json`, or `markdown` with a Mermaid picture of the pipeline (job summary, PR). */
export function formatStatus(status: PipelineStatus, format: StatusFormat): string {
  if (format === 'json') return JSON.stringify(statusJson(status), null, 2) + '\n';
  if (format === 'markdown') return markdown(status);
  return text(status);
}

function statusJson(status: PipelineStatus): unknown {
  const time = (d: Date | undefined) => (d ? iso(d) : null);
  return {
    rendered: { branch: status.rendered.branch, ref: status.rendered.ref ?? null, commit: status.rendered.commit ?? null },
    now: iso(status.now),
    pipeline: status.pipeline.stages.map(s => ({ name: s.name, after: s.after ?? null, soak: s.soak.toString(), approval: s.approval })),
    apps: status.apps.map(a => ({
      app: a.app,
      stages: a.stages.map(s => ({
        stage: s.stage,
        version: s.version ?? null,
        since: time(s.since),
        age: s.since ? age(status.now, s.since) : null,
        renderedCommit: s.renderedCommit ?? null,
        sourceCommit: s.sourceCommit ?? null,
        pinned: s.pinned ?? null,
        upstream: s.upstream ?? null,
        behind: s.behind,
        behindSince: time(s.behindSince),
        promotable: s.promotable,
      })),
    })),
  };
}

/** `hello:1.4.2` or `hello@sha256:0123456789ab`: the last path part and the tag (or a short digest). */
export function shortVersion(version: string): string {
  return version.split(', ').map(ref => {
    const name = ref.slice(ref.lastIndexOf('/') + 1);
    const at = name.indexOf('@');
    const base = at >= 0 ? name.slice(0, at) : name;
    if (base.includes(':')) {
      const [n, tag] = base.split(':');
      return `${n}:${/^[0-9a-f]{40}$/.test(tag) ? tag.slice(0, 12) : tag}`;
    }
    return at >= 0 ? `${base}@${name.slice(at + 1, at + 20)}` : base;
  }).join(', ');
}

function age(now: Date, since: Date): string {
  return Duration.ofMillis(now.getTime() - since.getTime()).toString();
}

function behindText(s: StageStatus, now: Date): string {
  if (s.behind === 0) return '';
  const versions = `${s.behind} version${s.behind === 1 ? '' : 's'} behind ${s.upstream}`;
  const since = s.behindSince ? ` for ${age(now, s.behindSince)}` : '';
  return `${versions}${since}${s.promotable ? ', promotable' : ''}`;
}

function header(status: PipelineStatus): string {
  const at = status.rendered.commit ? `${status.rendered.branch} at ${status.rendered.commit.slice(0, 12)}` : `${status.rendered.branch} (does not exist yet)`;
  return `Pipeline ${status.pipeline.describe()}; rendered branch ${at}; ${iso(status.now)}`;
}

function text(status: PipelineStatus): string {
  const lines = [header(status)];
  const width = Math.max(...status.pipeline.stages.map(s => s.name.length));
  for (const a of status.apps) {
    lines.push('', a.app);
    const labels = a.stages.map(s => (s.version ? shortVersion(s.version) : '-'));
    const labelWidth = Math.max(...labels.map(l => l.length));
    a.stages.forEach((s, i) => {
      const since = s.since ? `since ${iso(s.since)} (${age(status.now, s.since)})` : 'not published';
      const pin = s.pinned !== undefined && s.pinned !== s.version ? `; pinned ${shortVersion(s.pinned)}, not yet published` : '';
      const behind = behindText(s, status.now);
      lines.push(`  ${s.stage.padEnd(width)}  ${labels[i].padEnd(labelWidth)}  ${since}${behind ? `; ${behind}` : ''}${pin}`);
    });
  }
  if (status.apps.length === 0) lines.push('', 'No apps published yet.');
  return lines.join('\n') + '\n';
}

/** A Mermaid id for a stage (names are DNS labels; `-` is fine but ids must not clash with keywords). */
function nodeId(name: string): string {
  return `s_${name.replace(/-/g, '_')}`;
}

/** The pipeline as a Mermaid flowchart: one node per stage, edges labelled with the soak and approval. */
export function pipelineMermaid(pipeline: Pipeline): string {
  const lines = ['flowchart LR'];
  for (const s of pipeline.stages) lines.push(`  ${nodeId(s.name)}["${s.name}"]`);
  for (const s of pipeline.stages) {
    if (s.after === undefined) continue;
    const label = [s.soak.millis > 0 ? `soak ${s.soak}` : '', s.approval ? 'approval' : ''].filter(Boolean).join(', ');
    lines.push(`  ${nodeId(s.after)} -->${label ? `|"${label}"|` : ''} ${nodeId(s.name)}`);
  }
  return lines.join('\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function markdown(status: PipelineStatus): string {
  const out = ['### Promotion status', '', `${cell(header(status))}.`, '', '```mermaid', pipelineMermaid(status.pipeline), '```', ''];
  if (status.apps.length === 0) {
    out.push('No apps published yet.', '');
    return out.join('\n');
  }
  const stages = status.pipeline.stages;
  out.push(`| App | ${stages.map(s => cell(s.name)).join(' | ')} |`, `|---|${stages.map(() => '---|').join('')}`);
  for (const a of status.apps) {
    const cells = a.stages.map(s => {
      if (!s.version) return s.pinned ? `pinned \`${cell(shortVersion(s.pinned))}\`, not published` : '–';
      const parts = [`\`${cell(shortVersion(s.version))}\``, `${age(status.now, s.since!)}`];
      const behind = behindText(s, status.now);
      if (behind) parts.push(`⚠ ${behind}`);
      if (s.pinned !== undefined && s.pinned !== s.version) parts.push(`pinned \`${cell(shortVersion(s.pinned))}\`, not published`);
      return parts.join('<br>');
    });
    out.push(`| ${cell(a.app)} | ${cells.join(' | ')} |`);
  }
  out.push('');
  return out.join('\n');
}
