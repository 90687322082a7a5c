// What the app command's bundles share (bin/cdk8s-gitops-app.js for a
// project, scripts/prebuilt.js for this repo): one esbuild bundle per entry,
// the library's schema files kept beside it, and a record of the files it was
// built from, so a run rebuilds it only when one of them changed.
'use strict';
const fs = require('fs');
const path = require('path');

/** Writes `text` to `file` beside, then renames: a concurrent run never reads half a file. */
function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** True when `bundle` exists and none of the files listed in `inputs` (JSON) is newer or gone. */
function isFresh(bundle, inputs) {
  try {
    const built = fs.statSync(bundle).mtimeMs;
    return JSON.parse(fs.readFileSync(inputs, 'utf8')).every(f => fs.statSync(f).mtimeMs <= built);
  } catch {
    return false;
  }
}

/** Records the files a bundle was built from (only those that exist: a missing optional input must not leave it stale forever). */
function writeInputs(inputs, files) {
  writeAtomic(inputs, `${JSON.stringify([...new Set(files)].filter(f => fs.existsSync(f)), null, 1)}\n`);
}

/**
 * The library's schema files, which it requires on first use, go into
 * `<out>/schemas/` beside the bundle instead of into it: `_bundle.json` as it
 * is, and the ajv standalone code of `_validators.json` (strings the library
 * would compile with `new Function` on every run) as one module per kind,
 * loaded when that kind is first validated and kept in the V8 code cache
 * (bin/_code-cache.js). `requireOf` maps each `require("…")` of that code (ajv's
 * run-time helpers) to the module name written instead.
 */
function writeSchemas(from, out, requireOf = id => id) {
  const dir = path.join(out, 'schemas');
  fs.mkdirSync(path.join(dir, 'validators'), { recursive: true });
  writeAtomic(path.join(dir, '_bundle.json'), fs.readFileSync(path.join(from, '_bundle.json')));
  const { validators } = JSON.parse(fs.readFileSync(path.join(from, '_validators.json'), 'utf8'));
  const getters = Object.entries(validators).map(([key, code], i) => {
    writeAtomic(path.join(dir, 'validators', `${i}.js`), code.replace(/\brequire\("([^"]+)"\)/g, (_, id) => `require(${JSON.stringify(requireOf(id))})`));
    return `  get ${JSON.stringify(key)}() { return (_require, module) => { module.exports = require('./validators/${i}.js'); }; },`;
  });
  writeAtomic(path.join(dir, '_validators.js'), [
    '// Generated from the library\'s schemas/_validators.json (bin/_bundle.js).',
    "'use strict';",
    `module.exports = { validators: {\n${getters.join('\n')}\n} };`,
    '',
  ].join('\n'));
}

/** An esbuild plugin: the bundle requires the schema files written by `writeSchemas` instead of inlining them. */
const schemasOutside = {
  name: 'schemas-outside',
  setup(b) {
    b.onResolve({ filter: /^\.\/schemas\/_(validators|bundle)\.json$/ }, args => ({ path: args.path.replace('_validators.json', '_validators.js'), external: true }));
  },
};

module.exports = { isFresh, schemasOutside, writeAtomic, writeInputs, writeSchemas };
