import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentError } from '../../src/errors';
import { writeFileAtomic } from '../../src/pins/atomic-write';
import { tmpDir } from '../support/tools';

describe('writeFileAtomic', () => {
  let tmp: ReturnType<typeof tmpDir>;
  beforeEach(() => { tmp = tmpDir(); });
  afterEach(() => tmp.cleanup());

  test('creates a new file with the mode the umask gives', () => {
    // GIVEN a file written the ordinary way, for the mode the umask gives
    const reference = path.join(tmp.dir, 'reference');
    fs.writeFileSync(reference, '');
    // WHEN
    const file = path.join(tmp.dir, 'new.yaml');
    writeFileAtomic(file, 'a: 1\n');
    // THEN
    expect(fs.readFileSync(file, 'utf8')).toBe('a: 1\n');
    expect(fs.statSync(file).mode).toBe(fs.statSync(reference).mode);
  });

  test('replaces a file, keeping its mode', () => {
    const file = path.join(tmp.dir, 'x.yaml');
    fs.writeFileSync(file, 'old\n', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    writeFileAtomic(file, 'new\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
    expect(fs.statSync(file).mode % 0o1000).toBe(0o600);
  });

  test('a folder that does not exist is an EnvironmentError, and leaves nothing behind', () => {
    const file = path.join(tmp.dir, 'missing', 'x.yaml');
    expect(() => writeFileAtomic(file, 'x')).toThrow(EnvironmentError);
    expect(() => writeFileAtomic(file, 'x')).toThrow(`cannot write ${file}: ENOENT`);
    expect(fs.readdirSync(tmp.dir)).toEqual([]);
  });

  test('a failed rename (target is a folder) leaves the target and no temp file', () => {
    const target = path.join(tmp.dir, 'images.yaml');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'k');
    expect(() => writeFileAtomic(target, 'x')).toThrow(/^cannot write .*images\.yaml: /);
    expect(fs.readdirSync(tmp.dir)).toEqual(['images.yaml']);
    expect(fs.readdirSync(target)).toEqual(['keep']);
  });
});
