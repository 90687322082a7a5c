import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkAnnotations, checkDnsLabel, checkInteger } from './_checks';
import { HealthCheck, NamedPort, PodVolume, ServiceAccountSpec } from './pod-spec';
import { Problem } from '../errors';

/**
 * Parts of a workload's pod checked and built outside the `Workload` class
 * (private to the package): container ports, probes, volumes and the
 * per-app ServiceAccount. Each reports its problems into the `problems` it is given.
 */

const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** What a port check needs to know of the workload kind. */
export interface WorkloadKind {
  /** The kind's name in messages, e.g. `Worker`. */
  readonly kind: string;
  /** The kind renders a Service (so a port may have a `servicePort`). */
  readonly hasService?: boolean;
}

/** Adds `problem` to `problems` if there is one; true if there was none. */
function noProblem(problems: Problem[], problem: Problem | undefined): boolean {
  if (problem) problems.push(problem);
  return !problem;
}

/**
 * The container ports of `ports` (`field` names them in messages), checked:
 * IANA names, numbers, protocols, no repeat of each other or of the main
 * port, `servicePort` only on a kind with a Service. Problems go to `problems`.
 */
export function containerPorts(
  where: string, ports: NamedPort[], field: string, mainPort: number | undefined, kind: WorkloadKind, problems: Problem[],
): kplus.ContainerPort[] | undefined {
  if (!Array.isArray(ports)) {
    problems.push({ path: where, field, message: 'must be a list of { name, port }', value: ports });
    return undefined;
  }
  const seen = new Map<unknown, string>(mainPort !== undefined ? [[mainPort, 'port']] : []);
  const out: kplus.ContainerPort[] = [];
  for (const [i, p] of ports.entries()) {
    const f = `${field}[${i}]`;
    let ok = true;
    if (typeof p.name !== 'string' || p.name.length > 15 || !PORT_NAME.test(p.name)) {
      ok = noProblem(problems, { path: where, field: `${f}.name`, message: 'must be an IANA service name: at most 15 lowercase letters, digits and "-", with a letter', value: p.name }) && ok;
    }
    ok = noProblem(problems, checkInteger(where, `${f}.port`, p.port, 1, 65535)) && ok;
    if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) {
      ok = noProblem(problems, { path: where, field: `${f}.protocol`, message: 'must be TCP, UDP or SCTP', value: p.protocol }) && ok;
    }
    if (p.servicePort !== undefined) {
      if (!kind.hasService) {
        problems.push({ path: where, field: `${f}.servicePort`, message: `a ${kind.kind} has no Service; remove servicePort (or use a WebService)`, value: p.servicePort });
      } else {
        noProblem(problems, checkInteger(where, `${f}.servicePort`, p.servicePort, 1, 65535));
      }
    }
    for (const key of [p.port, p.name]) {
      const other = seen.get(key);
      if (other !== undefined) {
        ok = noProblem(problems, { path: where, field: f, message: `repeats the ${typeof key === 'number' ? 'port number' : 'name'} of ${other}`, value: key }) && ok;
      }
      seen.set(key, f);
    }
    if (ok) out.push({ name: p.name, number: p.port, protocol: p.protocol as kplus.Protocol | undefined });
  }
  return out.length ? out : undefined;
}

/**
 * The probe of `check` (none for an init container or `HealthCheck.none`),
 * checked: a reason for none, a non-empty command, a port, an HTTP path.
 */
export function containerProbe(
  where: string, check: HealthCheck | undefined, field: string, init: boolean, mainPort: number | undefined, problems: Problem[],
): kplus.Probe | undefined {
  if (check === undefined || init) return undefined;
  if (!(check instanceof HealthCheck)) {
    problems.push({ path: where, field, message: 'must be a HealthCheck (HealthCheck.http, .tcp, .exec or .none)', value: check });
    return undefined;
  }
  const { path, port, command, reason } = check._check;
  if (reason !== undefined) {
    if (typeof reason !== 'string' || !reason.trim()) problems.push({ path: where, field, message: 'HealthCheck.none needs a reason (why this container has no probe)', value: reason });
    return undefined;
  }
  if (command !== undefined) {
    if (!Array.isArray(command) || !command.length || command.some(a => typeof a !== 'string' || !a)) {
      problems.push({ path: where, field: `${field}.command`, message: 'must be a non-empty list of non-empty strings', value: command });
      return undefined;
    }
    return kplus.Probe.fromCommand(command);
  }
  if (port !== mainPort && !noProblem(problems, checkInteger(where, `${field}.port`, port, 1, 65535))) return undefined;
  if (path === undefined) return kplus.Probe.fromTcpSocket({ port });
  if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path)) {
    problems.push({ path: where, field: `${field}.path`, message: 'must be an HTTP path starting with "/"', value: path });
    return undefined;
  }
  return kplus.Probe.fromHttpGet(path, { port });
}

/**
 * The per-app ServiceAccount `spec` asks for, created once in `chart` (no
 * token mounted): a second workload of the app naming it must give the same
 * annotations. Returns its name.
 */
export function perAppServiceAccount(
  chart: Construct, where: string, spec: ServiceAccountSpec, appName: string, labels: Record<string, string> | undefined, problems: Problem[],
): string {
  const name = spec.name ?? appName;
  noProblem(problems, checkDnsLabel(where, 'serviceAccount.name', name, 253));
  problems.push(...checkAnnotations(where, 'serviceAccount.annotations', spec.annotations));
  const id = `ServiceAccount-${name}`;
  const existing = chart.node.tryFindChild(id) as kplus.k8s.KubeServiceAccount | undefined;
  const annotations = spec.annotations && Object.keys(spec.annotations).length ? sortKeys(spec.annotations) : undefined;
  if (existing) {
    const before = SERVICE_ACCOUNT_ANNOTATIONS.get(existing);
    if (JSON.stringify(before ?? {}) !== JSON.stringify(annotations ?? {})) {
      problems.push({ path: where, field: 'serviceAccount.annotations', message: `differ from those another workload of the app gave ServiceAccount ${JSON.stringify(name)} (${JSON.stringify(before ?? {})})`, value: annotations ?? {} });
    }
    return name;
  }
  const account = new kplus.k8s.KubeServiceAccount(chart, id, {
    metadata: { name, labels: { ...labels, 'app.kubernetes.io/managed-by': 'cdk8s-gitops' }, annotations },
    automountServiceAccountToken: false,
  });
  SERVICE_ACCOUNT_ANNOTATIONS.set(account, annotations);
  return name;
}

/** The annotations each per-app ServiceAccount was created with. */
const SERVICE_ACCOUNT_ANNOTATIONS = new WeakMap<kplus.k8s.KubeServiceAccount, Record<string, string> | undefined>();

/** `r` with its keys in order. */
export function sortKeys<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Sizes of an emptyDir volume. */
const VOLUME_SIZE = /^([1-9]\d*)(Mi|Gi)$/;

/**
 * The kplus volume of `volume` (its name already checked), created in
 * `scope`; ConfigMaps and Secrets come from `ref`. Undefined, with the
 * problem in `problems`, when its source is invalid.
 */
export function kplusVolume(
  scope: Construct, volume: PodVolume, field: string, where: string,
  ref: (kind: 'configMap' | 'secret', name: string) => kplus.IConfigMap | kplus.ISecret, problems: Problem[],
): kplus.Volume | undefined {
  const s = volume._source;
  const id = `Volume-${volume.name}`;
  if (s.kind === 'emptyDir') {
    const size = s.sizeLimit === undefined ? undefined : VOLUME_SIZE.exec(s.sizeLimit);
    if (s.sizeLimit !== undefined && !size) {
      problems.push({ path: where, field: `${field}.sizeLimit`, message: 'must be a size in Mi or Gi, such as "256Mi" or "1Gi"', value: s.sizeLimit });
      return undefined;
    }
    return kplus.Volume.fromEmptyDir(scope, id, volume.name, {
      sizeLimit: size ? Size.mebibytes(Number(size[1]) * (size[2] === 'Gi' ? 1024 : 1)) : undefined,
      medium: s.memory ? kplus.EmptyDirMedium.MEMORY : undefined,
    });
  }
  if (!noProblem(problems, checkDnsLabel(where, `${field}.${s.kind}`, s.ref, 253))) return undefined;
  if (s.kind === 'persistentVolumeClaim') {
    return kplus.Volume.fromPersistentVolumeClaim(scope, id, kplus.PersistentVolumeClaim.fromClaimName(scope, `${id}-claim`, s.ref!), { name: volume.name, readOnly: s.readOnly });
  }
  if (s.defaultMode !== undefined) noProblem(problems, checkInteger(where, `${field}.defaultMode`, s.defaultMode, 0, 0o777));
  const items = s.items ? Object.fromEntries(Object.entries(s.items).map(([k, path]) => [k, { path }])) : undefined;
  const options = { name: volume.name, defaultMode: s.defaultMode, items };
  return s.kind === 'configMap'
    ? kplus.Volume.fromConfigMap(scope, id, ref('configMap', s.ref!) as kplus.IConfigMap, options)
    : kplus.Volume.fromSecret(scope, id, ref('secret', s.ref!) as kplus.ISecret, options);
}
