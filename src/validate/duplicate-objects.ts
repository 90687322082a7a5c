import * as posix from 'path/posix';
import { Finding } from './finding';

/** Kinds that have no namespace (a kustomization's `namespace:` does not apply to them). */
const CLUSTER_SCOPED = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'ComponentStatus', 'CSIDriver', 'CSINode',
  'CustomResourceDefinition', 'FlowSchema', 'IngressClass', 'MutatingWebhookConfiguration', 'Namespace', 'Node', 'PersistentVolume',
  'PriorityClass', 'PriorityLevelConfiguration', 'RuntimeClass', 'StorageClass', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment',
]);

/** One object of a folder, as the duplicate check needs it. */
export interface ObjectIdentity {
  /** Tree path of its file. */
  readonly file: string;
  /** API group (`apps`, `''` for the core group). */
  readonly group: string;
  readonly kind: string;
  /** `metadata.namespace`, or `undefined` when the file sets none. */
  readonly namespace?: string;
  readonly name: string;
}

/** What one app folder renders: its objects and its kustomization's `namespace:`. */
export interface FolderObjects {
  /** The kustomization's `namespace:`, which kustomize sets on objects without one. */
  readonly namespace?: string;
  readonly objects: readonly ObjectIdentity[];
}

/** The identity of an object (`undefined` without kind or name: object-identity reports those). */
export function objectIdentity(file: string, obj: Record<string, any>): ObjectIdentity | undefined {
  if (typeof obj.kind !== 'string' || typeof obj.metadata?.name !== 'string' || obj.kind === '' || obj.metadata.name === '') return undefined;
  const api = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const group = api.includes('/') ? api.slice(0, api.lastIndexOf('/')) : '';
  const ns = obj.metadata.namespace;
  return { file, group, kind: obj.kind, name: obj.metadata.name, ...(typeof ns === 'string' && ns !== '' ? { namespace: ns } : {}) };
}

/**
 * `object-duplicate`: an object identity (group, kind, namespace, name)
 * rendered twice for one destination. App folders that share a parent
 * (`dev/a` and `dev/b`, or `dev/c1/a` and `dev/c1/b`) deploy to the same
 * place; two of them rendering the same object make two Argo CD
 * Applications fight over it (each prunes or overwrites the other's
 * version). An object without `metadata.namespace` takes its
 * kustomization's `namespace:`.
 */
export function duplicateObjectFindings(folders: ReadonlyMap<string, FolderObjects>): Finding[] {
  const seen = new Map<string, { folder: string; file: string }>();
  const out: Finding[] = [];
  for (const [folder, { namespace, objects }] of [...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const destination = posix.dirname(folder);
    for (const o of objects) {
      const ns = CLUSTER_SCOPED.has(o.kind) ? '' : (o.namespace ?? namespace ?? '');
      const key = `${destination}\0${o.group}\0${o.kind}\0${ns}\0${o.name}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, { folder, file: o.file });
        continue;
      }
      const where = first.folder === folder ? `in ${first.file} too` : `by the app folder ${first.folder}/ too (${first.file})`;
      const dest = destination === '.' ? 'the root' : `${destination}/`;
      out.push({
        file: o.file,
        kind: o.kind,
        ...(ns ? { namespace: ns } : {}),
        name: o.name,
        rule: 'object-duplicate',
        severity: 'error',
        message: `is rendered ${where}, for the same destination (${dest}): two Argo CD Applications would fight over it. `
          + 'Render it in one app folder only (or give the copies different names or namespaces)',
      });
    }
  }
  return out;
}
