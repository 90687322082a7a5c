/**
 * Folders of the rendered tree: `<env>/<app>/`, or `<env>/<cluster>/<app>/`
 * where an environment deploys to several clusters (`Environment.folder`),
 * plus `<env>[/<cluster>]/namespace/` for a rendered namespace and `argocd/`.
 *
 * File names of the rendered tree: `<kind>-<name>.yaml`, with the namespace
 * (`<kind>-<namespace>_<name>.yaml`) when an object is not in its folder's
 * namespace. Kinds have no `-`, namespaces no `_`: no two objects share a file.
 */

/** The file an object is written to, relative to its folder. */
export function objectFileName(
  kind: string, name: string, namespace: string | undefined, folderNamespace: string | undefined, group?: string,
): string {
  const k = group ? `${kind.toLowerCase()}.${group}` : kind.toLowerCase();
  const ns = namespace && namespace !== folderNamespace ? `${namespace}_` : '';
  return `${k}-${ns}${name}.yaml`;
}

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Name of the kustomization file in every app folder. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';
