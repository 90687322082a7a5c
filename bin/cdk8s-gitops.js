#!/usr/bin/env node
// The `cdk8s-gitops` command. Installed from npm it runs the compiled lib/.
// In a clone of this repository where nothing has compiled lib/ yet (right
// after `npm ci`), it runs the TypeScript sources through esbuild-register.
'use strict';
const fs = require('fs');
const path = require('path');

const lib = path.join(__dirname, '..', 'lib', 'src', 'cli', 'main.js');
const src = path.join(__dirname, '..', 'src', 'cli', 'main.ts');
if (!fs.existsSync(lib) && fs.existsSync(src)) {
  // import() of a command's module becomes require(), which esbuild-register hooks (it cannot hook import()).
  require('esbuild-register/dist/node').register({ supported: { 'dynamic-import': false } });
  require(src).main();
} else {
  require(lib).main();
}
