import { Construct } from 'constructs';
import { checkDnsLabel } from './_checks';
import { checkSubdomain } from './_hosts';
import { allowFromNamespace, checkRoute, routeServiceOf, targetPortOf } from './_route';
import { AppChart } from './app-chart';
import { addProblemValidation } from './problem-validation';
import { appObjectLabels, IRouteBackend } from './targets';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../../imports/gateway-httproute-gateway.networking.k8s.io';
import { Problem } from '../errors';

/** How an HTTPRoute path matches. */
export enum HttpPathMatch {
  /** The path and everything below it, by `/`-separated element. */
  PATH_PREFIX = 'PathPrefix',
  /** Exactly this path. */
  EXACT = 'Exact',
}

/** The Gateway (listener) an HTTPRoute attaches to. */
export interface GatewayRef {
  /** The Gateway's name. */
  readonly name: string;
  /**
   * The Gateway's namespace.
   *
   * @default - the route's namespace
   */
  readonly namespace?: string;
  /**
   * The listener's name (`sectionName`), e.g. the HTTPS listener.
   *
   * @default - every listener that accepts the route
   */
  readonly sectionName?: string;
}

/** Props of `GatewayHttpRoute`. */
export interface GatewayHttpRouteProps {
  /** The web app traffic goes to (a `WebService`): its Service and pods. */
  readonly backend: IRouteBackend;
  /** The Gateway the route attaches to (its listener terminates TLS). */
  readonly gateway: GatewayRef;
  /**
   * Host names the route answers (`*.example.com` allowed as the first label).
   *
   * @default - every host name of the Gateway's listener
   */
  readonly hostnames?: readonly string[];
  /**
   * Paths routed to the backend.
   *
   * @default ['/']
   */
  readonly paths?: readonly string[];
  /**
   * How the paths match.
   *
   * @default HttpPathMatch.PATH_PREFIX
   */
  readonly pathMatch?: HttpPathMatch;
  /**
   * The Service port (number or name) to route to.
   *
   * @default - the Service's only port
   */
  readonly port?: number | string;
  /**
   * Name of the HTTPRoute (and of its network policy).
   *
   * @default - the Service's name
   */
  readonly name?: string;
  /**
   * Render a NetworkPolicy letting the Gateway's namespace reach the
   * backend's pods on the routed port.
   *
   * @default true
   */
  readonly allowFromGateway?: boolean;
}

/**
 * A Gateway API `HTTPRoute` (gateway.networking.k8s.io/v1) for a web app:
 * the parent Gateway, host names, path matches and the backend's Service
 * port, plus a NetworkPolicy admitting the Gateway's namespace. TLS is the
 * Gateway listener's (`gateway.sectionName`). Host names and the port are
 * checked; every problem is reported at synth.
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/httproute/
 */
export class GatewayHttpRoute extends Construct {
  /** The HTTPRoute. */
  public readonly route: HttpRoute;
  /** Name of the HTTPRoute. */
  public readonly name: string;
  /** Host names (empty: the listener's). */
  public readonly hostnames: readonly string[];

  constructor(scope: Construct, id: string, props: GatewayHttpRouteProps) {
    super(scope, id);
    const where = this.node.path;
    const chart = AppChart.of(this);
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    this.name = props.name ?? routeServiceOf(props.backend).name;
    this.hostnames = [...(props.hostnames ?? [])];
    const paths = [...(props.paths ?? ['/'])];
    const gateway = props.gateway ?? ({} as GatewayRef);
    const gatewayNamespace = gateway.namespace ?? chart.namespace ?? 'default';

    const { problems: common, servicePort } = checkRoute(where, chart, props.backend, { name: this.name, hostField: 'hostnames', hosts: this.hostnames, paths, port: props.port });
    problems.push(...common);
    push(checkSubdomain(where, 'gateway.name', gateway.name));
    if (gateway.namespace !== undefined) push(checkDnsLabel(where, 'gateway.namespace', gateway.namespace));
    if (gateway.sectionName !== undefined) push(checkSubdomain(where, 'gateway.sectionName', gateway.sectionName));
    addProblemValidation(this, () => problems);

    const labels = appObjectLabels(chart);
    const pathType = (props.pathMatch ?? HttpPathMatch.PATH_PREFIX) as string as HttpRouteSpecRulesMatchesPathType;
    this.route = new HttpRoute(this, 'Resource', {
      metadata: { name: this.name, labels },
      spec: {
        parentRefs: [{ name: gateway.name, namespace: gateway.namespace, sectionName: gateway.sectionName }],
        hostnames: this.hostnames.length ? [...this.hostnames] : undefined,
        rules: [{
          matches: paths.map(value => ({ path: { type: pathType, value } })),
          backendRefs: [{ name: routeServiceOf(props.backend).name, port: servicePort?.port ?? 0 }],
        }],
      },
    });
    if ((props.allowFromGateway ?? true) && servicePort) {
      allowFromNamespace(this, `${this.name}-from-${gatewayNamespace}`, props.backend, gatewayNamespace, targetPortOf(servicePort), labels);
    }
  }
}
