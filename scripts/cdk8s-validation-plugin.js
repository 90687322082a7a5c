// This repo's cdk8s validation plugin entry (see cdk8s.yaml `validations:`).
// It loads the plugin from a prebuilt bundle of src/ (.prebuilt/plugin.js,
// rebuilt whenever src/ is newer: scripts/prebuilt.js), so a fresh clone's
// `npm ci && npx cdk8s synth` needs no compile step, never runs a stale lib/
// and transpiles nothing at run time.
// Projects that install cdk8s-gitops from npm point `package:` at
// ./node_modules/cdk8s-gitops/lib/src/validate/cdk8s-plugin.js instead.
module.exports = require(require('./prebuilt').ensure('plugin'));
