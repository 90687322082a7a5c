import { FieldChange } from './_diff';
import { Problem } from '../errors';

/** What `--strict` compares: each input object's rendered file and differences, and rendered objects no input became. */
export interface StrictComparison {
  readonly objects: readonly {
    readonly file: string;
    readonly document: number;
    readonly kind: string;
    readonly name: string;
    readonly rendered?: string;
    readonly changes: readonly FieldChange[];
  }[];
  readonly added: readonly { readonly file: string; readonly json: Record<string, any> }[];
}

/**
 * Why a `--strict` program does not reproduce its input exactly: one problem
 * per differing field (input file, field, the value rendered instead), per
 * input object not rendered, and per object rendered that no input became.
 * Empty when the round trip is exact.
 */
export function strictProblems(c: StrictComparison): Problem[] {
  const problems: Problem[] = [];
  for (const o of c.objects) {
    const what = `${o.kind} ${o.name} (document ${o.document})`;
    if (!o.rendered) {
      problems.push({ path: o.file, message: `--strict does not render ${what}` });
      continue;
    }
    for (const ch of o.changes) {
      const message = ch.op === 'added' ? `of ${what}: --strict renders a field the input does not set`
        : ch.op === 'removed' ? `of ${what}: --strict leaves out the input's value ${JSON.stringify(ch.from)}`
          : `of ${what}: --strict renders another value than the input's ${JSON.stringify(ch.from)}`;
      problems.push({ path: o.file, field: ch.field, message, ...(ch.op !== 'removed' ? { value: ch.to } : {}) });
    }
  }
  for (const a of c.added) {
    problems.push({ path: a.file, message: `--strict renders ${a.json.kind} ${a.json.metadata?.name}, which is not in the input` });
  }
  return problems;
}
