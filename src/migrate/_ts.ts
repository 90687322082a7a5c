import { l1Interface } from './_k8s-types';

/** Raised when a value does not fit the typed L1 props (an unknown field, a wrong type). */
export class TypeMismatch extends Error {
  constructor(public readonly field: string, public readonly why: string) {
    super(`${field} ${why}`);
  }
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const WIDTH = 110;

/** A TypeScript single-quoted string literal. */
export function str(s: string): string {
  return `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** An object key: bare when it is an identifier. */
export function key(k: string): string {
  return IDENT.test(k) ? k : str(k);
}

/** A field path for messages: `spec.ports[0].targetPort`, `metadata.labels["app.kubernetes.io/name"]`. */
export function fieldPath(parent: string, k: string | number): string {
  if (typeof k === 'number') return `${parent}[${k}]`;
  if (IDENT.test(k)) return parent ? `${parent}.${k}` : k;
  return `${parent}[${JSON.stringify(k)}]`;
}

/** Raw code, emitted as is by `literal`. */
export class Code {
  constructor(public readonly code: string) {}
}

/** Formats a value as a TypeScript literal: one line when short, else indented. `Code` is emitted as is. */
export function literal(value: unknown, indent = ''): string {
  if (value instanceof Code) return value.code;
  if (value === null) return 'null';
  if (typeof value === 'string') return str(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    const items = value.map(v => literal(v, inner));
    const flat = `[${items.join(', ')}]`;
    if (!flat.includes('\n') && flat.length + indent.length < WIDTH) return flat;
    return `[\n${items.map(i => `${inner}${i},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${key(k)}: ${literal(v, inner)}`);
  if (!entries.length) return '{}';
  const flat = `{ ${entries.join(', ')} }`;
  if (!flat.includes('\n') && flat.length + indent.length < WIDTH) return flat;
  return `{\n${entries.map(e => `${inner}${e},`).join('\n')}\n${indent}}`;
}

/**
 * Converts a JSON value to the value of an L1 props type, wrapping
 * `IntOrString`, `Quantity` and `Date`, and renaming JSON keys to their
 * props names (`$ref` → `ref`). Throws `TypeMismatch` naming the field when
 * the value does not fit the type.
 */
export function toL1(value: unknown, type: string, field: string, ns = 'k8s'): unknown {
  if (value === null) throw new TypeMismatch(field, 'is null');
  if (type === 'any') return value;
  if (type === 'IntOrString' || type === 'Quantity') {
    if (typeof value === 'number') return new Code(`${ns}.${type}.fromNumber(${value})`);
    if (typeof value === 'string') return new Code(`${ns}.${type}.fromString(${str(value)})`);
    throw new TypeMismatch(field, `must be a number or a string (${type})`);
  }
  if (type === 'Date') {
    if (typeof value !== 'string') throw new TypeMismatch(field, 'must be a date string');
    if (new Date(value).toISOString() !== value) throw new TypeMismatch(field, 'is a date that would not render back the same');
    return new Code(`new Date(${str(value)})`);
  }
  if (type === 'string' || type === 'number' || type === 'boolean') {
    if (typeof value !== type) throw new TypeMismatch(field, `must be a ${type}`);
    return value;
  }
  if (type === 'string | number') {
    if (typeof value !== 'string' && typeof value !== 'number') throw new TypeMismatch(field, 'must be a string or a number');
    return value;
  }
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) throw new TypeMismatch(field, 'must be a list');
    return value.map((v, i) => toL1(v, type.slice(0, -2), fieldPath(field, i), ns));
  }
  const map = /^\{ \[key: string\]: (.+) \}$/.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) throw new TypeMismatch(field, 'must be a map');
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toL1(v, map[1], fieldPath(field, k), ns)]));
  }
  const fields = l1Interface(type);
  if (!fields) throw new TypeMismatch(field, `has a type migrate does not know (${type})`);
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeMismatch(field, 'must be an object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as object)) {
    if (v === null) continue; // cdk8s drops nulls; the diff reports it
    const f = fields.get(k);
    if (!f) throw new TypeMismatch(fieldPath(field, k), 'is not a field of Kubernetes 1.28');
    out[f.prop] = toL1(v, f.type, fieldPath(field, k), ns);
  }
  return out;
}
