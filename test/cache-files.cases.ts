import * as fs from 'fs';
import * as path from 'path';
import { pruneCacheFiles } from '../src/_cache-files';
import { tmpDir } from './support/tools';

describe('pruneCacheFiles: the cache folder keeps the newest files of a kind', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => { tmp = tmpDir('cdk8s-gitops-prune-'); });
  afterEach(() => tmp.cleanup());

  /** Writes `name` with a modification time `age` seconds in the past. */
  const write = (name: string, age: number) => {
    const file = path.join(tmp.dir, name);
    fs.writeFileSync(file, name);
    const t = Date.now() / 1000 - age;
    fs.utimesSync(file, t, t);
  };
  const left = () => fs.readdirSync(tmp.dir).sort();

  test('GIVEN five matching files and others WHEN three are kept THEN the three newest stay and the others are untouched', () => {
    for (let i = 1; i <= 5; i++) write(`c-${i}.json`, i * 10);
    write('other.txt', 100);
    pruneCacheFiles(tmp.dir, /^c-\d\.json$/, 3);
    expect(left()).toEqual(['c-1.json', 'c-2.json', 'c-3.json', 'other.txt']);
  });

  test('GIVEN the file just written is the oldest by its time WHEN pruning with it as current THEN it stays, with the newest others', () => {
    for (let i = 1; i <= 5; i++) write(`c-${i}.json`, i * 10);
    pruneCacheFiles(tmp.dir, /^c-\d\.json$/, 3, 'c-5.json');
    expect(left()).toEqual(['c-1.json', 'c-2.json', 'c-5.json']);
  });

  test('GIVEN no more files than kept, or a missing folder WHEN pruning THEN nothing is removed and nothing throws', () => {
    write('c-1.json', 10);
    write('c-2.json', 20);
    pruneCacheFiles(tmp.dir, /^c-\d\.json$/, 2, 'c-1.json');
    expect(left()).toEqual(['c-1.json', 'c-2.json']);
    expect(() => pruneCacheFiles(path.join(tmp.dir, 'missing'), /x/, 1)).not.toThrow();
  });
});
