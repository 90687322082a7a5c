import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Kustomization } from './kustomization';

const GITOPS_CHART = Symbol.for('cdk8s-gitops.GitOpsChart');

/** Props of `GitOpsChart`. */
export interface GitOpsChartProps extends ChartProps {
  /** Folder of the rendered tree this chart writes to, e.g. `dev/hello` or `argocd`. */
  readonly folder: string;
  /**
   * Render a `kustomization.yaml` listing the folder's files.
   *
   * @default true
   */
  readonly kustomize?: boolean;
  /**
   * API server URL of the cluster the folder's objects are applied to: no two
   * charts with one destination may render the same object (checked at synth).
   *
   * @default - none: not checked against other charts
   */
  readonly destination?: string;
}

/**
 * A chart that owns one folder of the rendered tree: one file per object,
 * plus a `kustomization.yaml`. Every chart of a `GitOpsApp` is one of these.
 */
export class GitOpsChart extends Chart {
  /** Returns true if `x` is a GitOpsChart (works across copies of this package). */
  public static isGitOpsChart(x: unknown): x is GitOpsChart {
    return x !== null && typeof x === 'object' && GITOPS_CHART in x;
  }

  /**
   * cdk8s's `Chart` answers `instanceof` for every chart, subclasses included;
   * this makes `x instanceof GitOpsChart` mean what it says.
   */
  public static [Symbol.hasInstance](x: unknown): x is GitOpsChart {
    return GitOpsChart.isGitOpsChart(x);
  }

  /** Folder of the rendered tree, `/`-separated. */
  public readonly folder: string;
  /** The folder's kustomization, if one is rendered. */
  public readonly kustomization?: Kustomization;
  /** API server URL of the cluster its objects are applied to, if known. */
  public readonly destination?: string;

  constructor(scope: Construct, id: string, props: GitOpsChartProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    Object.defineProperty(this, GITOPS_CHART, { value: true });
    this.folder = props.folder;
    this.destination = props.destination;
    if (props.kustomize ?? true) {
      this.kustomization = new Kustomization(this, 'Kustomization');
    }
  }
}
