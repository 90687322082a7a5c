import * as fs from 'fs';
import * as path from 'path';
import { pruneCacheFiles, statKey, writeCacheFile } from '../src/_cache-files';
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

describe('writeCacheFile: a cache file written whole, failures only cost time', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => { tmp = tmpDir('cdk8s-gitops-cache-write-'); });
  afterEach(() => tmp.cleanup());

  test('GIVEN a missing folder WHEN a text and then bytes are written THEN the folder is made, each write replaces the file whole, no temporary file stays', () => {
    const file = path.join(tmp.dir, 'a', 'b', 'c.json');
    expect(writeCacheFile(file, '{"v":1}')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"v":1}');
    expect(writeCacheFile(file, Buffer.from([0, 255, 1]))).toBe(true);
    expect([...fs.readFileSync(file)]).toEqual([0, 255, 1]);
    expect(writeCacheFile(file, '\u00e9', 'latin1')).toBe(true);
    expect([...fs.readFileSync(file)]).toEqual([0xe9]);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['c.json']);
  });

  test('GIVEN a target that cannot be replaced (a folder) WHEN written THEN false, the folder untouched, no temporary file left', () => {
    const target = path.join(tmp.dir, 'taken');
    fs.mkdirSync(path.join(target, 'inside'), { recursive: true });
    expect(writeCacheFile(target, 'x')).toBe(false);
    expect(fs.readdirSync(tmp.dir)).toEqual(['taken']);
    expect(fs.readdirSync(target)).toEqual(['inside']);
  });

  test('statKey names a file by path, size, modification time and inode, and a missing one by nothing', () => {
    const file = path.join(tmp.dir, 'k');
    fs.writeFileSync(file, 'abc');
    const st = fs.statSync(file);
    expect(statKey(file)).toBe(`${file}:3:${st.mtimeMs}:${st.ino}`);
    expect(statKey(path.join(tmp.dir, 'missing'))).toBeUndefined();
    expect(statKey(undefined)).toBeUndefined();
  });
});
