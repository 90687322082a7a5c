// Jest's test order, longest files first, so that no worker is left alone
// with a 30-second file at the end of the run.
//
// Jest orders by the durations it recorded in an earlier run on this machine
// (its cache) and, for a file it has never run (every file in a clean clone,
// as in CI), by file size: the slowest files here are short (they spawn npm,
// git or the CLI), so they started last. This sequencer uses jest's recorded
// duration when there is one, else the estimate below, else nothing (then the
// larger file first); failed files still go first.
//
// ESTIMATES are CPU seconds (user + sys, jest's start included) of each file
// run alone (`CI=true npx jest --ci <file>`), measured on the 2-core machine
// (at load average ~10, the index.test.ts files and consumer at ~4); only
// their order matters: re-measure when a file becomes much slower or faster.
// Every *.test.ts file is listed (a test in test/index.cases.ts checks it).
'use strict';
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

const ESTIMATES = {
  'test/integration/init.test.ts': 22,
  'test/publish/race-sources.test.ts': 15,
  'test/publish/race-and-crash.test.ts': 14,
  'test/index.test.ts': 14,
  'test/validate/schemas.test.ts': 12,
  'test/publish/source.test.ts': 11,
  'test/integration/synth.test.ts': 11,
  'test/integration/consumer.test.ts': 11,
  'test/constructs/index.test.ts': 10,
  'test/publish/refusals.test.ts': 9,
  'test/migrate/migrate.test.ts': 9,
  'test/validate/index.test.ts': 8,
  'test/publish/push-to.test.ts': 8,
  'test/publish/publish.test.ts': 8,
  'test/publish/diff-history-rollback.test.ts': 7,
  'test/promotion/index.test.ts': 6,
  'test/yaml/go-oracle.test.ts': 5,
  'test/validate/gate-worker.test.ts': 5,
  'test/publish/index.test.ts': 4,
  'test/pins/index.test.ts': 4,
  'test/render/index.test.ts': 3,
  'test/migrate/index.test.ts': 2,
  'test/yaml/index.test.ts': 1,
};

class LongestFirst extends Sequencer {
  sort(tests) {
    const estimate = test => {
      const recorded = this.time(test);
      if (recorded != null) return recorded;
      const seconds = ESTIMATES[path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/')];
      return seconds == null ? undefined : seconds * 1000;
    };
    const size = test => test.context.hasteFS.getSize(test.path) ?? 0;
    for (const test of tests) test.duration = estimate(test);
    return [...tests].sort((a, b) => {
      const failed = Number(this.hasFailed(b)) - Number(this.hasFailed(a));
      if (failed !== 0) return failed;
      const byTime = (b.duration ?? -1) - (a.duration ?? -1);
      return byTime !== 0 ? byTime : size(b) - size(a);
    });
  }
}

module.exports = LongestFirst;
module.exports.ESTIMATES = ESTIMATES;
