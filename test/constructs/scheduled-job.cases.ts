import { IMAGE, appWith, objects } from './_fixtures';
import { ConcurrencyPolicy, ScheduledJob, ScheduledJobProps, checkSchedule } from '../../src/constructs/scheduled-job';
import { renderFiles } from '../../src/testing';

function render(extra: Partial<ScheduledJobProps> = {}) {
  const { app, chart } = appWith();
  new ScheduledJob(chart, 'nightly', { image: IMAGE, schedule: '30 2 * * *', ...extra });
  return { app, files: () => renderFiles(app) };
}

describe('ScheduledJob defaults', () => {
  test('GIVEN an image and a schedule WHEN rendered THEN a CronJob named <app>-cron (snapshot)', () => {
    const files = render().files();
    expect(Object.keys(files)).toEqual(['dev/hello/cronjob-hello-cron.yaml', 'dev/hello/kustomization.yaml']);
    expect(files['dev/hello/cronjob-hello-cron.yaml']).toMatchSnapshot();
  });

  test('GIVEN no timeZone WHEN built THEN no Intl time-zone lookup runs (the default needs no check; the first lookup loads ICU\'s zone data)', () => {
    // GIVEN a spy that lets every call through
    const lookups = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      // WHEN
      render();
      const before = lookups.mock.calls.length;
      render({ timeZone: 'Europe/Berlin' });
      // THEN only the given zone was looked up
      expect([before, lookups.mock.calls.length]).toEqual([0, 1]);
    } finally {
      lookups.mockRestore();
    }
  });

  test('GIVEN defaults THEN UTC, Forbid, 2 retries, a 1-hour deadline, 300 s to start, history 3/1, and a locked-down pod', () => {
    const c = objects(render().files())['dev/hello/cronjob-hello-cron.yaml'];
    expect(c.spec).toMatchObject({
      schedule: '30 2 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 3600 } },
    });
    const pod = c.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.containers[0].livenessProbe).toBeUndefined();
    expect(c.spec.jobTemplate.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/instance': 'hello-cron-dev', 'app.kubernetes.io/name': 'hello-cron' });
  });
});

describe('ScheduledJob props', () => {
  test('GIVEN every prop THEN each lands in the CronJob', () => {
    const c = objects(render({
      name: 'report',
      schedule: '0 */6 * JAN-JUN MON-FRI',
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: ConcurrencyPolicy.REPLACE,
      startingDeadlineSeconds: 60,
      successfulJobsHistoryLimit: 5,
      failedJobsHistoryLimit: 2,
      backoffLimit: 0,
      activeDeadlineSeconds: 120,
      args: ['report', '--daily'],
    }).files())['dev/hello/cronjob-report.yaml'];
    expect(c.spec).toMatchObject({
      schedule: '0 */6 * JAN-JUN MON-FRI',
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: 'Replace',
      startingDeadlineSeconds: 60,
      successfulJobsHistoryLimit: 5,
      failedJobsHistoryLimit: 2,
      jobTemplate: { spec: { backoffLimit: 0, activeDeadlineSeconds: 120 } },
    });
    expect(c.spec.jobTemplate.spec.template.spec.containers[0].args).toEqual(['report', '--daily']);
  });
});

describe('ScheduledJob refusals', () => {
  const cases: [string, Partial<ScheduledJobProps>, string][] = [
    ['four fields', { schedule: '* * * *' }, "[dev/hello/nightly] 'schedule' must have 5 fields (minute hour day-of-month month day-of-week), it has 4 (got \"* * * *\")"],
    ['a macro', { schedule: '@daily' }, "[dev/hello/nightly] 'schedule' must have 5 fields (minute hour day-of-month month day-of-week), it has 1 (write macros such as @daily as \"0 0 * * *\") (got \"@daily\")"],
    ['an inline time zone', { schedule: 'TZ=UTC 0 0 * * *' }, "[dev/hello/nightly] 'schedule' must not set a time zone inline: use the timeZone prop (got \"TZ=UTC 0 0 * * *\")"],
    ['minute 60', { schedule: '60 * * * *' }, "[dev/hello/nightly] 'schedule' field 1 (minute) has \"60\", not a number in 0-59 (got \"60 * * * *\")"],
    ['a bad month name', { schedule: '0 0 1 JANUARY *' }, "[dev/hello/nightly] 'schedule' field 4 (month) has \"JANUARY\", not a name or a number in 1-12"],
    ['a backwards range', { schedule: '0 10-2 * * *' }, "[dev/hello/nightly] 'schedule' field 2 (hour) has a range \"10-2\" that ends before it starts"],
    ['a zero step', { schedule: '*/0 * * * *' }, "[dev/hello/nightly] 'schedule' field 1 (minute) has a step 0 outside 1-59"],
    ['a bad item', { schedule: '1/2/3 * * * *' }, "[dev/hello/nightly] 'schedule' field 1 (minute) has an invalid item \"1/2/3\""],
    ['a bad time zone', { timeZone: 'Mars/Olympus' }, "[dev/hello/nightly] 'timeZone' is not an IANA time zone such as \"Etc/UTC\" or \"Europe/Berlin\" (got \"Mars/Olympus\")"],
    ['the local time zone', { timeZone: 'Local' }, "[dev/hello/nightly] 'timeZone' is not an IANA time zone"],
    ['a bad concurrency policy', { concurrencyPolicy: 'Sometimes' as any }, "[dev/hello/nightly] 'concurrencyPolicy' must be ConcurrencyPolicy.FORBID, REPLACE or ALLOW (got \"Sometimes\")"],
    ['a starting deadline under 10 s', { startingDeadlineSeconds: 5 }, "[dev/hello/nightly] 'startingDeadlineSeconds' must be a whole number >= 10 (got 5)"],
    ['a history of 1000', { successfulJobsHistoryLimit: 1000 }, "[dev/hello/nightly] 'successfulJobsHistoryLimit' must be a whole number between 0 and 100 (got 1000)"],
    ['negative retries', { backoffLimit: -1 }, "[dev/hello/nightly] 'backoffLimit' must be a whole number between 0 and 1000 (got -1)"],
    ['no deadline', { activeDeadlineSeconds: 0 }, "[dev/hello/nightly] 'activeDeadlineSeconds' must be a whole number >= 1 (got 0)"],
    ['a 53-character name', { name: `a${'b'.repeat(52)}` }, "[dev/hello/nightly] 'name' must be at most 52 characters for a CronJob (it has 53)"],
  ];
  test.each(cases)('GIVEN %s WHEN rendered THEN the message names path, field and value', (_name, bad, message) => {
    expect(render(bad).files).toThrow(message);
  });

  test('GIVEN valid expressions THEN checkSchedule accepts lists, steps, ranges, names and "?"', () => {
    for (const s of ['*/15 * * * *', '0 0 1,15 * ?', '0 9-17/2 * * MON-FRI', '0 0 * DEC SUN', '5 4 * * 7']) {
      expect(checkSchedule('p', s)).toBeUndefined();
    }
  });
});
