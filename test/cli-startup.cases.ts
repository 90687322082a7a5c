import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { hasTool, tmpDir } from './support/tools';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-gitops.js');

/** Compiles lib/ when any src/cli file is newer than its build. */
function ensureBuilt(): void {
  const stale = fs.readdirSync(path.join(ROOT, 'src', 'cli'), { recursive: true }).map(String).filter(f => f.endsWith('.ts')).some(f => {
    const js = path.join(ROOT, 'lib', 'src', 'cli', f.replace(/\.ts$/, '.js'));
    return !fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(path.join(ROOT, 'src', 'cli', f)).mtimeMs;
  });
  if (stale) execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'pipe' });
}

describe('CLI start-up', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  test('GIVEN the built CLI WHEN it is loaded and every command registered THEN no library implementation (yaml, ajv, git, cdk8s) is loaded', () => {
    // WHEN
    const script = `require(${JSON.stringify(path.join(ROOT, 'lib', 'src', 'cli', 'main.js'))});`
      + 'process.stdout.write(JSON.stringify(Object.keys(require.cache)))';
    const loaded: string[] = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    // THEN
    // (lib/src/_vendor/ holds the one-file build of yaml: scripts/vendor-yaml.js.)
    const heavy = loaded.filter(f => /node_modules[\\/](yaml|ajv|cdk8s|cdk8s-plus-28|diff|typescript)[\\/]|[\\/]lib[\\/]src[\\/](_vendor|publish|validate|migrate|render)[\\/](?!defaults|kubernetes-versions)/.test(f));
    expect(heavy).toEqual([]);
  });

  test('GIVEN the package root WHEN it is required THEN neither ajv nor a schema file is loaded until something is validated', () => {
    // WHEN the sources' root is required, then one object validated
    const script = [
      "require('esbuild-register/dist/node').register();",
      `const root = require(${JSON.stringify(path.join(ROOT, 'src', 'index.ts'))});`,
      'const loaded = () => Object.keys(require.cache).filter(f => /node_modules[\\\\/]ajv[\\\\/]|_validators|_bundle/.test(f)).length;',
      'const before = loaded();',
      "root.validateTree(new Map([['dev/a/configmap-a.yaml', 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: a\\n']]));",
      'process.stdout.write(JSON.stringify([before, loaded() > 0]));',
    ].join('\n');
    const [before, after] = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }));
    // THEN
    expect(before).toBe(0);
    expect(after).toBe(true);
  });

  test('GIVEN the built CLI WHEN a command\'s help is listed THEN it shows the options declared before the implementation loads', () => {
    const help = execFileSync(process.execPath, [BIN, 'publish', '--help'], { encoding: 'utf8' });
    expect(help).toMatch(/--branch <branch>\s+the rendered branch \(default:\s+"rendered-manifests"\)/);
  });

  (hasTool('bash', ['--version']) ? test : test.skip)('GIVEN --help piped into a reader that exits at once WHEN the pipe breaks THEN the CLI exits 0 without an EPIPE crash', () => {
    // WHEN `| true` closes the pipe before the CLI writes (pipefail reports the CLI's own exit code)
    const res = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" publish --help | true`], { encoding: 'utf8' });
    // THEN
    expect(res.stderr).not.toContain('EPIPE');
    expect(res.status).toBe(0);
  });

  test('GIVEN a fresh clone where nothing compiled lib/ WHEN the bin runs THEN it runs the sources (no compile step needed)', () => {
    // GIVEN bin/ and src/ without lib/ (links to this checkout's sources and node_modules)
    const { dir, cleanup } = tmpDir('cdk8s-gitops-bin-');
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.copyFileSync(BIN, path.join(dir, 'bin', 'cdk8s-gitops.js'));
      for (const name of ['src', 'node_modules', 'package.json', 'imports']) fs.symlinkSync(path.join(ROOT, name), path.join(dir, name));
      // WHEN
      const res = spawnSync(process.execPath, [path.join(dir, 'bin', 'cdk8s-gitops.js'), '--version'], { encoding: 'utf8', timeout: 60_000 });
      // THEN
      expect(res.stderr).toBe('');
      expect(res.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    } finally {
      cleanup();
    }
  });
});
