// This repo's cdk8s validation plugin entry (see cdk8s.yaml `validations:`).
// It loads the plugin from a prebuilt bundle of src/ (.prebuilt/plugin.js,
// rebuilt whenever a source it is built from is newer: scripts/prebuilt.js), so a fresh clone's
// `npm ci && npx cdk8s synth` needs no compile step, never runs a stale lib/
// and transpiles nothing at run time. The bundle (and the validator modules
// beside it) are compiled with a V8 code cache kept in .prebuilt/; the cdk8s
// CLI's own modules are not touched.
// Projects that install cdk8s-gitops from npm point `package:` at
// ./node_modules/cdk8s-gitops/lib/src/validate/cdk8s-plugin.js instead.
'use strict';
const path = require('path');

const bundle = require('./prebuilt').ensure('plugin');
require('../bin/_code-cache').install(path.join(path.dirname(bundle), '.plugin.code-cache'), path.dirname(bundle));
module.exports = require(bundle);
