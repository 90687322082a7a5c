/**
 * Argo CD's AppProject rules, as documented, evaluated at synth time
 * (private to the package): which source repositories, destinations and
 * resource kinds a project permits. Used by `ArgoCd` to refuse an
 * Application or object its own project would reject at sync time.
 *
 * - sourceRepos: permitted if an entry matches (globs) and no `!` entry does;
 * - destinations: permitted if an entry matches the cluster (by `name` and/or
 *   `server`, globs) and the namespace, and no deny entry (a field starting
 *   with `!`) matches;
 * - cluster-scoped kinds: permitted only if `clusterResourceWhitelist` has a
 *   matching group/kind (and name glob, when given), and the blacklist none;
 * - namespaced kinds: all, unless `namespaceResourceWhitelist` is set (then
 *   only those), minus `namespaceResourceBlacklist`.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
 */

/** The rule-bearing part of an AppProject's spec. */
export interface ProjectRules {
  readonly sourceRepos?: readonly string[];
  readonly destinations?: readonly { readonly server?: string; readonly name?: string; readonly namespace?: string }[];
  readonly clusterResourceWhitelist?: readonly { readonly group: string; readonly kind: string; readonly name?: string }[];
  readonly clusterResourceBlacklist?: readonly { readonly group: string; readonly kind: string; readonly name?: string }[];
  readonly namespaceResourceWhitelist?: readonly { readonly group: string; readonly kind: string }[];
  readonly namespaceResourceBlacklist?: readonly { readonly group: string; readonly kind: string }[];
}

/** An Application's destination, with the cluster's name and server when both are known. */
export interface RuleDestination {
  readonly server?: string;
  readonly name?: string;
  readonly namespace: string;
}

const GLOBS = new Map<string, RegExp>();

/** Go-style glob: `*` any run of characters, `?` one, the rest literal. */
export function globMatch(pattern: string, value: string): boolean {
  let re = GLOBS.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
    GLOBS.set(pattern, re);
  }
  return re.test(value);
}

/** True if `repoURL` is permitted by `sourceRepos`. */
export function isSourcePermitted(rules: ProjectRules, repoURL: string): boolean {
  const repos = rules.sourceRepos ?? [];
  if (repos.some(r => r.startsWith('!') && globMatch(r.slice(1), repoURL))) return false;
  return repos.some(r => !r.startsWith('!') && globMatch(r, repoURL));
}

/** True if `dst` is permitted by `destinations`. */
export function isDestinationPermitted(rules: ProjectRules, dst: RuleDestination): boolean {
  let allowed = false;
  for (const d of rules.destinations ?? []) {
    const fields: [string | undefined, string | undefined][] = [[d.server, dst.server], [d.name, dst.name], [d.namespace ?? '*', dst.namespace]];
    const deny = fields.some(([p]) => p?.startsWith('!'));
    const matches = fields.every(([p, v]) => p === undefined || (v !== undefined && globMatch(p.replace(/^!/, ''), v)));
    if (d.server === undefined && d.name === undefined) continue;
    if (deny && matches) return false;
    if (!deny && matches) allowed = true;
  }
  return allowed;
}

/** True if an object of `group`/`kind` (named `name`) is permitted; `namespaced` says which lists apply. */
export function isResourcePermitted(rules: ProjectRules, group: string, kind: string, name: string, namespaced: boolean): boolean {
  const hit = (e: { group: string; kind: string; name?: string }) => globMatch(e.group, group) && globMatch(e.kind, kind) && (e.name === undefined || e.name === '' || globMatch(e.name, name));
  if (namespaced) {
    if ((rules.namespaceResourceBlacklist ?? []).some(hit)) return false;
    const allow = rules.namespaceResourceWhitelist;
    return !allow?.length || allow.some(hit);
  }
  if ((rules.clusterResourceBlacklist ?? []).some(hit)) return false;
  return (rules.clusterResourceWhitelist ?? []).some(hit);
}
