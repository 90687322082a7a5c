import * as os from 'os';
import * as path from 'path';

/**
 * The cache folder `validate` and `publish` share (check results per folder
 * content, and the stat cache of rendered files): `$CDK8S_GITOPS_CACHE_DIR`,
 * else `$XDG_CACHE_HOME/cdk8s-gitops`, else `~/.cache/cdk8s-gitops`.
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.CDK8S_GITOPS_CACHE_DIR) return env.CDK8S_GITOPS_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'cdk8s-gitops');
}
