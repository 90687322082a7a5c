import { Construct } from 'constructs';
import { IMAGE, appWith } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { MigrationJob } from '../../src/constructs/migration-job';
import { HealthCheck, PodVolume } from '../../src/constructs/pod-spec';
import { addProblemValidation, validateConstruct } from '../../src/constructs/problem-validation';
import { ScheduledJob } from '../../src/constructs/scheduled-job';
import { WebService } from '../../src/constructs/web-service';
import { Worker } from '../../src/constructs/worker';
import { ValidationError } from '../../src/errors';
import { renderFiles } from '../../src/testing';

const CHECK = HealthCheck.exec(['/check']);

describe('all construct problems at once', () => {
  test('GIVEN ten broken constructs across the kinds WHEN rendered THEN one failure lists all ten, one line each', () => {
    // GIVEN
    const { app, env, chart } = appWith();
    const other = new AppChart(env, 'billing');
    new WebService(chart, 'web', { image: IMAGE, port: 0 });
    new WebService(other, 'web', { image: IMAGE, servicePort: 0 });
    new WebService(chart, 'api', { image: IMAGE, name: 'api', replicas: -1 });
    new Worker(chart, 'worker', { image: IMAGE } as any);
    new Worker(other, 'worker', { image: IMAGE, healthCheck: CHECK, env: { 'A=B': 'x' } });
    new Worker(chart, 'mailer', { image: IMAGE, name: 'mailer', healthCheck: CHECK, mounts: [{ volume: 'cache', path: '/cache' }] });
    new ScheduledJob(chart, 'nightly', { image: IMAGE, schedule: '0 25 * * *' });
    new ScheduledJob(other, 'nightly', { image: IMAGE, schedule: '0 1 * * *', timeZone: 'Nowhere/Else' });
    new MigrationJob(chart, 'migrate', { image: IMAGE, backoffLimit: -1 });
    new MigrationJob(other, 'migrate', { image: IMAGE, volumes: [PodVolume.emptyDir('scratch', { sizeLimit: 'lots' })] });
    // WHEN
    let error: unknown;
    try {
      renderFiles(app);
    } catch (e) {
      error = e;
    }
    // THEN
    expect(error).toBeInstanceOf(ValidationError);
    const lines = (error as ValidationError).message.split('\n');
    expect(lines.sort()).toEqual([
      "[dev/billing/migrate] 'volumes[0].sizeLimit' must be a size in Mi or Gi, such as \"256Mi\" or \"1Gi\" (got \"lots\")",
      "[dev/billing/nightly] 'timeZone' is not an IANA time zone such as \"Etc/UTC\" or \"Europe/Berlin\" (got \"Nowhere/Else\")",
      "[dev/billing/web] 'servicePort' must be a whole number between 1 and 65535 (got 0)",
      "[dev/billing/worker] 'env.A=B' is not a valid environment variable name (no \"=\" or whitespace) (got \"A=B\")",
      "[dev/hello/api] 'replicas' must be a whole number >= 0 (got -1)",
      "[dev/hello/mailer] 'mounts[0].volume' names no volume of the pod (it has: tmp); add it to 'volumes' (got \"cache\")",
      "[dev/hello/migrate] 'backoffLimit' must be a whole number between 0 and 1000 (got -1)",
      "[dev/hello/nightly] 'schedule' field 2 (hour) has \"25\", not a number in 0-23 (got \"0 25 * * *\")",
      "[dev/hello/web] 'port' must be a whole number between 1 and 65535 (got 0)",
      "[dev/hello/worker] 'healthCheck' is required: HealthCheck.exec([...]), .http(path, port), .tcp(port), or HealthCheck.none(\"why there is no probe\")",
    ]);
    expect((error as ValidationError).problems).toHaveLength(10);
  });
});

describe('addProblemValidation / validateConstruct', () => {
  test('GIVEN a structured check and a plain cdk8s validation THEN both come back, the structured one with field and value', () => {
    const { chart } = appWith();
    const c = new Construct(chart, 'thing');
    addProblemValidation(c, () => [{ path: c.node.path, field: 'size', message: 'must be small', value: 9 }]);
    c.node.addValidation({ validate: () => ['plain message'] });
    expect(validateConstruct(c)).toEqual([
      { path: 'dev/hello/thing', field: 'size', message: 'must be small', value: 9 },
      { path: 'dev/hello/thing', message: 'plain message' },
    ]);
  });

  test('GIVEN a check whose problems change after construction THEN validation reports the latest', () => {
    const { chart } = appWith();
    const c = new Construct(chart, 'thing');
    const list: { path: string; message: string }[] = [];
    addProblemValidation(c, () => list);
    list.push({ path: c.node.path, message: 'added later' });
    expect(validateConstruct(c)).toEqual([{ path: 'dev/hello/thing', message: 'added later' }]);
    expect(c.node.validate()).toEqual(['[dev/hello/thing] added later']);
  });
});
