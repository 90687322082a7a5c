/** Retry of a failed sync, with exponential backoff (`syncPolicy.retry`). */
export interface ArgoRetry {
  /**
   * Failed sync attempts retried (0: none).
   *
   * @default 5
   */
  readonly limit?: number;
  /**
   * Wait before the first retry (a Go duration).
   *
   * @default '5s'
   */
  readonly duration?: string;
  /**
   * Factor the wait is multiplied by after each failed retry.
   *
   * @default 2
   */
  readonly factor?: number;
  /**
   * Longest wait between two retries (a Go duration).
   *
   * @default '3m'
   */
  readonly maxDuration?: string;
}

/**
 * How Argo CD syncs an Application. The defaults are the seeds' UI settings
 * (automated, prune, self-heal) made safe: an empty folder never deletes
 * everything, failed syncs are retried with backoff, and the namespace is
 * created if missing.
 */
export interface ArgoSyncOptions {
  /**
   * Sync automatically when the branch changes (`syncPolicy.automated`).
   * `false` leaves syncing to a person (`argocd app sync`).
   *
   * @default true
   */
  readonly automated?: boolean;
  /**
   * Delete cluster objects whose file was removed from the branch.
   *
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Revert changes made to the cluster by hand (drift) to the branch's state.
   *
   * @default true
   */
  readonly selfHeal?: boolean;
  /**
   * Sync even when the folder renders no objects. With `prune`, an empty
   * folder (a broken render) would delete every object of the app, so
   * `allowEmpty: true` with `prune: true` also needs `allowEmptyWithPrune: true`.
   *
   * @default false
   */
  readonly allowEmpty?: boolean;
  /**
   * Confirms `allowEmpty: true` together with `prune: true` is intended.
   *
   * @default false
   */
  readonly allowEmptyWithPrune?: boolean;
  /**
   * Argo CD sync options (`Key=Value`).
   *
   * @default ['CreateNamespace=true']
   */
  readonly syncOptions?: string[];
  /**
   * Retry of failed syncs; `false` for none. Given fields win over the defaults.
   *
   * @default - limit 5, duration '5s', factor 2, maxDuration '3m'
   */
  readonly retry?: ArgoRetry | false;
  /**
   * Add the `resources-finalizer.argocd.argoproj.io` finalizer: deleting the
   * Application (e.g. removing the app from code, which the root app prunes)
   * then deletes its objects in the cluster too (cascade delete). Without it,
   * they stay, unmanaged.
   *
   * @default false
   */
  readonly cascadeDelete?: boolean;
}
