import { parse } from 'yaml';
import { git, readBlobs, resolveReadTip } from './_git';
import { DEFAULT_BRANCH } from '../publish/defaults';

/** A stretch of time during which one app ran one version in one stage, per the rendered branch. */
export interface StageRun {
  /** The version: the app's image references, sorted and joined with `, ` (one reference for most apps). */
  readonly version: string;
  /** The image references of the app's `kustomization.yaml` `images:` (every cluster of the stage), sorted. */
  readonly images: readonly string[];
  /** Committer date of the rendered commit that published this version in the stage. */
  readonly since: Date;
  /** Committer date of the rendered commit that replaced or removed it; `undefined` while it still runs. */
  readonly until?: Date;
  /** The rendered commit that published it. */
  readonly renderedCommit: string;
  /** That commit's `Source-Commit` trailer. */
  readonly sourceCommit?: string;
  /** That commit's `Rollback-To` trailer, when it was a rendered-branch rollback. */
  readonly rollbackTo?: string;
}

/** Options of {@link StageHistory.read}. */
export interface StageHistoryOptions {
  /**
   * A folder inside the repository that has the rendered branch.
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
   * The remote whose tracking ref is read when it is ahead of the local branch.
   *
   * @default 'origin'
   */
  readonly remote?: string;
}

const KUSTOMIZATION = /^([^/]+)\/(?:([^/]+)\/)?([^/]+)\/kustomization\.yaml$/;

interface Change { readonly path: string; readonly blob?: string }
interface Commit {
  readonly id: string;
  readonly date: Date;
  readonly sourceCommit?: string;
  readonly rollbackTo?: string;
  readonly changes: Change[];
}

/**
 * Which version each app ran in each stage (environment) and since when, read
 * from the rendered branch alone: the `images:` of every
 * `<env>/<app>/kustomization.yaml` (or `<env>/<cluster>/<app>/…`) in each
 * first-parent commit, with its committer date and trailers. No cluster is
 * asked. One `git log` and one `git cat-file --batch` read the whole history,
 * whatever the number of apps.
 */
export class StageHistory {
  /** Reads the rendered branch (local, or the remote-tracking one when it is ahead). An absent branch gives an empty history. */
  public static async read(options: StageHistoryOptions = {}): Promise<StageHistory> {
    const cwd = options.cwd ?? process.cwd();
    const env = options.env ?? process.env;
    const branch = options.branch ?? DEFAULT_BRANCH;
    const head = await resolveReadTip(cwd, env, branch, options.remote ?? 'origin');
    if (!head) return new StageHistory(branch, undefined, undefined, new Map());
    const tip = head.commit;
    const log = await git(cwd, env, [
      '-c', 'core.quotePath=false', 'log', '--first-parent', '--reverse', '--root', '--no-renames', '--raw', '--no-abbrev',
      '--format=%x1e%H%x00%cI%x00%(trailers:only,unfold)%x00', tip, '--', ':(glob)**/kustomization.yaml',
    ]);
    const commits = parseLog(log.toString('utf8'));
    const blobIds = [...new Set(commits.flatMap(c => c.changes.map(ch => ch.blob).filter((b): b is string => b !== undefined)))];
    const blobs = await readBlobs(cwd, env, blobIds);
    const imagesByBlob = new Map<string, string[]>();
    for (const [id, content] of blobs) imagesByBlob.set(id, kustomizationImages(content.toString('utf8')));
    return new StageHistory(branch, head.ref, tip, replay(commits, imagesByBlob));
  }

  private constructor(
    /** The rendered branch's name. */
    public readonly branch: string,
    /** The ref read (`refs/heads/…` or `refs/remotes/…`); `undefined` when the branch does not exist. */
    public readonly ref: string | undefined,
    /** The commit read; `undefined` when the branch does not exist. */
    public readonly tip: string | undefined,
    private readonly byKey: ReadonlyMap<string, readonly StageRun[]>,
  ) {}

  /** Every run of `app` in `stage`, oldest first. */
  public runs(stage: string, app: string): readonly StageRun[] {
    return this.byKey.get(key(stage, app)) ?? [];
  }

  /** The version `app` runs in `stage` now, or `undefined` if the stage has no folder for it. */
  public current(stage: string, app: string): StageRun | undefined {
    const runs = this.runs(stage, app);
    const last = runs[runs.length - 1];
    return last && last.until === undefined ? last : undefined;
  }

  /** The runs of `app` in `stage` whose images include `image` (a full reference), oldest first. */
  public runsOf(stage: string, app: string, image: string): StageRun[] {
    return this.runs(stage, app).filter(r => r.images.includes(image));
  }

  /** Every app seen in any stage, sorted. */
  public apps(): string[] {
    return [...new Set([...this.byKey.keys()].map(k => k.split('\0')[1]))].sort();
  }
}

function key(stage: string, app: string): string {
  return `${stage}\0${app}`;
}

function parseLog(text: string): Commit[] {
  const commits: Commit[] = [];
  for (const rec of text.split('\x1e')) {
    if (!rec.trim()) continue;
    const [id, date, trailers, raw] = rec.split('\0');
    const t = new Map<string, string>();
    for (const line of (trailers ?? '').split('\n')) {
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line.trim());
      if (m && !t.has(m[1])) t.set(m[1], m[2]);
    }
    const changes: Change[] = [];
    for (const line of (raw ?? '').split('\n')) {
      // :<old mode> <new mode> <old id> <new id> <status>\t<path>
      const m = /^:\d+ (\d+) [0-9a-f]+ ([0-9a-f]+) ([A-Z])\d*\t(.*)$/.exec(line);
      if (!m) continue;
      changes.push({ path: m[4], blob: m[3] === 'D' || /^0+$/.test(m[2]) ? undefined : m[2] });
    }
    commits.push({ id, date: new Date(date), sourceCommit: t.get('Source-Commit'), rollbackTo: t.get('Rollback-To'), changes });
  }
  return commits;
}

/** Replays the commits: per stage and app, the images of each folder (cluster), and the runs they make. */
function replay(commits: readonly Commit[], imagesByBlob: ReadonlyMap<string, string[]>): Map<string, StageRun[]> {
  const folders = new Map<string, Map<string, string[]>>();
  const runs = new Map<string, StageRun[]>();
  for (const c of commits) {
    const touched = new Set<string>();
    for (const ch of c.changes) {
      const m = KUSTOMIZATION.exec(ch.path);
      if (!m) continue;
      const k = key(m[1], m[3]);
      let perFolder = folders.get(k);
      if (!perFolder) folders.set(k, perFolder = new Map());
      if (ch.blob === undefined) perFolder.delete(ch.path);
      else perFolder.set(ch.path, imagesByBlob.get(ch.blob) ?? []);
      touched.add(k);
    }
    for (const k of touched) {
      const images = [...new Set([...folders.get(k)!.values()].flat())].sort();
      const version = images.join(', ');
      let list = runs.get(k);
      if (!list) runs.set(k, list = []);
      const last = list[list.length - 1];
      const open = last && last.until === undefined ? last : undefined;
      if (open && open.version === version && images.length > 0) continue;
      if (open) list[list.length - 1] = { ...open, until: c.date };
      if (images.length > 0) {
        list.push({ version, images, since: c.date, renderedCommit: c.id, sourceCommit: c.sourceCommit, rollbackTo: c.rollbackTo });
      }
    }
  }
  return runs;
}

/**
 * The image references of a kustomization's `images:` (`newName`/`name`,
 * `:newTag`, `@digest`). Only that block is read: the rendered files are
 * ours and put each top-level key at column 0. The block as the renderer
 * writes it is read line by line; anything else goes through the YAML parser.
 */
export function kustomizationImages(text: string): string[] {
  const start = /^images:/m.exec(text);
  if (!start) return [];
  const rest = text.slice(start.index);
  const end = /\n(?=[^\s#-])/.exec(rest);
  const block = end ? rest.slice(0, end.index + 1) : rest;
  const entries = fastImages(block) ?? slowImages(block);
  const out: string[] = [];
  for (const img of entries) {
    if (!img || typeof img.name !== 'string') continue;
    const repo = typeof img.newName === 'string' ? img.newName : img.name;
    const tag = img.newTag !== undefined && img.newTag !== null ? `:${String(img.newTag)}` : '';
    const digest = typeof img.digest === 'string' ? `@${img.digest}` : '';
    out.push(`${repo}${tag}${digest}`);
  }
  return out;
}

type ImageEntry = Record<string, unknown>;

const ENTRY_LINE = /^ {2}(- | {2})(name|newName|newTag|digest): (.+)$/;
const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_./:@+-]*$/;

/** The renderer's layout (`  - name: x` / `    newTag: y`, plain or double-quoted values), or `undefined` for anything else. */
function fastImages(block: string): ImageEntry[] | undefined {
  const lines = block.split('\n');
  if (lines[0] !== 'images:') return undefined;
  const entries: ImageEntry[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const m = ENTRY_LINE.exec(line);
    if (!m) return undefined;
    let value: string;
    if (m[3].startsWith('"')) {
      try {
        value = JSON.parse(m[3]);
      } catch {
        return undefined;
      }
    } else if (PLAIN.test(m[3]) && !/^(null|~|true|false)$/i.test(m[3])) {
      value = m[3];
    } else {
      return undefined;
    }
    if (m[1] === '- ') entries.push({});
    const current = entries[entries.length - 1];
    if (!current || m[2] in current) return undefined;
    current[m[2]] = value;
  }
  return entries;
}

function slowImages(block: string): ImageEntry[] {
  try {
    const images = (parse(block) as { images?: unknown } | null)?.images;
    return Array.isArray(images) ? images as ImageEntry[] : [];
  } catch {
    return [];
  }
}
