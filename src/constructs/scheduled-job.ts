import { Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkInteger } from './_checks';
import { DeferredObject } from './_deferred';
import { Workload } from './workload';
import { RunToCompletionProps } from './workload-props';

/** What happens when a run is due while the previous one still runs. */
export enum ConcurrencyPolicy {
  /** Skip the new run (the default). */
  FORBID = 'Forbid',
  /** Stop the running one and start the new one. */
  REPLACE = 'Replace',
  /** Run both; say so explicitly. */
  ALLOW = 'Allow',
}

/** Props of `ScheduledJob`. */
export interface ScheduledJobProps extends RunToCompletionProps {
  /**
   * When to run: a 5-field cron expression (minute hour day-of-month month
   * day-of-week), e.g. `30 2 * * *` for 02:30 every day.
   */
  readonly schedule: string;
  /**
   * IANA time zone the schedule is read in, e.g. `Europe/Berlin`.
   *
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;
  /**
   * What happens when a run is due while the previous one still runs.
   *
   * @default ConcurrencyPolicy.FORBID
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * Seconds after its time a missed run may still start (at least 10).
   *
   * @default 300
   */
  readonly startingDeadlineSeconds?: number;
  /**
   * Finished successful runs kept (their pods' logs).
   *
   * @default 3
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Finished failed runs kept.
   *
   * @default 1
   */
  readonly failedJobsHistoryLimit?: number;
}

/**
 * A job run on a schedule: a CronJob with the secure pod defaults of
 * `Workload`, a validated 5-field schedule in an explicit time zone
 * (`Etc/UTC` unless told), no overlapping runs (`Forbid`), 2 retries, a
 * 1-hour deadline per run and bounded history. Its name defaults to `<app>-cron`.
 */
export class ScheduledJob extends Workload {
  /** The CronJob (built on first use, see `Workload`). */
  public get cronJob(): kplus.CronJob {
    this._build();
    return this._cronJob!;
  }

  private _cronJob?: kplus.CronJob;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id, props, { kind: 'ScheduledJob', nameSuffix: 'cron' });
    const where = this.node.path;
    // A CronJob's name is at most 52 characters (its Jobs append 11).
    if (this.name.length > 52) this.report({ path: where, field: 'name', message: `must be at most 52 characters for a CronJob (it has ${this.name.length})`, value: this.name });
    const schedule = this.check(checkSchedule(where, props.schedule)) ? props.schedule : '0 0 * * *';
    const timeZone = props.timeZone ?? 'Etc/UTC';
    // Only a given zone is checked: the first Intl time-zone lookup loads ICU's zone data (≈ 30 ms of every synth).
    if (props.timeZone !== undefined && !isTimeZone(timeZone)) this.report({ path: where, field: 'timeZone', message: 'is not an IANA time zone such as "Etc/UTC" or "Europe/Berlin"', value: timeZone });
    const policy = props.concurrencyPolicy ?? ConcurrencyPolicy.FORBID;
    if (!Object.values(ConcurrencyPolicy).includes(policy)) {
      this.report({ path: where, field: 'concurrencyPolicy', message: 'must be ConcurrencyPolicy.FORBID, REPLACE or ALLOW', value: policy });
    }
    const count = (field: string, value: number, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
      (this.check(checkInteger(where, field, value, min, max)) ? value : dflt);
    const [minute, hour, day, month, weekDay] = schedule.trim().split(/\s+/);
    const cronJobProps: kplus.CronJobProps = {
      ...this.podProps(),
      ...this.runToCompletion(props, { backoffLimit: 2, activeDeadlineSeconds: 3600 }),
      schedule: Cron.schedule({ minute, hour, day, month, weekDay }),
      timeZone,
      concurrencyPolicy: policy as string as kplus.ConcurrencyPolicy,
      startingDeadline: Duration.seconds(count('startingDeadlineSeconds', props.startingDeadlineSeconds ?? 300, 300, 10)),
      successfulJobsRetained: count('successfulJobsHistoryLimit', props.successfulJobsHistoryLimit ?? 3, 3, 0, 100),
      failedJobsRetained: count('failedJobsHistoryLimit', props.failedJobsHistoryLimit ?? 1, 1, 0, 100),
    };
    this._defer(() => {
      this._cronJob = new kplus.CronJob(this, 'CronJob', this._freshPodProps(cronJobProps));
      this.adopt(this._cronJob, '/spec/jobTemplate/spec/template');
    });
  }

  /** @internal */
  public _releaseParts(): void {
    super._releaseParts();
    this._cronJob = undefined;
  }

  /** @internal */
  public _renderedObjects(): DeferredObject[] {
    return [this._renderedObject('CronJob/Resource', 'batch/v1', 'CronJob')];
  }
}

const FIELDS: readonly { name: string; min: number; max: number; names?: readonly string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/**
 * Checks a 5-field cron expression as the CronJob controller reads it:
 * `*`, numbers, names (JAN-DEC, SUN-SAT), ranges `a-b`, steps `/n`, lists
 * `a,b`; `?` for the day fields. Macros (`@daily`) and `TZ=` prefixes are refused.
 */
export function checkSchedule(path: string, schedule: unknown): { path: string; field: string; message: string; value: unknown } | undefined {
  const fail = (message: string) => ({ path, field: 'schedule', message, value: schedule });
  if (typeof schedule !== 'string') return fail('must be a 5-field cron expression such as "30 2 * * *"');
  if (/^\s*(CRON_)?TZ=/.test(schedule)) return fail('must not set a time zone inline: use the timeZone prop');
  const parts = schedule.trim().split(/\s+/);
  if (parts.length !== 5) {
    return fail(`must have 5 fields (minute hour day-of-month month day-of-week), it has ${parts[0] === '' ? 0 : parts.length}${schedule.trim().startsWith('@') ? ' (write macros such as @daily as "0 0 * * *")' : ''}`);
  }
  for (const [i, part] of parts.entries()) {
    const f = FIELDS[i];
    for (const item of part.split(',')) {
      const why = checkCronItem(item, f, i === 2 || i === 4);
      if (why) return fail(`field ${i + 1} (${f.name}) ${why}`);
    }
  }
  return undefined;
}

function checkCronItem(item: string, f: typeof FIELDS[number], question: boolean): string | undefined {
  const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
  if (!m) return `has an invalid item ${JSON.stringify(item)}`;
  const [, range, step] = m;
  if (step !== undefined && (Number(step) < 1 || Number(step) > f.max)) return `has a step ${step} outside 1-${f.max}`;
  if (range === '*' || (question && range === '?')) return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `has an invalid range ${JSON.stringify(range)}`;
  const values: number[] = [];
  for (const b of bounds) {
    const n = /^\d+$/.test(b) ? Number(b) : (f.names?.indexOf(b.toUpperCase()) ?? -1) + (f.name === 'month' ? 1 : 0);
    const valid = /^\d+$/.test(b) ? n >= f.min && n <= f.max : (f.names?.includes(b.toUpperCase()) ?? false);
    if (!valid) return `has ${JSON.stringify(b)}, not ${f.names ? 'a name or ' : ''}a number in ${f.min}-${f.max}`;
    values.push(n);
  }
  if (values.length === 2 && values[0] > values[1]) return `has a range ${JSON.stringify(range)} that ends before it starts`;
  return undefined;
}

function isTimeZone(tz: unknown): boolean {
  if (typeof tz !== 'string' || !tz || tz.toLowerCase() === 'local') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
