import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkInteger } from './_checks';
import { DeferredObject, DeferredParts } from './_deferred';
import { HealthCheck } from './pod-spec';
import { ReplicatedWorkload, ReplicatedWorkloadProps } from './replicated-workload';
import { RouteService } from './targets';
import { Problem } from '../errors';

export { selectorLabels } from './workload-props';

/** Props of `WebService`. */
export interface WebServiceProps extends ReplicatedWorkloadProps {
  /**
   * Port the process listens on (unnamed in the container, `http` in the Service).
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
}

/**
 * A web app: a Deployment and the Service in front of it, with the secure pod
 * defaults of `Workload`, HTTP readiness and liveness probes on its port, and
 * with 2 or more replicas a PodDisruptionBudget and spread across nodes and
 * zones. Its pods are selected by the app name (its `name` defaults to it);
 * each named port with a `servicePort` gets a Service port too.
 */
export class WebService extends ReplicatedWorkload {
  /** The Service (built on first use, see `Workload`). */
  public get service(): kplus.Service {
    this._build();
    return this._service!;
  }

  /**
   * The Service's name and ports for routes (`IRouteBackend.routeService`):
   * from its props while it is not built (so a route does not build it), from
   * the Service once it is (something may have changed it).
   */
  public get routeService(): RouteService {
    return DeferredParts.of(this)?.pending ? { name: this.name, ports: this.servicePorts } : this.service;
  }

  private _service?: kplus.Service;
  private readonly servicePorts: readonly kplus.ServicePort[];

  constructor(scope: Construct, id: string, props: WebServiceProps = {}) {
    const where = `${scope.node.path}/${id}`;
    const problems: Problem[] = [];
    const port = props.port ?? 8080;
    const readinessPath = props.readinessPath ?? '/';
    const livenessPath = props.livenessPath ?? readinessPath;
    const portOk = !pushed(problems, checkInteger(where, 'port', port, 1, 65535));
    const paths = ([['readinessPath', readinessPath], ['livenessPath', livenessPath]] as const).map(([field, path]) =>
      (pushed(problems, isHttpPath(path) ? undefined : { path: where, field, message: 'must be an HTTP path starting with "/"', value: path }) ? '/' : path));
    // Checked here, reported with the base's; bad values give way to defaults so the tree still builds.
    const probePort = portOk ? port : 8080;
    super(scope, id, props, { kind: 'WebService', hasService: true, selectByAppName: true }, {
      portNumber: probePort,
      healthCheck: HealthCheck.http(paths[0], probePort),
      liveness: HealthCheck.http(paths[1], probePort),
    });
    this.report(...problems);
    const servicePort = props.servicePort ?? 80;
    this.check(checkInteger(this.node.path, 'servicePort', servicePort, 1, 65535));

    const serviceProps: kplus.ServiceProps = {
      metadata: { name: this.name, labels: this.objectLabels },
      ports: [
        { name: 'http', port: servicePort, targetPort: port },
        ...(props.ports ?? []).filter(p => p.servicePort !== undefined)
          .map(p => ({ name: p.name, port: p.servicePort!, targetPort: p.port, protocol: p.protocol as kplus.Protocol | undefined })),
      ],
    };
    // The kplus Service lists the same ports (`bind(port, options)` keeps `{ ...options, port }`).
    this.servicePorts = serviceProps.ports!;
    this._defer(() => {
      this._service = new kplus.Service(this, 'Service', serviceProps);
      for (const [k, v] of Object.entries(this.selector)) this._service.selectLabel(k, v);
    });
  }

  /** @internal */
  public _releaseParts(): void {
    super._releaseParts();
    this._service = undefined;
  }

  /** @internal */
  public _renderedObjects(): DeferredObject[] {
    return [...super._renderedObjects(), this._renderedObject('Service/Resource', 'v1', 'Service')];
  }
}

function isHttpPath(path: unknown): boolean {
  return typeof path === 'string' && path.startsWith('/') && !/\s/.test(path);
}

function pushed(problems: Problem[], p: Problem | undefined): boolean {
  if (p) problems.push(p);
  return p !== undefined;
}
