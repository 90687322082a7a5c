import { ParsedYaml } from './_parsed-yaml';
import { ImageRef } from '../image-ref';
import { RenderedTree } from '../render/tree';

/** An image that changed in one app folder between two trees. */
export interface ImageChange {
  /** The app folder, e.g. `dev/hello`. */
  readonly app: string;
  /** The image repository, e.g. `ghcr.io/acme/hello`. */
  readonly repository: string;
  /** The references before (empty when added). */
  readonly from: readonly string[];
  /** The references after (empty when removed). */
  readonly to: readonly string[];
}

/** Every image reference in one file: `image:` values and a kustomization's `images` (documents parsed with `parsed`). */
export function imagesIn(content: string, parsed: ParsedYaml = new ParsedYaml()): string[] {
  const found: string[] = [];
  // Either needs the characters "image" in the text, or an escape spelling them: a text with neither holds none.
  if (!content.includes('image') && !content.includes('\\')) return found;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (!v || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      if (k === 'image' && typeof child === 'string') found.push(child);
      else walk(child);
    }
  };
  for (const doc of parsed.of(content)) {
    if (doc.error !== undefined) continue;
    const obj = doc.toJS() as { kind?: unknown; images?: unknown } | null;
    if (obj && obj.kind === 'Kustomization' && Array.isArray(obj.images)) {
      for (const img of obj.images) {
        if (!img || typeof img.name !== 'string') continue;
        const repo = typeof img.newName === 'string' ? img.newName : img.name;
        const tag = img.newTag !== undefined ? `:${img.newTag}` : '';
        const digest = typeof img.digest === 'string' ? `@${img.digest}` : '';
        found.push(`${repo}${tag}${digest}`);
      }
    } else {
      walk(obj);
    }
  }
  return found;
}

function repositoryOf(ref: string): string {
  const parsed = ImageRef.tryParse(ref);
  if (typeof parsed !== 'string') return parsed.repository;
  return ref.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
}

/** The YAML files of `tree` in each of `dirs` (one pass over the tree, not one per folder). */
function filesByDir(tree: RenderedTree, dirs: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  // Paths first: only the files of `dirs` are read (a DiskTree reads them from disk).
  for (const p of tree.keys()) {
    const dir = p.slice(0, p.lastIndexOf('/'));
    if (!dirs.has(dir) || !/\.ya?ml$/.test(p)) continue;
    let list = out.get(dir);
    if (!list) out.set(dir, list = []);
    list.push(tree.get(p)!);
  }
  return out;
}

function imagesByRepo(contents: readonly string[] | undefined, parsed: ParsedYaml): Map<string, Set<string>> {
  const byRepo = new Map<string, Set<string>>();
  for (const content of contents ?? []) {
    for (const ref of imagesIn(content, parsed)) {
      const repo = repositoryOf(ref);
      if (!byRepo.has(repo)) byRepo.set(repo, new Set());
      byRepo.get(repo)!.add(ref);
    }
  }
  return byRepo;
}

/**
 * The image changes between `before` and `after`, looking only at the app
 * folders holding `changedPaths` (so unchanged apps cost nothing).
 */
export function imageChanges(
  before: RenderedTree, after: RenderedTree, changedPaths: Iterable<string>, parsed: ParsedYaml = new ParsedYaml(),
): ImageChange[] {
  const dirs = new Set<string>();
  for (const p of changedPaths) if (p.includes('/')) dirs.add(p.slice(0, p.lastIndexOf('/')));
  const changes: ImageChange[] = [];
  const beforeFiles = filesByDir(before, dirs);
  const afterFiles = filesByDir(after, dirs);
  for (const dir of [...dirs].sort()) {
    const a = imagesByRepo(beforeFiles.get(dir), parsed);
    const b = imagesByRepo(afterFiles.get(dir), parsed);
    for (const repo of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const from = [...(a.get(repo) ?? [])].sort();
      const to = [...(b.get(repo) ?? [])].sort();
      if (from.join('\n') !== to.join('\n')) changes.push({ app: dir, repository: repo, from, to });
    }
  }
  return changes;
}

/** One line per change: `dev/hello: ghcr.io/acme/hello:1.0 -> ghcr.io/acme/hello:1.1`. */
export function formatImageChange(c: ImageChange): string {
  const side = (refs: readonly string[]) => (refs.length ? refs.join(', ') : '(none)');
  return `${c.app}: ${side(c.from)} -> ${side(c.to)}`;
}
