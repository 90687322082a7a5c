import { Construct, IConstruct } from 'constructs';
import { checkDnsLabel, checkInteger, checkLabels } from './_checks';
import { ResourceRequirements } from './resources';
import { ValidationError, Problem } from '../errors';
import { ImageRef } from '../image-ref';

/** Per-app settings of one environment that win over the app's own props. */
export interface AppOverrides {
  /**
   * Replicas of the app in this environment.
   *
   * @default - the app's replicas
   */
  readonly replicas?: number;
  /**
   * Resources of the app in this environment (merged over the app's).
   *
   * @default - the app's resources
   */
  readonly resources?: ResourceRequirements;
  /**
   * The image pin of the app in this environment.
   *
   * @default - the pins file's entry, else the app's image
   */
  readonly image?: ImageRef;
}

/** Props of `Environment`. */
export interface EnvironmentProps {
  /**
   * Environment name: the first folder of the rendered tree (`dist/<name>/…`).
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace every app of this environment is deployed to.
   *
   * @default - the environment name
   */
  readonly namespace?: string;
  /**
   * Default replicas of the apps in this environment.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Default resources of the apps in this environment.
   *
   * @default - the app's resources, else 100m/500m CPU and 128Mi/256Mi memory
   */
  readonly resources?: ResourceRequirements;
  /**
   * Per-app overrides, keyed by app name.
   *
   * @default - none
   */
  readonly overrides?: Record<string, AppOverrides>;
  /**
   * Labels added to every object of this environment.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * The Kubernetes API server of this environment's cluster, for Argo CD.
   *
   * @default 'https://kubernetes.default.svc'
   */
  readonly server?: string;
}

/**
 * A deployment environment (`dev`, `prod`, …): a namespace, defaults and
 * per-app overrides for the apps (`AppChart`s) inside it.
 */
export class Environment extends Construct {
  /** Returns the environment enclosing `scope`, or throws naming the path. */
  public static of(scope: IConstruct, where: string = scope.node.path): Environment {
    for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
      if (c instanceof Environment) return c;
    }
    throw new ValidationError([{ path: where, message: 'must be defined inside an Environment (new Environment(app, "dev"))' }]);
  }

  /** The environment name (its folder). */
  public readonly envName: string;
  /** The namespace of its apps. */
  public readonly namespace: string;
  /** Default replicas of its apps. */
  public readonly replicas?: number;
  /** Default resources of its apps. */
  public readonly resources?: ResourceRequirements;
  /** Labels added to every object. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The cluster's API server URL. */
  public readonly server: string;
  private readonly overrides: Record<string, AppOverrides>;

  constructor(scope: Construct, id: string, props: EnvironmentProps = {}) {
    super(scope, id);
    const where = this.node.path;
    this.envName = props.name ?? id;
    this.namespace = props.namespace ?? this.envName;
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    push(checkDnsLabel(where, 'name', this.envName));
    push(checkDnsLabel(where, 'namespace', this.namespace));
    if (props.replicas !== undefined) push(checkInteger(where, 'replicas', props.replicas, 0, Number.MAX_SAFE_INTEGER));
    problems.push(...checkLabels(where, 'labels', props.labels));
    for (const [app, o] of Object.entries(props.overrides ?? {})) {
      if (o.replicas !== undefined) push(checkInteger(where, `overrides.${app}.replicas`, o.replicas, 0, Number.MAX_SAFE_INTEGER));
      if (o.image !== undefined && !(o.image instanceof ImageRef)) {
        push({ path: where, field: `overrides.${app}.image`, message: 'must be an ImageRef (ImageRef.parse("repo:tag"))', value: o.image });
      }
    }
    const server = props.server ?? 'https://kubernetes.default.svc';
    if (!/^https?:\/\/[^\s@/]+(\/\S*)?$/.test(server)) {
      push({ path: where, field: 'server', message: 'must be an http(s) URL without credentials', value: server });
    }
    if (problems.length) throw new ValidationError(problems);
    this.replicas = props.replicas;
    this.resources = props.resources;
    this.labels = { ...props.labels };
    this.server = server;
    this.overrides = { ...props.overrides };
  }

  /** The overrides of one app (empty if none). */
  public overridesFor(appName: string): AppOverrides {
    return this.overrides[appName] ?? {};
  }
}
