import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments } from 'yaml';
import { checkUserValues } from './_input';
import { MARKER_FILE } from './_marker';
import { blobId, listTree, readBlobs } from './_objects';
import { checkRemote, fetchBranch, openRepo, readConfig, resolveReadTip } from './_repo';
import { DEFAULT_BRANCH } from './publish';
import { RenderedTree, sortTree } from '../render/tree';

/** One object added, removed or changed between two trees. */
export interface ObjectChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly kind: string;
  /** Empty for cluster-scoped objects (and objects without a namespace in the file). */
  readonly namespace: string;
  readonly name: string;
  /** The file holding the object (the new file, unless removed). */
  readonly file: string;
  /** Changed field paths, e.g. `spec.template.spec.containers[0].image` (only for `changed`). */
  readonly fields: readonly string[];
}

/** The difference between two rendered trees. */
export interface TreeDiff {
  readonly addedFiles: readonly string[];
  readonly removedFiles: readonly string[];
  readonly changedFiles: readonly string[];
  /** Sorted by kind, namespace, name. */
  readonly objects: readonly ObjectChange[];
  /** A unified diff of every changed file (`a/` and `b/` prefixes). */
  readonly patch: string;
}

/** Which files and objects differ between `before` and `after` (the marker file is ignored). */
export function diffTrees(before: RenderedTree, after: RenderedTree): TreeDiff {
  const addedFiles: string[] = [];
  const removedFiles: string[] = [];
  const changedFiles: string[] = [];
  for (const [p, text] of after) {
    if (p === MARKER_FILE) continue;
    if (!before.has(p)) addedFiles.push(p);
    else if (before.get(p) !== text) changedFiles.push(p);
  }
  for (const p of before.keys()) if (p !== MARKER_FILE && !after.has(p)) removedFiles.push(p);
  const touched = [...addedFiles, ...removedFiles, ...changedFiles].sort();
  const oldObjs = objectsIn(before, touched);
  const newObjs = objectsIn(after, touched);
  const objects: ObjectChange[] = [];
  for (const [key, n] of newObjs) {
    const o = oldObjs.get(key);
    if (!o) {objects.push({ change: 'added', ...n.id, file: n.file, fields: [] });} else {
      const fields = changedFields(o.value, n.value, '');
      if (fields.length) objects.push({ change: 'changed', ...n.id, file: n.file, fields });
    }
  }
  for (const [key, o] of oldObjs) if (!newObjs.has(key)) objects.push({ change: 'removed', ...o.id, file: o.file, fields: [] });
  objects.sort((a, b) => cmp(`${a.kind}\0${a.namespace}\0${a.name}\0${a.file}`, `${b.kind}\0${b.namespace}\0${b.name}\0${b.file}`));
  const patch = touched.map(p => createTwoFilesPatch(
    before.has(p) ? `a/${p}` : '/dev/null', after.has(p) ? `b/${p}` : '/dev/null',
    before.get(p) ?? '', after.get(p) ?? '', undefined, undefined, { context: 3 },
  ).replace(/^={67}\n/, '')).join('');
  return { addedFiles, removedFiles, changedFiles, objects, patch };
}

interface Located { id: { kind: string; namespace: string; name: string }; file: string; value: unknown }

function objectsIn(tree: RenderedTree, paths: readonly string[]): Map<string, Located> {
  const map = new Map<string, Located>();
  for (const p of paths) {
    const text = tree.get(p);
    if (text === undefined || !/\.ya?ml$/.test(p)) continue;
    for (const doc of parseAllDocuments(text) as any[]) {
      if (doc.errors?.length) continue;
      const value = doc.toJS();
      if (!value || typeof value !== 'object') continue;
      const kind = String(value.kind ?? '(no kind)');
      const name = typeof value.metadata?.name === 'string' ? value.metadata.name : p;
      const namespace = typeof value.metadata?.namespace === 'string' ? value.metadata.namespace : '';
      map.set(`${kind}\0${namespace}\0${name}`, { id: { kind, namespace, name }, file: p, value });
    }
  }
  return map;
}

function changedFields(a: unknown, b: unknown, at: string): string[] {
  if (a === b) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [at || '.'];
    return a.flatMap((x, i) => changedFields(x, b[i], `${at}[${i}]`));
  }
  if (isPlain(a) && isPlain(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap(k => changedFields(a[k], b[k], join(at, k)));
  }
  return [at || '.'];
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function join(at: string, key: string): string {
  const seg = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
  if (seg.startsWith('"')) return `${at}[${seg}]`;
  return at ? `${at}.${seg}` : seg;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Options of {@link diffBranch}. */
export interface DiffBranchOptions {
  /** The rendered tree to compare with the branch. */
  readonly tree: RenderedTree;
  /**
   * A folder inside the repository.
   *
   * @default process.cwd()
   */
  readonly cwd?: string;
  /**
   * Environment for git.
   *
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The rendered branch.
   *
   * @default 'rendered-manifests'
   */
  readonly branch?: string;
  /**
   * The remote whose tracking ref is compared when it is ahead of the local branch.
   *
   * @default 'origin'
   */
  readonly remote?: string;
  /**
   * Fetch the branch from the remote first.
   *
   * @default false
   */
  readonly fetch?: boolean;
}

/** A diff against a branch. */
export interface BranchDiff extends TreeDiff {
  /** The ref and commit compared against; undefined when the branch does not exist yet (everything is added). */
  readonly base?: { readonly ref: string; readonly commit: string };
}

/**
 * Compares `tree` with the rendered branch: the local branch, or the
 * remote-tracking one when it is ahead, diverged or the only one.
 */
export async function diffBranch(options: DiffBranchOptions): Promise<BranchDiff> {
  const env = options.env ?? process.env;
  const branch = options.branch ?? DEFAULT_BRANCH;
  const remote = options.remote ?? 'origin';
  checkUserValues({ branch, remote });
  const repo = await openRepo(options.cwd ?? process.cwd(), env, branch);
  if (options.fetch) {
    checkRemote(remote, await readConfig(repo, env));
    await fetchBranch(repo, remote, branch);
  }
  const resolved = await resolveReadTip(repo, branch, remote);
  let before: RenderedTree = new Map();
  if (resolved) {
    const files = await listTree(repo.git, resolved.tip.commit);
    files.delete(MARKER_FILE);
    // Only the files whose blob differs from the new tree are read.
    const differing = [...files].filter(([p, id]) => {
      const text = options.tree.get(p);
      return text === undefined || blobId(Buffer.from(text, 'utf8'), repo.format) !== id;
    });
    const blobs = await readBlobs(repo.git, differing.map(([, id]) => id));
    const map = new Map<string, string>();
    for (const [p] of files) map.set(p, options.tree.get(p) ?? '');
    for (const [p, id] of differing) map.set(p, blobs.get(id)?.toString('utf8') ?? '');
    before = sortTree(map);
  }
  const d = diffTrees(before, options.tree);
  return { ...d, base: resolved ? { ref: resolved.ref, commit: resolved.tip.commit } : undefined };
}
