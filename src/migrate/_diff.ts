import { fieldPath } from './_ts';

/** One field that differs between the input object and the rendered one. */
export interface FieldChange {
  /** `added` (only rendered), `removed` (only in the input) or `changed`. */
  readonly op: 'added' | 'removed' | 'changed';
  /** Field path, e.g. `spec.template.spec.containers[0].image`. */
  readonly field: string;
  /** JSON pointer of the field (RFC 6901), for patches. */
  readonly pointer: string;
  /** The input's value (removed, changed). */
  readonly from?: unknown;
  /** The rendered value (added, changed). */
  readonly to?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pointerPart(k: string | number): string {
  return String(k).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Field-by-field differences from `before` (the input) to `after` (rendered).
 * Objects are compared key by key; lists of different length are one change.
 */
export function diffJson(before: unknown, after: unknown, field = '', pointer = ''): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const out: FieldChange[] = [];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) {
      const f = fieldPath(field, k);
      const p = `${pointer}/${pointerPart(k)}`;
      if (!(k in after)) out.push({ op: 'removed', field: f, pointer: p, from: before[k] });
      else if (!(k in before)) out.push({ op: 'added', field: f, pointer: p, to: after[k] });
      else out.push(...diffJson(before[k], after[k], f, p));
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => diffJson(b, after[i], fieldPath(field, i), `${pointer}/${i}`));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ op: 'changed', field, pointer, from: before, to: after }];
}
