import { Problem, ValidationError } from '../errors';

/** Why a promotion was refused. */
export type PromotionRefusal =
  | 'unknown-stage'
  | 'first-stage'
  | 'not-upstream'
  | 'skipped-stage'
  | 'unknown-app'
  | 'no-pin-upstream'
  | 'never-published'
  | 'soaking'
  | 'bad-argument';

/** One refused part of a promotion, with its reason. */
export interface PromotionProblem extends Problem {
  /** Machine-readable reason. */
  readonly reason: PromotionRefusal;
}

/**
 * A promotion refused: the stages are out of order, or the rendered branch
 * does not show the version running upstream long enough. Nothing was
 * written. CLI exit code 2.
 */
export class PromotionRefusedError extends ValidationError {
  /** The reasons, one per problem, in order. */
  public readonly reasons: readonly PromotionRefusal[];
  constructor(problems: readonly PromotionProblem[]) {
    super(problems.map(({ reason: _reason, ...p }) => p));
    this.name = 'PromotionRefusedError';
    this.reasons = problems.map(p => p.reason);
  }
}
