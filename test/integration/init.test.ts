import { execFileSync, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { hasTool, tmpDir } from '../support/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/**
 * A new user's first five minutes, offline: the package as npm would publish
 * it (`npm pack`), `cdk8s-gitops init`, then `npx cdk8s synth` and `npm test`
 * in the new repo, and CJS and ESM consumers of the package and its subpaths.
 *
 * The repo's node_modules holds the unpacked tarball as `cdk8s-gitops`, and
 * links to this checkout's installed dependencies for everything else (the
 * versions of our lock file): no registry, and seconds instead of a minute of
 * `npm install` (test/integration/consumer.test.ts runs a real npm install).
 */
const needs = hasTool('npm', ['--version']) && hasTool('kubectl') && hasTool('tar', ['--version']);

(needs ? describe : describe.skip)('init, from the packed tarball, offline', () => {
  let dir: string;
  let repo: string;
  let cleanup: () => void;
  let listing: string[];
  const run = (cmd: string, args: string[], env: Record<string, string | undefined> = {}): SpawnSyncReturns<string> =>
    spawnSync(cmd, args, { cwd: repo, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CDK8S_CHECK_UPGRADE: undefined, ...env } });

  beforeAll(() => {
    ({ dir, cleanup } = tmpDir('cdk8s-gitops-init-e2e-'));
    if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'index.js'))) {
      execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'pipe' });
    }
    const tarball = path.join(dir, execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!);
    listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map(f => f.replace(/^package\//, ''));

    // init runs from the unpacked package, as `npx cdk8s-gitops init` would.
    const installed = path.join(dir, 'unpacked');
    fs.mkdirSync(installed);
    execFileSync('tar', ['-xzf', tarball, '--strip-components=1', '-C', installed]);
    repo = path.join(dir, 'shop-config');
    linkNodeModules(path.join(dir, 'node_modules'), installed); // for init's own requires
    execFileSync(process.execPath, [path.join(installed, 'bin', 'cdk8s-gitops.js'), 'init', repo, '--app', 'shop'], { cwd: dir, stdio: 'pipe' });
    linkNodeModules(path.join(repo, 'node_modules'), installed);
  }, 120_000);
  afterAll(() => cleanup());

  test('GIVEN the packed tarball THEN it ships the library, the bin, the docs and the init workflows, and no example files', () => {
    expect(listing).toEqual(expect.arrayContaining([
      'lib/src/index.js', 'lib/src/index.d.ts', 'lib/src/testing.js', 'bin/cdk8s-gitops.js', 'README.md', 'LICENSE',
      'SECURITY.md', 'CHANGELOG.md', 'docs/publishing.md', 'docs/argocd.md', '.github/workflows/pr.yml', 'package.json',
    ]));
    expect(listing.filter(f => /^(src|test|examples|bootstrap|bench|scripts|imports|dist)\/|^lib\/src\/main\.|^(images|cdk8s)\.yaml$|\.ts$(?<!\.d\.ts)/.test(f))).toEqual([]);
  });

  test('GIVEN the new repo WHEN `npx cdk8s synth --no-check-upgrade` runs THEN it renders dev and prod and the validation plugin passes', () => {
    const res = run(path.join(repo, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade']);
    expect(res.stderr).not.toMatch(/Error|at .*\.js:\d+/);
    expect(res.status).toBe(0);
    const files = fs.readdirSync(path.join(repo, 'dist'), { recursive: true }).map(String).filter(f => f.endsWith('.yaml')).sort();
    expect(files).toEqual(expect.arrayContaining(['dev/shop/deployment-shop.yaml', 'prod/shop/kustomization.yaml', 'prod/shop/poddisruptionbudget-shop.yaml']));
    // The root Application the README says to apply once, outside dist/: it syncs argocd/ of the rendered branch.
    const root = parseAllDocuments(fs.readFileSync(path.join(repo, 'bootstrap', 'root-application.yaml'), 'utf8')).map(d => d.toJS());
    expect(root.map(o => `${o.kind} ${o.metadata.name}`)).toEqual(['AppProject root', 'Application root']);
    expect(root[1].spec.source).toMatchObject({ path: 'argocd', targetRevision: 'rendered-manifests' });
    expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toContain('kubectl apply -n argocd -f bootstrap/root-application.yaml');
  }, 120_000);

  test('GIVEN a synth that built the app command\'s bundle WHEN synthesized again THEN the bundle is reused as is and renders the same tree', () => {
    // GIVEN the bundle the first synth built (bin/cdk8s-gitops-app.js, in the cache folder the tests set)
    const apps = path.join(process.env.CDK8S_GITOPS_CACHE_DIR!, 'apps');
    const bundles = fs.readdirSync(apps).map(h => path.join(apps, h, 'app.js')).filter(f => fs.readFileSync(f, 'utf8').includes('shop'));
    expect(bundles).toHaveLength(1);
    const built = fs.statSync(bundles[0]).mtimeMs;
    const before = fs.readFileSync(path.join(repo, 'dist', 'prod', 'shop', 'deployment-shop.yaml'), 'utf8');
    // WHEN
    const res = run(path.join(repo, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade']);
    // THEN
    expect(res.status).toBe(0);
    expect(fs.statSync(bundles[0]).mtimeMs).toBe(built);
    expect(fs.readFileSync(path.join(repo, 'dist', 'prod', 'shop', 'deployment-shop.yaml'), 'utf8')).toBe(before);
  }, 120_000);

  test('GIVEN a broken prop in the new repo WHEN synthesized THEN exit 2 naming it, no stack trace, dist/ untouched', () => {
    const main = path.join(repo, 'src', 'main.ts');
    const good = fs.readFileSync(main, 'utf8');
    const before = fs.readFileSync(path.join(repo, 'dist', 'prod', 'shop', 'deployment-shop.yaml'), 'utf8');
    fs.writeFileSync(main, good.replace('replicas: 2 })', 'replicas: -1 })'));
    try {
      const res = run(path.join(repo, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade']);
      expect(res.status).toBe(2);
      expect(res.stdout + res.stderr).toContain("'replicas'");
      expect(res.stdout + res.stderr).toContain('(got -1)');
      expect(res.stdout + res.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
      expect(fs.readFileSync(path.join(repo, 'dist', 'prod', 'shop', 'deployment-shop.yaml'), 'utf8')).toBe(before);
    } finally {
      fs.writeFileSync(main, good);
    }
  }, 120_000);

  test('GIVEN the new repo WHEN `npm test` runs locally, then in CI THEN the first run writes the snapshot and the CI run passes on it', () => {
    const local = run('npm', ['test'], { CI: undefined });
    expect(local.stderr).toMatch(/Tests: +3 passed, 3 total/);
    expect(local.stderr).toMatch(/1 snapshot written/);
    expect(local.status).toBe(0);
    const ci = run('npm', ['test'], { CI: 'true' });
    expect(ci.stderr).toMatch(/Snapshots: +1 passed, 1 total/);
    expect(ci.status).toBe(0);
  }, 240_000);

  test('GIVEN the installed package THEN CJS and ESM consumers import it and its subpaths; other deep imports are closed', () => {
    const cjs = run(process.execPath, ['-e', [
      "const m = require('cdk8s-gitops'); const t = require('cdk8s-gitops/testing'); const p = require('cdk8s-gitops/validation-plugin');",
      'console.log(typeof m.WebService, typeof m.scaffold, typeof t.renderFiles, typeof p.Cdk8sGitOpsValidation, require("cdk8s-gitops/package.json").version);',
    ].join('\n')]);
    expect(cjs.stderr).toBe('');
    expect(cjs.stdout.trim()).toBe(`function function function function ${pkg.version}`);
    const esm = run(process.execPath, ['--input-type=module', '-e', [
      "import { WebService, GitOpsApp } from 'cdk8s-gitops'; import { renderFiles } from 'cdk8s-gitops/testing';",
      'console.log(typeof WebService, typeof GitOpsApp, typeof renderFiles);',
    ].join('\n')]);
    expect(esm.stderr).toBe('');
    expect(esm.stdout.trim()).toBe('function function function');
    const deep = run(process.execPath, ['-e', "require('cdk8s-gitops/lib/src/publish/_git.js')"]);
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  test('GIVEN the new repo THEN its CLI runs right after install', () => {
    const res = run(path.join(repo, 'node_modules', '.bin', 'cdk8s-gitops'), ['--version']);
    expect(res.stdout.trim()).toBe(pkg.version);
  });
});

/**
 * `target` becomes a node_modules with the unpacked package as cdk8s-gitops
 * and a link to each of this checkout's installed packages and bins.
 */
function linkNodeModules(target: string, unpacked: string): void {
  const ours = path.join(ROOT, 'node_modules');
  fs.mkdirSync(path.join(target, '.bin'), { recursive: true });
  for (const name of fs.readdirSync(ours)) {
    if (name === '.bin' || name === 'cdk8s-gitops' || name.startsWith('.')) continue;
    fs.symlinkSync(path.join(ours, name), path.join(target, name));
  }
  fs.symlinkSync(unpacked, path.join(target, 'cdk8s-gitops'));
  for (const bin of fs.readdirSync(path.join(ours, '.bin'))) {
    fs.symlinkSync(fs.realpathSync(path.join(ours, '.bin', bin)), path.join(target, '.bin', bin));
  }
  for (const [bin, file] of Object.entries(pkg.bin as Record<string, string>)) {
    fs.rmSync(path.join(target, '.bin', bin), { force: true });
    fs.symlinkSync(path.join(unpacked, file), path.join(target, '.bin', bin));
  }
}
