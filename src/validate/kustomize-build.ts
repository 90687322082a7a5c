import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as posix from 'path/posix';
import { parseAllDocuments } from 'yaml';
import { Finding } from './finding';
import { isKustomizationFile, locate } from './validate-tree';
import { EnvironmentError } from '../errors';
import { RenderedTree, safeJoin } from '../render/tree';
import { readToolOutput } from '../yaml';

/** Options of `checkKustomize`. */
export interface KustomizeCheckOptions {
  /**
   * The kubectl binary (`kubectl kustomize` is what Argo CD's repo server runs).
   *
   * @default 'kubectl'
   */
  readonly kubectl?: string;
  /**
   * How many builds run at once.
   *
   * @default - the number of CPUs (at least 2)
   */
  readonly concurrency?: number;
  /**
   * Time limit of one build, in milliseconds.
   *
   * @default 60000
   */
  readonly timeoutMs?: number;
  /**
   * Called after each `kubectl kustomize` build with the builds done and the
   * total, for a progress display (the library itself never prints).
   *
   * @default - no progress reports
   */
  readonly onProgress?: (done: number, total: number) => void;
}

type Obj = Record<string, unknown>;
/** Document values of files already parsed, by tree path. */
type Parsed = ReadonlyMap<string, readonly unknown[]>;

/** Counts of `kubectl kustomize` runs, for tests and the benchmark (no timing involved). */
export const kustomizeStats = { builds: 0 };

/** App folders built together in one generated root (kustomize's cost grows faster than linearly with a root's size). */
const SHARD_SIZE = 40;

/**
 * Runs `kubectl kustomize` over every folder of `dir` that holds a
 * kustomization file and checks that each builds and that its output equals
 * the objects of the files it lists. `tree` is the content of `dir` (as
 * `readTree(dir)` returns it); `parsed` holds the document values of files
 * already parsed (by `validateTree`), which are not parsed again. Throws
 * `EnvironmentError` when kubectl cannot be run.
 */
export async function checkKustomize(dir: string, tree: RenderedTree, options: KustomizeCheckOptions = {}, parsed?: Parsed): Promise<Finding[]> {
  const folders = [...tree.keys()].filter(isKustomizationFile);
  return [...(await checkKustomizeFolders(dir, tree, folders, options, parsed)).values()].flat();
}

/**
 * The kustomize check of the given kustomization files, per file. Folders
 * are built in groups: one generated root kustomization per group (a few
 * dozen folders in path order) and one `kubectl kustomize` of each root, the
 * groups on all cores; the first builds start before this returns, and the
 * raw files are read (from `parsed` if it holds them by then) only to compare
 * a build's output with them. A group's output is split back by object
 * identity and compared folder by folder. A group whose root fails to build,
 * whose folders' raw objects collide, or whose output holds an object no raw
 * file of the group declares (a generator, a namespace override), is built
 * again folder by folder, so every finding names its folder exactly as a
 * build of that folder alone.
 */
export async function checkKustomizeFolders(
  dir: string, tree: RenderedTree, files: readonly string[], options: KustomizeCheckOptions = {}, parsed?: Parsed,
): Promise<Map<string, Finding[]>> {
  const kubectl = options.kubectl ?? 'kubectl';
  const timeout = options.timeoutMs ?? 60_000;
  const limit = Math.max(1, options.concurrency ?? Math.max(2, os.cpus().length));
  // The raw objects are read when a build is compared with them, not before the builds start: a caller
  // (validateFolders) parses and checks the files while kubectl runs, and `parsed` then holds them.
  const raws = new Map<string, RawObjects>();
  const rawsOf = (file: string): RawObjects => {
    let r = raws.get(file);
    if (!r) raws.set(file, r = rawObjects(tree, file, parsed));
    return r;
  };
  const big = files.filter(f => splittable(documents(tree, f, parsed)[0]));
  const shards = makeShards(files.filter(f => !big.includes(f)), limit);
  const results = new Map<string, Finding[]>();
  let root: string | undefined;
  const tmp = (prefix: string) => {
    root ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-kroot-'));
    return fs.mkdtempSync(path.join(root, prefix));
  };
  const rel = (from: string, to: string) => path.relative(from, to).split(path.sep).join('/');
  const single = async (file: string) => {
    const folder = posix.dirname(file);
    const built = await run(kubectl, ['kustomize', path.join(dir, ...folder.split('/'))], timeout);
    results.set(file, compare(file, built, rawsOf(file)));
  };
  const tasks: (() => Promise<void>)[] = shards.map(shard => async () => {
    if (shard.length === 1) return single(shard[0]);
    const shardDir = tmp('s');
    const resources = shard.map(f => rel(shardDir, path.join(dir, ...posix.dirname(f).split('/'))));
    fs.writeFileSync(path.join(shardDir, 'kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map(r => `- ${JSON.stringify(r)}`).join('\n')}\n`);
    const built = await run(kubectl, ['kustomize', shardDir], timeout);
    const split = built.error ? undefined : splitOutput(built.stdout, shard, rawsOf);
    if (!split) {
      for (const f of shard) await single(f);
      return;
    }
    for (const f of shard) results.set(f, compareObjects(f, split.get(f)!, rawsOf(f)));
  });
  // A folder with many resources and only per-object settings is built in parts (same settings, a slice of the resources each).
  for (const file of big) {
    const k = documents(tree, file, parsed)[0] as Obj;
    const resources = k.resources as string[];
    const parts = Math.ceil(resources.length / SHARD_SIZE);
    const outputs: (string | undefined)[] = new Array(parts);
    let done = 0;
    for (let i = 0; i < parts; i++) {
      tasks.push(async () => {
        const partDir = tmp('p');
        const folderAbs = path.join(dir, ...posix.dirname(file).split('/'));
        const slice = resources.slice(i * SHARD_SIZE, (i + 1) * SHARD_SIZE).map(r => rel(partDir, path.join(folderAbs, r)));
        fs.writeFileSync(path.join(partDir, 'kustomization.yaml'), `${JSON.stringify({ ...k, resources: slice })}\n`);
        const built = await run(kubectl, ['kustomize', '--load-restrictor=LoadRestrictionsNone', partDir], timeout);
        outputs[i] = built.error ? undefined : built.stdout;
        if (++done < parts) return;
        if (outputs.some(o => o === undefined)) return single(file);
        results.set(file, compare(file, { stdout: outputs.join('---\n'), stderr: '' }, rawsOf(file)));
      });
    }
  }
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < tasks.length) {
      await tasks[next++]();
      options.onProgress?.(++finished, tasks.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  } finally {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  }
  return new Map(files.map(f => [f, results.get(f) ?? []]));
}

/** Kustomization fields that act on each object alone, so a build of a slice of the resources gives those objects exactly. */
const PER_OBJECT_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'commonAnnotations']);

/** True if a kustomization lists more than SHARD_SIZE files beside it and sets only per-object fields. */
function splittable(k: unknown): boolean {
  if (!k || typeof k !== 'object' || Array.isArray(k)) return false;
  const res = (k as Obj).resources;
  return Array.isArray(res) && res.length > SHARD_SIZE && res.every(r => typeof r === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(r))
    && Object.keys(k).every(key => PER_OBJECT_FIELDS.has(key));
}

/** The raw objects a kustomization lists, by identity. */
type RawObjects = Map<string, { file: string; obj: Obj }>;

function rawObjects(tree: RenderedTree, file: string, parsed?: Parsed): RawObjects {
  const folder = posix.dirname(file);
  const raw: RawObjects = new Map();
  const k = documents(tree, file, parsed)[0] as Obj | undefined;
  const resources: unknown[] = Array.isArray(k?.resources) ? k!.resources as unknown[] : [];
  for (const r of resources) {
    if (typeof r !== 'string') continue;
    const p = posix.normalize(posix.join(folder, r));
    for (const v of documents(tree, p, parsed)) {
      if (v && typeof v === 'object') raw.set(identity(v as Obj), { file: p, obj: v as Obj });
    }
  }
  return raw;
}

/**
 * Groups of at most SHARD_SIZE files in path order, at least `cores` groups
 * when there are enough files. Planned by path alone, before any file is
 * parsed: a group whose folders' objects collide is built again folder by
 * folder (see `splitOutput`).
 */
function makeShards(files: readonly string[], cores: number): string[][] {
  const count = Math.max(Math.min(cores, files.length), Math.ceil(files.length / SHARD_SIZE));
  const size = Math.ceil(files.length / Math.max(1, count));
  const shards: string[][] = [];
  for (let i = 0; i < files.length; i += size) shards.push(files.slice(i, i + size));
  return shards;
}

/**
 * The output of a group's root split by folder, or undefined when an object
 * belongs to no folder's raw files, or to two of them.
 */
function splitOutput(stdout: string, shard: readonly string[], rawsOf: (file: string) => RawObjects): Map<string, Map<string, Obj>> | undefined {
  const owner = new Map<string, string>();
  for (const f of shard) {
    for (const id of rawsOf(f).keys()) {
      if (owner.has(id)) return undefined;
      owner.set(id, f);
    }
  }
  const out = new Map(shard.map(f => [f, new Map<string, Obj>()]));
  let values: (Obj | null)[];
  try {
    values = readToolOutput(stdout) as (Obj | null)[];
  } catch {
    return undefined; // built again folder by folder, where the error is reported
  }
  for (const v of values) {
    if (!v || typeof v !== 'object') continue;
    const id = identity(v);
    const f = owner.get(id);
    if (!f) return undefined;
    out.get(f)!.set(id, v);
  }
  return out;
}

/**
 * `checkKustomize` for a tree that is only in memory: writes it to a
 * temporary directory first and removes it afterwards.
 */
export async function checkKustomizeTree(tree: RenderedTree, options: KustomizeCheckOptions = {}, parsed?: Parsed): Promise<Finding[]> {
  if (![...tree.keys()].some(isKustomizationFile)) return [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-kustomize-'));
  try {
    for (const [rel, content] of tree) {
      const file = safeJoin(tmp, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    return await checkKustomize(tmp, tree, options, parsed);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The document values of `p`: from `parsed` when there, else parsed here (documents with errors are skipped). */
function documents(tree: RenderedTree, p: string, parsed?: Parsed): readonly unknown[] {
  const known = parsed?.get(p);
  if (known) return known;
  const content = tree.get(p);
  if (content === undefined) return [];
  return parseAllDocuments(content).map(doc => {
    try {
      return doc.errors.length ? undefined : doc.toJS();
    } catch {
      return undefined;
    }
  });
}

/** Findings of one folder built alone. */
function compare(file: string, built: { stdout: string; stderr: string; error?: Error }, raw: RawObjects): Finding[] {
  const folder = posix.dirname(file);
  if (built.error) {
    const detail = built.stderr.trim().split('\n').slice(0, 3).join(' ') || built.error.message;
    return [{ file, rule: 'kustomize-build', severity: 'error', message: `\`kubectl kustomize ${folder}\` fails (Argo CD could not render this app): ${detail}` }];
  }
  const output = new Map<string, Obj>();
  let values: (Obj | null)[];
  try {
    values = readToolOutput(built.stdout) as (Obj | null)[];
  } catch (e) {
    return [{ file, rule: 'kustomize-build', severity: 'error', message: `the output of \`kubectl kustomize ${folder}\` is not YAML: ${(e as Error).message.split('\n')[0]}` }];
  }
  for (const v of values) {
    if (v && typeof v === 'object') output.set(identity(v), v);
  }
  return compareObjects(file, output, raw);
}

/** Findings of one folder: its build output (by identity) against its raw objects. */
function compareObjects(file: string, output: ReadonlyMap<string, Obj>, raw: RawObjects): Finding[] {
  const folder = posix.dirname(file);
  const findings: Finding[] = [];
  for (const [id, { file: f, obj }] of raw) {
    const out = output.get(id);
    const loc = locate(f, obj);
    if (!out) {
      findings.push({ ...loc, rule: 'kustomize-drift', severity: 'error', message: `is missing from \`kubectl kustomize ${folder}\` output (the kustomization renames or drops it)` });
      continue;
    }
    const diff = firstDifference(obj, out, '');
    if (diff) {
      findings.push({ ...loc, rule: 'kustomize-drift', severity: 'error', field: diff.field || '(root)', message: `differs between the raw file and \`kubectl kustomize ${folder}\` output (${JSON.stringify(diff.built)}): Argo CD would apply the built value`, value: diff.raw });
    }
  }
  for (const [id, obj] of output) {
    if (!raw.has(id)) findings.push({ ...locate(file, obj), rule: 'kustomize-drift', severity: 'error', message: `is produced by \`kubectl kustomize ${folder}\` but is in none of the raw files` });
  }
  return findings;
}

function identity(o: Obj): string {
  const m = (o.metadata ?? {}) as Obj;
  return `${String(o.apiVersion)}|${String(o.kind)}|${String(m.namespace ?? '')}|${String(m.name ?? '')}`;
}

function firstDifference(a: unknown, b: unknown, field: string): { field: string; raw: unknown; built: unknown } | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${field}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Obj)[k], (b as Obj)[k], field ? `${field}.${k}` : k);
      if (d) return d;
    }
    return undefined;
  }
  return a === b ? undefined : { field, raw: a, built: b };
}

function run(cmd: string, args: string[], timeout: number): Promise<{ stdout: string; stderr: string; error?: Error }> {
  kustomizeStats.builds++;
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new EnvironmentError(`cannot run ${cmd}: it is not installed or not on PATH. The kustomize check runs \`kubectl kustomize\` (what Argo CD runs); install kubectl or pass --skip-kustomize`, { cause: error }));
        return;
      }
      resolve({ stdout, stderr, error: error ?? undefined });
    });
  });
}
