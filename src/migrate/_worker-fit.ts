import { SourceObject } from './_load';
import { Misfit, PodFitOptions, podTemplateProps } from './_pod-fit';

/** A workload object one of the workload constructs expresses, and its props. */
export interface KindFit {
  /** The construct. */
  readonly className: 'Worker' | 'ScheduledJob' | 'MigrationJob';
  /** Its property holding the rendered kplus object (what `RenderedPatch.of` takes). */
  readonly resource: 'deployment' | 'cronJob' | 'job';
  /** The input field of the pod template (`spec.template`). */
  readonly templateField: string;
  /** Props as literal values (`Built` for expressions). */
  readonly props: Record<string, unknown>;
  /** Construct prop → the input field it comes from (for the construct's own refusals). */
  readonly fields: Readonly<Record<string, string>>;
}

/** Options of the kind fits. */
export type KindFitOptions = Pick<PodFitOptions, 'strict' | 'serviceAccounts'>;

/** The input fields of the props every kind shares. */
export function podFields(template: string): Record<string, string> {
  const c = `${template}.spec.containers[0]`;
  return {
    name: 'metadata.name',
    image: `${c}.image`,
    command: `${c}.command`,
    args: `${c}.args`,
    env: `${c}.env`,
    envFrom: `${c}.envFrom`,
    ports: `${c}.ports`,
    resources: `${c}.resources`,
    mounts: `${c}.volumeMounts`,
    volumes: `${template}.spec.volumes`,
    sidecars: `${template}.spec.containers`,
    initContainers: `${template}.spec.initContainers`,
    labels: 'metadata.labels',
    podAnnotations: `${template}.metadata.annotations`,
    runAsUser: `${template}.spec.securityContext.runAsUser`,
    serviceAccount: `${template}.spec.serviceAccountName`,
    healthCheck: `${c}.readinessProbe`,
  };
}

/**
 * A Deployment (no Service selects its pods) as a `Worker`: its pod template,
 * its replicas and its probe as the health check (none in the YAML:
 * `HealthCheck.none(reason)`, a waiver reviewers see). Returns its props, or
 * why it cannot be one.
 */
export function fitWorker(o: SourceObject, options: KindFitOptions): KindFit | Misfit {
  const j = o.json;
  if (j.apiVersion !== 'apps/v1') return { field: 'apiVersion', message: 'is not apps/v1 (a Worker renders apps/v1)', value: j.apiVersion };
  const templateField = 'spec.template';
  const pod = podTemplateProps(o, { ...options, kind: 'Worker', templateField, healthCheck: true });
  if ('field' in pod) return pod;
  const { image, ...rest } = pod.props;
  const props: Record<string, unknown> = { name: j.metadata.name, image };
  const replicas = j.spec?.replicas;
  if (Number.isInteger(replicas)) props.replicas = replicas;
  return {
    className: 'Worker',
    resource: 'deployment',
    templateField,
    props: { ...props, ...rest },
    fields: { ...podFields(templateField), replicas: 'spec.replicas' },
  };
}
