// Prebuilt JavaScript for this repo's `cdk8s synth`: the app command
// (cdk8s.yaml `app:`) and the validation plugin run one esbuild bundle each
// from .prebuilt/ instead of transpiling ~60 TypeScript files on every run.
//
// - `npm ci` builds both (the `prepare` script runs `node scripts/prebuilt.js`).
// - Before running, `ensure()` compares the bundle with every file it was
//   built from (the src/ and imports/ files its entry imports, the schema
//   files, node_modules/.package-lock.json and this script, as recorded by the
//   build in .prebuilt/.<name>.inputs.json): if any is newer or gone, the
//   bundle is rebuilt (~1 s), so an edited src/ is never run stale.
// - Dependencies are bundled too, but ajv (see `build`); an `npm install`
//   (which rewrites node_modules/.package-lock.json) rebuilds the bundles.
//
// Usage: `node scripts/prebuilt.js` builds what is stale; `node
// scripts/prebuilt.js run app` is the app command (builds if stale, runs).
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
/** A direct child of ROOT, like src/: `__dirname`-relative paths in src/main.ts resolve the same. */
const OUT = path.join(ROOT, '.prebuilt');
const BUNDLES = {
  app: path.join(ROOT, 'src', 'main.ts'),
  plugin: path.join(ROOT, 'src', 'validate', 'cdk8s-plugin.ts'),
};
/**
 * Bundles that are not run but started from beside another: the validation
 * gate's per-folder checks in a worker thread, which the app bundle starts from
 * .prebuilt/_gate-worker.js (src/validate/_background-checks.ts).
 */
const WORKERS = {
  '_gate-worker': path.join(ROOT, 'src', 'validate', '_gate-worker.ts'),
};
const ENTRIES = { ...BUNDLES, ...WORKERS };
/** The workers a bundle starts, built and checked for staleness with it. */
const COMPANIONS = { app: ['_gate-worker'] };
const SCHEMAS = path.join(ROOT, 'src', 'validate', 'schemas');
/**
 * Inputs of every bundle besides the files esbuild reads from src/ and
 * imports/: the schema files (outside the bundles, see `writeSchemas`), this
 * script, and node_modules/.package-lock.json, which npm rewrites on every
 * install (an upgraded dependency rebuilds the bundles).
 */
const ALWAYS = [path.join(SCHEMAS, '_validators.json'), path.join(SCHEMAS, '_bundle.json'), path.join(ROOT, 'node_modules', '.package-lock.json'), __filename,
  path.join(ROOT, 'bin', '_bundle.js')];

const { isFresh: bundleIsFresh, schemasOutside, writeInputs, writeSchemas } = require('../bin/_bundle');

function bundlePath(name) {
  return path.join(OUT, `${name}.js`);
}

function inputsPath(name) {
  return path.join(OUT, `.${name}.inputs.json`);
}

/** True when the bundle exists and none of the files it was built from is newer or gone. */
function isFresh(name) {
  return bundleIsFresh(bundlePath(name), inputsPath(name));
}

/** Builds the bundles `names` (esbuild's plugins need its asynchronous API). */
async function build(names) {
  const esbuild = require('esbuild');
  fs.mkdirSync(OUT, { recursive: true });
  writeSchemas(SCHEMAS, OUT);
  await Promise.all(names.map(async name => {
    // Write beside, then rename: a concurrent run never loads half a bundle.
    const tmp = path.join(OUT, `.${name}.${process.pid}.js`);
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      metafile: true,
      entryPoints: [ENTRIES[name]],
      outfile: tmp,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // Dependencies are bundled too (one file to read, no module resolution:
      // ~0.1 s of the app command's start-up), but ajv: the precompiled
      // validators require its run-time helpers, and the library loads ajv
      // itself only to compile a kind that has no precompiled validator.
      external: ['ajv', 'ajv/*'],
      logLevel: 'error',
      plugins: [schemasOutside],
    });
    const read = Object.keys(result.metafile.inputs).filter(f => !f.startsWith('node_modules/')).map(f => path.join(ROOT, f));
    // Only files that exist: without npm's lock file (another package manager) a bundle is not stale forever.
    writeInputs(inputsPath(name), [...read, ...ALWAYS]);
    fs.renameSync(tmp, bundlePath(name));
  }));
}

/** Rebuilds the bundles older than a file they were built from; returns the path of `name`'s bundle. */
function ensure(name) {
  const stale = (name ? [name, ...(COMPANIONS[name] ?? [])] : Object.keys(ENTRIES)).filter(n => !isFresh(n));
  if (stale.length) {
    // Callers (the cdk8s CLI loading the plugin) need the bundle synchronously: build in a child.
    const r = require('child_process').spawnSync(process.execPath, [__filename, 'build', ...stale], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`building ${stale.join(', ')} in .prebuilt/ failed (exit ${r.status ?? r.signal}); see the errors above`);
  }
  return name ? bundlePath(name) : OUT;
}

module.exports = { ensure };

if (require.main === module) {
  const [cmd, name] = process.argv.slice(2);
  if (cmd === 'run') {
    if (!BUNDLES[name]) throw new Error(`unknown bundle ${name} (one of ${Object.keys(BUNDLES).join(', ')})`);
    const file = ensure(name);
    // V8's compiled code of the bundle and of the modules it loads, as the
    // last run left it (keyed by file, size and mtime: a changed file is recompiled).
    require('../bin/_code-cache').install(path.join(OUT, `.${name}.code-cache`));
    // Run the bundle as the main module (its `require.main === module` guard holds).
    process.argv.splice(1, 3, file);
    require('module').runMain(file);
  } else if (cmd === undefined) {
    ensure();
  } else if (cmd === 'build' && name && process.argv.slice(3).every(n => ENTRIES[n])) {
    build(process.argv.slice(3)).catch(() => {
      process.exitCode = 1; // esbuild has printed the errors
    });
  } else {
    throw new Error(`usage: node scripts/prebuilt.js [run <${Object.keys(BUNDLES).join('|')}>]`);
  }
}
