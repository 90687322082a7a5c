import { Severity } from '../finding';

/** A Kubernetes object as parsed from the tree. */
export type K8sObject = Record<string, any>;

/** One object together with its tree path, for rules that look at neighbours. */
export interface TreeObject {
  readonly file: string;
  readonly object: K8sObject;
}

/** What a rule sees: the object, and the other objects of its app folder. */
export interface RuleContext {
  readonly object: K8sObject;
  readonly file: string;
  /** Every object in the same folder (including `object`). */
  readonly folder: readonly TreeObject[];
  /**
   * Every object validated, in every folder (a namespace's baseline lives in
   * its own folder). Only the folders being validated: `publish` checks the
   * folders a commit touches.
   *
   * @default - the folder only
   */
  readonly tree?: readonly TreeObject[];
}

/** One violation reported by a rule; the caller stamps file and object. */
export interface RuleHit {
  readonly field?: string;
  readonly message: string;
  readonly value?: unknown;
}

/** A policy rule: id, default severity, one-line rationale and the check. */
export interface PolicyRule {
  /** Stable id, used in findings, waivers and `rules` options, e.g. `image-pinned`. */
  readonly id: string;
  /** Default severity. */
  readonly severity: Severity;
  /** Why the rule exists, one line. */
  readonly rationale: string;
  /** Returns the violations of `ctx.object` (empty when it complies). */
  check(ctx: RuleContext): RuleHit[];
}
