import { Problem } from '../errors';

/** Host-name and object-name checks shared by the traffic constructs. */

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * A host name of an Ingress rule or an HTTPRoute: a lowercase DNS name of at
 * least two labels (at most 253 characters, labels of at most 63), optionally
 * starting with one `*.` wildcard label. IP addresses are refused (both APIs
 * match on the Host header, and a certificate is issued for a name).
 */
export function checkHostname(path: string, field: string, value: unknown): Problem | undefined {
  if (typeof value !== 'string') return { path, field, message: 'must be a string host name, e.g. "app.example.com"', value };
  if (IPV4.test(value) || value.includes(':')) {
    return { path, field, message: 'must be a DNS name, not an IP address (or a port): routes match the Host header by name', value };
  }
  const name = value.startsWith('*.') ? value.slice(2) : value;
  if (name.includes('*')) {
    return { path, field, message: 'may hold one wildcard only, as the whole first label ("*.example.com")', value };
  }
  if (value.length > 253) return { path, field, message: `must be at most 253 characters (it has ${value.length})`, value };
  const labels = name.split('.');
  if (labels.length < 2) return { path, field, message: 'must be a fully qualified name with a dot, e.g. "app.example.com"', value };
  const bad = labels.find(l => l.length > 63 || !LABEL.test(l));
  if (bad !== undefined) {
    const why = bad === '' ? 'has an empty label ("..", or a leading or trailing dot)'
      : bad.length > 63 ? `has a label longer than 63 characters (${bad.length})`
        : `has the label ${JSON.stringify(bad)}: labels are lowercase letters, digits and "-", not starting or ending with "-"`;
    return { path, field, message: `is not a valid DNS name: it ${why}`, value };
  }
  return undefined;
}

/** An object name that must be a DNS-1123 subdomain (Secrets, ConfigMaps, Certificates). */
export function checkSubdomain(path: string, field: string, value: unknown): Problem | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    return { path, field, message: 'must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)', value };
  }
  return undefined;
}
