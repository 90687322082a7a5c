import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DeferredObject } from './_deferred';
import { Workload } from './workload';
import { RunToCompletionProps } from './workload-props';

/** When Argo CD deletes a finished hook Job. */
export enum HookDeletePolicy {
  /** Just before the next sync creates it again: the last run's logs stay readable (the default). */
  BEFORE_HOOK_CREATION = 'BeforeHookCreation',
  /** As soon as it succeeded (a failed run stays for its logs). */
  HOOK_SUCCEEDED = 'HookSucceeded',
  /** As soon as it failed. */
  HOOK_FAILED = 'HookFailed',
}

/** Props of `MigrationJob`. */
export interface MigrationJobProps extends RunToCompletionProps {
  /**
   * When Argo CD deletes the finished Job.
   *
   * @default HookDeletePolicy.BEFORE_HOOK_CREATION
   */
  readonly deletePolicy?: HookDeletePolicy;
}

/**
 * A database migration run before each sync: a Job that is an Argo CD
 * `PreSync` hook, so Argo CD runs it to completion before it applies the
 * app's other objects, and a failed migration stops the rollout. Its image
 * is the app's pin (`imageName` defaults to the app name) unless `image` or
 * `imageName` says otherwise; 1 retry, a 10-minute deadline, deleted before
 * the next sync creates it again. Its name defaults to `<app>-migrate`.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/
 */
export class MigrationJob extends Workload {
  /** The Job (built on first use, see `Workload`). */
  public get job(): kplus.Job {
    this._build();
    return this._job!;
  }

  private _job?: kplus.Job;

  constructor(scope: Construct, id: string, props: MigrationJobProps = {}) {
    super(scope, id, props, { kind: 'MigrationJob', nameSuffix: 'migrate' });
    const deletePolicy = props.deletePolicy ?? HookDeletePolicy.BEFORE_HOOK_CREATION;
    if (!Object.values(HookDeletePolicy).includes(deletePolicy)) {
      this.report({ path: this.node.path, field: 'deletePolicy', message: 'must be a HookDeletePolicy (BEFORE_HOOK_CREATION, HOOK_SUCCEEDED or HOOK_FAILED)', value: deletePolicy });
    }
    const jobProps: kplus.JobProps = {
      ...this.podProps(),
      ...this.runToCompletion(props, { backoffLimit: 1, activeDeadlineSeconds: 600 }),
    };
    this._defer(() => {
      const job = new kplus.Job(this, 'Job', this._freshPodProps(jobProps));
      this._job = job;
      job.metadata.addAnnotation('argocd.argoproj.io/hook', 'PreSync');
      job.metadata.addAnnotation('argocd.argoproj.io/hook-delete-policy', deletePolicy);
      this.adopt(job, '/spec/template');
    });
  }

  /** @internal */
  public _releaseParts(): void {
    super._releaseParts();
    this._job = undefined;
  }

  /** @internal */
  public _renderedObjects(): DeferredObject[] {
    return [this._renderedObject('Job/Resource', 'batch/v1', 'Job')];
  }
}
