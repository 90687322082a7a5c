import { Duration } from './duration';
import { Pipeline } from './pipeline';
import { PromotionProblem, PromotionRefusedError } from './promotion-error';
import { StageHistory, StageRun } from './stage-history';
import { ValidationError, formatValue } from '../errors';
import { ImageRef } from '../image-ref';
import { ImagePins } from '../pins/image-pins';
import { PinChange } from '../pins/pin-edits';

/** What the rendered branch shows about a promoted version. */
export interface Evidence {
  /** The stage the version ran in: the upstream stage, or the target stage itself for a rollback. */
  readonly stage: string;
  /** The image reference. */
  readonly image: string;
  /** When the rendered branch published it in `stage` (the run that counts: the longest). */
  readonly since: Date;
  /** When it was replaced there; `undefined` if it still runs. */
  readonly until?: Date;
  /** How long it ran (or has run until `now`). */
  readonly ranFor: Duration;
  /** The soak the target stage requires (zero for a rollback). */
  readonly required: Duration;
  /** The rendered commit that published it in `stage`. */
  readonly renderedCommit: string;
  /** That commit's source commit. */
  readonly sourceCommit?: string;
}

/** One app of a promotion. */
export interface PromotionItem {
  /** The app. */
  readonly app: string;
  /** The image's name, for an app that pins several images (the multi form of the pins file). */
  readonly imageName?: string;
  /** The version promoted. */
  readonly image: ImageRef;
  /** True when the target stage ran this version before (a source-level rollback: no soak is required). */
  readonly rollback: boolean;
  /** Why it may be promoted; `undefined` when the pin already had this value (nothing to do). */
  readonly evidence?: Evidence;
  /** The pin change in the target stage. */
  readonly change: PinChange;
}

/** A checked promotion: what changes, and the evidence for it. */
export interface PromotionPlan {
  /** The stage the versions come from. */
  readonly from: string;
  /** The target stage. */
  readonly to: string;
  /** Stages skipped between `from` and `to` (only with a skip reason). */
  readonly skipped: readonly string[];
  /** Why stages were skipped. */
  readonly skipReason?: string;
  /** The apps, in pins-file order. */
  readonly items: readonly PromotionItem[];
  /** The pins after the promotion. */
  readonly pins: ImagePins;
  /** The rendered branch and commit the evidence was read from. */
  readonly rendered: { readonly branch: string; readonly ref?: string; readonly commit?: string };
  /** The time the soak was measured at. */
  readonly now: Date;
}

/** Options of {@link planPromotion}. */
export interface PromotionOptions {
  /** The stages. */
  readonly pipeline: Pipeline;
  /** The rendered branch's history. */
  readonly history: StageHistory;
  /** The image pins (of the commit being changed). */
  readonly pins: ImagePins;
  /** The target stage. */
  readonly to: string;
  /**
   * The stage to take versions from.
   *
   * @default - the target's upstream stage
   */
  readonly from?: string;
  /**
   * Only these apps.
   *
   * @default - every app pinned in the source stage
   */
  readonly apps?: readonly string[];
  /**
   * The version to promote, for a single app: a full reference, a tag or a
   * digest. A version the target stage ran before is a rollback.
   *
   * @default - the source stage's pin
   */
  readonly version?: string;
  /**
   * Why a stage between `from` and `to` is skipped. Required to skip one; recorded in the commit.
   *
   * @default - skipping is refused
   */
  readonly skipReason?: string;
  /**
   * Allow adding the pin of an app the target stage has none for.
   *
   * @default false
   */
  readonly create?: boolean;
  /**
   * The time soak is measured at.
   *
   * @default - the current time
   */
  readonly now?: Date;
}

/**
 * Checks a promotion against the pipeline and the rendered branch's history,
 * and computes the new pins. Refuses (with {@link PromotionRefusedError},
 * every problem at once) an unknown stage, a source that is not the target's
 * upstream (unless a skip reason is given), an app with no pin upstream, a
 * version never published upstream, and one still inside its soak time.
 */
export function planPromotion(options: PromotionOptions): PromotionPlan {
  const { pipeline, history, pins } = options;
  const now = options.now ?? new Date();
  const to = stageOrThrow(pipeline, options.to, '--to');
  const upstream = pipeline.upstreamOf(to.name);
  if (upstream.length === 0) {
    refuse([{
      reason: 'first-stage',
      path: pipeline.source,
      message: `${formatValue(to.name)} is the first stage of the pipeline (${pipeline.describe()}): nothing promotes into it; pin it with set-image`,
    }]);
  }
  const from = options.from === undefined ? upstream[0] : stageOrThrow(pipeline, options.from, '--from');
  const at = upstream.findIndex(s => s.name === from.name);
  if (at < 0) {
    refuse([{
      reason: 'not-upstream',
      path: pipeline.source,
      message: `${formatValue(from.name)} is not upstream of ${formatValue(to.name)} (pipeline: ${pipeline.describe()}); promote into ${to.name} from ${upstream[0].name}`,
    }]);
  }
  const skipped = upstream.slice(0, at).map(s => s.name).reverse();
  const skipReason = options.skipReason?.trim();
  if (skipped.length > 0 && !skipReason) {
    refuse([{
      reason: 'skipped-stage',
      path: pipeline.source,
      message: `promoting from ${from.name} to ${to.name} skips ${skipped.join(', ')} (pipeline: ${pipeline.describe()}); `
        + `promote from ${upstream[0].name}, or give the reason with --skip-reason "<why>" (it is recorded in the commit)`,
    }]);
  }
  if (skipped.length === 0 && options.skipReason !== undefined) {
    refuse([{ reason: 'bad-argument', path: pipeline.source, message: `--skip-reason given, but ${from.name} is directly upstream of ${to.name}: nothing is skipped; drop --skip-reason` }]);
  }

  const problems: PromotionProblem[] = [];
  let apps: string[];
  if (options.apps && options.apps.length > 0) {
    apps = [...new Set(options.apps)];
    for (const app of apps.filter(a => !pins.apps().includes(a))) {
      problems.push({ reason: 'unknown-app', path: pins.file, message: `unknown app ${formatValue(app)}; apps: ${pins.apps().join(', ') || '(none)'}` });
    }
    apps = apps.filter(a => pins.apps().includes(a));
  } else {
    apps = pins.apps().filter(a => pins.get(a, from.name) !== undefined || pins.images(a, from.name).length > 0);
    if (apps.length === 0) {
      problems.push({ reason: 'no-pin-upstream', path: pins.file, message: `no app has a pin in ${from.name} to promote; pin one there first (set-image --env ${from.name})` });
    }
  }
  if (options.version !== undefined && apps.length !== 1) {
    refuse([...problems, { reason: 'bad-argument', path: pins.file, message: `--version needs exactly one app (--app <name>); got ${apps.length ? apps.join(', ') : 'none'}` }]);
  }

  let next = pins;
  const items: PromotionItem[] = [];
  for (const app of apps) {
    // One target per image: an app with several images (the multi form) promotes each of them.
    const names = pins.images(app, from.name);
    if (names.length > 0 && options.version !== undefined) {
      problems.push({
        reason: 'bad-argument',
        path: pins.file,
        message: `app ${formatValue(app)} pins several images in ${from.name} (${names.join(', ')}); --version works on an app with one image: set the others with set-image`,
      });
      continue;
    }
    const targets: Array<string | undefined> = names.length > 0 ? names : [undefined];
    for (const imageName of targets) {
      const where = `${to.name}/${app}${imageName !== undefined ? `/${imageName}` : ''}`;
      const upstreamPin = pins.get(app, from.name, imageName);
      if (!upstreamPin && options.version === undefined) {
        problems.push({
          reason: 'no-pin-upstream',
          path: pins.file,
          message: `app ${formatValue(app)} has no pin in ${from.name} to promote; pin it there first (set-image --env ${from.name}), or name a version with --version`,
        });
        continue;
      }
      const image = options.version !== undefined ? resolveVersion(options.version, app, from.name, to.name, pins, history) : upstreamPin!;
      if (typeof image === 'string') {
        problems.push({ reason: 'bad-argument', path: where, message: image });
        continue;
      }
      let change: PinChange;
      try {
        const result = next.withImage(app, to.name, image, { create: options.create, image: imageName });
        change = result.change;
        if (!change.changed) {
          items.push({ app, imageName, image, rollback: false, change });
          continue;
        }
        next = result.pins;
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        problems.push(...e.problems.map(p => ({ ...p, reason: 'bad-argument' as const })));
        continue;
      }
      const ref = image.toString();
      const pastInTarget = history.runsOf(to.name, app, ref).filter(r => r !== history.current(to.name, app));
      if (pastInTarget.length > 0) {
        const evidence = evidenceOf(to.name, ref, longest(pastInTarget, now), Duration.ZERO, now);
        items.push({ app, imageName, image, rollback: true, change, evidence });
        continue;
      }
      const runs = history.runsOf(from.name, app, ref);
      if (runs.length === 0) {
        const current = history.current(from.name, app);
        const shows = current ? `shows ${from.name} running ${current.version} since ${iso(current.since)}` : `has no ${from.name}/${app} folder`;
        problems.push({
          reason: 'never-published',
          path: where,
          message: `${ref} was never published in ${from.name} (the rendered branch ${history.branch} ${shows}); `
            + `publish it to ${from.name} first, or pick a version that ran there with --version`,
        });
        continue;
      }
      const best = longest(runs, now);
      const evidence = evidenceOf(from.name, ref, best, to.soak, now);
      if (evidence.ranFor.millis < to.soak.millis) {
        const left = Duration.ofMillis(to.soak.millis - evidence.ranFor.millis);
        problems.push({
          reason: 'soaking',
          path: where,
          message: `${ref} has run in ${from.name} since ${iso(best.since)} (${evidence.ranFor}); ${to.name} requires a soak of ${to.soak} in ${from.name}: `
            + `${left} left (promotable at ${iso(new Date(best.since.getTime() + to.soak.millis))})`,
        });
        continue;
      }
      items.push({ app, imageName, image, rollback: false, change, evidence });
    }
  }
  if (problems.length > 0) refuse(problems);
  return {
    from: from.name,
    to: to.name,
    skipped,
    skipReason: skipped.length > 0 ? skipReason : undefined,
    items,
    pins: next,
    now,
    rendered: { branch: history.branch, ref: history.ref, commit: history.tip },
  };
}

function refuse(problems: PromotionProblem[]): never {
  throw new PromotionRefusedError(problems);
}

function stageOrThrow(pipeline: Pipeline, name: string, flag: string) {
  const stage = pipeline.tryStage(name);
  if (!stage) {
    refuse([{
      reason: 'unknown-stage',
      path: pipeline.source,
      message: `unknown stage ${formatValue(name)} (${flag}); stages: ${pipeline.stages.map(s => s.name).join(', ')} (${pipeline.describe()})`,
    }]);
  }
  return stage;
}

/** The run that ran longest (the latest among equals). */
function longest(runs: readonly StageRun[], now: Date): StageRun {
  const length = (r: StageRun) => (r.until ?? now).getTime() - r.since.getTime();
  return runs.reduce((best, r) => (length(r) >= length(best) ? r : best));
}

function evidenceOf(stage: string, image: string, run: StageRun, required: Duration, now: Date): Evidence {
  return {
    stage,
    image,
    since: run.since,
    until: run.until,
    ranFor: Duration.ofMillis((run.until ?? now).getTime() - run.since.getTime()),
    required,
    renderedCommit: run.renderedCommit,
    sourceCommit: run.sourceCommit,
  };
}

/**
 * The image `version` names for `app`: a full reference, or a tag or digest
 * matched against what the source and target stages ran (else the pin's
 * repository at that tag). A string is an error message.
 */
function resolveVersion(version: string, app: string, from: string, to: string, pins: ImagePins, history: StageHistory): ImageRef | string {
  if (version.includes('/')) {
    const ref = ImageRef.tryParse(version);
    return typeof ref === 'string' ? `--version: ${ref}` : ref;
  }
  const seen = new Set<string>();
  for (const stage of [from, to]) {
    for (const run of history.runs(stage, app)) {
      for (const img of run.images) {
        const ref = ImageRef.tryParse(img);
        if (typeof ref !== 'string' && (ref.tag === version || ref.digest === version)) seen.add(img);
      }
    }
  }
  if (seen.size === 1) return ImageRef.parse([...seen][0]);
  if (seen.size > 1) return `--version ${formatValue(version)} matches several images of ${app}: ${[...seen].sort().join(', ')}; give the full reference`;
  const base = pins.get(app, to) ?? pins.get(app, from);
  if (!base) return `--version ${formatValue(version)}: ${app} has no pin to take the repository from; give the full reference`;
  const ref = ImageRef.tryParse(version.startsWith('sha256:') ? `${base.repository}@${version}` : `${base.repository}:${version}`);
  return typeof ref === 'string' ? `--version: ${ref}` : ref;
}

/** An ISO 8601 time without milliseconds, in UTC. */
export function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
