import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { AppChart } from './app-chart';

/** What a route needs of its backend's Service. */
export interface RouteService {
  /** The Service's name. */
  readonly name: string;
  /** Its ports, as `kplus.Service.ports` lists them. */
  readonly ports: readonly kplus.ServicePort[];
}

/** A workload with a Service in front of it, which routes send traffic to (a `WebService`). */
export interface IRouteBackend extends IConstruct {
  /** The Service routes point at. */
  readonly service: kplus.Service;
  /** The labels selecting the backend's pods. */
  readonly selector: Record<string, string>;
  /**
   * The Service's name and ports when they are known without building it (a
   * `WebService` builds its cdk8s-plus objects only when something needs
   * them); routes read them instead of `service`.
   *
   * @default - `service`'s
   */
  readonly routeService?: RouteService;
}

/** Labels of the objects a traffic/config/secrets construct renders in `app`: the app's name labels. */
export function appObjectLabels(app: AppChart): Record<string, string> {
  return {
    'app.kubernetes.io/instance': `${app.appName}-${app.environment.envName}`,
    'app.kubernetes.io/managed-by': 'cdk8s-gitops',
    'app.kubernetes.io/name': app.appName,
  };
}
