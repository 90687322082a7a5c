import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkAnnotations, checkDnsLabel, checkDns1035Label, checkInteger, checkLabels } from './_checks';
import { DeferredObject, DeferredParts } from './_deferred';
import { containerPorts, containerProbe, kplusVolume, perAppServiceAccount, sortKeys } from './_pod-parts';
import { AppChart } from './app-chart';
import { GitOpsApp } from './gitops-app';
import { ContainerSpec, EnvFromSource, EnvValue, HealthCheck, PodVolume, VolumeMountSpec } from './pod-spec';
import { addProblemValidation } from './problem-validation';
import { ResourceRequirements, resolveResources } from './resources';
import { MainContainerOptions, PodWorkload, RunToCompletionProps, WorkloadKindOptions, WorkloadProps, selectorLabels } from './workload-props';
import { Problem, ValidationError } from '../errors';
import { ImageRef } from '../image-ref';

const ENV_NAME = /^[^=\s]+$/;
const TMP = 'tmp';

/**
 * The pod template of every workload kind and its secure defaults: non-root
 * UID/GID, read-only root filesystem (with a writable /tmp), no privilege
 * escalation, capabilities drop ALL, seccomp RuntimeDefault at pod and
 * container level, no service account token, requests and limits on every
 * container, env, volumes and mounts, init containers and sidecars, a per-app
 * ServiceAccount, and the image from the pins.
 *
 * A kind (`WebService`, `Worker`, `ScheduledJob`, `MigrationJob`) calls
 * `podProps()` for the kplus props of its pod (every check runs there and
 * then), and defers creating its kplus objects (`_defer`; the step hands the
 * pod's object to `adopt()`): they are built on first look (an accessor such
 * as `deployment`, or a walk of the construct tree), and otherwise by the
 * render: all before the first chart for an app of up to 4,096 workloads,
 * else with the app's chart, dropped after it (see `DeferredParts`). The
 * methods that add to the pod (`addEnv`, `mount`, ...) check at once and
 * make their change as a step of the build. Problems are reported at synth,
 * all at once.
 */
export abstract class Workload extends Construct {
  /** Name of the workload's objects and main container. */
  public readonly name: string;
  /** The main container's image actually deployed (after pins and overrides). */
  public readonly image: ImageRef;
  /** The name its image is asked for in the pins. */
  public readonly imageName: string;
  /** The app this workload belongs to. */
  public readonly appName: string;
  /** The environment it is deployed to. */
  public readonly envName: string;
  /** Name of the ServiceAccount the pod runs as, if any. */
  public readonly serviceAccountName?: string;
  /** The app's chart. */
  protected readonly chart: AppChart;
  /** Labels of the workload's objects. */
  protected readonly objectLabels: Readonly<Record<string, string>>;
  private readonly problems: Problem[] = [];
  private readonly selectorValue: Record<string, string>;
  private readonly props: WorkloadProps;
  private readonly kindOptions: WorkloadKindOptions;
  private readonly volumes = new Map<string, kplus.Volume>();
  /** ConfigMap and Secret references by `kind:name`, made on first use (most workloads have none). */
  private refs?: Map<string, kplus.IConfigMap | kplus.ISecret>;
  private readonly envNames = new Set<string>();
  private readonly resourcePatches: { path: string; resources: Required<ResourceRequirements> }[] = [];
  private readonly images: ImageRef[] = [];
  private workload?: PodWorkload;
  private mainContainer?: kplus.Container;
  private mainHealthCheck?: HealthCheck;
  private readonly parts: DeferredParts;

  protected constructor(scope: Construct, id: string, props: WorkloadProps, options: WorkloadKindOptions) {
    super(scope, id);
    this.parts = new DeferredParts(this);
    this.props = props;
    this.kindOptions = options;
    this.chart = AppChart.of(this);
    const env = this.chart.environment;
    this.appName = this.chart.appName;
    this.envName = env.envName;
    this.name = props.name ?? (options.nameSuffix ? `${this.appName}-${options.nameSuffix}` : this.appName);
    this.imageName = props.imageName ?? this.appName;
    const where = this.node.path;
    addProblemValidation(this, () => this.problems);

    this.check(checkDns1035Label(where, 'name', this.name));
    this.check(checkDnsLabel(where, 'imageName', this.imageName, 253));
    this.check(checkInteger(where, 'runAsUser', this.runAsUser, 1, 2 ** 31 - 1));
    this.report(...checkLabels(where, 'labels', props.labels));
    this.report(...checkAnnotations(where, 'podAnnotations', props.podAnnotations));
    this.image = this.resolveImage('image', this.imageName, props.image, true) ?? PLACEHOLDER_IMAGE;

    this.selectorValue = selectorLabels(options.selectByAppName ? this.appName : this.name, this.envName);
    this.objectLabels = { ...props.labels, ...this.selectorValue, 'app.kubernetes.io/managed-by': 'cdk8s-gitops' };
    this.serviceAccountName = props.serviceAccount
      ? perAppServiceAccount(this.chart, where, props.serviceAccount, this.appName, props.labels, this.problems) : undefined;
  }

  /** The labels selecting this workload's pods (a copy). */
  public get selector(): Record<string, string> {
    return { ...this.selectorValue };
  }

  // The methods below check their input at once and change the kplus objects
  // as a step of their build (`onParts`): calling one does not build them.

  /** Adds an environment variable to the main container. */
  public addEnv(name: string, value: string | EnvValue): void {
    const v = this.envVariable('env', name, value);
    if (v) this.onParts(() => this.main().env.addVariable(name, v));
  }

  /** Adds every key of a ConfigMap or Secret to the main container's environment. */
  public addEnvFrom(source: EnvFromSource): void {
    const from = this.envFrom(source, 'envFrom');
    this.onParts(() => this.main().env.copyFrom(from));
  }

  /** Adds a volume to the pod (mount it with `mount`). */
  public addVolume(volume: PodVolume): void {
    const v = this.podVolume(volume, 'volumes');
    if (v) this.onParts(() => this.pod().addVolume(v));
  }

  /** Mounts the pod's volume named `volume` into the main container at `path`. */
  public mount(spec: VolumeMountSpec): void {
    const m = this.volumeMount(spec, 'mounts');
    if (m) this.onParts(() => this.main().mount(m.path, m.volume, m.options));
  }

  /** Adds an annotation to the pod template (changing it rolls the pods). */
  public addPodAnnotation(key: string, value: string): void {
    this.report(...checkAnnotations(this.node.path, 'podAnnotations', { [key]: value }));
    this.onParts(() => this.pod().podMetadata.addAnnotation(key, value));
  }

  /** Reports a problem at synth (with the others). */
  protected report(...problems: Problem[]): void {
    this.problems.push(...problems);
  }

  /** Reports `problem` if there is one; true if there was none. */
  protected check(problem: Problem | undefined): boolean {
    if (problem) this.problems.push(problem);
    return !problem;
  }

  /** The UID/GID the pod runs as. */
  protected get runAsUser(): number {
    return this.props.runAsUser ?? 10001;
  }

  /**
   * The kplus props of the pod: metadata, containers, security contexts,
   * volumes, service account. Spread them into the kind's kplus props.
   */
  protected podProps(main: MainContainerOptions = {}): kplus.WorkloadProps & { readonly containers: kplus.ContainerProps[] } {
    const where = this.node.path;
    const props = this.props;
    const env = this.chart.environment;
    const { resources, problems } = resolveResources(where, 'resources', env.resources, props.resources, env.overridesFor(this.appName).resources);
    this.report(...problems);
    this.resourcePatches.push({ path: 'containers/0', resources });
    for (const [i, v] of (props.volumes ?? []).entries()) this.podVolume(v, `volumes[${i}]`);
    const names = new Set<string>();
    for (const [i, c] of [this.name, ...(props.sidecars ?? []).map(s => s.name), ...(props.initContainers ?? []).map(s => s.name)].entries()) {
      if (names.has(c)) this.report({ path: where, field: i === 0 ? 'name' : 'sidecars/initContainers', message: 'container names must be unique in the pod', value: c });
      names.add(c);
    }
    const annotations = props.podAnnotations && Object.keys(props.podAnnotations).length ? sortKeys(props.podAnnotations) : undefined;
    const main0 = this.containerProps({
      name: this.name,
      command: props.command,
      args: props.args,
      env: props.env,
      envFrom: props.envFrom,
      ports: props.ports,
      mounts: props.mounts,
      healthCheck: main.healthCheck,
    }, '', undefined, false, main);
    const sidecars = (props.sidecars ?? []).map((spec, i) => this.containerProps(spec, `sidecars[${i}]`, `containers/${i + 1}`, false));
    const initContainers = (props.initContainers ?? []).map((spec, i) => this.containerProps(spec, `initContainers[${i}]`, `initContainers/${i}`, true));
    for (const image of this.images) this.pinInKustomization(image);
    return {
      metadata: { name: this.name, labels: this.objectLabels },
      select: false,
      automountServiceAccountToken: false,
      serviceAccount: this.serviceAccountName ? kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccountRef', this.serviceAccountName) : undefined,
      podMetadata: { labels: { ...props.labels, ...this.selectorValue }, annotations },
      securityContext: { ensureNonRoot: true, user: this.runAsUser, group: this.runAsUser, fsGroup: this.runAsUser },
      initContainers,
      containers: [main0, ...sidecars],
      volumes: [...this.volumes.values()],
    };
  }

  /**
   * Takes over the kind's kplus object: selects pods by name, keeps
   * quantities as written, adds pod-level seccomp, pins the images in the
   * kustomization. `template` is the JSON pointer of its pod template.
   */
  protected adopt(workload: PodWorkload, template: string): void {
    this.workload = workload;
    this.mainContainer = workload.containers[0];
    if (workload instanceof kplus.Deployment) workload.select(kplus.LabelSelector.of({ labels: this.selectorValue }));
    const object = ApiObject.of(workload);
    // cdk8s-plus labels pods with a hash of the construct path; renaming an id
    // would change it (and the immutable selector with it). Our selector is by name.
    object.addJsonPatch(JsonPatch.remove(`${template}/metadata/labels/cdk8s.io~1metadata.addr`));
    // Quantities exactly as written (cdk8s-plus would rewrite 1Gi as 1024Mi).
    // The patch applies to the L1 props, where quantities are `k8s.Quantity`.
    const q = (v: string) => kplus.k8s.Quantity.fromString(v);
    for (const { path, resources } of this.resourcePatches) {
      object.addJsonPatch(JsonPatch.replace(`${template}/spec/${path}/resources`, {
        limits: { cpu: q(resources.cpuLimit), memory: q(resources.memoryLimit) },
        requests: { cpu: q(resources.cpuRequest), memory: q(resources.memoryRequest) },
      }));
    }
    // Seccomp at pod level too, so injected sidecars inherit it.
    object.addJsonPatch(JsonPatch.add(`${template}/spec/securityContext/seccompProfile`, { type: 'RuntimeDefault' }));
    // HealthCheck.none(reason): the probe rules' waiver, with the reason, for reviewers.
    const reason = this.mainHealthCheck instanceof HealthCheck ? this.mainHealthCheck._check.reason : undefined;
    if (typeof reason === 'string' && reason.trim()) {
      for (const rule of ['liveness-probe', 'readiness-probe']) workload.metadata.addAnnotation(`cdk8s-gitops.io/waive.${rule}`, reason);
    }
  }

  /**
   * Adds a step that creates the kind's kplus objects (steps run in order,
   * on first look at them or while a render renders the chart): it must
   * depend only on state set before, so every build renders the same.
   * @internal
   */
  protected _defer(build: () => void): void {
    this.parts.add(build);
  }

  /** Builds the kind's kplus objects for good, if they are not. @internal */
  protected _build(): void {
    this.parts.ensure();
  }

  /**
   * `props` (the kind's kplus props, from `podProps`) with fresh copies of
   * what a kplus Container keeps and changes (its environment and mounts):
   * a build step passes this, so the changes the methods make to one build's
   * objects do not reach the props of the next (a render builds a deferred
   * workload again for each render).
   * @internal
   */
  protected _freshPodProps<T extends PodContainers>(props: T): T {
    return { ...props, containers: props.containers?.map(freshContainer), initContainers: props.initContainers?.map(freshContainer) };
  }

  /**
   * Runs `change` on the kplus objects: as a step of their build, after the
   * kind's own, while they are not built (each build then applies it), else
   * at once (building them for good).
   */
  private onParts(change: () => void): void {
    if (this.parts.pending) {
      this.parts.add(change);
    } else {
      this.parts.ensure();
      change();
    }
  }

  /** Forgets the kplus objects after a render built them (they are built again when needed). @internal */
  public _releaseParts(): void {
    this.workload = undefined;
    this.mainContainer = undefined;
  }

  /**
   * The ApiObjects the deferred steps add (construct path, kind, name), for
   * the checks that look at an app's objects before the render. @internal
   */
  public _renderedObjects(): DeferredObject[] {
    return [];
  }

  /** The fields of one of the `_renderedObjects`, the kplus object at `id` of this workload. @internal */
  protected _renderedObject(id: string, apiVersion: string, kind: string): DeferredObject {
    return { path: `${this.node.path}/${id}`, apiVersion, kind, name: this.name, namespace: this.chart.namespace };
  }

  /** Checks and resolves the retry and deadline of a kind that runs to completion. */
  protected runToCompletion(props: RunToCompletionProps, defaults: { backoffLimit: number; activeDeadlineSeconds: number }): {
    backoffLimit: number; activeDeadline: Duration;
  } {
    const backoffLimit = props.backoffLimit ?? defaults.backoffLimit;
    const deadline = props.activeDeadlineSeconds ?? defaults.activeDeadlineSeconds;
    return {
      backoffLimit: this.check(checkInteger(this.node.path, 'backoffLimit', backoffLimit, 0, 1000)) ? backoffLimit : defaults.backoffLimit,
      activeDeadline: Duration.seconds(this.check(checkInteger(this.node.path, 'activeDeadlineSeconds', deadline, 1, Number.MAX_SAFE_INTEGER))
        ? deadline : defaults.activeDeadlineSeconds),
    };
  }

  /** The kplus object of the pod (built for good). */
  protected pod(): PodWorkload {
    this.parts.ensure();
    if (!this.workload) throw new Error(`${this.node.path}: the workload kind did not call adopt()`);
    return this.workload;
  }

  private main(): kplus.Container {
    this.pod();
    return this.mainContainer!;
  }

  private resolveImage(field: string, imageName: string, given: ImageRef | undefined, pinWins: boolean): ImageRef | undefined {
    const where = this.node.path;
    const overrides = this.chart.environment.overridesFor(this.appName);
    // The main container: the pin wins over code. An init container or sidecar: its own image, else its pin.
    const pin = pinWins || given === undefined ? GitOpsApp.find(this)?.pinFor(this.appName, this.envName, imageName) : undefined;
    const image = pinWins ? (pin ?? overrides.image ?? given) : (given ?? pin);
    if (image === undefined) {
      const fix = `pass '${field}' or run \`cdk8s-gitops set-image ${this.appName}=<repository>:<tag> --env ${this.envName}\``;
      this.report({ path: where, field, message: `is not set and no pin exists for app ${JSON.stringify(this.appName)} in environment ${JSON.stringify(this.envName)}: ${fix}`, value: undefined });
      return undefined;
    }
    if (!(image instanceof ImageRef)) {
      this.report({ path: where, field, message: notAnImageRef(image), value: image });
      return undefined;
    }
    this.images.push(image);
    return image;
  }

  private pinInKustomization(image: ImageRef): void {
    try {
      this.chart.kustomization?.addImage(image);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      this.report(...e.problems);
    }
  }

  private containerProps(
    spec: ContainerSpec, field: string, patchPath: string | undefined, init: boolean, main?: MainContainerOptions,
  ): kplus.ContainerProps {
    const where = this.node.path;
    const f = (name: string) => (field ? `${field}.${name}` : name);
    let image = this.image;
    if (main === undefined) {
      this.check(checkDnsLabel(where, f('name'), spec.name));
      const { resources, problems } = resolveResources(where, f('resources'), spec.resources);
      this.report(...problems);
      if (patchPath) this.resourcePatches.push({ path: patchPath, resources });
      image = this.resolveImage(f('image'), spec.imageName ?? spec.name, spec.image, false) ?? PLACEHOLDER_IMAGE;
      if (init && spec.healthCheck) this.report({ path: where, field: f('healthCheck'), message: 'init containers have no probes (they run to completion)', value: undefined });
    } else {
      this.mainHealthCheck = main.healthCheck;
    }
    for (const [name, list] of [['command', spec.command], ['args', spec.args]] as const) {
      if (list !== undefined && (!Array.isArray(list) || list.some(a => typeof a !== 'string'))) {
        this.report({ path: where, field: f(name), message: 'must be a list of strings', value: list });
      }
    }
    const ports = containerPorts(where, spec.ports ?? [], f('ports'), main?.portNumber, this.kindOptions, this.problems);
    const readiness = containerProbe(where, spec.healthCheck ?? main?.healthCheck, f('healthCheck'), init, main?.portNumber, this.problems);
    const liveness = main?.liveness ? containerProbe(where, main.liveness, f('liveness'), init, main.portNumber, this.problems) : readiness;
    const container: kplus.ContainerProps = {
      name: spec.name,
      image: image.toString(),
      command: spec.command,
      args: spec.args,
      portNumber: main?.portNumber,
      ports,
      envVariables: {},
      readiness,
      liveness,
      securityContext: {
        ensureNonRoot: true,
        user: this.runAsUser,
        group: this.runAsUser,
        privileged: false,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: [kplus.Capability.ALL] },
        seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
      },
      volumeMounts: [],
    };
    // The environment and mounts are gathered the way a kplus Container takes
    // them (its Env and mount()), without building a whole Container (probes,
    // resources, security context, ports) that the kind's kplus object builds again.
    const c = containerParts(container);
    for (const [name, value] of Object.entries(spec.env ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const v = this.envVariable(f('env'), name, value);
      if (v) c.env.addVariable(name, v);
    }
    for (const [i, source] of (spec.envFrom ?? []).entries()) c.env.copyFrom(this.envFrom(source, `${f('envFrom')}[${i}]`));
    if (this.props.writableTmp ?? true) c.mount('/tmp', this.tmpVolume());
    for (const [i, given] of (spec.mounts ?? []).entries()) {
      const m = this.volumeMount(given, `${f('mounts')}[${i}]`);
      if (m) c.mount(m.path, m.volume, m.options);
    }
    return {
      ...container,
      envVariables: Object.fromEntries(Object.entries(c.env.variables)),
      envFrom: c.env.sources,
      volumeMounts: c.mounts,
    };
  }

  /**
   * The kplus value of the environment variable `name` at `field` (`env` is
   * the main container's: its names must be unique), or `undefined` after
   * reporting why it cannot be set.
   */
  private envVariable(field: string, name: string, value: string | EnvValue): kplus.EnvValue | undefined {
    const where = this.node.path;
    const f = `${field}.${name}`;
    if (!ENV_NAME.test(name)) this.report({ path: where, field: f, message: 'is not a valid environment variable name (no "=" or whitespace)', value: name });
    if (field === 'env') {
      if (this.envNames.has(name)) this.report({ path: where, field: f, message: 'is set twice', value: name });
      this.envNames.add(name);
    }
    if (value instanceof EnvValue) {
      const { value: literal, configMap, secret, key, optional } = value._source;
      if (literal !== undefined) return kplus.EnvValue.fromValue(literal);
      if (configMap !== undefined) {
        return this.checkRef(f, configMap) && this.checkKey(f, key)
          ? kplus.EnvValue.fromConfigMap(this.ref('configMap', configMap) as kplus.IConfigMap, key!, { optional }) : undefined;
      }
      return this.checkRef(f, secret) && this.checkKey(f, key)
        ? kplus.EnvValue.fromSecretValue({ secret: this.ref('secret', secret!) as kplus.ISecret, key: key! }, { optional }) : undefined;
    }
    if (typeof value !== 'string') {
      this.report({ path: where, field: f, message: `must be a string (quote it: "${String(value)}") or an EnvValue`, value });
      return undefined;
    }
    return kplus.EnvValue.fromValue(value);
  }

  private envFrom(source: EnvFromSource, field: string): kplus.EnvFrom {
    if (!(source instanceof EnvFromSource)) {
      this.report({ path: this.node.path, field, message: 'must be an EnvFromSource (EnvFromSource.configMap or .secret)', value: source });
      return new kplus.EnvFrom();
    }
    this.checkRef(field, source.name);
    if (source.prefix !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(source.prefix)) {
      this.report({ path: this.node.path, field: `${field}.prefix`, message: 'must be letters, digits and "_", not starting with a digit', value: source.prefix });
    }
    return source.kind === 'configMap'
      ? new kplus.EnvFrom(this.ref('configMap', source.name) as kplus.IConfigMap, source.prefix)
      : new kplus.EnvFrom(undefined, source.prefix, this.ref('secret', source.name) as kplus.ISecret);
  }

  private checkRef(field: string, name: unknown): boolean {
    return this.check(checkDnsLabel(this.node.path, field, name, 253));
  }

  private checkKey(field: string, key: unknown): boolean {
    if (typeof key === 'string' && /^[-._a-zA-Z0-9]+$/.test(key)) return true;
    this.report({ path: this.node.path, field, message: 'the key must be letters, digits, "-", "_" and "."', value: key });
    return false;
  }

  private ref(kind: 'configMap' | 'secret', name: string): kplus.IConfigMap | kplus.ISecret {
    const id = `${kind}:${name}`;
    const refs = (this.refs ??= new Map());
    let ref = refs.get(id);
    if (!ref) {
      ref = kind === 'configMap' ? kplus.ConfigMap.fromConfigMapName(this, `Ref-${id}`, name) : kplus.Secret.fromSecretName(this, `Ref-${id}`, name);
      refs.set(id, ref);
    }
    return ref;
  }

  private tmpVolume(): kplus.Volume {
    let tmp = this.volumes.get(TMP);
    if (!tmp) {
      tmp = kplus.Volume.fromEmptyDir(this, 'Tmp', TMP, { sizeLimit: Size.mebibytes(64) });
      this.volumes.set(TMP, tmp);
    }
    return tmp;
  }

  private podVolume(volume: PodVolume, field: string): kplus.Volume | undefined {
    const where = this.node.path;
    if (!(volume instanceof PodVolume)) {
      this.report({ path: where, field, message: 'must be a PodVolume (PodVolume.emptyDir, .configMap, .secret or .persistentVolumeClaim)', value: volume });
      return undefined;
    }
    if (!this.check(checkDnsLabel(where, `${field}.name`, volume.name))) return undefined;
    if (this.volumes.has(volume.name) || (volume.name === TMP && (this.props.writableTmp ?? true))) {
      this.report({ path: where, field: `${field}.name`, message: `names a volume the pod has already${volume.name === TMP ? ' (the writable /tmp; set writableTmp: false to replace it)' : ''}`, value: volume.name });
      return undefined;
    }
    const v = kplusVolume(this, volume, field, where, (kind, name) => this.ref(kind, name), this.problems);
    if (!v) return undefined;
    this.volumes.set(volume.name, v);
    return v;
  }

  /** The checked mount `m` (at `field`) of one of the pod's volumes, or `undefined` after reporting why not. */
  private volumeMount(m: VolumeMountSpec, field: string): { path: string; volume: kplus.Volume; options: kplus.MountOptions } | undefined {
    const where = this.node.path;
    const volume = typeof m?.volume === 'string' ? this.volumes.get(m.volume) : undefined;
    if (!volume) {
      const known = [...this.volumes.keys()].sort().join(', ') || 'none';
      this.report({ path: where, field: `${field}.volume`, message: `names no volume of the pod (it has: ${known}); add it to 'volumes'`, value: m?.volume });
      return undefined;
    }
    if (typeof m.path !== 'string' || !m.path.startsWith('/') || m.path.includes('..')) {
      this.report({ path: where, field: `${field}.path`, message: 'must be an absolute path without ".."', value: m.path });
      return undefined;
    }
    return { path: m.path, volume, options: { readOnly: m.readOnly, subPath: m.subPath } };
  }

}

/** What the container props are gathered in: an environment and `mount()`, as a kplus Container has. */
type ContainerParts = Pick<kplus.Container, 'env' | 'mount'>;

/** A container's environment and mounts, starting from `props`' (its `volumeMounts` array is the one mounted into). */
function containerParts(props: kplus.ContainerProps): ContainerParts & { readonly mounts: kplus.VolumeMount[] } {
  const mounts = props.volumeMounts ? props.volumeMounts as kplus.VolumeMount[] : [];
  return {
    env: new kplus.Env([...props.envFrom ?? []], { ...props.envVariables }),
    mounts,
    mount: (path, storage, options = {}) => {
      mounts.push({ path, volume: storage.asVolume(), ...options });
    },
  };
}

/** The containers of a kind's kplus props. */
type PodContainers = { readonly containers?: kplus.ContainerProps[]; readonly initContainers?: kplus.ContainerProps[] };

/** `c` with its own environment and mounts (a kplus Container keeps and changes the ones it is given). */
function freshContainer(c: kplus.ContainerProps): kplus.ContainerProps {
  return {
    ...c,
    envFrom: c.envFrom ? [...c.envFrom] : undefined,
    envVariables: c.envVariables ? { ...c.envVariables } : undefined,
    volumeMounts: c.volumeMounts ? [...c.volumeMounts] : undefined,
  };
}

/** Stands in for an image that failed its checks; the synth fails before anything is written. */
const PLACEHOLDER_IMAGE = ImageRef.parse('invalid.invalid/unset:unset');

/** Why a value given (from JavaScript, or cast) as `image` is not an ImageRef. */
function notAnImageRef(value: unknown): string {
  const parsed = typeof value === 'string' ? ImageRef.tryParse(value) : undefined;
  if (typeof parsed === 'string') return parsed;
  return `must be an ImageRef, e.g. ImageRef.parse("ghcr.io/org/app:tag")${typeof value === 'string' ? ', not a string' : ''}`;
}
