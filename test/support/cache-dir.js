// Each test file gets its own cdk8s-gitops cache folder (check results and
// the stat cache of rendered files), removed after the file: tests neither
// read nor fill the developer's ~/.cache/cdk8s-gitops, so a run on a
// developer's machine exercises the same paths as one in a clean CI clone.
// Harnesses that hand the CLI an environment of their own pass this variable on.
const fs = require('fs');
const os = require('os');
const path = require('path');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-test-cache-'));
process.env.CDK8S_GITOPS_CACHE_DIR = dir;
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
