import { SourceObject } from './_load';
import { Built, Misfit, podTemplateProps } from './_pod-fit';
import { KindFit, KindFitOptions, podFields } from './_worker-fit';
import { HookDeletePolicy } from '../constructs/migration-job';
import { ConcurrencyPolicy, checkSchedule } from '../constructs/scheduled-job';

/** The Argo CD annotations of a hook. */
export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
const DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';

/** True for a Job that is an Argo CD PreSync hook (what `MigrationJob` renders). */
export function isPreSyncJob(o: SourceObject): boolean {
  return o.json.kind === 'Job' && o.json.metadata?.annotations?.[HOOK_ANNOTATION] === 'PreSync';
}

/** `name: value` for the whole numbers of `source` among `keys`. */
function counts(source: Record<string, any> | undefined, keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(keys.filter(k => Number.isInteger(source?.[k])).map(k => [k, source![k]]));
}

function enumProp<T extends Record<string, string>>(e: T, name: string, value: unknown): Built | undefined {
  const key = Object.keys(e).find(k => e[k] === value);
  return key === undefined ? undefined : new Built(`${name}.${key}`, e[key], [name]);
}

/**
 * A CronJob as a `ScheduledJob`: its 5-field schedule (checked as the
 * construct checks it), time zone, concurrency policy, deadlines and limits,
 * and its Job's pod template. Returns its props, or why it cannot be one.
 */
export function fitScheduledJob(o: SourceObject, options: KindFitOptions): KindFit | Misfit {
  const j = o.json;
  if (j.apiVersion !== 'batch/v1') return { field: 'apiVersion', message: 'is not batch/v1 (a ScheduledJob renders batch/v1)', value: j.apiVersion };
  const s = j.spec ?? {};
  const bad = checkSchedule('', s.schedule);
  if (bad) return { field: 'spec.schedule', message: bad.message, value: s.schedule };
  const templateField = 'spec.jobTemplate.spec.template';
  const pod = podTemplateProps(o, { ...options, kind: 'ScheduledJob', templateField, healthCheck: false });
  if ('field' in pod) return pod;
  const { image, ...rest } = pod.props;
  const policy = enumProp(ConcurrencyPolicy, 'ConcurrencyPolicy', s.concurrencyPolicy);
  const props: Record<string, unknown> = {
    name: j.metadata.name,
    image,
    schedule: s.schedule,
    ...(typeof s.timeZone === 'string' ? { timeZone: s.timeZone } : {}),
    ...(policy ? { concurrencyPolicy: policy } : {}),
    ...counts(s, ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']),
    ...counts(s.jobTemplate?.spec, ['backoffLimit', 'activeDeadlineSeconds']),
    ...rest,
  };
  const fields = {
    ...podFields(templateField),
    schedule: 'spec.schedule',
    timeZone: 'spec.timeZone',
    concurrencyPolicy: 'spec.concurrencyPolicy',
    startingDeadlineSeconds: 'spec.startingDeadlineSeconds',
    successfulJobsHistoryLimit: 'spec.successfulJobsHistoryLimit',
    failedJobsHistoryLimit: 'spec.failedJobsHistoryLimit',
    backoffLimit: 'spec.jobTemplate.spec.backoffLimit',
    activeDeadlineSeconds: 'spec.jobTemplate.spec.activeDeadlineSeconds',
  };
  return { className: 'ScheduledJob', resource: 'cronJob', templateField, props, fields };
}

/**
 * A Job that is an Argo CD PreSync hook as a `MigrationJob`: its delete
 * policy, retries, deadline and pod template. Returns its props, or why it
 * cannot be one.
 */
export function fitMigrationJob(o: SourceObject, options: KindFitOptions): KindFit | Misfit {
  const j = o.json;
  if (j.apiVersion !== 'batch/v1') return { field: 'apiVersion', message: 'is not batch/v1 (a MigrationJob renders batch/v1)', value: j.apiVersion };
  const templateField = 'spec.template';
  const pod = podTemplateProps(o, { ...options, kind: 'MigrationJob', templateField, healthCheck: false });
  if ('field' in pod) return pod;
  const { image, ...rest } = pod.props;
  const deletePolicy = enumProp(HookDeletePolicy, 'HookDeletePolicy', j.metadata?.annotations?.[DELETE_POLICY_ANNOTATION]);
  const props: Record<string, unknown> = {
    name: j.metadata.name,
    image,
    ...(deletePolicy ? { deletePolicy } : {}),
    ...counts(j.spec, ['backoffLimit', 'activeDeadlineSeconds']),
    ...rest,
  };
  const fields = {
    ...podFields(templateField),
    deletePolicy: `metadata.annotations["${DELETE_POLICY_ANNOTATION}"]`,
    backoffLimit: 'spec.backoffLimit',
    activeDeadlineSeconds: 'spec.activeDeadlineSeconds',
  };
  return { className: 'MigrationJob', resource: 'job', templateField, props, fields };
}
