import { formatValue } from '../errors';

/** How bad a finding is: `error` fails validation (exit code 1), `warning` does not. */
export type Severity = 'error' | 'warning';

/** One problem found in the rendered tree. */
export interface Finding {
  /** The rule that found it, e.g. `image-pinned` or `schema`. */
  readonly rule: string;
  /** `error` fails the gate; `warning` is reported only. */
  readonly severity: Severity;
  /** Tree path of the file, e.g. `dev/hello/deployment-hello.yaml`. */
  readonly file: string;
  /** Kind of the object, if known. */
  readonly kind?: string;
  /** Namespace of the object, if any. */
  readonly namespace?: string;
  /** Name of the object, if known. */
  readonly name?: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly field?: string;
  /** What is wrong, phrased so a person can act on it. */
  readonly message: string;
  /** The offending value, if any. */
  readonly value?: unknown;
}

/** The result of validating a tree. */
export interface ValidationReport {
  /** Every finding, sorted by file, then object, then field. */
  readonly findings: readonly Finding[];
  /** Number of error-severity findings. */
  readonly errors: number;
  /** Number of warning-severity findings. */
  readonly warnings: number;
  /** Number of files checked. */
  readonly files: number;
  /** Number of Kubernetes objects checked. */
  readonly objects: number;
  /** True when there is no error-severity finding. */
  readonly ok: boolean;
  /** Policy findings suppressed by a waiver annotation, with the waiver's reason. */
  readonly waived: readonly WaivedFinding[];
  /** What the run did (folders checked, taken from the cache, kustomize builds), when it was run folder by folder. */
  readonly stats?: {
    readonly foldersChecked: number;
    readonly foldersCached: number;
    readonly kustomizeBuilds: number;
  };
}

/** A finding suppressed by a `cdk8s-gitops.io/waive.<rule>` annotation. */
export interface WaivedFinding extends Finding {
  /** The reason given in the annotation. */
  readonly reason: string;
}

/** Where an object sits in a file, used to stamp findings. */
export interface ObjectLocation {
  readonly file: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/**
 * Formats a finding as
 * `<file>: <kind>/<namespace>/<name>: <field>: <message> (got <value>) [<severity> <rule>]`.
 * Cluster-scoped objects print `<kind>/<name>`; parts that are unknown are left out.
 */
export function formatFinding(f: Finding): string {
  const parts: string[] = [f.file];
  if (f.kind !== undefined || f.name !== undefined) {
    parts.push([f.kind ?? '?', ...(f.namespace ? [f.namespace] : []), f.name ?? '?'].join('/'));
  }
  if (f.field) parts.push(f.field);
  const got = f.value !== undefined ? ` (got ${formatValue(f.value)})` : '';
  return `${parts.join(': ')}: ${f.message}${got} [${f.severity} ${f.rule}]`;
}

const cmp = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);

/** Sorts findings and counts them into a report. */
export function makeReport(findings: readonly Finding[], files: number, objects: number, waived: readonly WaivedFinding[] = []): ValidationReport {
  const sorted = sortFindings(findings);
  const errors = sorted.filter(f => f.severity === 'error').length;
  return { findings: sorted, errors, warnings: sorted.length - errors, files, objects, ok: errors === 0, waived: sortFindings(waived) };
}

function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => cmp(a.file, b.file) || cmp(a.kind, b.kind) || cmp(a.namespace, b.namespace)
    || cmp(a.name, b.name) || cmp(a.field, b.field) || cmp(a.rule, b.rule) || cmp(a.message, b.message));
}

/** Turns a JSON pointer-ish path (`/spec/template/0/x`) into `spec.template[0].x`. */
export function pointerToField(pointer: string): string {
  if (!pointer) return '';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
