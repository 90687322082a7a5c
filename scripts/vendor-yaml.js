// The installed `yaml` package as one file, for the compiled library:
// lib/src/_vendor/yaml.js (run by the post-compile task, and by the publish
// bench after `npx tsc`).
//
// A fresh process pays ≈ 0.2 ms per module it loads (resolution, read,
// compile): `require('yaml')` loads ~70 modules, ≈ 20 ms, its one-file build
// ≈ 6 ms — on every one-app `publish`. The file exports `{ version, yaml }`;
// src/yaml/_vendored.ts uses it only when `version` is the version of the
// `yaml` package the library resolves (else that package), so it never runs
// code other than the installed package's.
//
// Usage: `node scripts/vendor-yaml.js [out-file]`.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_OUT = path.join(ROOT, 'lib', 'src', '_vendor', 'yaml.js');

/** Writes the one-file build of the `yaml` package installed in this repo to `out` (beside, then renamed). */
function vendorYaml(out = DEFAULT_OUT) {
  const pkgFile = require.resolve('yaml/package.json', { paths: [ROOT] });
  const { version, license } = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  const licenseText = fs.readFileSync(path.join(path.dirname(pkgFile), 'LICENSE'), 'utf8').trim();
  const result = require('esbuild').buildSync({
    stdin: {
      contents: `module.exports = { version: ${JSON.stringify(version)}, yaml: require('yaml') };\n`,
      resolveDir: ROOT,
      sourcefile: 'vendor-yaml-entry.js',
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    banner: { js: `/*\n * yaml ${version} (${license}), bundled into one file by scripts/vendor-yaml.js.\n *\n${licenseText.split('\n').map(l => ` * ${l}`.trimEnd()).join('\n')}\n */` },
  });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}`;
  fs.writeFileSync(tmp, result.outputFiles[0].contents);
  fs.renameSync(tmp, out);
  return { out, version };
}

if (require.main === module) {
  const { out, version } = vendorYaml(process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUT);
  process.stdout.write(`yaml ${version} -> ${path.relative(process.cwd(), out)}\n`);
}

module.exports = { vendorYaml, DEFAULT_OUT };
