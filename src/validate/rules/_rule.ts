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
   * its own folder). A run over part of a tree (publish's gate, the folder
   * cache) sees only the folders it checks: a rule that needs the whole tree
   * declares `acrossFolders`.
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
  /**
   * For a rule whose verdict on an object depends on objects in other
   * folders: the same verdicts from a small fact per object, so that a run
   * over part of a tree (publish's gate, a folder cache) can judge every
   * object against the facts of the whole tree without parsing it.
   *
   * @default - the rule looks at the object's folder only
   */
  readonly acrossFolders?: AcrossFolders;
  /** Returns the violations of `ctx.object` (empty when it complies). */
  check(ctx: RuleContext): RuleHit[];
}

/** The fact-based form of a rule that spans folders (see `PolicyRule.acrossFolders`). */
export interface AcrossFolders {
  /** What the rule needs to know of `object` (plain JSON data), or `undefined` when it plays no part. */
  fact(object: K8sObject): unknown;
  /** The violations of the object whose fact is `fact`, given the facts of every object of the tree (the same hits as `check`). */
  check(fact: unknown, all: readonly unknown[]): RuleHit[];
}
