#!/usr/bin/env node
require('../lib/src/cli/main.js').main();
