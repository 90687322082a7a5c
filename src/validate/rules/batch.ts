import { podTemplateOf } from './_pod';
import { PolicyRule } from './_rule';

const ARGO_HOOK = 'argocd.argoproj.io/hook';
const ARGO_DELETE = 'argocd.argoproj.io/hook-delete-policy';
const HELM_HOOK = 'helm.sh/hook';
const HELM_DELETE = 'helm.sh/hook-delete-policy';

/** An Argo CD (or Helm) hook that runs pods says when Argo CD deletes it. */
export const hookDeletePolicy: PolicyRule = {
  id: 'hook-delete-policy',
  severity: 'error',
  rationale: 'Argo CD creates a named hook only once: without a delete policy a migration Job runs on the first sync and never again.',
  check({ object }) {
    const annotations = object.metadata?.annotations ?? {};
    const argoHook = annotations[ARGO_HOOK];
    const hook = (typeof argoHook === 'string' && argoHook !== 'Skip') || annotations[HELM_HOOK] !== undefined;
    if (!hook || !podTemplateOf(object)) return [];
    if (annotations[ARGO_DELETE] !== undefined || annotations[HELM_DELETE] !== undefined) return [];
    return [{
      field: `metadata.annotations.${ARGO_DELETE}`,
      message: `is not set on a ${String(argoHook ?? annotations[HELM_HOOK])} hook: set BeforeHookCreation (or HookSucceeded) so the hook runs again on every sync`,
    }];
  },
};

/** A CronJob states whether its runs may overlap. */
export const cronJobConcurrency: PolicyRule = {
  id: 'cronjob-concurrency',
  severity: 'warning',
  rationale: 'An unset concurrencyPolicy means Allow: a run that outlasts the schedule overlaps the next one, which few jobs survive.',
  check({ object }) {
    if (object.kind !== 'CronJob' || object.spec?.concurrencyPolicy !== undefined) return [];
    return [{ field: 'spec.concurrencyPolicy', message: 'is not set, so runs may overlap (the default is Allow): set Forbid or Replace, or Allow to say overlapping runs are fine' }];
  },
};
