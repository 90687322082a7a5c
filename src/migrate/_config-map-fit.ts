import { ConstructFit, FitContext, constructFit, shapeProblem, extraField, isObject, namespaceProblem } from './_construct-fit';
import { checkSubdomain } from '../constructs/_hosts';
import { kustomizeConfigMapHash, PRUNE_LAST } from '../constructs/hashed-config-map';

const KEY = /^[-._a-zA-Z0-9]+$/;
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/**
 * Whether a ConfigMap is what `HashedConfigMap` renders: string `data`
 * under valid keys, and a name that already ends in the content hash
 * (kustomize's `configMapGenerator` output, or ours), so nothing that
 * refers to it by name changes. Returns the fit, or why not.
 */
export function fitConfigMap(j: Record<string, any>, ctx: FitContext, where = ''): ConstructFit | string {
  const name = j.metadata?.name;
  const why = (reason: string) => `ConfigMap ${name}${where ? ` (${where})` : ''} stays a typed k8s object, not a HashedConfigMap: ${reason}`;
  if (j.apiVersion !== 'v1') return why(`apiVersion ${j.apiVersion}`);

  const shape = shapeProblem(j, false);
  if (shape) return why(shape); const problem = extraField(j, ['apiVersion', 'kind', 'metadata', 'data'], 'object')
    ?? extraField(j.metadata, ['name', 'namespace', 'labels', 'annotations'], 'metadata')
    ?? namespaceProblem(j, ctx.namespace);
  if (problem) return why(problem);
  const annotations = Object.entries(j.metadata.annotations ?? {});
  if (annotations.some(([k, v]) => k !== SYNC_OPTIONS || v !== PRUNE_LAST)) return why(`metadata.annotations other than ${SYNC_OPTIONS}: ${PRUNE_LAST}`);
  const data = j.data;
  if (!isObject(data) || !Object.keys(data).length) return why('data is empty');
  for (const [k, v] of Object.entries(data)) {
    if (!KEY.test(k) || k === '.' || k === '..' || k.length > 253) return why(`data key ${JSON.stringify(k)} is not a valid file name`);
    if (typeof v !== 'string') return why(`data.${k} is not a string`);
  }
  const hash = kustomizeConfigMapHash(data as Record<string, string>);
  if (typeof name !== 'string' || !name.endsWith(`-${hash}`)) {
    return why(`its name does not end in its content hash -${hash} (HashedConfigMap would rename it, and whatever refers to ${name} would break)`);
  }
  const base = name.slice(0, -hash.length - 1);
  if (checkSubdomain('', '', base) || base.length > 242) return why(`the name before the hash, ${JSON.stringify(base)}, is not a DNS-1123 subdomain of at most 242 characters`);
  return constructFit({
    className: 'HashedConfigMap',
    props: { name: base, data },
    comments: ['A change of its data renames it (a new hash), so the pods using it roll; Argo CD prunes the old one last.'],
  });
}
