import { SourceObject } from './_load';
import { Code, literal, str } from './_ts';
import { EnvFromSource, EnvValue, HealthCheck, PodVolume } from '../constructs/pod-spec';
import { formatValue } from '../errors';
import { ImageRef } from '../image-ref';

/**
 * A prop value that is code in the generated program (`ImageRef.parse('…')`)
 * and the real value the scratch construct is built with.
 */
export class Built extends Code {
  constructor(code: string, public readonly value: unknown, public readonly uses: readonly string[]) {
    super(code);
  }
}

/** The real props: every `Built` replaced by its value. */
export function realize(v: unknown): any {
  if (v instanceof Built) return v.value;
  if (Array.isArray(v)) return v.map(realize);
  if (v && typeof v === 'object' && !(v instanceof Code)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, realize(x)]));
  return v;
}

/** The library names the props' code uses (`ImageRef`, `EnvValue`, …). */
export function usedNames(v: unknown, out = new Set<string>()): Set<string> {
  if (v instanceof Built) v.uses.forEach(u => out.add(u));
  else if (Array.isArray(v)) v.forEach(x => usedNames(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach(x => usedNames(x, out));
  return out;
}

/** Why an input does not fit a construct: the input field, what is wrong, the input's value. */
export interface Misfit {
  readonly field: string;
  readonly message: string;
  readonly value?: unknown;
}

/** `'field' message (got value)`, as the notes print it. */
export function formatMisfit(m: Misfit): string {
  return `'${m.field}' ${m.message}${m.value !== undefined ? ` (got ${formatValue(m.value)})` : ''}`;
}

/** Labels the workload constructs own (their values are derived from names). */
export const OWNED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by'];

/** The writable /tmp the constructs mount (`writableTmp`). */
const TMP_VOLUME = JSON.stringify({ emptyDir: { sizeLimit: '64Mi' }, name: 'tmp' });

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(x => typeof x === 'string');

function built(code: string, value: unknown, ...uses: string[]): Built {
  return new Built(code, value, uses);
}

/** `, { options }` after a factory's arguments, or nothing when there are none. */
function opts(o: Record<string, unknown>): string {
  const set = stripUndefined(o);
  return Object.keys(set).length ? `, ${literal(set)}` : '';
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** An image as `ImageRef.parse(…)`, or why it is not one. */
export function imageProp(image: unknown, field: string): Built | Misfit {
  const ref = typeof image === 'string' ? ImageRef.tryParse(image) : 'must be a string';
  if (typeof ref === 'string') return { field, message: ref.replace(/^invalid image reference "[^"]*": /, 'is not an image reference: '), value: image };
  return built(`ImageRef.parse(${str(ref.toString())})`, ref, 'ImageRef');
}

/** A probe as a `HealthCheck` (http on a numbered port, tcp, exec); undefined when it is none of them. */
export function healthCheckProp(probe: unknown): Built | undefined {
  if (!isObject(probe)) return undefined;
  const { httpGet, tcpSocket, exec } = probe;
  if (isObject(httpGet) && typeof httpGet.path === 'string' && typeof httpGet.port === 'number') {
    return built(`HealthCheck.http(${str(httpGet.path)}, ${httpGet.port})`, HealthCheck.http(httpGet.path, httpGet.port), 'HealthCheck');
  }
  if (isObject(tcpSocket) && typeof tcpSocket.port === 'number') return built(`HealthCheck.tcp(${tcpSocket.port})`, HealthCheck.tcp(tcpSocket.port), 'HealthCheck');
  if (isObject(exec) && isStrings(exec.command) && exec.command.length) {
    return built(`HealthCheck.exec(${literal(exec.command)})`, HealthCheck.exec(exec.command), 'HealthCheck');
  }
  return undefined;
}

/** The no-probe opt-out migrate writes for a worker whose YAML has no probe (a waiver reviewers see). */
export function noHealthCheck(waiver?: unknown): Built {
  const reason = typeof waiver === 'string' && waiver.trim() ? waiver : 'migrated from YAML without a probe: add HealthCheck.exec, .http or .tcp';
  return built(`HealthCheck.none(${str(reason)})`, HealthCheck.none(reason), 'HealthCheck');
}

/** Props of one container (main, sidecar, init) that the construct's `ContainerSettings` express. */
function containerProps(c: Record<string, any>, tmp: boolean): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  if (isStrings(c.command)) props.command = c.command;
  if (isStrings(c.args)) props.args = c.args;
  if (Array.isArray(c.env)) {
    const env: Record<string, unknown> = {};
    for (const e of c.env) {
      if (!isObject(e) || typeof e.name !== 'string' || e.name in env) continue;
      if (typeof e.value === 'string' && e.valueFrom === undefined) env[e.name] = e.value;
      const from = e.valueFrom;
      for (const [key, factory] of [['configMapKeyRef', 'fromConfigMapKey'], ['secretKeyRef', 'fromSecretKey']] as const) {
        const ref = isObject(from) ? from[key] : undefined;
        if (!isObject(ref) || typeof ref.name !== 'string' || typeof ref.key !== 'string') continue;
        const optional = typeof ref.optional === 'boolean' ? ref.optional : undefined;
        const value = EnvValue[factory](ref.name, ref.key, stripUndefined({ optional }));
        env[e.name] = built(`EnvValue.${factory}(${str(ref.name)}, ${str(ref.key)}${opts({ optional })})`, value, 'EnvValue');
      }
    }
    if (Object.keys(env).length) props.env = env;
  }
  if (Array.isArray(c.envFrom)) {
    const envFrom: Built[] = [];
    for (const e of c.envFrom) {
      const kind = isObject(e?.configMapRef) ? 'configMap' : isObject(e?.secretRef) ? 'secret' : undefined;
      const name = kind ? e[`${kind}Ref`].name : undefined;
      if (!kind || typeof name !== 'string') continue;
      const prefix = typeof e.prefix === 'string' ? e.prefix : undefined;
      envFrom.push(built(`EnvFromSource.${kind}(${str(name)}${opts({ prefix })})`, EnvFromSource[kind](name, stripUndefined({ prefix })), 'EnvFromSource'));
    }
    if (envFrom.length) props.envFrom = envFrom;
  }
  if (Array.isArray(c.ports)) {
    const ports = c.ports.filter((p: any) => isObject(p) && typeof p.name === 'string' && typeof p.containerPort === 'number')
      .map((p: any) => stripUndefined({ name: p.name, port: p.containerPort, protocol: typeof p.protocol === 'string' ? p.protocol : undefined }));
    if (ports.length) props.ports = ports;
  }
  const r = c.resources;
  if (isObject(r)) {
    // A quantity written as a YAML number (cpu: 1, cpu: 0.5) is the same quantity as its string.
    const q = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
    const resources = stripUndefined({
      cpuRequest: q(r.requests?.cpu),
      cpuLimit: q(r.limits?.cpu),
      memoryRequest: q(r.requests?.memory),
      memoryLimit: q(r.limits?.memory),
    });
    if (Object.keys(resources).length) props.resources = resources;
  }
  if (Array.isArray(c.volumeMounts)) {
    const mounts = c.volumeMounts
      .filter((m: any) => isObject(m) && typeof m.name === 'string' && typeof m.mountPath === 'string' && !(tmp && m.name === 'tmp' && m.mountPath === '/tmp'))
      .map((m: any) => stripUndefined({
        volume: m.name,
        path: m.mountPath,
        readOnly: typeof m.readOnly === 'boolean' ? m.readOnly : undefined,
        subPath: typeof m.subPath === 'string' ? m.subPath : undefined,
      }));
    if (mounts.length) props.mounts = mounts;
  }
  return props;
}

/** A pod volume as a `PodVolume`; undefined when it is another kind (the fit check names it). */
function volumeProp(v: Record<string, any>): Built | undefined {
  const name = v.name;
  if (typeof name !== 'string') return undefined;
  const items = (list: unknown) => (Array.isArray(list) && list.every(i => isObject(i) && typeof i.key === 'string' && typeof i.path === 'string')
    ? Object.fromEntries(list.map((i: any) => [i.key, i.path])) : undefined);
  const keyOptions = (s: Record<string, any>) => stripUndefined({ items: items(s.items), defaultMode: typeof s.defaultMode === 'number' ? s.defaultMode : undefined });
  const code = (factory: string, args: string[], options: Record<string, unknown>) => `PodVolume.${factory}(${args.map(str).join(', ')}${opts(options)})`;
  if (isObject(v.emptyDir)) {
    const o = stripUndefined({ sizeLimit: typeof v.emptyDir.sizeLimit === 'string' ? v.emptyDir.sizeLimit : undefined, memory: v.emptyDir.medium === 'Memory' ? true : undefined });
    return built(code('emptyDir', [name], o), PodVolume.emptyDir(name, o), 'PodVolume');
  }
  if (isObject(v.configMap) && typeof v.configMap.name === 'string') {
    const o = keyOptions(v.configMap);
    return built(code('configMap', [name, v.configMap.name], o), PodVolume.configMap(name, v.configMap.name, o), 'PodVolume');
  }
  if (isObject(v.secret) && typeof v.secret.secretName === 'string') {
    const o = keyOptions(v.secret);
    return built(code('secret', [name, v.secret.secretName], o), PodVolume.secret(name, v.secret.secretName, o), 'PodVolume');
  }
  if (isObject(v.persistentVolumeClaim) && typeof v.persistentVolumeClaim.claimName === 'string') {
    const o = stripUndefined({ readOnly: typeof v.persistentVolumeClaim.readOnly === 'boolean' ? v.persistentVolumeClaim.readOnly : undefined });
    return built(code('persistentVolumeClaim', [name, v.persistentVolumeClaim.claimName], o), PodVolume.persistentVolumeClaim(name, v.persistentVolumeClaim.claimName, o), 'PodVolume');
  }
  return undefined;
}

/** Options of `podTemplateProps`. */
export interface PodFitOptions {
  /** The construct's class name, for messages. */
  readonly kind: string;
  /** The JSON path of the pod template in the object (`spec.template`). */
  readonly templateField: string;
  /** Props as --strict writes them: no writable /tmp the input lacks; a ServiceAccount only when the input has it. */
  readonly strict: boolean;
  /** ServiceAccounts of the input by name (non-strict: a workload naming one takes it over). */
  readonly serviceAccounts: ReadonlyMap<string, { readonly index: number; readonly object: SourceObject }>;
  /** Whether the main container takes a health check (a Worker's). */
  readonly healthCheck: boolean;
}

/** The props of the pod template shared by every workload kind. */
export interface PodFit {
  readonly props: Record<string, unknown>;
}

/**
 * Derives the `WorkloadProps` (image, command/args, env, ports, resources,
 * volumes and mounts, init containers and sidecars, service account, labels,
 * pod annotations, run-as user) of a workload object's pod template. Values
 * it cannot express are left out; the fit check then names them.
 */
export function podTemplateProps(o: SourceObject, options: PodFitOptions): PodFit | Misfit {
  const json = o.json;
  const template = options.templateField.split('.').reduce<any>((x, k) => x?.[k], json);
  const spec = template?.spec;
  const containers = spec?.containers;
  const field = `${options.templateField}.spec`;
  if (!isObject(spec) || !Array.isArray(containers) || !containers.length || !containers.every(isObject)) {
    return { field: `${field}.containers`, message: 'is not a list of containers' };
  }
  if (spec.initContainers !== undefined && (!Array.isArray(spec.initContainers) || !spec.initContainers.every(isObject))) {
    return { field: `${field}.initContainers`, message: 'is not a list of containers', value: spec.initContainers };
  }
  const all: Record<string, any>[] = [...containers, ...(spec.initContainers ?? [])];
  const mountsOf = (c: Record<string, any>): any[] => (Array.isArray(c.volumeMounts) ? c.volumeMounts : []);
  const volumes: Record<string, any>[] = Array.isArray(spec.volumes) ? spec.volumes.filter(isObject) : [];
  // The constructs' writable /tmp: kept as writableTmp when the input has it; refused where the input mounts its own /tmp.
  const tmpVolume = volumes.find(v => v.name === 'tmp');
  const hasConstructTmp = !!tmpVolume && JSON.stringify(tmpVolume) === TMP_VOLUME
    && all.every(c => mountsOf(c).some(m => m?.name === 'tmp' && m.mountPath === '/tmp' && Object.keys(m).length === 2));
  const ownTmp = !hasConstructTmp && (tmpVolume !== undefined || all.some(c => mountsOf(c).some(m => m?.mountPath === '/tmp')));
  const writableTmp = hasConstructTmp || (!ownTmp && !options.strict);

  for (const [i, c] of all.entries()) {
    const at = i < containers.length ? `containers[${i}]` : `initContainers[${i - containers.length}]`;
    const order = !options.strict ? envOrderMisfit(c.env, `${field}.${at}.env`, options.kind) : undefined;
    if (order) return order;
  }

  const props: Record<string, unknown> = {};
  const main = containers[0];
  const image = imageProp(main.image, `${field}.containers[0].image`);
  if (!(image instanceof Built)) return image;
  props.image = image;
  Object.assign(props, containerProps(main, hasConstructTmp));
  if (options.healthCheck) {
    const probe = main.readinessProbe ?? main.livenessProbe;
    // A waiver the constructs wrote (cdk8s-gitops.io/waive.*) keeps its reason.
    const waiver = json.metadata?.annotations?.['cdk8s-gitops.io/waive.readiness-probe'];
    props.healthCheck = (probe === undefined ? undefined : healthCheckProp(probe)) ?? noHealthCheck(waiver);
  }
  const specs = (list: Record<string, any>[], at: string, probes: boolean): Record<string, unknown>[] | Misfit => {
    const out: Record<string, unknown>[] = [];
    for (const [i, c] of list.entries()) {
      const img = imageProp(c.image, `${field}.${at}[${i}].image`);
      if (!(img instanceof Built)) return img;
      const s: Record<string, unknown> = { name: c.name, image: img, ...containerProps(c, hasConstructTmp) };
      const hc = probes ? healthCheckProp(c.readinessProbe ?? c.livenessProbe) : undefined;
      if (hc) s.healthCheck = hc;
      out.push(s);
    }
    return out;
  };
  const sidecars = specs(containers.slice(1), 'containers', true);
  if (!Array.isArray(sidecars)) return sidecars;
  if (sidecars.length) props.sidecars = sidecars;
  if (spec.initContainers !== undefined) {
    const init = specs(spec.initContainers, 'initContainers', false);
    if (!Array.isArray(init)) return init;
    if (init.length) props.initContainers = init;
  }
  const podVolumes = volumes.filter(v => !(hasConstructTmp && v.name === 'tmp')).map(volumeProp).filter((v): v is Built => v !== undefined);
  if (podVolumes.length) props.volumes = podVolumes;
  if (!writableTmp) props.writableTmp = false;

  // Labels: the object's and the pod's (the constructs put `labels` on both), less the ones they own.
  const labels: Record<string, string> = {};
  for (const source of [json.metadata?.labels, template?.metadata?.labels]) {
    for (const [k, v] of Object.entries(isObject(source) ? source : {})) {
      if (!OWNED_LABELS.includes(k) && typeof v === 'string') labels[k] = v;
    }
  }
  if (Object.keys(labels).length) props.labels = labels;
  const podAnnotations = template?.metadata?.annotations;
  if (isObject(podAnnotations) && Object.keys(podAnnotations).length) props.podAnnotations = podAnnotations;
  const user = spec.securityContext?.runAsUser;
  if (Number.isInteger(user) && user >= 1) props.runAsUser = user;

  // The ServiceAccount of the input it runs as becomes its serviceAccount. With --strict a patch can write
  // serviceAccountName instead (and the ServiceAccount stays typed): no misfit.
  const account = spec.serviceAccountName ?? spec.serviceAccount;
  if (account !== undefined) {
    const sa = typeof account === 'string' ? options.serviceAccounts.get(account) : undefined;
    const misfit: Misfit | undefined = !sa
      ? { field: `${field}.serviceAccountName`, message: `names a ServiceAccount that is not in the input (a ${options.kind} creates the one it runs as; migrate that one with it)`, value: account }
      : serviceAccountMisfit(sa.object);
    if (misfit && !options.strict) return misfit;
    if (!misfit) {
      const annotations = sa!.object.json.metadata?.annotations;
      const hasAnnotations = isObject(annotations) && Object.keys(annotations).length > 0;
      props.serviceAccount = stripUndefined({ name: account, annotations: hasAnnotations ? annotations : undefined });
    }
  }
  return { props };
}

/** Why an input ServiceAccount is not what a workload's `serviceAccount` renders. */
function serviceAccountMisfit(sa: SourceObject): Misfit | undefined {
  const j = sa.json;
  const where = `ServiceAccount ${j.metadata?.name} (${sa.file}#${sa.document})`;
  for (const k of Object.keys(j)) {
    if (!['apiVersion', 'kind', 'metadata', 'automountServiceAccountToken'].includes(k)) return { field: k, message: `of ${where} has no serviceAccount prop`, value: j[k] };
  }
  for (const k of Object.keys(j.metadata ?? {})) {
    if (!['name', 'namespace', 'labels', 'annotations'].includes(k)) return { field: `metadata.${k}`, message: `of ${where} has no serviceAccount prop`, value: j.metadata[k] };
  }
  if (j.automountServiceAccountToken === true) return { field: 'automountServiceAccountToken', message: `of ${where}: the constructs never mount the token`, value: true };
  return undefined;
}

/**
 * The constructs render env sorted by name. Kubernetes expands `$(NAME)` only
 * from variables defined before, so a reference may stop resolving when the
 * order changes: such an env list does not fit.
 */
function envOrderMisfit(env: unknown, field: string, kind: string): Misfit | undefined {
  if (!Array.isArray(env)) return undefined;
  const names = env.map(e => (isObject(e) ? e.name : undefined));
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (JSON.stringify(names) === JSON.stringify(sorted)) return undefined;
  const refers = env.find(e => isObject(e) && typeof e.value === 'string' && /\$\([A-Za-z_][A-Za-z0-9_.-]*\)/.test(e.value));
  if (!refers) return undefined;
  return { field, message: `refers to other variables with $(…) and a ${kind} sorts env by name, so a reference may no longer resolve`, value: names };
}
