import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The small folders of test/ whose cases test/index.test.ts runs with test/'s own. */
export const FOLDERS_RUN_BY_ROOT = ['cli', 'examples', 'init'];

/**
 * Runs every `*.cases.ts` file of the given folders in the calling jest test
 * file, each in a `describe` named after it (its file name without
 * `.cases.ts`), in name order.
 *
 * Why: jest gives each test file a fresh module registry, so every file loads
 * cdk8s, cdk8s-plus-28 and our modules again (~0.4 s of CPU per file on the
 * 2-core machine). The quick files of a folder run as one test file instead:
 * 28 construct files took 20.7 s of CPU apart and 9.2 s together.
 * Slow files that start git, kubectl or npm stay `*.test.ts` on their own, so
 * that jest's workers can share them out.
 *
 * Each cases file gets its own cdk8s-gitops cache folder (as every test file
 * does, see cache-dir.js), so no file sees another's cached check results.
 *
 * Run one file's cases: `npx jest test/constructs -t '^web-service '`.
 */
export function runCases(...dirs: string[]): void {
  for (const dir of dirs) {
    const files = fs.readdirSync(dir).filter(f => f.endsWith('.cases.ts')).sort();
    if (files.length === 0) throw new Error(`no *.cases.ts file in ${dir}`);
    for (const file of files) {
      describe(file.slice(0, -'.cases.ts'.length), () => {
        isolateCacheDir();
        // describe's callback must register its tests synchronously: a dynamic import() would be too late.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path.join(dir, file));
      });
    }
  }
}

/** A cdk8s-gitops cache folder of the enclosing describe's own, removed after it. */
function isolateCacheDir(): void {
  let previous: string | undefined;
  let dir: string;
  beforeAll(() => {
    previous = process.env.CDK8S_GITOPS_CACHE_DIR;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-test-cache-'));
    process.env.CDK8S_GITOPS_CACHE_DIR = dir;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.CDK8S_GITOPS_CACHE_DIR;
    else process.env.CDK8S_GITOPS_CACHE_DIR = previous;
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
