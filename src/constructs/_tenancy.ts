import { checkDnsLabel } from './_checks';
import { Problem } from '../errors';
import { maskUrl } from '../git-url';

/**
 * Names and checks of the multi-team, multi-cluster estate (private to the
 * package; imports no construct, so every construct may use it).
 */

/** The API server of the cluster Argo CD runs in. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';
/** Longest Argo CD object name: Application names are also label values (`app.kubernetes.io/instance`). */
export const MAX_ARGO_NAME = 63;
/** Label carrying the team on the objects cdk8s-gitops renders for it. */
export const TEAM_LABEL = 'cdk8s-gitops.io/team';
/** Folder (beside the apps of one destination) holding the destination's Namespace, quota and limits. */
export const NAMESPACE_FOLDER = 'namespace';

/**
 * A team name: a DNS-1123 label without `-`, so that in every Argo CD name
 * `<team>-…` the team is exactly the part before the first `-` and two
 * teams can never produce one name, whatever their app and environment names.
 */
export function checkTeam(path: string, field: string, value: unknown): Problem | undefined {
  const bad = checkDnsLabel(path, field, value, 30);
  if (bad) return bad;
  if ((value as string).includes('-')) {
    return {
      path,
      field,
      message: `must not contain "-": Argo CD names are "<team>-<app>-<env>", and a team is the part before the first "-", so that no two teams can ever render one name (use e.g. ${JSON.stringify((value as string).replace(/-/g, ''))})`,
      value,
    };
  }
  return undefined;
}

/**
 * The Argo CD name of `parts` joined with `-`, prefixed with the team when
 * there is one; a problem at `path` when it is longer than 63 characters.
 */
export function argoName(path: string, what: string, team: string | undefined, parts: string[]): { name: string; problem?: Problem } {
  const name = [...(team ? [team] : []), ...parts].join('-');
  if (name.length <= MAX_ARGO_NAME) return { name };
  const from = [team ? `team ${JSON.stringify(team)}` : undefined, ...parts.map(p => JSON.stringify(p))].filter(Boolean).join(' + ');
  return {
    name,
    problem: {
      path,
      field: 'name',
      message: `makes the Argo CD ${what} name ${name.length} characters long (${from}), over ${MAX_ARGO_NAME}: shorten the team, app, environment or cluster name`,
      value: name,
    },
  };
}

/** An https (or http) API server URL with a host and no credentials; the value is printed redacted. */
export function checkClusterServer(path: string, field: string, value: unknown): Problem | undefined {
  if (typeof value !== 'string' || value === '' || /\s/.test(value)) return { path, field, message: 'must be the https:// URL of the API server, without whitespace', value };
  const m = /^(https?):\/\/([^/?#]*)([/?#].*)?$/i.exec(value);
  if (!m) return { path, field, message: 'must be the https:// URL of the API server (e.g. https://prod-eu.example.com:6443)', value: maskUrl(value) };
  if (m[2].includes('@')) {
    return { path, field, message: 'must not carry credentials ("user:token@"): put them in the Argo CD cluster Secret (see docs/argocd.md)', value: maskUrl(value) };
  }
  if (!m[2] || m[2].startsWith(':')) return { path, field, message: 'has no host', value };
  return undefined;
}

/**
 * Kinds of the Kubernetes API (1.28) that are cluster-scoped: their identity
 * has no namespace. Kinds not listed are taken as namespaced.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'ComponentStatus', 'CSIDriver', 'CSINode',
  'CustomResourceDefinition', 'FlowSchema', 'IngressClass', 'MutatingWebhookConfiguration', 'Namespace', 'Node',
  'PersistentVolume', 'PriorityClass', 'PriorityLevelConfiguration', 'RuntimeClass', 'StorageClass',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment',
]);
