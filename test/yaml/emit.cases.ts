import { Document, parse } from 'yaml';
import { findUnsafeStrings, hasUnsafeStrings, isAmbiguousPlainScalar, toYaml, unsafeCharacter } from '../../src/yaml';

// Strings that Go's YAML 1.1 parser (Argo CD, the API server) or a YAML 1.2
// parser would read as something else when written plain.
const AMBIGUOUS = [
  'on', 'off', 'On', 'OFF', 'yes', 'no', 'y', 'n', 'Y', 'N', 'true', 'False', 'null', 'Null', '~', '',
  '0o755', '0755', '0X1F', '0x1f', '0b101', '0B1', '1_000', '1:20', '1e3', '1.', '.5', '+1', '-1', '12', '3.14',
  '.inf', '-.Inf', '.nan', '2024-01-01', '2001-12-14t21:59:43.10-05:00', '<<', '=',
];
const PLAIN = ['hello', 'ghcr.io/example/hello:1.0', 'v1', 'nope', 'online', 'yesterday', 'RuntimeDefault', '8080/TCP', 'a-b', 'x=y'];

describe('isAmbiguousPlainScalar', () => {
  test.each(AMBIGUOUS)('GIVEN %j THEN it is ambiguous', s => {
    expect(isAmbiguousPlainScalar(s)).toBe(true);
  });
  test.each(PLAIN)('GIVEN %j THEN it is safe plain', s => {
    expect(isAmbiguousPlainScalar(s)).toBe(false);
  });
});

describe('toYaml', () => {
  test('GIVEN every ambiguous string as key and value WHEN emitted THEN YAML 1.1 and 1.2 both read back the same strings', () => {
    // GIVEN
    const obj = Object.fromEntries(AMBIGUOUS.map((s, i) => [s || `empty${i}`, s]));
    // WHEN
    const text = toYaml(obj);
    // THEN
    expect(parse(text, { version: '1.1' })).toEqual(obj);
    expect(parse(text, { version: '1.2' })).toEqual(obj);
    for (const s of AMBIGUOUS.filter(x => x)) expect(text).toContain(`"${s}": "${s}"`);
  });

  test('GIVEN plain strings, numbers and booleans WHEN emitted THEN strings stay unquoted and types survive', () => {
    const text = toYaml({ a: 'hello', port: 8080, on: true, list: ['x', 1], empty: {} });
    expect(text).toBe('a: hello\nport: 8080\n"on": true\nlist:\n  - x\n  - 1\nempty: {}\n');
  });

  test('GIVEN a carriage return WHEN emitted THEN it is double-quoted so no parser folds it', () => {
    const text = toYaml({ v: 'a\r\nb' });
    expect(text).toBe('v: "a\\r\\nb"\n');
    expect(parse(text)).toEqual({ v: 'a\r\nb' });
  });

  test('GIVEN a multi-line string WHEN emitted THEN it is a literal block that reads back exactly', () => {
    const value = 'line one\nline two\n';
    expect(parse(toYaml({ v: value }))).toEqual({ v: value });
  });

  test.each([
    ['\ta\nb', 'v: "\\ta\\nb"\n'],
    ['\n\ta', 'v: "\\n\\ta"\n'],
    [' \n', 'v: "\\ \\n"\n'],
    ['+_1', 'v: "+_1"\n'],
    ['0_x1F', 'v: "0_x1F"\n'],
  ])('GIVEN %j, which Go misreads or cannot parse in the style yaml picks, WHEN emitted THEN it is double-quoted', (value, text) => {
    expect(toYaml({ v: value })).toBe(text);
    expect(parse(text)).toEqual({ v: value });
  });

  test('GIVEN a tab after the first line or a space-led block WHEN emitted THEN the literal block stays (Go reads it)', () => {
    expect(toYaml({ v: 'a\n\tb' })).toBe('v: |-\n  a\n  \tb\n');
    expect(toYaml({ v: ' a\nb' })).toBe('v: |2-\n   a\n  b\n');
  });

  test('GIVEN nested maps, sequences, empty collections and undefined WHEN emitted THEN the bytes equal yaml\'s Document output', () => {
    const obj = { a: [{ b: 1, c: ['x', ['z']], d: {} }, [], 'it\'s', 'say "hi"', 'a: b', 'x\ny\n'], e: { f: undefined, g: null, h: -0, i: 1e21, j: true }, k: { u: undefined } };
    expect(toYaml(obj)).toBe(new Document(obj).toString({ lineWidth: 0, indentSeq: true }));
  });

  test('GIVEN a key longer than YAML allows WHEN scanned THEN it is refused with its length', () => {
    const problems = findUnsafeStrings({ ['k'.repeat(1100)]: 'v' }, 'dev/hello/cm');
    expect(problems).toEqual([{ path: 'dev/hello/cm', field: 'k'.repeat(1100), message: 'key is 1100 characters long as written; YAML keys are limited to 1024', value: `${'k'.repeat(40)}...` }]);
  });

  test('GIVEN the same object twice WHEN emitted THEN the bytes are identical', () => {
    const obj = { b: 'no', a: ['0755', 'x'] };
    expect(toYaml(obj)).toBe(toYaml(JSON.parse(JSON.stringify(obj))));
  });
});

describe('unsafe characters', () => {
  test.each([
    ['\u0000', 'U+0000'], ['\u0007', 'U+0007'], ['\u001b', 'U+001B'], ['\u007f', 'U+007F'], ['\u0085', 'U+0085'],
    ['\u2028', 'U+2028'], ['\ufeff', 'U+FEFF'], ['\uffff', 'U+FFFF'], ['\ud800', 'U+D800'],
  ])('GIVEN %j THEN it is refused naming the code point', (ch, cp) => {
    expect(unsafeCharacter(`ab${ch}`)).toBe(`contains the character ${cp} at index 2, which Go's YAML parser (Argo CD, the API server) rejects or rewrites`);
  });

  test('GIVEN tabs, newlines, emoji and accents THEN they are allowed', () => {
    expect(unsafeCharacter('a\tb\nc\r\n é 🚀')).toBeUndefined();
  });

  test('GIVEN an object with a bad value and a bad key WHEN scanned THEN both are reported with field paths', () => {
    const problems = findUnsafeStrings({ spec: { env: [{ name: 'A', value: 'x\u0001' }] }, ['k\u0002']: 'v' }, 'dev/hello/web');
    expect(problems).toEqual([
      { path: 'dev/hello/web', field: 'spec.env[0].value', message: expect.stringContaining('U+0001'), value: 'x\u0001' },
      { path: 'dev/hello/web', field: 'k\u0002', message: expect.stringContaining('key contains the character U+0002'), value: 'k\u0002' },
    ]);
  });

  test.each([
    ['a clean object', { spec: { env: [{ name: 'A', value: 'x' }], list: [1, null, true, 'a\tb\n é 🚀'] } }, false],
    ['a bad value deep in an array', { spec: { env: [{ name: 'A', value: 'x\u0001' }] } }, true],
    ['a bad key', { ['k\u2028']: 'v' }, true],
    ['a key longer than YAML allows', { a: { ['k'.repeat(1100)]: 'v' } }, true],
    ['a long key within the limit', { ['k'.repeat(1000)]: 'v' }, false],
    ['a lone surrogate at the root', '\ud800', true],
  ])('GIVEN %s WHEN checked THEN hasUnsafeStrings says what findUnsafeStrings finds', (_, value, unsafe) => {
    expect(hasUnsafeStrings(value)).toBe(unsafe);
    expect(findUnsafeStrings(value, 'p').length > 0).toBe(unsafe);
  });
});
