import { Problem } from '../errors';

/**
 * Prop checks shared by the constructs. Each returns a `Problem` naming the
 * construct path, the field and the value, or `undefined` when the value is fine.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label (namespaces, environment folders): lowercase alphanumerics and '-', at most 63. */
export function checkDnsLabel(path: string, field: string, value: unknown, max = 63): Problem | undefined {
  if (typeof value !== 'string') return { path, field, message: 'must be a string', value };
  if (value.length === 0 || value.length > max) {
    return { path, field, message: `must be 1 to ${max} characters long (it has ${value.length})`, value };
  }
  if (!DNS1123_LABEL.test(value)) {
    return { path, field, message: 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit', value };
  }
  return undefined;
}

/** A DNS-1035 label (Service names): like DNS-1123 but starting with a letter. */
export function checkDns1035Label(path: string, field: string, value: unknown, max = 63): Problem | undefined {
  const p = checkDnsLabel(path, field, value, max);
  if (p) return p;
  if (!DNS1035_LABEL.test(value as string)) {
    return { path, field, message: 'must start with a lowercase letter (a Service name is a DNS-1035 label)', value };
  }
  return undefined;
}

/** A whole number in [min, max]. */
export function checkInteger(path: string, field: string, value: unknown, min: number, max: number): Problem | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    return { path, field, message: `must be a whole number ${range}`, value };
  }
  return undefined;
}

/** Label keys (qualified names with optional DNS prefix) and string values of at most 63 characters. */
export function checkLabels(path: string, field: string, labels: unknown): Problem[] {
  if (labels === undefined) return [];
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    return [{ path, field, message: 'must be a map of strings', value: labels }];
  }
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const f = `${field}.${key}`;
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if ((prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) || name.length > 63 || !QUALIFIED_NAME.test(name)) {
      problems.push({ path, field: f, message: 'is not a valid label key (an optional DNS prefix and "/", then at most 63 of [A-Za-z0-9-_.])', value: key });
    }
    if (typeof value !== 'string') {
      problems.push({ path, field: f, message: `must be a string (quote it: "${String(value)}")`, value });
    } else if (value.length > 63 || !LABEL_VALUE.test(value)) {
      problems.push({ path, field: f, message: 'must be at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit', value });
    }
  }
  return problems;
}

/** Annotation values must be strings. */
export function checkAnnotations(path: string, field: string, annotations: unknown): Problem[] {
  if (annotations === undefined) return [];
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) {
    return [{ path, field, message: 'must be a map of strings', value: annotations }];
  }
  return Object.entries(annotations)
    .filter(([, v]) => typeof v !== 'string')
    .map(([k, v]) => ({ path, field: `${field}.${k}`, message: 'must be a string', value: v }));
}
