import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import { tmpDir } from './support/tools';
import { deployment } from './validate/_fixtures';

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'prebuilt.js');

function run(...args: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('scripts/prebuilt.js (the app command and plugin bundles)', () => {
  test('GIVEN an unknown bundle WHEN run THEN it fails naming the known ones', () => {
    const r = run('run', 'nope');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('unknown bundle nope (one of app, plugin)');
  });

  test('GIVEN an unknown command THEN it prints the usage', () => {
    const r = run('bogus');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('usage: node scripts/prebuilt.js [run <app|plugin>]');
  });

  test('GIVEN the sources WHEN built THEN each bundle is at least as new as every file it was built from: its entry\'s imports, the schema files, the lock file', () => {
    // WHEN
    const r = run();
    // THEN
    expect(r.status).toBe(0);
    for (const [name, entry] of [['app', 'src/main.ts'], ['plugin', 'src/validate/cdk8s-plugin.ts']]) {
      const inputs: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, '.prebuilt', `.${name}.inputs.json`), 'utf8'));
      expect(inputs).toEqual(expect.arrayContaining([entry, 'src/validate/_schemas.ts', 'src/validate/schemas/_validators.json', 'src/validate/schemas/_bundle.json',
        'node_modules/.package-lock.json', 'scripts/prebuilt.js', 'bin/_bundle.js'].map(f => path.join(ROOT, f))));
      const built = fs.statSync(path.join(ROOT, '.prebuilt', `${name}.js`)).mtimeMs;
      for (const f of inputs) expect([f, fs.statSync(f).mtimeMs <= built]).toEqual([f, true]);
    }
  });

  test('GIVEN a built app bundle WHEN a file it was built from is modified THEN the next run rebuilds it first', () => {
    // GIVEN a bundle built 2 s ago (times in the past: a source stamped in the future would leave the bundle stale for the next tests)
    expect(run().status).toBe(0);
    const bundle = path.join(ROOT, '.prebuilt', 'app.js');
    const built = new Date(Date.now() - 2000);
    fs.utimesSync(bundle, built, built);
    // WHEN src/main.ts is touched 1 s ago (its content unchanged), after the bundle was built
    const touched = new Date(built.getTime() + 1000);
    fs.utimesSync(path.join(ROOT, 'src', 'main.ts'), touched, touched);
    const r = run();
    // THEN
    expect(r.status).toBe(0);
    expect(fs.statSync(bundle).mtimeMs).toBeGreaterThan(touched.getTime());
  });
});

describe('the app command (cdk8s.yaml app: node scripts/prebuilt.js run app)', () => {
  test('GIVEN a built app bundle WHEN the app command runs again THEN it loads neither esbuild nor TypeScript nor ajv\'s compiler, and V8 accepts its whole code cache', () => {
    // GIVEN a project folder like the one `cdk8s synth` runs in, and a preload listing the modules loaded
    const { dir, cleanup } = tmpDir('cdk8s-gitops-app-command-');
    try {
      for (const link of ['src', 'imports', 'scripts', 'node_modules']) fs.symlinkSync(path.join(ROOT, link), path.join(dir, link));
      fs.writeFileSync(path.join(dir, 'loaded.js'), `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'loaded.json'))}, JSON.stringify(Object.keys(require.cache))));\n`);
      const report = path.join(dir, 'code-cache.json');
      const env = { ...process.env, CDK8S_GITOPS_CODE_CACHE_REPORT: report };
      const app = () => spawnSync(process.execPath, ['-r', path.join(dir, 'loaded.js'), 'scripts/prebuilt.js', 'run', 'app'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
      expect(app().status).toBe(0); // builds if stale and fills the code cache
      // WHEN
      const r = app();
      // THEN
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const loaded: string[] = JSON.parse(fs.readFileSync(path.join(dir, 'loaded.json'), 'utf8'));
      expect(loaded.filter(f => /node_modules[\\/](esbuild|esbuild-register|typescript|ts-node)[\\/]|node_modules[\\/]ajv[\\/]dist[\\/](core|compile)/.test(f))).toEqual([]);
      expect(loaded).toEqual(expect.arrayContaining([path.join(ROOT, '.prebuilt', 'app.js')]));
      const { hits, missed } = JSON.parse(fs.readFileSync(report, 'utf8'));
      expect(missed).toEqual([]);
      expect(hits).toEqual(expect.arrayContaining([path.join(ROOT, '.prebuilt', 'app.js'), path.join(ROOT, '.prebuilt', 'schemas', '_validators.js')]));
    } finally {
      cleanup();
    }
  }, 240_000);
});

describe('scripts/prebuilt.js without npm\'s lock file (another package manager)', () => {
  test('GIVEN a checkout whose node_modules has no .package-lock.json WHEN built twice THEN the second run finds the bundles fresh', () => {
    // GIVEN a copy of the layout: the sources linked, node_modules a folder of links without the lock file
    const { dir, cleanup } = tmpDir('cdk8s-gitops-prebuilt-nolock-');
    try {
      fs.mkdirSync(path.join(dir, 'scripts'));
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.copyFileSync(path.join(ROOT, 'scripts', 'prebuilt.js'), path.join(dir, 'scripts', 'prebuilt.js'));
      for (const f of ['_bundle.js', '_code-cache.js']) fs.copyFileSync(path.join(ROOT, 'bin', f), path.join(dir, 'bin', f));
      for (const link of ['src', 'imports', 'images.yaml']) fs.symlinkSync(path.join(ROOT, link), path.join(dir, link));
      fs.mkdirSync(path.join(dir, 'node_modules'));
      for (const name of fs.readdirSync(path.join(ROOT, 'node_modules')).filter(n => n !== '.package-lock.json')) {
        fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
      }
      const build = () => spawnSync(process.execPath, [path.join(dir, 'scripts', 'prebuilt.js')], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      expect(build().status).toBe(0);
      const bundles = ['app', 'plugin'].map(n => path.join(dir, '.prebuilt', `${n}.js`));
      const before = bundles.map(f => fs.statSync(f).mtimeMs);
      // WHEN
      const r = build();
      // THEN
      expect(r.status).toBe(0);
      expect(bundles.map(f => fs.statSync(f).mtimeMs)).toEqual(before);
    } finally {
      cleanup();
    }
  }, 120_000);
});

describe('the bundles keep the schema files outside (.prebuilt/schemas)', () => {
  beforeAll(() => expect(run().status).toBe(0), 120_000);

  test('GIVEN the built bundles THEN they require the validators module instead of inlining ajv code or the schema bundle', () => {
    for (const name of ['app', 'plugin']) {
      const bundle = fs.readFileSync(path.join(ROOT, '.prebuilt', `${name}.js`), 'utf8');
      expect(bundle).toContain('require("./schemas/_validators.js")');
      expect(bundle).toContain('require("./schemas/_bundle.json")');
      expect(bundle).not.toMatch(/function validate\d+\(/);
    }
  });

  test('GIVEN the built bundles THEN every dependency but ajv is inside them (no module resolution at start-up)', () => {
    for (const name of ['app', 'plugin']) {
      const bundle = fs.readFileSync(path.join(ROOT, '.prebuilt', `${name}.js`), 'utf8');
      const packages = new Set([...bundle.matchAll(/\brequire\("([^".][^"]*)"\)/g)].map(m => m[1]).filter(id => !builtinModules.includes(id.replace(/^node:/, ''))));
      expect([...packages]).toEqual(['ajv']);
    }
  });

  test('GIVEN _validators.json WHEN its kinds are loaded from .prebuilt/schemas THEN each is a module reporting what the library\'s own code reports', () => {
    // GIVEN the committed ajv standalone code, and the modules written from it
    const json: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'validate', 'schemas', '_validators.json'), 'utf8')).validators;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const built: Record<string, (req: NodeJS.Require, m: { exports: any }) => void> = require(path.join(ROOT, '.prebuilt', 'schemas', '_validators.js')).validators;
    expect(Object.keys(built)).toEqual(Object.keys(json));
    const bad = deployment();
    (bad.spec as any).replica = 2;
    for (const key of Object.keys(json)) {
      // WHEN
      const a = { exports: undefined as any };
      built[key](require, a);
      const b = { exports: undefined as any };
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      new Function('require', 'module', 'exports', json[key])(require, b, {});
      // THEN the same verdict and errors on an object of another kind, and on a bad Deployment
      for (const obj of [{ apiVersion: 'v1', kind: 'Nope', spec: 1 }, bad]) {
        expect([a.exports(obj), a.exports.errors]).toEqual([b.exports(obj), b.exports.errors]);
      }
    }
  });
});

describe('the plugin bundle and the check cache', () => {
  test('GIVEN a tree the plugin bundle checked WHEN a code cache beside the bundle is rewritten THEN the next check uses the same check-cache salt (no second cache file)', () => {
    // GIVEN a small rendered tree and a check cache of its own
    const { dir, cleanup } = tmpDir('cdk8s-gitops-plugin-salt-');
    try {
      const out = path.join(dir, 'out', 'dev', 'hello');
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, 'configmap-hello.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hello\n  namespace: dev\ndata:\n  a: b\n');
      const check = () => spawnSync(process.execPath, ['-e', [
        `const { Cdk8sGitOpsValidation } = require(${JSON.stringify(path.join(ROOT, 'scripts', 'cdk8s-validation-plugin.js'))});`,
        'let status;',
        'const ctx = { manifests: [], report: { addViolation() {}, submit(s) { status = s; } }, logger: { log() {} } };',
        `new Cdk8sGitOpsValidation({ dir: ${JSON.stringify(path.join(dir, 'out'))}, cacheDir: ${JSON.stringify(path.join(dir, 'cache'))}, skipKustomize: true })`,
        '  .validate(ctx).then(() => process.stdout.write(String(status)));',
      ].join('\n')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(check().stdout).toBe('success');
      const files = () => fs.readdirSync(path.join(dir, 'cache')).sort();
      // One folder-results file and one whole-tree entry, both named after the salt.
      const before = files();
      expect(before.filter(f => f.startsWith('validate-'))).toHaveLength(1);
      // WHEN the plugin bundle's code cache changes (as it does when a run misses)
      const codeCache = path.join(ROOT, '.prebuilt', '.plugin.code-cache');
      const later = new Date(Date.now() + 1000);
      fs.utimesSync(codeCache, later, later);
      // THEN the same check-cache files answer: none for a new salt
      expect(check().stdout).toBe('success');
      expect(files()).toEqual(before);
    } finally {
      cleanup();
    }
  });
});

describe('bin/_code-cache.js (the app command\'s V8 code cache)', () => {
  let dir: string;
  let cleanup: () => void;
  const cache = () => path.join(dir, 'cache', '.code-cache');
  const runMain = () => spawnSync(process.execPath, [path.join(dir, 'main.js')], { encoding: 'utf8', timeout: 60_000 });
  beforeAll(() => {
    ({ dir, cleanup } = tmpDir('cdk8s-gitops-code-cache-'));
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(path.join(dir, 'main.js'), [
      `require(${JSON.stringify(path.join(ROOT, 'bin', '_code-cache.js'))}).install(${JSON.stringify(path.join(dir, 'cache', '.code-cache'))}, ${JSON.stringify(path.join(dir, 'lib'))});`,
      "process.stdout.write(require('./lib/value.js')() + ' ' + require('./outside.js'));",
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'lib', 'value.js'), "#!/usr/bin/env node\nmodule.exports = () => 'first';\n");
    fs.writeFileSync(path.join(dir, 'outside.js'), "module.exports = 'outside';\n");
  });
  afterAll(() => cleanup());

  const index = () => {
    const buf = fs.readFileSync(cache());
    return JSON.parse(buf.subarray(4, 4 + buf.readUInt32LE(0)).toString('utf8'));
  };

  test('GIVEN a first run THEN the cache holds the modules under the given folder only', () => {
    // WHEN
    const r = runMain();
    // THEN (a shebang line is accepted too)
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('first outside');
    expect(Object.keys(index())).toEqual([path.join(dir, 'lib', 'value.js')]);
  });

  test('GIVEN a cached module WHEN run again THEN V8 accepts the cache and it is not rewritten', () => {
    // GIVEN
    const before = fs.statSync(cache());
    // WHEN
    const r = runMain();
    // THEN
    expect(r.stdout).toBe('first outside');
    const after = fs.statSync(cache());
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  test('GIVEN a module that calls import() WHEN run twice THEN Node compiles it (no cached data can serve import()) and the import resolves', () => {
    // GIVEN
    fs.writeFileSync(path.join(dir, 'lib', 'dynamic.js'), "module.exports = () => import('node:path').then(p => typeof p.join);\n");
    fs.writeFileSync(path.join(dir, 'dynamic.js'), [
      `require(${JSON.stringify(path.join(ROOT, 'bin', '_code-cache.js'))}).install(${JSON.stringify(path.join(dir, 'cache', '.dynamic-cache'))});`,
      "require('./lib/dynamic.js')().then(t => process.stdout.write(t));",
      '',
    ].join('\n'));
    // WHEN run twice (a miss, then a hit)
    const runs = [1, 2].map(() => spawnSync(process.execPath, [path.join(dir, 'dynamic.js')], { encoding: 'utf8', timeout: 60_000 }));
    // THEN
    expect(runs.map(r => [r.stdout, r.stderr])).toEqual([['function', ''], ['function', '']]);
    expect(fs.existsSync(path.join(dir, 'cache', '.dynamic-cache'))).toBe(false);
  });

  test('GIVEN the module edited to a source of the same length WHEN run THEN the new code runs and the cache is rewritten', () => {
    // GIVEN
    const before = index()[path.join(dir, 'lib', 'value.js')][0];
    const file = path.join(dir, 'lib', 'value.js');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('first', 'other'));
    const later = new Date(fs.statSync(file).mtimeMs + 2000);
    fs.utimesSync(file, later, later);
    // WHEN
    const r = runMain();
    // THEN
    expect(r.stdout).toBe('other outside');
    expect(index()[file][0]).not.toBe(before);
  });
});
