// Prebuilt JavaScript for this repo's `cdk8s synth`: the app command
// (cdk8s.yaml `app:`) and the validation plugin run one esbuild bundle each
// from .prebuilt/ instead of transpiling ~60 TypeScript files on every run.
//
// - `npm ci` builds both (the `prepare` script runs `node scripts/prebuilt.js`).
// - Before running, `ensure()` compares the bundle with every file under src/
//   and imports/ (and this script): if any is newer, the bundle is rebuilt
//   (~0.1 s), so an edited src/ is never run stale.
// - Dependencies (node_modules) stay external: they are required as usual.
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
const WATCHED = [path.join(ROOT, 'src'), path.join(ROOT, 'imports'), __filename];

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file changes its folder's mtime
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

function bundlePath(name) {
  return path.join(OUT, `${name}.js`);
}

function isFresh(name, sources) {
  try {
    return fs.statSync(bundlePath(name)).mtimeMs >= sources;
  } catch {
    return false;
  }
}

function build(name) {
  const esbuild = require('esbuild');
  fs.mkdirSync(OUT, { recursive: true });
  // Write beside, then rename: a concurrent run never loads half a bundle.
  const tmp = path.join(OUT, `.${name}.${process.pid}.js`);
  esbuild.buildSync({
    entryPoints: [BUNDLES[name]],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'error',
  });
  fs.renameSync(tmp, bundlePath(name));
}

/** Rebuilds the bundles older than src/ and imports/; returns the path of `name`'s bundle. */
function ensure(name) {
  const sources = Math.max(...WATCHED.map(newestMtime));
  for (const n of name ? [name] : Object.keys(BUNDLES)) {
    if (!isFresh(n, sources)) build(n);
  }
  return name ? bundlePath(name) : OUT;
}

module.exports = { ensure };

if (require.main === module) {
  const [cmd, name] = process.argv.slice(2);
  if (cmd === 'run') {
    if (!BUNDLES[name]) throw new Error(`unknown bundle ${name} (one of ${Object.keys(BUNDLES).join(', ')})`);
    const file = ensure(name);
    // V8's compiled code of the bundle and of the modules it loads, cached
    // across runs (keyed by file and content: a changed file is recompiled).
    try {
      require('v8-compile-cache-lib').install({ cacheDir: path.join(OUT, '.v8-cache') });
    } catch {
      // not installed (a production install): run without the cache
    }
    // Run the bundle as the main module (its `require.main === module` guard holds).
    process.argv.splice(1, 3, file);
    require('module').runMain(file);
  } else if (cmd === undefined) {
    ensure();
  } else {
    throw new Error(`usage: node scripts/prebuilt.js [run <${Object.keys(BUNDLES).join('|')}>]`);
  }
}
