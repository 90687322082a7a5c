import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkAnnotations, checkDnsLabel } from './_checks';
import { checkSubdomain } from './_hosts';
import { allowFromNamespace, checkRoute, routeServiceOf, targetPortOf } from './_route';
import { AppChart } from './app-chart';
import { addProblemValidation } from './problem-validation';
import { appObjectLabels, IRouteBackend } from './targets';
import { Certificate as CertificateL1 } from '../../imports/cert-manager-certificate-cert-manager.io';
import { Problem } from '../errors';

/** How an Ingress path matches. */
export enum IngressPathType {
  /** The path and everything below it, by `/`-separated element. */
  PREFIX = 'Prefix',
  /** Exactly this path. */
  EXACT = 'Exact',
}

/** Which cert-manager issuer kind signs a certificate. */
export enum IssuerKind {
  /** A cluster-wide `ClusterIssuer` (annotation `cert-manager.io/cluster-issuer`). */
  CLUSTER_ISSUER = 'ClusterIssuer',
  /** An `Issuer` in the app's namespace (annotation `cert-manager.io/issuer`). */
  ISSUER = 'Issuer',
}

/** Options of `RouteTls.fromIssuer`. */
export interface IssuerTlsOptions {
  /**
   * The issuer's kind.
   *
   * @default IssuerKind.CLUSTER_ISSUER
   */
  readonly kind?: IssuerKind;
  /**
   * Render a cert-manager `Certificate` object instead of the Ingress
   * annotation (cert-manager's ingress-shim then stays out of it).
   *
   * @default false
   */
  readonly certificate?: boolean;
  /**
   * Name of the Secret the certificate is stored in.
   *
   * @default - `<route name>-tls`
   */
  readonly secretName?: string;
}

/**
 * Where an Ingress's TLS certificate comes from: an existing Secret, or a
 * cert-manager issuer (by annotation, or by a rendered `Certificate`).
 */
export class RouteTls {
  /** A certificate in an existing `kubernetes.io/tls` Secret of the app's namespace. */
  public static fromSecret(secretName: string): RouteTls {
    return new RouteTls(secretName, undefined, IssuerKind.CLUSTER_ISSUER, false);
  }

  /** A certificate that cert-manager requests from `issuer` and keeps renewed. */
  public static fromIssuer(issuer: string, options: IssuerTlsOptions = {}): RouteTls {
    return new RouteTls(options.secretName, issuer, options.kind ?? IssuerKind.CLUSTER_ISSUER, options.certificate ?? false);
  }

  private constructor(
    /** The Secret's name, when given. */
    public readonly secretName: string | undefined,
    /** The cert-manager issuer, if any. */
    public readonly issuer: string | undefined,
    /** The issuer's kind. */
    public readonly issuerKind: IssuerKind,
    /** True if a `Certificate` object is rendered. */
    public readonly certificate: boolean,
  ) {}
}

/** Props of `IngressRoute`. */
export interface IngressRouteProps {
  /** The web app traffic goes to (a `WebService`): its Service and pods. */
  readonly backend: IRouteBackend;
  /** Host names the Ingress answers (`*.example.com` allowed as the first label). */
  readonly hosts: readonly string[];
  /**
   * Paths routed to the backend.
   *
   * @default ['/']
   */
  readonly paths?: readonly string[];
  /**
   * How the paths match.
   *
   * @default IngressPathType.PREFIX
   */
  readonly pathType?: IngressPathType;
  /**
   * The Service port (number or name) to route to.
   *
   * @default - the Service's only port
   */
  readonly port?: number | string;
  /**
   * `ingressClassName`: which controller serves the Ingress.
   *
   * @default - the cluster's default IngressClass
   */
  readonly className?: string;
  /**
   * TLS for every host. Without it the `ingress-tls` policy rule reports the Ingress.
   *
   * @default - no TLS
   */
  readonly tls?: RouteTls;
  /**
   * Name of the Ingress (and of its Certificate and network policy).
   *
   * @default - the Service's name
   */
  readonly name?: string;
  /**
   * Namespace of the ingress controller's pods: a NetworkPolicy lets them
   * reach the backend's pods on the routed port (`undefined` renders none).
   *
   * @default 'ingress-nginx'
   */
  readonly controllerNamespace?: string | null;
  /**
   * Extra annotations of the Ingress (controller settings).
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * A Kubernetes `Ingress` (networking.k8s.io/v1) for a web app: hosts, paths,
 * TLS from a Secret or a cert-manager issuer (optionally with a rendered
 * `Certificate`), and a NetworkPolicy admitting the ingress controller.
 * Host names, the TLS Secret name and the port are checked; every problem is
 * reported at synth.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
export class IngressRoute extends Construct {
  /** The Ingress. */
  public readonly ingress: kplus.k8s.KubeIngress;
  /** The cert-manager Certificate, when `RouteTls.fromIssuer(…, { certificate: true })`. */
  public readonly certificate?: CertificateL1;
  /** Name of the Ingress. */
  public readonly name: string;
  /** Host names. */
  public readonly hosts: readonly string[];
  /** The TLS Secret's name, if TLS is on. */
  public readonly tlsSecretName?: string;

  constructor(scope: Construct, id: string, props: IngressRouteProps) {
    super(scope, id);
    const where = this.node.path;
    const chart = AppChart.of(this);
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    this.name = props.name ?? routeServiceOf(props.backend).name;
    this.hosts = [...(props.hosts ?? [])];
    const paths = [...(props.paths ?? ['/'])];
    const pathType = props.pathType ?? IngressPathType.PREFIX;
    const controllerNamespace = props.controllerNamespace === undefined ? 'ingress-nginx' : props.controllerNamespace;
    const tls = props.tls;
    this.tlsSecretName = tls ? (tls.secretName ?? `${this.name}-tls`) : undefined;

    const { problems: common, servicePort } = checkRoute(where, chart, props.backend, { name: this.name, hostField: 'hosts', hosts: this.hosts, paths, port: props.port });
    problems.push(...common);
    if (this.hosts.length === 0) problems.push({ path: where, field: 'hosts', message: 'must list at least one host name', value: [] });
    if (this.tlsSecretName !== undefined) push(checkSubdomain(where, 'tls.secretName', this.tlsSecretName));
    if (tls?.issuer !== undefined) push(checkSubdomain(where, 'tls.issuer', tls.issuer));
    if (props.className !== undefined) push(checkSubdomain(where, 'className', props.className));
    if (controllerNamespace !== null) push(checkDnsLabel(where, 'controllerNamespace', controllerNamespace));
    problems.push(...checkAnnotations(where, 'annotations', props.annotations));
    addProblemValidation(this, () => problems);

    const labels = appObjectLabels(chart);
    const annotations: Record<string, string> = { ...props.annotations };
    if (tls?.issuer !== undefined && !tls.certificate) {
      annotations[tls.issuerKind === IssuerKind.ISSUER ? 'cert-manager.io/issuer' : 'cert-manager.io/cluster-issuer'] = tls.issuer;
    }
    this.ingress = new kplus.k8s.KubeIngress(this, 'Resource', {
      metadata: { name: this.name, labels, ...(Object.keys(annotations).length ? { annotations } : {}) },
      spec: {
        ingressClassName: props.className,
        tls: this.tlsSecretName !== undefined ? [{ hosts: [...this.hosts], secretName: this.tlsSecretName }] : undefined,
        rules: this.hosts.map(host => ({
          host,
          http: {
            paths: paths.map(path => ({
              path,
              pathType,
              backend: { service: { name: routeServiceOf(props.backend).name, port: { number: servicePort?.port ?? 0 } } },
            })),
          },
        })),
      },
    });
    if (tls?.issuer !== undefined && tls.certificate) {
      this.certificate = new CertificateL1(this, 'Certificate', {
        metadata: { name: this.name, labels },
        spec: {
          secretName: this.tlsSecretName!,
          dnsNames: [...this.hosts],
          issuerRef: { group: 'cert-manager.io', kind: tls.issuerKind, name: tls.issuer },
        },
      });
    }
    if (controllerNamespace !== null && servicePort) {
      allowFromNamespace(this, `${this.name}-from-${controllerNamespace}`, props.backend, controllerNamespace, targetPortOf(servicePort), labels);
    }
  }
}
