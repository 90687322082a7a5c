#!/usr/bin/env node
// The app command of a project's cdk8s.yaml:
//
//   app: node node_modules/cdk8s-gitops/bin/cdk8s-gitops-app.js src/main.ts
//
// runs the project's app (TypeScript or JavaScript) as one esbuild bundle
// with a V8 code cache, instead of transpiling it and loading the library
// module by module on every `cdk8s synth`:
// - the bundle (the entry, everything it imports, the library's validation
//   worker and schema files beside it) lives in node_modules/.cache/cdk8s-gitops
//   of the project (the working directory: `cdk8s synth` runs the app there)
//   or `$CDK8S_GITOPS_CACHE_DIR`, under `apps/` and a hash of the entry's path;
// - it is rebuilt (esbuild, from the project's dev dependencies) when any
//   file it was built from is newer or gone, so an edited app never runs stale;
// - `__dirname` and `__filename` in the project's own files (outside
//   node_modules) keep their values, as when the entry runs unbundled;
// - the entry runs as the main module (`require.main === module` holds) with
//   the arguments after it.
// With CDK8S_GITOPS_DEBUG=1 stack traces name the app's source files (source
// maps). Bad usage (no entry, an entry that is not a file) and a build error in the
// app's code exit 2; no esbuild to build with exits 3.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { isFresh, schemasOutside, writeInputs, writeSchemas } = require('./_bundle');

const PACKAGE = path.resolve(__dirname, '..');

/** Ends the run with `message` on stderr (no stack trace). */
function fail(message, exitCode) {
  process.stderr.write(`cdk8s-gitops-app: ${message}\n`);
  process.exit(exitCode);
}

/**
 * Where the app's bundle goes: the project's node_modules/.cache (so its
 * `require.resolve` calls find the project's packages, and a reinstall
 * starts afresh), else the cache folder `validate` and `publish` use
 * (src/cache-dir.ts).
 */
function cacheDir(project, env) {
  if (env.CDK8S_GITOPS_CACHE_DIR) return env.CDK8S_GITOPS_CACHE_DIR;
  if (fs.existsSync(path.join(project, 'node_modules'))) return path.join(project, 'node_modules', '.cache', 'cdk8s-gitops');
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache'), 'cdk8s-gitops');
}

/**
 * This package's compiled library (lib/src, as installed from npm), or its
 * TypeScript sources in a checkout that has not compiled lib/.
 */
function library() {
  const lib = path.join(PACKAGE, 'lib', 'src');
  if (fs.existsSync(path.join(lib, 'validate', '_gate-worker.js'))) return { worker: path.join(lib, 'validate', '_gate-worker.js'), schemas: path.join(lib, 'validate', 'schemas') };
  return { worker: path.join(PACKAGE, 'src', 'validate', '_gate-worker.ts'), schemas: path.join(PACKAGE, 'src', 'validate', 'schemas') };
}

/** esbuild, from the project (a dev dependency, or esbuild-register's), else `undefined`. */
function loadEsbuild(project) {
  for (const from of [project, PACKAGE]) {
    try {
      return require(require.resolve('esbuild', { paths: [from] }));
    } catch { /* next */ }
    try {
      return require(require.resolve('esbuild', { paths: [path.dirname(require.resolve('esbuild-register/package.json', { paths: [from] }))] }));
    } catch { /* next */ }
  }
  return undefined;
}

/**
 * An esbuild plugin: a file of the project (outside node_modules) that uses
 * `__dirname` or `__filename` gets them as constants of its own path, first
 * thing on its first line (line numbers unchanged).
 */
const ownPaths = {
  name: 'own-paths',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, args => {
      if (args.path.split(path.sep).includes('node_modules')) return undefined;
      const text = fs.readFileSync(args.path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(text)) return undefined;
      const ext = path.extname(args.path).replace(/^\.[cm]/, '.');
      const loader = { '.ts': 'ts', '.tsx': 'tsx', '.js': 'js', '.jsx': 'jsx' }[ext];
      const shebang = text.startsWith('#!') ? text.slice(0, text.indexOf('\n') + 1) : '';
      const prefix = `var __dirname = ${JSON.stringify(path.dirname(args.path))}, __filename = ${JSON.stringify(args.path)}; `;
      return { contents: `${shebang ? '//' : ''}${shebang}${prefix}${text.slice(shebang.length)}`, loader };
    });
  },
};

/**
 * Packages the library requires only on a rare path stay outside the bundle,
 * required by their resolved path (or by name if not installed): ajv's
 * compiler (for a kind that has no precompiled validator) and TypeScript
 * (`migrate`, ≈ 10 MB that every run would otherwise parse).
 */
const outside = {
  name: 'outside',
  setup(b) {
    b.onResolve({ filter: /^(ajv|typescript)(\/|$)/ }, args => {
      try {
        return { path: require.resolve(args.path, { paths: [args.resolveDir] }), external: true };
      } catch {
        return { path: args.path, external: true };
      }
    });
  },
};

/** Builds the app's bundle and the validation worker's into `out`; records their inputs. */
async function build(esbuild, entry, project, out) {
  const lib = library();
  fs.mkdirSync(out, { recursive: true });
  // The bundles are CommonJS whatever the project's package.json says ("type": "module" would make Node load them as ESM).
  fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "commonjs" }\n');
  writeSchemas(lib.schemas, out, id => require.resolve(id, { paths: [lib.schemas] }));
  const inputs = [path.join(lib.schemas, '_bundle.json'), path.join(lib.schemas, '_validators.json'), __filename, path.join(__dirname, '_bundle.js')];
  for (const [name, from, plugins] of [['app', entry, [ownPaths]], ['_gate-worker', lib.worker, []]]) {
    const tmp = path.join(out, `.${name}.${process.pid}.js`);
    const result = await esbuild.build({
      absWorkingDir: project,
      metafile: true,
      entryPoints: [from],
      outfile: tmp,
      bundle: true,
      platform: 'node',
      target: `node${process.versions.node.split('.')[0]}`,
      format: 'cjs',
      // Read only with CDK8S_GITOPS_DEBUG=1 (see `main`): loading the map costs every run otherwise.
      sourcemap: 'linked',
      logLevel: 'error',
      plugins: [...plugins, schemasOutside, outside],
    });
    for (const f of Object.keys(result.metafile.inputs)) if (!f.includes(':')) inputs.push(path.resolve(project, f));
    fs.renameSync(`${tmp}.map`, path.join(out, `${name}.js.map`));
    fs.writeFileSync(tmp, fs.readFileSync(tmp, 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, `//# sourceMappingURL=${name}.js.map\n`));
    fs.renameSync(tmp, path.join(out, `${name}.js`));
  }
  // Last: a run that sees this file sees both bundles whole.
  writeInputs(path.join(out, '.inputs.json'), inputs);
}

async function main() {
  const [arg, ...rest] = process.argv.slice(2);
  const usage = 'usage: cdk8s-gitops-app <entry (e.g. src/main.ts)> [arguments for the app...]\n'
    + '  Runs the app as a cached esbuild bundle: the app command of cdk8s.yaml.\n'
    + '  CDK8S_GITOPS_DEBUG=1: stack traces name the app\'s source files (source maps).';
  if (arg === '--help' || arg === '-h') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (!arg) fail(usage, 2);
  const entry = path.resolve(arg);
  let isFile = false;
  try {
    isFile = fs.statSync(entry).isFile();
  } catch { /* reported below */ }
  if (!isFile) fail(`the entry ${JSON.stringify(arg)} is not a file (the app's main module, e.g. src/main.ts)`, 2);
  const project = process.cwd();
  const out = path.join(cacheDir(project, process.env), 'apps', crypto.createHash('sha256').update(entry).digest('hex').slice(0, 16));
  const bundle = path.join(out, 'app.js');
  if (!isFresh(bundle, path.join(out, '.inputs.json')) || !isFresh(path.join(out, '_gate-worker.js'), path.join(out, '.inputs.json'))) {
    const esbuild = loadEsbuild(project);
    if (!esbuild) fail('needs esbuild to build the app: `npm install --save-dev esbuild`', 3);
    try {
      await build(esbuild, entry, project, out);
    } catch (e) {
      // esbuild has printed the errors in the app's code
      if (!(e && Array.isArray(e.errors))) fail(`cannot build the app into ${out}: ${e && e.message}`, 3);
      process.exit(2);
    }
  }
  // V8's compiled code of the bundle and of what it loads, as the last run left it.
  // (Node applies source maps only to what it compiles itself: with CDK8S_GITOPS_DEBUG=1, no code cache.)
  if (process.env.CDK8S_GITOPS_DEBUG === '1') process.setSourceMapsEnabled(true);
  else require('./_code-cache').install(path.join(out, '.code-cache'));
  process.argv = [process.argv[0], bundle, ...rest];
  require('module').runMain(bundle);
}

main();
