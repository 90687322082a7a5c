import { SourceObject } from './_load';
import { Code, str } from './_ts';
import { ImageRef } from '../image-ref';

/** A Deployment + Service pair that WebService expresses, and its props. */
export interface WebServiceFit {
  readonly deployment: number;
  readonly service: number;
  /** WebService's name (the Deployment's). */
  readonly name: string;
  /** The Service's own name (kept through a patch when different). */
  readonly serviceName: string;
  /** WebService props as literal values (`Code` for expressions). */
  readonly props: Record<string, unknown>;
  /** Comments written above it. */
  readonly comments: string[];
}

const CPU = /^(\d+m|\d+(\.\d{1,3})?)$/;
const MEMORY = /^[1-9]\d*(Ki|Mi|Gi|Ti)$/;
const DNS1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

function only(obj: unknown, allowed: string[], field: string): string | undefined {
  if (obj === undefined) return undefined;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return `${field} is not an object`;
  const extra = Object.keys(obj).filter(k => !allowed.includes(k));
  return extra.length ? `${field}.${extra[0]} has no WebService prop` : undefined;
}

function sameMap(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  return JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());
}

/**
 * Checks whether a Deployment and a Service are what WebService renders
 * (one container, one port, a ClusterIP Service selecting its pods, plain env
 * values, HTTP probes…) and returns its props, or the reason it is not.
 */
export function fitWebService(
  dep: SourceObject, di: number, svc: SourceObject, si: number,
  options: { namespace: string; app: string; env: string },
): WebServiceFit | string {
  const d = dep.json;
  const s = svc.json;
  const name = d.metadata?.name;
  const why = (reason: string) => `Deployment ${name} + Service ${s.metadata?.name} stay typed k8s objects, not a WebService: ${reason}`;
  if (d.apiVersion !== 'apps/v1' || s.apiVersion !== 'v1') return why('apiVersion is not apps/v1 / v1');
  if (typeof name !== 'string' || !DNS1035.test(name)) return why('the Deployment name is not a DNS-1035 label');
  const pod = d.spec?.template;
  const podLabels: Record<string, string> = pod?.metadata?.labels ?? {};
  const selector: Record<string, string> = s.spec?.selector ?? {};
  if (!Object.keys(selector).length || !Object.entries(selector).every(([k, v]) => podLabels[k] === v)) return why('the Service does not select the Deployment\'s pods');
  if (!sameMap(d.spec?.selector?.matchLabels, selector)) return why('the Deployment\'s selector and the Service\'s differ');
  for (const o of [d, s]) {
    if (o.metadata?.namespace !== undefined && o.metadata.namespace !== options.namespace) return why(`${o.kind} is in namespace ${o.metadata.namespace}, not ${options.namespace}`);
  }
  const problem = only(d.metadata, ['name', 'namespace', 'labels'], 'Deployment metadata')
    ?? only(s.metadata, ['name', 'namespace', 'labels'], 'Service metadata')
    ?? only(d.spec, ['replicas', 'selector', 'template'], 'Deployment spec')
    ?? only(d.spec?.selector, ['matchLabels'], 'Deployment spec.selector')
    ?? only(pod, ['metadata', 'spec'], 'pod template')
    ?? only(pod?.metadata, ['labels'], 'pod template metadata')
    ?? only(pod?.spec, ['containers'], 'pod spec')
    ?? only(s.spec, ['selector', 'ports', 'type'], 'Service spec');
  if (problem) return why(problem);
  if (s.spec.type !== undefined && s.spec.type !== 'ClusterIP') return why(`the Service is of type ${s.spec.type}`);
  const containers = pod?.spec?.containers;
  if (!Array.isArray(containers) || containers.length !== 1) return why('the pod has more than one container');
  const c = containers[0];
  const cProblem = only(c, ['name', 'image', 'ports', 'env', 'resources', 'readinessProbe', 'livenessProbe', 'imagePullPolicy'], 'container');
  if (cProblem) return why(cProblem);
  if (c.imagePullPolicy !== undefined && c.imagePullPolicy !== 'Always') return why(`imagePullPolicy ${c.imagePullPolicy} (WebService pulls Always)`);
  const image = ImageRef.tryParse(c.image);
  if (typeof image === 'string') return why(image);
  const cPorts = c.ports ?? [];
  const sPorts = s.spec.ports ?? [];
  if (cPorts.length > 1 || sPorts.length !== 1) return why('WebService has one container port and one Service port');
  const cp = cPorts[0];
  const sp = sPorts[0];
  if (only(cp, ['containerPort', 'protocol', 'name'], 'container port') || (cp && cp.protocol !== undefined && cp.protocol !== 'TCP')) return why('the container port is not a plain TCP port');
  if (only(sp, ['port', 'targetPort', 'protocol', 'name'], 'Service port') || (sp.protocol !== undefined && sp.protocol !== 'TCP')) return why('the Service port is not a plain TCP port');
  const servicePort = sp.port;
  const port = cp?.containerPort ?? (typeof sp.targetPort === 'number' ? sp.targetPort : servicePort);
  const target = sp.targetPort ?? servicePort;
  if (target !== port && !(typeof target === 'string' && cp?.name === target)) return why(`the Service targets port ${target}, the container listens on ${port}`);
  const props: Record<string, unknown> = {};
  if (name !== options.app) props.name = name;
  const placeholder = Object.values(dep.imagesBefore)[0];
  props.image = new Code(`ImageRef.parse(${str(image.toString())})`);
  props.port = port;
  props.servicePort = servicePort;
  if (d.spec.replicas !== undefined) props.replicas = d.spec.replicas;
  if (c.env !== undefined) {
    if (!Array.isArray(c.env) || !c.env.every((e: any) => e && Object.keys(e).every(k => k === 'name' || k === 'value') && typeof e.value === 'string')) {
      return why('env uses valueFrom (WebService takes plain values)');
    }
    props.env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
  }
  if (c.resources !== undefined) {
    if (only(c.resources, ['limits', 'requests'], 'resources') || only(c.resources.limits, ['cpu', 'memory'], 'limits') || only(c.resources.requests, ['cpu', 'memory'], 'requests')) {
      return why('resources other than cpu and memory');
    }
    const r: Record<string, string> = {};
    const set = (k: string, v: unknown, re: RegExp) => {
      if (v === undefined) return true;
      if (typeof v !== 'string' || !re.test(v)) return false;
      r[k] = v;
      return true;
    };
    if (!set('cpuRequest', c.resources.requests?.cpu, CPU) || !set('cpuLimit', c.resources.limits?.cpu, CPU)
      || !set('memoryRequest', c.resources.requests?.memory, MEMORY) || !set('memoryLimit', c.resources.limits?.memory, MEMORY)) {
      return why('a resource quantity WebService does not take (CPU as 250m or 0.5, memory in Ki/Mi/Gi/Ti)');
    }
    props.resources = r;
  }
  for (const [probe, prop] of [['readinessProbe', 'readinessPath'], ['livenessProbe', 'livenessPath']] as const) {
    const p = c[probe];
    if (p === undefined) continue;
    if (only(p, ['httpGet'], probe) || only(p.httpGet, ['path', 'port'], `${probe}.httpGet`) || typeof p.httpGet?.path !== 'string' || (p.httpGet.port !== port && p.httpGet.port !== cp?.name)) {
      return why(`${probe} is not a plain HTTP GET on the container port`);
    }
    props[prop] = p.httpGet.path;
  }
  const extraLabels = Object.fromEntries(Object.entries(podLabels).filter(([k]) => !k.startsWith('app.kubernetes.io/')));
  if (Object.keys(extraLabels).length) props.labels = extraLabels;
  const comments = [
    `Deployment ${name} and Service ${s.metadata.name}, secure by default (see the differences migrate printed).`,
  ];
  if (placeholder && placeholder !== image.toString()) {
    comments.push(`Image: the Kustomize placeholder ${JSON.stringify(placeholder)} resolved through the kustomization's images.`);
  }
  comments.push(
    `To let CI bump the image without a code change, pin it in images.yaml instead: cdk8s-gitops set-image ${options.app}=${image} --env ${options.env} --create`,
    "and pass { pins: ImagePins.load('images.yaml') } to GitOpsApp.",
  );
  return { deployment: di, service: si, name, serviceName: s.metadata.name, props, comments };
}
