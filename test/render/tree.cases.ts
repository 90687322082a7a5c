import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentError, ValidationError } from '../../src/errors';
import { isBlankIn } from '../../src/render/disk-tree';
import { readTree, safeJoin, TextsOnDemand, unsafeTreePath, writeTree } from '../../src/render/tree';
import { tmpDir } from '../support/tools';

describe('writeTree', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tmpDir()));
  afterEach(() => cleanup());

  test('GIVEN an existing output with a stale file WHEN a tree is written THEN only the new files remain, 0644', () => {
    // GIVEN
    const out = path.join(dir, 'dist');
    writeTree(out, new Map([['dev/old/stale.yaml', 'a: 1\n'], ['dev/hello/x.yaml', 'old\n']]));
    // WHEN
    writeTree(out, new Map([['dev/hello/x.yaml', 'new\n'], ['prod/hello/y.yaml', 'y\n']]));
    // THEN
    expect(Object.fromEntries(readTree(out))).toEqual({ 'dev/hello/x.yaml': 'new\n', 'prod/hello/y.yaml': 'y\n' });
    expect((fs.statSync(path.join(out, 'dev/hello/x.yaml')).mode % 0o1000).toString(8)).toBe('644');
    expect(fs.readdirSync(dir)).toEqual(['dist']); // no temporary or old directory left behind
  });

  test('GIVEN an unsafe path in the tree WHEN written THEN it throws and the previous output is untouched', () => {
    // GIVEN
    const out = path.join(dir, 'dist');
    writeTree(out, new Map([['dev/hello/x.yaml', 'keep\n']]));
    // WHEN / THEN
    expect(() => writeTree(out, new Map([['dev/a.yaml', 'a\n'], ['../escape.yaml', 'x\n']])))
      .toThrow(new ValidationError([{ path: '../escape.yaml', message: 'unsafe output path: it has an empty, "." or ".." segment' }]));
    expect(Object.fromEntries(readTree(out))).toEqual({ 'dev/hello/x.yaml': 'keep\n' });
    expect(fs.readdirSync(dir)).toEqual(['dist']);
    expect(fs.existsSync(path.join(dir, 'escape.yaml'))).toBe(false);
  });

  test('GIVEN a file where a folder must go WHEN written THEN an EnvironmentError names the temporary path and the output is untouched', () => {
    const out = path.join(dir, 'dist');
    writeTree(out, new Map([['keep.yaml', 'k\n']]));
    expect(() => writeTree(out, new Map([['a', 'file\n'], ['a/b.yaml', 'x\n']]))).toThrow(EnvironmentError);
    expect(() => writeTree(out, new Map([['a', 'file\n'], ['a/b.yaml', 'x\n']]))).toThrow(/^cannot write the rendered tree to .*\.dist\.tmp-[^:]*: E[A-Z]+/);
    expect(Object.fromEntries(readTree(out))).toEqual({ 'keep.yaml': 'k\n' });
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });
});

describe('paths', () => {
  test.each([
    ['', 'is empty'], ['/abs.yaml', 'is absolute'], ['a\\b', 'contains a backslash'], ['a//b', 'has an empty, "." or ".." segment'],
    ['a/./b', 'has an empty, "." or ".." segment'], ['../x', 'has an empty, "." or ".." segment'],
  ])('GIVEN %j THEN it is unsafe: %s', (p, why) => {
    expect(unsafeTreePath(p)).toBe(why);
  });

  test('GIVEN a safe relative path THEN it joins under the root', () => {
    expect(safeJoin('/r', 'dev/hello/x.yaml')).toBe(path.join('/r', 'dev', 'hello', 'x.yaml'));
  });

  test('GIVEN a missing directory WHEN read THEN the error says to synth first', () => {
    expect(() => readTree('/nonexistent/dist')).toThrow('[/nonexistent/dist] is not a directory (run `cdk8s synth` first?)');
  });

  test('GIVEN a symlink in the tree WHEN read THEN it is refused', () => {
    const { dir, cleanup } = tmpDir();
    try {
      fs.writeFileSync(path.join(dir, 'a.yaml'), 'a: 1\n');
      fs.symlinkSync(path.join(dir, 'a.yaml'), path.join(dir, 'link.yaml'));
      expect(() => readTree(dir)).toThrow('link.yaml] is not a regular file or directory (symlinks are not published)');
    } finally {
      cleanup();
    }
  });
});

describe('TextsOnDemand', () => {
  test('GIVEN texts handed to a sink WHEN the tree-shape rules ask which files are blank THEN no text is read back, and a blank one is found', () => {
    // GIVEN a tree whose non-blank text sits elsewhere (read counts what is fetched) and a blank text held with its path
    const reads: string[] = [];
    const tree = new TextsOnDemand(new Map([['dev/a/blank.yaml', ' \n'], ['dev/a/deployment-a.yaml', undefined]]), p => {
      reads.push(p);
      return 'kind: Deployment\n';
    });
    // WHEN
    const blank = [...tree.keys()].filter(p => isBlankIn(tree, p));
    // THEN
    expect(blank).toEqual(['dev/a/blank.yaml']);
    expect(reads).toEqual([]);
    expect(tree.get('dev/a/deployment-a.yaml')).toBe('kind: Deployment\n');
    expect(reads).toEqual(['dev/a/deployment-a.yaml']);
  });
});
