import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { hashTree } from '../../src/_git-tree';
import { EnvironmentError, ValidationError } from '../../src/errors';
import { onLocalFileSystem } from '../../src/render/_stat-cache';
import { blobIdIn, DiskTree, gitBlobId, isBlankIn, readDiskTree } from '../../src/render/disk-tree';
import { hasTool, tmpDir } from '../support/tools';

/** A read that treats every file as written long ago (so the cache trusts them next time). */
const LATER = () => Date.now() + 60_000;

/** `test` where the temporary folder is on a local file system (see onLocalFileSystem), else a visible skip. */
const testLocal = (() => {
  const { dir: d, cleanup: c } = tmpDir('cdk8s-gitops-fs-');
  try {
    return onLocalFileSystem(d) ? test : test.skip;
  } finally {
    c();
  }
})();

describe('readDiskTree', () => {
  let dir: string;
  let cleanup: () => void;
  let dist: string;
  let cache: string;
  beforeEach(() => {
    ({ dir, cleanup } = tmpDir('cdk8s-gitops-disk-tree-'));
    dist = path.join(dir, 'dist');
    cache = path.join(dir, 'cache');
    fs.mkdirSync(path.join(dist, 'dev', 'hello'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'dev', 'hello', 'a.yaml'), 'a: 1\n');
    fs.writeFileSync(path.join(dist, 'dev', 'hello', 'b.yaml'), 'b: 2\n');
    fs.writeFileSync(path.join(dist, 'dev', 'hello', 'blank.yaml'), ' \n');
  });
  afterEach(() => cleanup());

  const write = (rel: string, text: string) => fs.writeFileSync(path.join(dist, ...rel.split('/')), text);
  const cacheFiles = () => fs.readdirSync(cache).filter(f => f.endsWith('.stat'));

  test('GIVEN a folder WHEN read THEN the files are listed sorted with git\'s blob ids and read lazily on demand', () => {
    // WHEN
    const { tree, others, filesRead } = readDiskTree(dist);
    // THEN
    expect([...tree.keys()]).toEqual(['dev/hello/a.yaml', 'dev/hello/b.yaml', 'dev/hello/blank.yaml']);
    expect(filesRead).toBe(3);
    expect(others).toEqual([]);
    expect(tree.get('dev/hello/a.yaml')).toBe('a: 1\n');
    expect(tree.get('nope.yaml')).toBeUndefined();
    expect(Object.fromEntries(tree)).toEqual({ 'dev/hello/a.yaml': 'a: 1\n', 'dev/hello/b.yaml': 'b: 2\n', 'dev/hello/blank.yaml': ' \n' });
    expect(isBlankIn(tree, 'dev/hello/blank.yaml')).toBe(true);
    expect(isBlankIn(tree, 'dev/hello/a.yaml')).toBe(false);
    if (hasTool('git', ['--version'])) {
      expect(tree.blobId('dev/hello/a.yaml')).toBe(execFileSync('git', ['hash-object', '--no-filters', path.join(dist, 'dev/hello/a.yaml')], { encoding: 'utf8' }).trim());
    }
    expect(blobIdIn(new Map([['x.yaml', 'a: 1\n']]), 'x.yaml')).toBe(tree.blobId('dev/hello/a.yaml'));
  });

  test('GIVEN names whose order depends on the separator WHEN read THEN the paths come in sorted order, as git sorts a tree', () => {
    // GIVEN: 'dev-2/' and 'dev.yaml' sort before 'dev/' ('-' and '.' are below '/'), 'dev0.yaml' after it
    fs.mkdirSync(path.join(dist, 'dev-2'));
    write('dev-2/x.yaml', 'x: 1\n');
    write('dev.yaml', 'y: 1\n');
    write('dev0.yaml', 'z: 1\n');
    // WHEN
    const { tree } = readDiskTree(dist, { cacheDir: cache });
    // THEN
    const keys = [...tree.keys()];
    expect(keys).toEqual(['dev-2/x.yaml', 'dev.yaml', 'dev/hello/a.yaml', 'dev/hello/b.yaml', 'dev/hello/blank.yaml', 'dev0.yaml']);
    expect(keys).toEqual([...keys].sort());
  });

  test('GIVEN the stat cache and files written long before WHEN read again THEN nothing is read; the ids are the same', () => {
    // GIVEN
    const first = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    // WHEN
    const second = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    // THEN
    expect(first.filesRead).toBe(3);
    expect(second.filesRead).toBe(0);
    expect([...second.tree.keys()].map(p => second.tree.blobId(p))).toEqual([...first.tree.keys()].map(p => first.tree.blobId(p)));
    expect(second.tree.isBlank('dev/hello/blank.yaml')).toBe(true);
    expect(second.tree.get('dev/hello/b.yaml')).toBe('b: 2\n');
    expect(cacheFiles()).toHaveLength(1);
  });

  test('GIVEN non-ASCII and odd names WHEN read twice with the cache THEN the second read lists the same paths and ids and reads nothing', () => {
    // GIVEN
    fs.mkdirSync(path.join(dist, 'dév ü'));
    write('dév ü/naïve 日本.yaml', 'n: 1\n');
    write('dev/hello/new\nline.yaml', 'l: 1\n');
    const first = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    // WHEN
    const second = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    // THEN
    expect(second.filesRead).toBe(0);
    expect([...second.tree.keys()]).toEqual([...first.tree.keys()]);
    expect([...second.tree.keys()]).toContain('dév ü/naïve 日本.yaml');
    expect([...second.tree.keys()].map(p => second.tree.blobId(p))).toEqual([...first.tree.keys()].map(p => gitBlobId(fs.readFileSync(path.join(dist, p), 'utf8'))));
  });

  test('GIVEN a cached file WHEN it is rewritten with the same size and its modification time put back THEN the change is seen (change time)', () => {
    // GIVEN (a whole-second modification time, which utimes can put back exactly)
    const file = path.join(dist, 'dev', 'hello', 'a.yaml');
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
    readDiskTree(dist, { cacheDir: cache, now: LATER() });
    const before = fs.statSync(file);
    // WHEN: same size, same mtime
    fs.writeFileSync(file, 'a: 9\n');
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
    expect(fs.statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(fs.statSync(file).size).toBe(before.size);
    const again = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    // THEN
    expect(again.filesRead).toBe(1);
    expect(again.tree.get('dev/hello/a.yaml')).toBe('a: 9\n');
    expect(again.tree.blobId('dev/hello/a.yaml')).toBe(gitBlobId('a: 9\n'));
  });

  test('GIVEN files changed less than 2 s before a read (racy timestamps) WHEN read again THEN they are read again, not trusted', () => {
    // GIVEN: a read that starts right after the files were written
    const first = readDiskTree(dist, { cacheDir: cache, now: Date.now() });
    // WHEN
    const second = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    const third = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    // THEN: the second read hashes them again (and now trusts them), the third reads nothing
    expect(first.filesRead).toBe(3);
    expect(second.filesRead).toBe(3);
    expect(third.filesRead).toBe(0);
  });

  describe('folders listed from the cache (their own times unchanged)', () => {
    // Only on a local file system: skipped, visibly, when the temporary folder is not on one.
    /** The folders a read lists with readdir (relative, '' for the root), and the read. */
    const listedBy = (read: () => ReturnType<typeof readDiskTree>, root = dist) => {
      // The fs module itself (this file's `fs` is a namespace copy whose properties cannot be redefined).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const spy = jest.spyOn(require('fs') as typeof fs, 'readdirSync');
      try {
        const result = read();
        // (the cache folder's own listing, when old cache files are pruned, is not the tree's)
        const listed = spy.mock.calls.map(([p]) => path.relative(root, String(p))).filter(p => !p.startsWith('..')).sort();
        return { listed, result };
      } finally {
        spy.mockRestore();
      }
    };
    const keysOf = (r: ReturnType<typeof readDiskTree>) => [...r.tree.keys()];
    const noCache = () => keysOf(readDiskTree(dist));

    testLocal('GIVEN a read with the cache WHEN read again THEN no folder is listed; a folder that gains a file is listed again, alone', () => {
      // GIVEN
      fs.mkdirSync(path.join(dist, 'prod', 'hello'), { recursive: true });
      write('prod/hello/a.yaml', 'a: 1\n');
      expect(listedBy(() => readDiskTree(dist, { cacheDir: cache, now: LATER() })).listed).toEqual(['', 'dev', 'dev/hello', 'prod', 'prod/hello']);
      // WHEN / THEN nothing changed
      const again = listedBy(() => readDiskTree(dist, { cacheDir: cache, now: LATER() }));
      expect(again.listed).toEqual([]);
      expect(keysOf(again.result)).toEqual(noCache());
      // WHEN a file is added to one folder and another's file changes in place
      write('prod/hello/b.yaml', 'b: 1\n');
      write('dev/hello/a.yaml', 'a: 2\n');
      const after = listedBy(() => readDiskTree(dist, { cacheDir: cache, now: LATER() }));
      // THEN only the folder whose entries changed is listed; both changes are seen
      expect(after.listed).toEqual(['prod/hello']);
      expect(keysOf(after.result)).toEqual(noCache());
      expect(after.result.tree.get('dev/hello/a.yaml')).toBe('a: 2\n');
    });

    testLocal('GIVEN a folder holding an empty folder, a symlink or a .git entry WHEN read again THEN it is always listed (a file later added in the empty folder is seen)', () => {
      // GIVEN
      fs.mkdirSync(path.join(dist, 'dev', 'empty'));
      fs.mkdirSync(path.join(dist, 'prod'));
      write('prod/a.yaml', 'a: 1\n');
      fs.symlinkSync('a.yaml', path.join(dist, 'prod', 'link.yaml'));
      write('dev/hello/.git', 'gitdir: /elsewhere\n');
      readDiskTree(dist, { cacheDir: cache, now: LATER() });
      // WHEN: a file appears in the empty folder (its parent's times do not change)
      write('dev/empty/x.yaml', 'x: 1\n');
      const after = listedBy(() => readDiskTree(dist, { cacheDir: cache, now: LATER() }));
      // THEN
      expect(after.listed).toEqual(['dev', 'dev/empty', 'dev/hello', 'prod']);
      expect(keysOf(after.result)).toEqual(noCache());
      expect(after.result.others).toEqual([{ path: 'dev/hello/.git', kind: 'git' }, { path: 'prod/link.yaml', kind: 'symlink', target: 'a.yaml' }]);
      // AND once it holds a file, dev's listing is trusted again
      expect(listedBy(() => readDiskTree(dist, { cacheDir: cache, now: LATER() })).listed).toEqual(['dev/hello', 'prod']);
    });

    testLocal('GIVEN folders whose times are too recent WHEN read again THEN they are listed again (racy margin)', () => {
      // GIVEN: a read that starts right after the folders changed
      readDiskTree(dist, { cacheDir: cache });
      // WHEN / THEN
      expect(listedBy(() => readDiskTree(dist, { cacheDir: cache, now: LATER() })).listed).toEqual(['', 'dev', 'dev/hello']);
      expect(listedBy(() => readDiskTree(dist, { cacheDir: cache, now: LATER() })).listed).toEqual([]);
    });

    testLocal('GIVEN a root that is a symlink to the folder WHEN read twice THEN the folder is read through it, and its listing trusted the second time', () => {
      const link = path.join(dir, 'dist-link');
      fs.symlinkSync(dist, link);
      const first = listedBy(() => readDiskTree(link, { cacheDir: cache, now: LATER() }), link);
      const second = listedBy(() => readDiskTree(link, { cacheDir: cache, now: LATER() }), link);
      expect(first.listed).toEqual(['', 'dev', 'dev/hello']);
      expect(keysOf(first.result)).toEqual(noCache());
      expect(keysOf(second.result)).toEqual(noCache());
      expect(second.listed).toEqual([]);
    });

    testLocal('GIVEN a cached folder whose subfolder or file turns into something else during the read WHEN read THEN it stops, naming the path, and never enters a link', () => {
      // GIVEN: dev's listing trusted; the lstat of dev/hello (or of its file) answers as if it were swapped mid-read
      fs.mkdirSync(path.join(dir, 'elsewhere'));
      fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'link'));
      readDiskTree(dist, { cacheDir: cache, now: LATER() });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const realFs = require('fs') as typeof fs;
      const lstat = realFs.lstatSync.bind(realFs);
      /** A read during which `lstat` of `target` sees what `stand` is. */
      const readSwapped = (target: string, stand: string) => {
        const spy = jest.spyOn(realFs, 'lstatSync').mockImplementation(((p: fs.PathLike, o?: fs.StatSyncOptions) =>
          lstat(String(p) === target ? stand : p, o)) as typeof fs.lstatSync);
        try {
          return readDiskTree(dist, { cacheDir: cache, now: LATER() });
        } finally {
          spy.mockRestore();
        }
      };
      // WHEN / THEN a subfolder that became a symlink, and a listed file that became a folder
      expect(() => readSwapped(path.join(dist, 'dev', 'hello'), path.join(dir, 'link')))
        .toThrow(new EnvironmentError('dev/hello changed while it was being read; run the command again'));
      expect(() => readSwapped(path.join(dist, 'dev', 'hello', 'a.yaml'), path.join(dir, 'elsewhere')))
        .toThrow(new EnvironmentError('dev/hello/a.yaml changed while it was being read; run the command again'));
      // AND unswapped, the read is whole again
      expect(keysOf(readDiskTree(dist, { cacheDir: cache, now: LATER() }))).toEqual(noCache());
    });

    testLocal('GIVEN files renamed, removed and a folder replaced by a file WHEN read THEN the listing is a fresh read\'s', () => {
      fs.mkdirSync(path.join(dist, 'dev', 'other'));
      write('dev/other/o.yaml', 'o: 1\n');
      readDiskTree(dist, { cacheDir: cache, now: LATER() });
      fs.renameSync(path.join(dist, 'dev/hello/a.yaml'), path.join(dist, 'dev/hello/z.yaml'));
      fs.rmSync(path.join(dist, 'dev/hello/b.yaml'));
      fs.rmSync(path.join(dist, 'dev/other'), { recursive: true });
      write('dev/other', 'now: a file\n');
      const after = readDiskTree(dist, { cacheDir: cache, now: LATER() });
      expect(keysOf(after)).toEqual(noCache());
      expect(keysOf(after)).toEqual(['dev/hello/blank.yaml', 'dev/hello/z.yaml', 'dev/other']);
    });
  });

  describe('racy margin on a local file system with sub-second times', () => {
    // The margin depends on where the files are: skipped, visibly, when the temporary folder is not on one.

    testLocal('GIVEN files written 0.5 s before a read WHEN read again THEN they are trusted (100 ms margin), not hashed again', () => {
      // GIVEN: the read starts 0.5 s after the files' times (as `validate` does a while after `cdk8s synth`)
      const first = readDiskTree(dist, { cacheDir: cache, now: Date.now() + 500 });
      // WHEN
      const second = readDiskTree(dist, { cacheDir: cache, now: Date.now() + 500 });
      // THEN
      expect(first.filesRead).toBe(3);
      expect(second.filesRead).toBe(0);
    });

    testLocal('GIVEN files whose times are 50 ms before a read WHEN read again THEN they are hashed again (inside the 100 ms margin)', () => {
      // GIVEN: modification times 20 ms before `base`, a read 30 ms after it (change times are now: later still)
      const base = Date.now();
      for (const f of ['a.yaml', 'b.yaml', 'blank.yaml']) fs.utimesSync(path.join(dist, 'dev', 'hello', f), (base - 20) / 1000, (base - 20) / 1000);
      const first = readDiskTree(dist, { cacheDir: cache, now: base + 30 });
      // WHEN
      const second = readDiskTree(dist, { cacheDir: cache, now: base + 30 });
      // THEN
      expect(first.filesRead).toBe(3);
      expect(second.filesRead).toBe(3);
    });

    testLocal('GIVEN a modification time of whole seconds (a file system that may keep no more) WHEN read 0.5 s later THEN the 2 s margin applies', () => {
      // GIVEN: b.yaml's modification time set to the last whole second (its change time is now)
      const whole = Math.floor(Date.now() / 1000);
      fs.utimesSync(path.join(dist, 'dev', 'hello', 'b.yaml'), whole, whole);
      readDiskTree(dist, { cacheDir: cache, now: Date.now() + 500 });
      // WHEN
      const second = readDiskTree(dist, { cacheDir: cache, now: Date.now() + 500 });
      // THEN only that file is hashed again
      expect(second.filesRead).toBe(1);
      expect([...second.tree.readPaths()]).toEqual(['dev/hello/b.yaml']);
    });

    testLocal('GIVEN a file changed right after a read that trusted it WHEN read again THEN the change is seen (its times moved on)', () => {
      // GIVEN
      readDiskTree(dist, { cacheDir: cache, now: Date.now() + 500 });
      readDiskTree(dist, { cacheDir: cache, now: Date.now() + 500 });
      // WHEN: same size, new content
      write('dev/hello/a.yaml', 'a: 2\n');
      const { tree, filesRead } = readDiskTree(dist, { cacheDir: cache, now: Date.now() + 500 });
      // THEN
      expect(filesRead).toBe(1);
      expect(tree.blobId('dev/hello/a.yaml')).toBe(gitBlobId('a: 2\n'));
    });
  });

  test('GIVEN a file added, one deleted and one changed in size WHEN read with the cache THEN exactly those are read and listed', () => {
    // GIVEN
    readDiskTree(dist, { cacheDir: cache, now: LATER() });
    write('dev/hello/c.yaml', 'c: 3\n');
    fs.rmSync(path.join(dist, 'dev', 'hello', 'b.yaml'));
    write('dev/hello/a.yaml', 'a: 10\n');
    // WHEN
    const { tree, filesRead } = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    // THEN
    expect(filesRead).toBe(2);
    expect(Object.fromEntries(tree)).toEqual({ 'dev/hello/a.yaml': 'a: 10\n', 'dev/hello/blank.yaml': ' \n', 'dev/hello/c.yaml': 'c: 3\n' });
  });

  test('GIVEN files added before and between the cached ones and one removed WHEN read with the cache THEN only the added ones are read; every id is right', () => {
    // GIVEN: the cache lists dev/hello/{a,b,blank}.yaml; a file sorting before all of them, one between and a folder between appear
    readDiskTree(dist, { cacheDir: cache, now: LATER() });
    write('aaa.yaml', 'x: 1\n');
    write('dev/hello/ab.yaml', 'ab: 1\n');
    fs.mkdirSync(path.join(dist, 'dev', 'hello', 'b'));
    write('dev/hello/b/z.yaml', 'z: 1\n');
    fs.rmSync(path.join(dist, 'dev', 'hello', 'a.yaml'));
    // WHEN
    const { tree, filesRead } = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    const again = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    // THEN
    expect(filesRead).toBe(3);
    const keys = ['aaa.yaml', 'dev/hello/ab.yaml', 'dev/hello/b.yaml', 'dev/hello/b/z.yaml', 'dev/hello/blank.yaml'];
    expect([...tree.keys()]).toEqual(keys);
    expect(keys.map(p => tree.blobId(p))).toEqual(['x: 1\n', 'ab: 1\n', 'b: 2\n', 'z: 1\n', ' \n'].map(gitBlobId));
    expect(tree.isBlank('dev/hello/blank.yaml')).toBe(true);
    expect(again.filesRead).toBe(0);
    expect([...again.tree.keys()].map(p => again.tree.blobId(p))).toEqual(keys.map(p => tree.blobId(p)));
  });

  test('GIVEN entries named like .git in other letter cases, as a file, and names that only contain it WHEN read THEN exactly the .git ones are set apart', () => {
    // GIVEN
    fs.mkdirSync(path.join(dist, '.Git'));
    fs.writeFileSync(path.join(dist, '.Git', 'x.yaml'), 'x: 1\n');
    write('dev/.gIT', 'gitdir: /elsewhere\n');
    write('dev/.gitx.yaml', 'y: 1\n');
    write('dev/x.git', 'z: 1\n');
    // WHEN
    const { tree, others } = readDiskTree(dist, { cacheDir: cache });
    // THEN
    expect(others).toEqual([{ path: '.Git', kind: 'git' }, { path: 'dev/.gIT', kind: 'git' }]);
    expect([...tree.keys()]).toEqual(['dev/.gitx.yaml', 'dev/hello/a.yaml', 'dev/hello/b.yaml', 'dev/hello/blank.yaml', 'dev/x.git']);
  });

  test.each([
    ['garbage', (s: string) => `${s.slice(0, 10)}\u0000garbage`],
    ['a truncated file', (s: string) => s.slice(0, Math.floor(s.length / 2))],
    ['a changed blob id (bad checksum)', (s: string) => {
      // The header line (`cdk8s-gitops-stat <version> <byte order> <files> <bytes> <folders> ...`), zeros to a multiple of 8,
      // 40 bytes of numbers per file and 56 per folder, then the blob ids.
      const head = s.split(' ');
      const at = Math.ceil((s.indexOf('\n') + 1) / 8) * 8 + Number(head[3]) * 40 + Number(head[5]) * 56;
      return `${s.slice(0, at)}${String.fromCharCode(s.charCodeAt(at) === 48 ? 49 : 48)}${s.slice(at + 1)}`;
    }],
    ['another format version', (s: string) => s.replace(/^cdk8s-gitops-stat 5 /, 'cdk8s-gitops-stat 4 ')],
    ['another byte order', (s: string) => s.replace(/^(cdk8s-gitops-stat 5) (LE|BE) /, (_m, h, o) => `${h} ${o === 'LE' ? 'BE' : 'LE'} `)],
    ['an empty file', () => ''],
  ])('GIVEN a damaged cache (%s) WHEN read THEN every file is read again and the result is right', (_what, damage) => {
    // GIVEN (the file is binary: read and written as latin1, one character per byte)
    readDiskTree(dist, { cacheDir: cache, now: LATER() });
    const file = path.join(cache, cacheFiles()[0]);
    const before = fs.readFileSync(file, 'latin1');
    expect(damage(before)).not.toBe(before);
    fs.writeFileSync(file, damage(before), 'latin1');
    write('dev/hello/b.yaml', 'b: 3\n');
    // WHEN
    const { tree, filesRead } = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    // THEN
    expect(filesRead).toBe(3);
    expect(tree.get('dev/hello/b.yaml')).toBe('b: 3\n');
    expect(tree.blobId('dev/hello/b.yaml')).toBe(gitBlobId('b: 3\n'));
  });

  test('GIVEN a cached file that changes after it was listed WHEN its text is asked for THEN an EnvironmentError says it changed', () => {
    // GIVEN
    readDiskTree(dist, { cacheDir: cache, now: LATER() });
    const { tree } = readDiskTree(dist, { cacheDir: cache, now: LATER() });
    // WHEN
    write('dev/hello/a.yaml', 'a: 2\n');
    // THEN
    expect(() => tree.get('dev/hello/a.yaml')).toThrow(EnvironmentError);
    expect(() => tree.get('dev/hello/a.yaml')).toThrow(/dev\/hello\/a\.yaml changed while it was being read \(its content is not the one listed\); run the command again/);
    fs.rmSync(path.join(dist, 'dev', 'hello', 'b.yaml'));
    expect(() => tree.get('dev/hello/b.yaml')).toThrow(/b\.yaml changed while it was being read \(ENOENT/);
  });

  test('GIVEN a symlink, a .GIT folder and a FIFO WHEN read THEN they are listed apart, never followed nor read', () => {
    // GIVEN
    fs.symlinkSync('/etc/passwd', path.join(dist, 'dev', 'link.yaml'));
    fs.mkdirSync(path.join(dist, 'dev', '.GIT'));
    fs.writeFileSync(path.join(dist, 'dev', '.GIT', 'config.yaml'), 'x: 1\n');
    const fifo = hasTool('mkfifo', ['--version']);
    if (fifo) execFileSync('mkfifo', [path.join(dist, 'dev', 'pipe.yaml')]);
    // WHEN
    const { tree, others } = readDiskTree(dist, { cacheDir: cache });
    // THEN
    expect([...tree.keys()]).toEqual(['dev/hello/a.yaml', 'dev/hello/b.yaml', 'dev/hello/blank.yaml']);
    expect(others).toEqual(expect.arrayContaining([
      { path: 'dev/.GIT', kind: 'git' },
      { path: 'dev/link.yaml', kind: 'symlink', target: '/etc/passwd' },
      ...(fifo ? [{ path: 'dev/pipe.yaml', kind: 'special' }] : []),
    ]));
    expect(others).toHaveLength(fifo ? 3 : 2);
  });

  test('GIVEN a path that is not a folder WHEN read THEN a ValidationError names it', () => {
    expect(() => readDiskTree(path.join(dir, 'missing'))).toThrow(new ValidationError([{ path: path.join(dir, 'missing'), message: 'is not a directory (run `cdk8s synth` first?)' }]));
  });

  test('GIVEN more rendered folders than the cache keeps WHEN each is read THEN only the 32 most recent cache files remain', () => {
    // GIVEN / WHEN
    for (let i = 0; i < 34; i++) {
      const d = path.join(dir, `d${i}`);
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'x.yaml'), `i: ${i}\n`);
      readDiskTree(d, { cacheDir: cache });
    }
    // THEN
    expect(cacheFiles()).toHaveLength(32);
  });

  test('GIVEN a DiskTree WHEN used as a RenderedTree THEN size, has, values and forEach agree', () => {
    const { tree } = readDiskTree(dist);
    expect(tree).toBeInstanceOf(DiskTree);
    expect(tree.size).toBe(3);
    expect(tree.has('dev/hello/a.yaml')).toBe(true);
    expect([...tree.values()]).toEqual(['a: 1\n', 'b: 2\n', ' \n']);
    const seen: string[] = [];
    tree.forEach((v, k) => seen.push(`${k}=${v}`));
    expect(seen).toEqual(['dev/hello/a.yaml=a: 1\n', 'dev/hello/b.yaml=b: 2\n', 'dev/hello/blank.yaml= \n']);
  });

  describe('folder tree ids (treeIds)', () => {
    const describeGit = hasTool('git', ['--version']) ? describe : describe.skip;

    /** What git itself records for `dist`: the root tree id and every folder's (path → id), from a scratch index. */
    const gitTrees = (): { root: string; folders: Map<string, string> } => {
      const env = { ...process.env, GIT_DIR: path.join(dir, 'scratch.git'), GIT_INDEX_FILE: path.join(dir, 'scratch.index'), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
      if (!fs.existsSync(env.GIT_DIR)) execFileSync('git', ['init', '-q', '--bare', env.GIT_DIR], { env });
      fs.rmSync(env.GIT_INDEX_FILE, { force: true });
      execFileSync('git', ['--work-tree', dist, 'add', '-A', '-f', '--', '.'], { env, cwd: dist });
      const root = execFileSync('git', ['write-tree'], { env, encoding: 'utf8' }).trim();
      const folders = new Map<string, string>();
      for (const rec of execFileSync('git', ['ls-tree', '-r', '-t', '-z', root], { env, encoding: 'utf8' }).split('\0')) {
        const m = /^040000 tree ([0-9a-f]{40})\t(.*)$/s.exec(rec);
        if (m) folders.set(m[2], m[1]);
      }
      return { root, folders };
    };

    /** The folder ids a read gives (path → id), checked against each tree's own entries. */
    const readTrees = (options: { treeIds?: boolean } = { treeIds: true }) => {
      const { tree } = readDiskTree(dist, { cacheDir: cache, now: LATER(), ...options });
      const trees = tree.folderTrees;
      if (!trees) return undefined;
      const folders = new Map<string, string>();
      trees.under(trees.rootId, '', (p, id) => folders.set(p, id));
      for (const id of [trees.rootId, ...folders.values()]) expect(hashTree(trees.get(id)!, true, 'sha1')).toBe(id);
      expect(trees.rootEntries()).toEqual(trees.get(trees.rootId));
      return { root: trees.rootId, folders, files: trees.under(trees.rootId, '', () => undefined) };
    };

    describeGit('against git', () => {
      test('GIVEN a folder WHEN read with treeIds THEN the root and every folder have the tree ids git records', () => {
        // GIVEN
        fs.mkdirSync(path.join(dist, 'dev', 'world', 'deep'), { recursive: true });
        write('dev/world/deep/c.yaml', 'c: 1\n');
        write('dev/world/d.yaml', 'd: 1\n');
        write('top.yaml', 't: 1\n');
        fs.mkdirSync(path.join(dist, 'empty', 'nested'), { recursive: true });
        // WHEN
        const read = readTrees();
        // THEN (no tree for a folder without files, as in git)
        const expected = gitTrees();
        expect(read).toEqual({ root: expected.root, folders: expected.folders, files: 6 });
        expect([...read!.folders.keys()]).toEqual(['dev', 'dev/hello', 'dev/world', 'dev/world/deep']);
      });

      test('GIVEN random edits between reads WHEN each is read, with and without treeIds THEN every folder id is git\'s', () => {
        // GIVEN: a seeded generator (the same edits every run)
        let seed = 20261203;
        const rand = (n: number) => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return Math.floor((seed / 2147483648) * n);
        };
        const envs = ['dev', 'prod', 'stage'];
        const files = () => [...readDiskTree(dist).tree.keys()];
        for (const e of envs) {
          for (let a = 0; a < 4; a++) {
            fs.mkdirSync(path.join(dist, e, `app-${a}`), { recursive: true });
            for (const f of ['deployment', 'service', 'kustomization']) write(`${e}/app-${a}/${f}.yaml`, `${f}: ${a}\n`);
          }
        }
        const edits: [string, () => void][] = [
          ['change a file', () => { const all = files(); write(all[rand(all.length)], `changed: ${rand(1000)}\n`); }],
          ['rewrite a file with the same text (new times)', () => {
            const all = files();
            const p = all[rand(all.length)];
            const text = fs.readFileSync(path.join(dist, p), 'utf8');
            fs.rmSync(path.join(dist, p));
            write(p, text);
          }],
          ['add a file', () => { const all = files(); write(`${path.posix.dirname(all[rand(all.length)])}/new-${rand(1000)}.yaml`, `n: ${rand(1000)}\n`); }],
          ['add a folder', () => {
            const d = `${envs[rand(3)]}/app-new-${rand(1000)}`;
            fs.mkdirSync(path.join(dist, d), { recursive: true });
            write(`${d}/x.yaml`, `x: ${rand(1000)}\n`);
          }],
          ['delete a file', () => { const all = files(); if (all.length > 3) fs.rmSync(path.join(dist, all[rand(all.length)])); }],
          ['delete a folder', () => {
            const all = files();
            if (all.length > 6) fs.rmSync(path.join(dist, path.posix.dirname(all[rand(all.length)])), { recursive: true, force: true });
          }],
          ['rename a file', () => {
            const all = files();
            const p = all[rand(all.length)];
            fs.renameSync(path.join(dist, p), path.join(dist, `${path.posix.dirname(p)}/renamed-${rand(1000)}.yaml`));
          }],
          ['swap two files\' texts', () => {
            const all = files();
            const [p, q] = [all[rand(all.length)], all[rand(all.length)]];
            const [tp, tq] = [fs.readFileSync(path.join(dist, p), 'utf8'), fs.readFileSync(path.join(dist, q), 'utf8')];
            write(p, tq);
            write(q, tp);
          }],
        ];
        const done: string[] = [];
        for (let step = 0; step < 40; step++) {
          // WHEN
          const [what, edit] = edits[rand(edits.length)];
          edit();
          done.push(what);
          // A read that keeps the ids it can without computing any (as validate's), then one that computes them.
          if (rand(3) === 0) expect(readDiskTree(dist, { cacheDir: cache, now: LATER() }).tree.folderTrees).toBeUndefined();
          const read = readTrees();
          // THEN
          const expected = gitTrees();
          expect({ step, done: done.slice(-3), root: read?.root, folders: read?.folders })
            .toEqual({ step, done: done.slice(-3), root: expected.root, folders: expected.folders });
        }
        expect(new Set(done).size).toBe(edits.length);
      });
    });

    test('GIVEN a read that kept the folder ids WHEN nothing changed THEN the next read hashes no tree and gives the same ids', () => {
      // GIVEN
      const first = readTrees();
      const file = path.join(cache, cacheFiles()[0]);
      const written = fs.statSync(file).mtimeMs;
      // WHEN
      const again = readTrees();
      // THEN: the same ids, and the cache (which would change if an id did) was not written again
      expect(again).toEqual(first);
      expect(fs.statSync(file).mtimeMs).toBe(written);
    });

    test('GIVEN a stale id for an unchanged folder in the cache WHEN read THEN it is trusted (the ids are the read\'s, not recomputed)', () => {
      // GIVEN: the cache's id of dev/hello replaced by another (and the checksum made right, as SHA-1: the method a
      // Node.js without zlib's CRC-32 writes): what a read would find if its bookkeeping were wrong; proves that an
      // unchanged folder's id comes from the cache, not from hashing.
      const first = readTrees()!;
      const file = path.join(cache, cacheFiles()[0]);
      const data = fs.readFileSync(file);
      const at = data.indexOf(Buffer.from(first.folders.get('dev/hello')!, 'latin1'));
      expect(at).toBeGreaterThan(0);
      data.write('ab'.repeat(20), at, 'latin1');
      const nl = data.indexOf(10);
      const head = data.subarray(0, nl).toString('latin1').split(' ');
      expect(head[7]).toMatch(/^(crc32-[0-9a-f]{8}|sha1-[0-9a-f]{40})$/);
      const body = data.subarray(Math.ceil((nl + 1) / 8) * 8);
      head[7] = `sha1-${createHash('sha1').update(body).digest('hex')}`;
      // The body starts at the next multiple of 8 after the (now longer) header line.
      const line = `${head.join(' ')}\n`;
      fs.writeFileSync(file, Buffer.concat([Buffer.from(line, 'latin1'), Buffer.alloc(Math.ceil(line.length / 8) * 8 - line.length), body]));
      const idOf = (folder: string) => {
        const trees = readDiskTree(dist, { cacheDir: cache, now: LATER(), treeIds: true }).tree.folderTrees!;
        let id: string | undefined;
        trees.under(trees.rootId, '', (p, sub) => { if (p === folder) id = sub; });
        return id;
      };
      // WHEN / THEN
      expect(idOf('dev/hello')).toBe('ab'.repeat(20));
      // ...and once a file of it changes, its id is hashed again
      write('dev/hello/a.yaml', 'a: 2\n');
      expect(idOf('dev/hello')).not.toBe('ab'.repeat(20));
      expect(readTrees()).toBeDefined();
    });

    test('GIVEN no stat cache WHEN read with treeIds THEN every id is hashed, the same as with the cache', () => {
      const withCache = readTrees();
      const { tree } = readDiskTree(dist, { treeIds: true });
      expect(tree.folderTrees?.rootId).toBe(withCache!.root);
    });

    test('GIVEN a path that is not ASCII WHEN read with treeIds THEN no folder ids are given (publish hashes the tree itself)', () => {
      write('dev/hello/h\u00e9llo.yaml', 'h: 1\n');
      expect(readTrees()).toBeUndefined();
    });

    test('GIVEN a read without treeIds WHEN read THEN no folder ids are given', () => {
      expect(readDiskTree(dist, { cacheDir: cache }).tree.folderTrees).toBeUndefined();
    });
  });
});
