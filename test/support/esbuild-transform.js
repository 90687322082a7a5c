// Jest's TypeScript transform: esbuild strips the types of each file alone
// (as ts-jest with isolatedModules did, 20x less CPU: a clean clone, as in
// CI, transpiles ~280 files in every worker). Types are checked once, by the
// test:types step (`tsc --noEmit -p test/tsconfig.json`).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const { transformSync, version } = require('esbuild');

/** This file's own text, part of the cache key. */
const SELF = fs.readFileSync(__filename);

/** The compiler options that change the emitted code (tsconfig.json: target ES2022, CommonJS). */
const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'es2022',
  platform: 'node',
  // `import()` becomes a require() in a promise, as tsc emits it for CommonJS (jest's vm has no dynamic import).
  supported: { 'dynamic-import': false },
  sourcemap: 'inline',
  sourcesContent: true,
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, experimentalDecorators: true } },
};

module.exports = {
  process(source, filename) {
    return { code: transformSync(source, { ...OPTIONS, sourcefile: filename }).code };
  },
  getCacheKey(source, filename) {
    return crypto.createHash('sha256')
      .update(SELF)
      .update(`\0${version}\0${filename}\0`)
      .update(source)
      .digest('hex');
  },
};
