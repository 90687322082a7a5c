import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkHostname, checkSubdomain } from './_hosts';
import { AppChart } from './app-chart';
import { IRouteBackend, RouteService } from './targets';
import { Problem } from '../errors';

/** Shared by `IngressRoute` and `GatewayHttpRoute`: backend ports, paths and the allow policy. */

/** The backend's Service as routes read it (`routeService`, else `service`). */
export function routeServiceOf(backend: IRouteBackend): RouteService {
  return backend.routeService ?? backend.service;
}

/** The Service port a route sends traffic to, or a problem naming the ports the Service has. */
export function resolveServicePort(where: string, backend: IRouteBackend, port: number | string | undefined): kplus.ServicePort | Problem {
  const service = routeServiceOf(backend);
  const ports = service.ports;
  const list = ports.map(p => (p.name ? `${p.name}:${p.port}` : String(p.port))).join(', ') || 'none';
  if (port === undefined) {
    if (ports.length === 1) return ports[0];
    return { path: where, field: 'port', message: `is not set and Service ${JSON.stringify(service.name)} exposes ${ports.length === 0 ? 'no port' : `several ports (${list})`}: name the port to route to` };
  }
  const found = ports.find(p => p.port === port || (p.name !== undefined && p.name === port));
  return found ?? { path: where, field: 'port', message: `is not a port of Service ${JSON.stringify(service.name)} (it exposes ${list})`, value: port };
}

/** An HTTP path: starts with "/", no whitespace. */
export function checkPaths(where: string, field: string, paths: readonly unknown[]): Problem[] {
  if (paths.length === 0) return [{ path: where, field, message: 'must list at least one path (e.g. "/")', value: [] }];
  return paths.flatMap((p, i) => (typeof p !== 'string' || !p.startsWith('/') || /[\s?#]/.test(p)
    ? [{ path: where, field: `${field}[${i}]`, message: 'must be an HTTP path starting with "/" (no whitespace, query or fragment)', value: p }]
    : []));
}

/** The route and its backend are in one namespace (neither Ingress nor a same-namespace backendRef crosses one). */
export function checkSameNamespace(where: string, route: AppChart, backend: IRouteBackend): Problem | undefined {
  const other = AppChart.of(backend);
  if (other.namespace !== route.namespace) {
    return { path: where, field: 'backend', message: `is in namespace ${JSON.stringify(other.namespace)} (app ${other.environment.envName}/${other.appName}), the route in ${JSON.stringify(route.namespace)}: define the route in the backend's app` };
  }
  return undefined;
}

/**
 * A NetworkPolicy letting pods of `namespace` (an ingress controller's, a
 * gateway's) reach the backend's pods on `targetPort`; needed once the
 * namespace denies ingress by default (`NetworkIsolation`).
 */
export function allowFromNamespace(
  scope: Construct, name: string, backend: IRouteBackend, namespace: string, targetPort: number | string, labels: Record<string, string>,
): void {
  new kplus.k8s.KubeNetworkPolicy(scope, 'AllowFromController', {
    metadata: { name, labels },
    spec: {
      podSelector: { matchLabels: backend.selector },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } }],
        ports: [{ protocol: 'TCP', port: typeof targetPort === 'number' ? kplus.k8s.IntOrString.fromNumber(targetPort) : kplus.k8s.IntOrString.fromString(targetPort) }],
      }],
    },
  });
}

/** The Service port's target port on the pods (a number or a container port name). */
export function targetPortOf(p: kplus.ServicePort): number | string {
  return p.targetPort ?? p.port;
}

/** The fields both route kinds share. */
export interface RouteFields {
  readonly name: string;
  /** The props field of the host names (`hosts`, `hostnames`). */
  readonly hostField: string;
  readonly hosts: readonly string[];
  readonly paths: readonly string[];
  readonly port?: number | string;
}

/** What both route kinds check: name, host names, paths, backend namespace and port. */
export function checkRoute(
  where: string, chart: AppChart, backend: IRouteBackend, r: RouteFields,
): { problems: Problem[]; servicePort?: kplus.ServicePort } {
  const problems: Problem[] = [];
  const push = (p: Problem | undefined) => p && problems.push(p);
  push(checkSubdomain(where, 'name', r.name));
  r.hosts.forEach((h, i) => push(checkHostname(where, `${r.hostField}[${i}]`, h)));
  problems.push(...checkPaths(where, 'paths', r.paths));
  push(checkSameNamespace(where, chart, backend));
  const port = resolveServicePort(where, backend, r.port);
  if ('port' in port) return { problems, servicePort: port };
  problems.push(port as Problem);
  return { problems };
}
