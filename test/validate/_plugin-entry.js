// Loads the TypeScript plugin for the `cdk8s synth` integration test (the published package uses lib/src/validate/cdk8s-plugin.js).
require('esbuild-register/dist/node').register();
module.exports = require('../../src/validate/cdk8s-plugin.ts');
