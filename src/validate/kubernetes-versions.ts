/**
 * The Kubernetes versions whose schemas are bundled, in a module with no
 * imports so the CLI can declare its options without loading the validators.
 */

/** Kubernetes minor versions whose schemas are bundled (kept equal to the bundle's by a test). */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = ['1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36'];

/** The minor validated against unless told otherwise: the newest bundled. */
export const DEFAULT_KUBERNETES_VERSION: string = SUPPORTED_KUBERNETES_VERSIONS[SUPPORTED_KUBERNETES_VERSIONS.length - 1];

/**
 * The bundled minor (`1.31`) for a version as people write it (`1.31`,
 * `v1.31`, `1.31.4`), or `undefined` when none is bundled for it.
 */
export function bundledKubernetesVersion(version: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(version.trim());
  const minor = m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
  return minor && SUPPORTED_KUBERNETES_VERSIONS.includes(minor) ? minor : undefined;
}
