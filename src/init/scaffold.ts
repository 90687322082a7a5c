import * as fs from 'fs';
import * as path from 'path';
import * as t from './_templates';
import { Problem, ValidationError } from '../errors';
import { repoUrlProblem } from '../git-url';
import { ImageRef } from '../image-ref';
import { ownPackage } from '../version';

/** Options of `scaffold` (and `cdk8s-gitops init`). */
export interface ScaffoldOptions {
  /**
   * The npm name of the new config repo.
   *
   * @default - the folder's name
   */
  readonly name?: string;
  /**
   * The first app: a DNS-1123 label, the folder `dist/<env>/<app>/`.
   *
   * @default 'hello'
   */
  readonly app?: string;
  /**
   * The app's image repository, without tag or digest.
   *
   * @default 'ghcr.io/example/<app>'
   */
  readonly image?: string;
  /**
   * The tag pinned in dev and prod until CI pins a build (`set-image`).
   *
   * @default '0.1.0'
   */
  readonly tag?: string;
  /**
   * The git URL Argo CD reads the rendered branch from (https or ssh, no credentials).
   *
   * @default 'https://github.com/example/<name>.git'
   */
  readonly repoUrl?: string;
}

/** What `scaffold` wrote. */
export interface ScaffoldResult {
  /** The folder, absolute. */
  readonly dir: string;
  /** The files written, relative to `dir`, sorted. */
  readonly files: readonly string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
/** Workflows shipped with this package that a config repo uses as they are. */
const WORKFLOWS = ['pr.yml', 'publish.yml', 'promote.yml'];

/**
 * Creates a config repo in `dir`: package.json (this package and its peers),
 * tsconfig.json, cdk8s.yaml, src/main.ts (one app in dev and prod),
 * images.yaml, pipeline.yaml (dev -> prod), a jest test of the rendered tree, the CI workflows, a README
 * and a .gitignore. Writes nothing and throws `ValidationError` listing every
 * problem (bad options, files that already exist) when it cannot write all of it.
 */
export function scaffold(dir: string, options: ScaffoldOptions = {}): ScaffoldResult {
  const root = path.resolve(dir);
  const values = resolveValues(root, options);
  const files = new Map<string, string>([
    ['package.json', t.packageJson(values)],
    ['tsconfig.json', t.tsconfig()],
    ['cdk8s.yaml', t.cdk8sYaml(values)],
    ['src/main.ts', t.mainTs(values)],
    ['test/main.test.ts', t.mainTest(values)],
    ['images.yaml', t.imagesYaml(values)],
    ['pipeline.yaml', t.pipelineYaml()],
    ['README.md', t.readme(values)],
    ['.gitignore', t.gitignore()],
  ]);
  for (const [file, text] of shippedWorkflows(values.version)) files.set(file, text);

  const existing = [...files.keys()].filter(f => fs.existsSync(path.join(root, f)));
  if (existing.length > 0) {
    throw new ValidationError(existing.map(f => ({
      path: path.join(root, f),
      message: 'already exists; init never overwrites a file (move it away, or init another folder)',
    })));
  }
  for (const [file, text] of files) {
    const target = path.join(root, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text, { flag: 'wx', mode: 0o644 });
  }
  return { dir: root, files: [...files.keys()].sort() };
}

function resolveValues(root: string, options: ScaffoldOptions): t.TemplateValues {
  const problems: Problem[] = [];
  const check = (ok: boolean, field: string, value: unknown, message: string) => {
    if (!ok) problems.push({ path: 'init', field, value, message });
  };
  const name = options.name ?? path.basename(root).toLowerCase();
  check(NPM_NAME.test(name) && name.length <= 214, 'name', name,
    'must be a valid npm package name (lowercase letters, digits, - . _ ~; pass --name when the folder name is not one)');
  const app = options.app ?? 'hello';
  check(DNS_LABEL.test(app) && app.length <= 50, 'app', app,
    'must be a DNS-1123 label of at most 50 characters (lowercase letters, digits and -), e.g. "hello"');
  const image = options.image ?? `ghcr.io/example/${app}`;
  const tag = options.tag ?? '0.1.0';
  const hasTagOrDigest = image.includes('@') || /:[^/]*$/.test(image);
  check(!hasTagOrDigest, 'image', image, 'is a repository without tag or digest (give the tag with --tag)');
  check(tag !== 'latest', 'tag', tag, 'is mutable; pin a version or commit tag');
  if (!hasTagOrDigest && tag !== 'latest') {
    try {
      ImageRef.parse(`${image}:${tag}`);
    } catch (e) {
      check(false, 'image', `${image}:${tag}`, `is not an image reference: ${(e as Error).message}`);
    }
  }
  const repoUrl = options.repoUrl ?? `https://github.com/example/${name.replace(/^@[^/]*\//, '')}.git`;
  const urlProblem = repoUrlProblem(repoUrl);
  if (urlProblem) problems.push({ path: 'init', field: 'repoUrl', ...urlProblem });
  if (problems.length > 0) throw new ValidationError(problems);

  const own = ownPackage().manifest;
  const version: string = own.version;
  const pick = (from: Record<string, string> | undefined, names: string[]) =>
    Object.fromEntries(names.filter(n => from?.[n]).map(n => [n, from![n]]));
  return {
    name,
    app,
    image,
    tag,
    repoUrl,
    version,
    dependencies: { 'cdk8s-gitops': `^${version}`, ...pick(own.peerDependencies, ['cdk8s', 'cdk8s-plus-28', 'constructs']) },
    devDependencies: pick(own.devDependencies, [
      '@types/jest', '@types/node', 'cdk8s-cli', 'esbuild', 'esbuild-register', 'jest', 'ts-jest', 'typescript',
    ]),
  };
}

/**
 * `env: { CI: "false" }` of a step: this package's own tests need it (on
 * GitHub they skip what needs files only its CI machines have). A config repo's
 * jest must see CI, so that a snapshot missing from the commit fails instead of
 * being written.
 */
const CI_FALSE = /^( +)env:\n\1 {2}CI: "false"\n/gm;

/**
 * This package's config-repo workflows, marked as coming from init instead of
 * projen, without what only this package's own CI needs (see `CI_FALSE`).
 */
function shippedWorkflows(version: string): Array<[string, string]> {
  const dir = path.join(ownPackage().root, '.github', 'workflows');
  return WORKFLOWS.filter(f => fs.existsSync(path.join(dir, f))).map(f => [
    `.github/workflows/${f}`,
    fs.readFileSync(path.join(dir, f), 'utf8')
      .replace(/^# ~~ Generated by projen\..*$/m, `# Written by cdk8s-gitops ${version} init; yours to edit.`)
      .replace(CI_FALSE, ''),
  ]);
}
