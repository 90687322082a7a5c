import { EnvironmentError, Problem, ValidationError } from '../errors';

/** Why a publish was refused before anything was written. */
export type RefusalReason =
  | 'empty-tree'
  | 'foreign-branch'
  | 'mass-deletion'
  | 'credentials-in-url'
  | 'bad-branch-name'
  | 'unparseable-yaml'
  | 'missing-kustomization'
  | 'unsafe-path'
  | 'tree-shape'
  | 'gate'
  | 'bad-argument'
  | 'bad-remote'
  | 'dirty-checkout'
  | 'unrelated-source'
  | 'push-to-diverged';

/**
 * A publish (or rollback) refused: the tree, the branch or an argument is
 * dangerous. Nothing was committed or pushed. CLI exit code 2.
 */
export class PublishRefusedError extends ValidationError {
  /** Machine-readable reason. */
  public readonly reason: RefusalReason;
  constructor(reason: RefusalReason, problems: readonly Problem[] | string) {
    super(problems);
    this.name = 'PublishRefusedError';
    this.reason = reason;
  }
}

/** Why git failed under a publish. */
export type PublishFailure = 'git' | 'push-rejected' | 'not-a-repository' | 'shallow-history';

/**
 * Git failed under a publish, or the push was still rejected after every
 * retry. The branch is left at its old or its new commit, never in between.
 * CLI exit code 3.
 */
export class PublishError extends EnvironmentError {
  /** Machine-readable failure kind. */
  public readonly failure: PublishFailure;
  constructor(failure: PublishFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishError';
    this.failure = failure;
  }
}
