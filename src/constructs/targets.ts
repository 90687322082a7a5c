import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { AppChart } from './app-chart';

/**
 * What the traffic, config and secrets constructs attach to: a construct
 * that holds a cdk8s-plus `Deployment` (a `WebService`), or the Deployment
 * itself.
 */
export interface IWorkload extends IConstruct {
  /** The Deployment whose pod template is changed or selected. */
  readonly deployment: kplus.Deployment;
}

/** A workload with a Service in front of it, which routes send traffic to (a `WebService`). */
export interface IRouteBackend extends IWorkload {
  /** The Service routes point at. */
  readonly service: kplus.Service;
}

/** The app (`AppChart`) a workload belongs to. */
export function appOf(workload: IConstruct): AppChart {
  return AppChart.of(workload);
}

/** The pods' selector labels of a workload (its Deployment's `matchLabels`). */
export function podLabels(workload: IWorkload): Record<string, string> {
  return { ...workload.deployment.matchLabels };
}

/** The first (main) container of a workload's pod template. */
export function mainContainer(workload: IWorkload): kplus.Container {
  return workload.deployment.containers[0];
}

/** The L1 object of the Deployment, for JSON patches. */
export function deploymentObject(workload: IWorkload): ApiObject {
  return ApiObject.of(workload.deployment);
}

/** Labels of the objects a traffic/config/secrets construct renders in `app`: the app's name labels. */
export function appObjectLabels(app: AppChart): Record<string, string> {
  return {
    'app.kubernetes.io/instance': `${app.appName}-${app.environment.envName}`,
    'app.kubernetes.io/managed-by': 'cdk8s-gitops',
    'app.kubernetes.io/name': app.appName,
  };
}
