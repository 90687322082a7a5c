import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tmpDir } from './support/tools';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-gitops-app.js');

/**
 * bin/cdk8s-gitops-app.js, the app command `init` writes into a project's
 * cdk8s.yaml: a project of two TypeScript files (no library: what is tested
 * is how the entry runs), built with the real esbuild and run by real node.
 * test/integration/init.test.ts runs it on a new project's app under `cdk8s synth`.
 */
describe('bin/cdk8s-gitops-app.js (the app command of a project)', () => {
  let dir: string;
  let project: string;
  let cleanup: () => void;
  let cache: string;
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CDK8S_GITOPS_CACHE_DIR: cache, ...env } });
  const bundleOf = () => {
    const apps = path.join(cache, 'apps');
    const [one] = fs.readdirSync(apps);
    return path.join(apps, one, 'app.js');
  };

  beforeEach(() => {
    ({ dir, cleanup } = tmpDir('cdk8s-gitops-app-command-'));
    project = path.join(dir, 'project');
    cache = path.join(dir, 'cache');
    fs.mkdirSync(path.join(project, 'src', 'parts'), { recursive: true });
    fs.writeFileSync(path.join(project, 'src', 'parts', 'where.ts'), [
      "import * as path from 'path';",
      'export const where: string = path.join(__dirname, __filename.endsWith(\'where.ts\') ? \'ok\' : \'wrong-filename\');',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(project, 'src', 'main.ts'), [
      "import { where } from './parts/where';",
      'const args: string[] = process.argv.slice(2);',
      'if (require.main === module) {',
      '  process.stdout.write(JSON.stringify({ dirname: __dirname, where, args, main: true }));',
      '  process.exitCode = 5;',
      '}',
      '',
    ].join('\n'));
  });
  afterEach(() => cleanup());

  test('GIVEN a TypeScript entry WHEN run with arguments THEN it runs as the main module with them, its files see their own __dirname and __filename, and its exit code is the command\'s', () => {
    // WHEN
    const r = run(['src/main.ts', '--flag', 'value']);
    // THEN
    expect(r.stderr).toBe('');
    expect(r.status).toBe(5);
    expect(JSON.parse(r.stdout)).toEqual({
      dirname: path.join(project, 'src'),
      where: path.join(project, 'src', 'parts', 'ok'),
      args: ['--flag', 'value'],
      main: true,
    });
  });

  test('GIVEN a run that built the bundle WHEN run again THEN nothing is rebuilt, esbuild is not loaded and V8 accepts the whole code cache', () => {
    // GIVEN
    expect(run(['src/main.ts']).status).toBe(5);
    const bundle = bundleOf();
    const built = fs.statSync(bundle).mtimeMs;
    // WHEN run again, listing the modules it loaded and what the code cache served
    const loaded = path.join(dir, 'loaded.json');
    const report = path.join(dir, 'code-cache.json');
    fs.writeFileSync(path.join(dir, 'loaded.js'), `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(require.cache))));\n`);
    const r = spawnSync(process.execPath, ['-r', path.join(dir, 'loaded.js'), BIN, 'src/main.ts'], {
      cwd: project, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CDK8S_GITOPS_CACHE_DIR: cache, CDK8S_GITOPS_CODE_CACHE_REPORT: report },
    });
    // THEN
    expect(r.status).toBe(5);
    expect(fs.statSync(bundle).mtimeMs).toBe(built);
    expect(JSON.parse(fs.readFileSync(loaded, 'utf8')).filter((f: string) => /[\\/]esbuild[\\/]/.test(f))).toEqual([]);
    const { hits, missed } = JSON.parse(fs.readFileSync(report, 'utf8'));
    expect(missed).toEqual([]);
    expect(hits).toEqual([bundle]);
  }, 60_000);

  test('GIVEN a built bundle WHEN a file the entry imports is edited THEN the next run builds again and runs the edit', () => {
    // GIVEN a bundle built 2 s ago (times in the past: the edit must be newer than the bundle, whatever the clock's resolution)
    expect(run(['src/main.ts']).status).toBe(5);
    const bundle = bundleOf();
    const built = new Date(Date.now() - 2000);
    fs.utimesSync(bundle, built, built);
    // WHEN the imported file changes
    const where = path.join(project, 'src', 'parts', 'where.ts');
    fs.writeFileSync(where, "export const where = 'edited';\n");
    const r = run(['src/main.ts']);
    // THEN
    expect(r.status).toBe(5);
    expect(JSON.parse(r.stdout).where).toBe('edited');
    expect(fs.statSync(bundle).mtimeMs).toBeGreaterThan(built.getTime());
  }, 60_000);

  test('GIVEN a project with node_modules and no cache setting WHEN run THEN the bundle goes into its node_modules/.cache', () => {
    // GIVEN
    fs.mkdirSync(path.join(project, 'node_modules'));
    // WHEN
    const r = spawnSync(process.execPath, [BIN, 'src/main.ts'], {
      cwd: project, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CDK8S_GITOPS_CACHE_DIR: '' },
    });
    // THEN
    expect(r.status).toBe(5);
    const apps = path.join(project, 'node_modules', '.cache', 'cdk8s-gitops', 'apps');
    expect(fs.readdirSync(apps).map(h => fs.existsSync(path.join(apps, h, 'app.js')))).toEqual([true]);
  }, 60_000);

  test('GIVEN a project whose package.json says "type": "module" and a cache folder inside it WHEN run THEN the bundle still runs as CommonJS', () => {
    // GIVEN
    fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "esm-project", "type": "module" }\n');
    // WHEN
    const r = run(['src/main.ts'], { CDK8S_GITOPS_CACHE_DIR: path.join(project, '.app-cache') });
    // THEN
    expect(r.stderr).toBe('');
    expect(r.status).toBe(5);
  });

  test('GIVEN an app that throws WHEN run with CDK8S_GITOPS_DEBUG=1 THEN its stack trace names the source file and line, not the bundle', () => {
    // GIVEN a throw on line 3 of the imported file
    fs.writeFileSync(path.join(project, 'src', 'parts', 'where.ts'), "export const where = 'x';\nfunction boom(): never {\n  throw new Error('boom');\n}\nboom();\n");
    // WHEN
    const debug = run(['src/main.ts'], { CDK8S_GITOPS_DEBUG: '1' });
    const plain = run(['src/main.ts']);
    // THEN
    expect(debug.status).toBe(1);
    expect(debug.stderr).toContain(`${path.join(project, 'src', 'parts', 'where.ts')}:3:`);
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/app\.js:\d+/);
  }, 60_000);

  test('GIVEN --help THEN the usage on stdout, exit 0', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: cdk8s-gitops-app <entry (e.g. src/main.ts)>');
  });

  describe('bad usage: exit 2, the problem named, no stack trace, the app not run', () => {
    test('GIVEN no entry THEN the usage', () => {
      const r = run([]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('usage: cdk8s-gitops-app <entry (e.g. src/main.ts)>');
    });

    test('GIVEN an entry that is not a file THEN it names it', () => {
      const r = run(['src']);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('cdk8s-gitops-app: the entry "src" is not a file (the app\'s main module, e.g. src/main.ts)\n');
      expect(fs.existsSync(cache)).toBe(false);
    });

    test('GIVEN an app whose code does not parse THEN esbuild\'s error names the file and line, and nothing runs', () => {
      // GIVEN a syntax error on line 2 of the imported file
      fs.writeFileSync(path.join(project, 'src', 'parts', 'where.ts'), "export const where = 'x';\nexport const broken = (;\n");
      // WHEN
      const r = run(['src/main.ts']);
      // THEN
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('src/parts/where.ts:2:');
      expect(r.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
    }, 60_000);
  });
});
