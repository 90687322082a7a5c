import * as fs from 'fs';
import * as path from 'path';
import { FOLDERS_RUN_BY_ROOT } from './support/cases';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ESTIMATES } = require('./support/sequencer') as { ESTIMATES: Record<string, number> };

// The test files' layout (see support/cases.ts): a *.cases.ts file runs only
// when an index.test.ts runs its folder, and the sequencer's estimates are
// what orders a clean clone's run.
const ROOT = path.resolve(__dirname, '..');
const files = (fs.readdirSync(__dirname, { recursive: true }) as string[])
  .map(f => path.join('test', f).split(path.sep).join('/'))
  .filter(f => !f.includes('node_modules/') && !f.includes('/go-yaml/'));

describe('test/ layout', () => {
  test('GIVEN every *.cases.ts file THEN an index.test.ts runs its folder', () => {
    const folders = [...new Set(files.filter(f => f.endsWith('.cases.ts')).map(f => path.posix.dirname(f)))];
    const run = (folder: string) => folder === 'test'
      || FOLDERS_RUN_BY_ROOT.includes(path.posix.relative('test', folder))
      || (fs.existsSync(path.join(ROOT, folder, 'index.test.ts'))
        && fs.readFileSync(path.join(ROOT, folder, 'index.test.ts'), 'utf8').includes('runCases(__dirname)'));
    expect(folders.length).toBeGreaterThan(5);
    expect(folders.filter(f => !run(f))).toEqual([]);
  });

  test('GIVEN the sequencer THEN it has an estimate for every *.test.ts file, and for no other', () => {
    const testFiles = files.filter(f => f.endsWith('.test.ts')).sort();
    expect(Object.keys(ESTIMATES).sort()).toEqual(testFiles);
  });
});
