// This repo's cdk8s validation plugin entry (see cdk8s.yaml `validations:`).
// It loads the plugin from src/ through esbuild-register, so a fresh clone's
// `npm ci && npx cdk8s synth` needs no compile step and never runs a stale lib/.
// Projects that install cdk8s-gitops from npm point `package:` at
// ./node_modules/cdk8s-gitops/lib/src/validate/cdk8s-plugin.js instead.
require('esbuild-register/dist/node').register();
module.exports = require('../src/validate/cdk8s-plugin.ts');
