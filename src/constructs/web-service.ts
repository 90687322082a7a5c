import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDns1035Label, checkInteger, checkLabels } from './_checks';
import { AppChart } from './app-chart';
import { GitOpsApp } from './gitops-app';
import { ResourceRequirements, resolveResources } from './resources';
import { Problem, ValidationError } from '../errors';
import { ImageRef } from '../image-ref';

/** Props of `WebService`. */
export interface WebServiceProps {
  /**
   * The image: repository plus tag or digest. A pin for this app and
   * environment (the GitOpsApp's pins file), or the environment's override, wins.
   *
   * @default - the pin of this app and environment; one of the two is required
   */
  readonly image?: ImageRef;
  /**
   * Name of the Deployment, Service and container.
   *
   * @default - the app name (its `AppChart`'s name)
   */
  readonly name?: string;
  /**
   * Port the process listens on.
   *
   * @default 8080
   */
  readonly port?: number;
  /**
   * Port the Service exposes.
   *
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * Pod replicas. The environment's override, then this, then the environment's default.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Environment variables of the container.
   *
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * CPU and memory requests and limits (always set).
   *
   * @default - 100m/500m CPU, 128Mi/256Mi memory
   */
  readonly resources?: ResourceRequirements;
  /**
   * HTTP path of the readiness probe.
   *
   * @default '/'
   */
  readonly readinessPath?: string;
  /**
   * HTTP path of the liveness probe.
   *
   * @default - the readiness path
   */
  readonly livenessPath?: string;
  /**
   * Extra labels on the Deployment, its pods and the Service (never in selectors).
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Non-root UID and GID the container runs as.
   *
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * Mount an empty, writable `/tmp` (the root filesystem is read-only).
   *
   * @default true
   */
  readonly writableTmp?: boolean;
}

/** Selector labels: stable, derived from names only (never from construct paths). */
export function selectorLabels(appName: string, envName: string): Record<string, string> {
  return {
    'app.kubernetes.io/instance': `${appName}-${envName}`,
    'app.kubernetes.io/name': appName,
  };
}

const ENV_NAME = /^[^=\s]+$/;

/**
 * A web app: a Deployment and the Service in front of it, secure by default
 * (non-root UID/GID, read-only root filesystem, no privilege escalation,
 * capabilities drop ALL, seccomp RuntimeDefault, no service account token,
 * requests and limits, readiness and liveness probes). With 2 or more replicas
 * it adds a PodDisruptionBudget and spreads pods across nodes and zones.
 */
export class WebService extends Construct {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service. */
  public readonly service: kplus.Service;
  /** The image actually deployed (after pins and overrides). */
  public readonly image: ImageRef;
  /** Replicas actually deployed. */
  public readonly replicas: number;
  /** Name of the Deployment, Service and container. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: WebServiceProps = {}) {
    super(scope, id);
    const where = this.node.path;
    const chart = AppChart.of(this);
    const env = chart.environment;
    const overrides = env.overridesFor(chart.appName);
    this.name = props.name ?? chart.appName;
    const port = props.port ?? 8080;
    const servicePort = props.servicePort ?? 80;
    const runAs = props.runAsUser ?? 10001;
    const readinessPath = props.readinessPath ?? '/';
    const livenessPath = props.livenessPath ?? readinessPath;

    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    push(checkDns1035Label(where, 'name', this.name));
    push(checkInteger(where, 'port', port, 1, 65535));
    push(checkInteger(where, 'servicePort', servicePort, 1, 65535));
    push(checkInteger(where, 'runAsUser', runAs, 1, 2 ** 31 - 1));
    if (props.replicas !== undefined) push(checkInteger(where, 'replicas', props.replicas, 0, Number.MAX_SAFE_INTEGER));
    for (const [field, path] of [['readinessPath', readinessPath], ['livenessPath', livenessPath]] as const) {
      if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path)) {
        problems.push({ path: where, field, message: 'must be an HTTP path starting with "/"', value: path });
      }
    }
    problems.push(...checkLabels(where, 'labels', props.labels));
    for (const [k, v] of Object.entries(props.env ?? {})) {
      if (!ENV_NAME.test(k)) problems.push({ path: where, field: `env.${k}`, message: 'is not a valid environment variable name (no "=" or whitespace)', value: k });
      if (typeof v !== 'string') problems.push({ path: where, field: `env.${k}`, message: `must be a string (quote it: "${String(v)}")`, value: v });
    }
    const image = GitOpsApp.find(this)?.pinFor(chart.appName, env.envName) ?? overrides.image ?? props.image;
    if (image === undefined) {
      problems.push({ path: where, field: 'image', message: `is not set and no pin exists for app ${JSON.stringify(chart.appName)} in environment ${JSON.stringify(env.envName)}: pass 'image' or run \`cdk8s-gitops set-image ${chart.appName}=<repository>:<tag> --env ${env.envName}\``, value: undefined });
    } else if (!(image instanceof ImageRef)) {
      problems.push({ path: where, field: 'image', message: notAnImageRef(image), value: image });
    }
    const { resources, problems: resourceProblems } = resolveResources(where, 'resources', env.resources, props.resources, overrides.resources);
    problems.push(...resourceProblems);
    const replicas = overrides.replicas ?? props.replicas ?? env.replicas ?? 1;
    if (problems.length) throw new ValidationError(problems);
    this.image = image as ImageRef;
    this.replicas = replicas;

    const selector = selectorLabels(chart.appName, env.envName);
    const labels = { ...props.labels, ...selector, 'app.kubernetes.io/managed-by': 'cdk8s-gitops' };
    const podLabels = { ...props.labels, ...selector };

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: this.name, labels },
      replicas,
      select: false,
      automountServiceAccountToken: false,
      podMetadata: { labels: podLabels },
      securityContext: { ensureNonRoot: true, user: runAs, group: runAs, fsGroup: runAs },
      containers: [{
        name: this.name,
        image: this.image.toString(),
        portNumber: port,
        envVariables: Object.fromEntries(Object.entries(props.env ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
        readiness: kplus.Probe.fromHttpGet(readinessPath, { port }),
        liveness: kplus.Probe.fromHttpGet(livenessPath, { port }),
        securityContext: {
          ensureNonRoot: true,
          user: runAs,
          group: runAs,
          privileged: false,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: [kplus.Capability.ALL] },
          seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
        },
        volumeMounts: (props.writableTmp ?? true)
          ? [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp', { sizeLimit: Size.mebibytes(64) }) }]
          : [],
      }],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selector }));
    const deploymentObject = ApiObject.of(this.deployment);
    // cdk8s-plus labels pods with a hash of the construct path; renaming an id
    // would change it (and the immutable selector with it). Our selector is by name.
    deploymentObject.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    // Quantities exactly as written (cdk8s-plus would rewrite 1Gi as 1024Mi).
    // The patch applies to the L1 props, where quantities are `k8s.Quantity`.
    const q = (v: string) => kplus.k8s.Quantity.fromString(v);
    deploymentObject.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/resources', {
      limits: { cpu: q(resources.cpuLimit), memory: q(resources.memoryLimit) },
      requests: { cpu: q(resources.cpuRequest), memory: q(resources.memoryRequest) },
    }));
    // Seccomp at pod level too, so injected sidecars inherit it.
    deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: this.name, labels },
      ports: [{ name: 'http', port: servicePort, targetPort: port }],
    });
    for (const [k, v] of Object.entries(selector)) this.service.selectLabel(k, v);

    chart.kustomization?.addImage(this.image);

    if (replicas >= 2) {
      deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
      ]));
      new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: this.name, labels },
        spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }
  }
}

/** Why a value given (from JavaScript, or cast) as `image` is not an ImageRef. */
function notAnImageRef(value: unknown): string {
  const parsed = typeof value === 'string' ? ImageRef.tryParse(value) : undefined;
  if (typeof parsed === 'string') return parsed;
  return `must be an ImageRef, e.g. ImageRef.parse("ghcr.io/org/app:tag")${typeof value === 'string' ? ', not a string' : ''}`;
}
