// A V8 code cache for the CommonJS modules a process loads: the app command
// of a project (bin/cdk8s-gitops-app.js) and this repo's prebuilt app and
// plugin (scripts/prebuilt.js run app, scripts/cdk8s-validation-plugin.js).
//
// Unlike v8-compile-cache(-lib), the cache data is made when the process
// exits (`script.createCachedData()` after the run), so it holds the
// functions the run compiled, not only each module's top-level code: the
// next run neither parses nor compiles them (the prebuilt bundle's validators
// and constructs, cdk8s, cdk8s-plus-28).
//
// - One file: a 4-byte header length, a JSON index `{ filename: [key, start,
//   end] }`, then the cache data. `key` is the file's size, mtime and length:
//   an edited or reinstalled file misses and is compiled from its source.
// - V8 checks the data too (V8 version, flags, source length) and rejects
//   what does not fit; a rejected or missing entry is rewritten at exit.
// - Written only when something missed, with the modules this run loaded
//   (what it no longer loads is dropped), beside then renamed (a concurrent
//   run never reads half a file); any error reading or writing it is ignored.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

function read(file) {
  try {
    const buf = fs.readFileSync(file);
    const n = buf.readUInt32LE(0);
    return { index: JSON.parse(buf.subarray(4, 4 + n).toString('utf8')), data: buf.subarray(4 + n) };
  } catch {
    return { index: {}, data: Buffer.alloc(0) };
  }
}

function write(file, index, data, missed, hits) {
  const parts = [];
  const out = {};
  let at = 0;
  const add = (name, key, bytes) => {
    out[name] = [key, at, at + bytes.length];
    parts.push(bytes);
    at += bytes.length;
  };
  for (const [name, { key, script }] of missed) add(name, key, script.createCachedData());
  for (const name of hits) if (!out[name]) add(name, index[name][0], data.subarray(index[name][1], index[name][2]));
  const head = Buffer.from(JSON.stringify(out), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  const tmp = `${file}.${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, Buffer.concat([len, head, ...parts]));
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Compiles the CommonJS modules loaded from now on (those under `under`, when
 * given) with the code cache in `file`, and updates it at exit.
 */
function install(file, under) {
  const { index, data } = read(file);
  const missed = new Map();
  const hits = new Set();
  const original = Module.prototype._compile;
  Module.prototype._compile = function compile(content, filename, format) {
    // Left to Node: modules outside `under`; anything but CommonJS (newer Nodes pass a format for
    // require of ESM and TypeScript); code that may call import(), which a vm.Script cannot serve
    // from cached data.
    if ((under && !filename.startsWith(under + path.sep)) || (format !== undefined && format !== 'commonjs') || /\bimport\s*\(/.test(content)) {
      return original.apply(this, arguments);
    }
    let key;
    try {
      const st = fs.statSync(filename);
      key = `${st.size}:${st.mtimeMs}:${content.length}`;
    } catch {
      return original.apply(this, arguments);
    }
    const entry = index[filename];
    const cachedData = entry && entry[0] === key ? data.subarray(entry[1], entry[2]) : undefined;
    // A shebang is only valid at the very start of a script: keep the line, as a comment.
    const source = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    const script = new vm.Script(Module.wrap(source), { filename, cachedData });
    if (!cachedData || script.cachedDataRejected) missed.set(filename, { key, script });
    else hits.add(filename);
    const mod = this;
    // What Node gives a module's code (lib/internal/modules/helpers.js makeRequireFunction).
    const require = id => mod.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    require.resolve.paths = request => Module._resolveLookupPaths(request, mod);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(mod.exports, mod.exports, require, mod, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    if (missed.size) write(file, index, data, missed, hits);
    // For tests and diagnosis: which modules the cache served, and which it missed.
    const report = process.env.CDK8S_GITOPS_CODE_CACHE_REPORT;
    if (report) fs.writeFileSync(report, JSON.stringify({ hits: [...hits], missed: [...missed.keys()] }));
  });
}

module.exports = { install };
