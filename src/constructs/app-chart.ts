import { Construct, IConstruct } from 'constructs';
import { checkDnsLabel, checkLabels } from './_checks';
import { Environment } from './environment';
import { GitOpsChart } from './gitops-chart';
import { ValidationError, Problem } from '../errors';

const APP_CHART = Symbol.for('cdk8s-gitops.AppChart');

/** Props of `AppChart`. */
export interface AppChartProps {
  /**
   * App name: its folder (`dist/<env>/<name>/`) and the default name of its objects.
   * Output never depends on construct ids, only on this name.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Labels added to every object of the app (and to its kustomization).
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * One app in one environment: the folder `<env>/<app>/` of the rendered
 * tree, deployed to the environment's namespace, with a `kustomization.yaml`
 * listing its files. Put a `WebService` and any other objects inside.
 */
export class AppChart extends GitOpsChart {
  /** Returns true if `x` is an AppChart (works across copies of this package). */
  public static isAppChart(x: unknown): x is AppChart {
    return x !== null && typeof x === 'object' && APP_CHART in x;
  }

  /** `instanceof` that is not fooled by cdk8s's `Chart[Symbol.hasInstance]`. */
  public static [Symbol.hasInstance](x: unknown): x is AppChart {
    return AppChart.isAppChart(x);
  }

  /** Returns the app enclosing `scope`, or throws naming the path. */
  public static of(scope: IConstruct): AppChart {
    for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
      if (AppChart.isAppChart(c)) return c;
    }
    throw new ValidationError([{ path: scope.node.path, message: 'must be defined inside an AppChart (new AppChart(env, "hello"))' }]);
  }

  /** The app name. */
  public readonly appName: string;
  /** The environment it belongs to. */
  public readonly environment: Environment;

  constructor(scope: Construct, id: string, props: AppChartProps = {}) {
    const where = scope.node.path ? `${scope.node.path}/${id}` : id;
    const env = Environment.of(scope, where);
    const appName = props.name ?? id;
    const problems: Problem[] = [];
    const bad = checkDnsLabel(where, 'name', appName);
    if (bad) problems.push(bad);
    if (env.targets.length > 1) {
      problems.push({
        path: where,
        message: `is in environment ${env.envName}, which deploys to ${env.targets.length} clusters (${env.clusters.map(c => c.clusterName).join(', ')}): create one AppChart per cluster in env.targets (for (const target of env.targets) new AppChart(target, ${JSON.stringify(appName)}))`,
      });
    }
    problems.push(...checkLabels(where, 'labels', props.labels));
    if (problems.length) throw new ValidationError(problems);
    super(scope, id, {
      folder: `${env.folder}/${appName}`,
      namespace: env.namespace,
      destination: env.server,
      labels: { ...env.labels, ...props.labels },
    });
    Object.defineProperty(this, APP_CHART, { value: true });
    this.appName = appName;
    this.environment = env;
  }
}
