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
}

type Obj = Record<string, unknown>;
/** Document values of files already parsed, by tree path. */
type Parsed = ReadonlyMap<string, readonly unknown[]>;

/**
 * Runs `kubectl kustomize` in every folder of `dir` that holds a
 * kustomization file (bounded parallelism) and checks that each builds and
 * that its output equals the objects of the files it lists. `tree` is the
 * content of `dir` (as `readTree(dir)` returns it); `parsed` holds the
 * document values of files already parsed (by `validateTree`), which are
 * not parsed again. Throws `EnvironmentError` when kubectl cannot be run.
 */
export async function checkKustomize(dir: string, tree: RenderedTree, options: KustomizeCheckOptions = {}, parsed?: Parsed): Promise<Finding[]> {
  const kubectl = options.kubectl ?? 'kubectl';
  const files = [...tree.keys()].filter(isKustomizationFile);
  const limit = Math.max(1, options.concurrency ?? Math.max(2, os.cpus().length));
  const results: Finding[][] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      results[i] = await checkOne(dir, tree, files[i], kubectl, options.timeoutMs ?? 60_000, parsed);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, files.length) }, worker));
  return results.flat();
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

async function checkOne(dir: string, tree: RenderedTree, file: string, kubectl: string, timeout: number, parsed?: Parsed): Promise<Finding[]> {
  const folder = posix.dirname(file);
  const built = await run(kubectl, ['kustomize', path.join(dir, ...folder.split('/'))], timeout);
  if (built.error) {
    const detail = built.stderr.trim().split('\n').slice(0, 3).join(' ') || built.error.message;
    return [{ file, rule: 'kustomize-build', severity: 'error', message: `\`kubectl kustomize ${folder}\` fails (Argo CD could not render this app): ${detail}` }];
  }
  const findings: Finding[] = [];
  const output = new Map<string, Obj>();
  for (const doc of parseAllDocuments(built.stdout)) {
    const v = doc.toJS() as Obj | null;
    if (v && typeof v === 'object') output.set(identity(v), v);
  }
  const raw = new Map<string, { file: string; obj: Obj }>();
  const k = documents(tree, file, parsed)[0] as Obj | undefined;
  const resources: unknown[] = Array.isArray(k?.resources) ? k!.resources as unknown[] : [];
  for (const r of resources) {
    if (typeof r !== 'string') continue;
    const p = posix.normalize(posix.join(folder, r));
    for (const v of documents(tree, p, parsed)) {
      if (v && typeof v === 'object') raw.set(identity(v as Obj), { file: p, obj: v as Obj });
    }
  }
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
