import { ImageRef } from '../../src/image-ref';
import { indexFromDocument } from '../../src/pins/_document';
import { PinsIndex } from '../../src/pins/_index';
import { COMMON_REFERENCE, scanPins } from '../../src/pins/_scan';
import { MAX_PINS_FILE_BYTES } from '../../src/pins/image-pins';

/** A small seeded PRNG (Park-Miller), so every run checks the same files. */
function prng(seed: number): () => number {
  let a = seed % 2147483647;
  return () => {
    a = (a * 48271) % 2147483647;
    return a / 2147483647;
  };
}

/** The index as plain data: everything an edit relies on. */
function plain(index: PinsIndex): unknown {
  return [...index.apps].map(([app, a]) => ({
    app,
    line: a.line,
    keyStart: a.keyStart,
    end: a.end,
    childIndent: a.childIndent,
    flow: a.flow,
    envs: [...a.envs].map(([env, e]) => ({
      env,
      line: e.line,
      afterColon: e.afterColon,
      end: e.end,
      flow: e.flow,
      childIndent: e.childIndent,
      single: e.single && { ...e.single, ref: e.single.ref.toString() },
      images: e.images && [...e.images].map(([name, p]) => ({ name, ...p, ref: p.ref.toString() })),
    })),
  }));
}

const SHA = '5d41402abc4b2a76b9719d911017c592ae8f1b23';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const COMMENTS = ['', '  # c', ' # c: x', '   #', ' #"\'{['];
const GOOD_VALUES = [
  `ghcr.io/x/app:${SHA}`, `"ghcr.io/x/app:${SHA}"`, `'r.io/a@${DIGEST}'`, `r.io/a:1.0@${DIGEST}`,
  'localhost:5000/a:v1', '"12:30"', '12:30', 'a:b',
];
const ODD_VALUES = [
  'ghcr.io/x/app', 'r.io/a:latest', '"r\\u002fa:1"', "'it''s:1'", '[r/a:1]', '{a: r/a:1}', '&a r/a:1', '*a', '!!str r/a:1',
  '|\n    r/a:1', 'r/a: 1', 'r/a:1:', '"r/a:1"#c', '"r/a:1', '~', 'null', '- r/a:1', 'r/a:1\n      continued', '"r/a:1" x', 'r.io/a:t#x',
];
const GOOD_KEYS = ['hello', 'a', 'web-1', 'x9', 'dev', 'prod', 'nightly'];
const ODD_KEYS = ['1', 'null', 'true', 'y', 'on', 'Hello', '"hello"', 'a b', '-a', 'x'.repeat(64), '0x1f', '? a'];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

/** The next of `list` not used yet (keys of one mapping are unique unless a test wants otherwise). */
function fresh(rnd: () => number, list: readonly string[], used: Set<string>): string {
  const left = list.filter(x => !used.has(x));
  const name = left.length > 0 ? pick(rnd, left) : `${pick(rnd, list)}${used.size}`;
  used.add(name);
  return name;
}

/** A pins file; `odd` is the chance of each line going outside the plain subset or being invalid. */
function generate(rnd: () => number, odd: number): string {
  const lines: string[] = [];
  const maybe = (good: string, bad: () => string) => (rnd() < odd ? bad() : good);
  const step = pick(rnd, [2, 2, 4]);
  const sub = pick(rnd, [2, 2, 3]);
  const apps = 1 + Math.floor(rnd() * 4);
  if (rnd() < odd) lines.push(pick(rnd, ['---', '%YAML 1.2\n---', '\t', 'x: &a', '  # indented comment first']));
  for (let i = 0; i < apps; i++) {
    if (rnd() < 0.3) lines.push(pick(rnd, ['', '# comment', '   ', '  # indented']));
    const app = maybe(`${pick(rnd, GOOD_KEYS)}${i}`, () => pick(rnd, [...ODD_KEYS, `${GOOD_KEYS[0]}0`]));
    lines.push(`${maybe('', () => pick(rnd, [' ', '  ']))}${app}:${pick(rnd, COMMENTS)}${maybe('', () => pick(rnd, [' x', ' {}', '\r']))}`);
    const envs = rnd() < odd / 2 ? 0 : 1 + Math.floor(rnd() * 3);
    const envNames = new Set<string>();
    for (let j = 0; j < envs; j++) {
      if (rnd() < 0.2) lines.push(pick(rnd, ['', `${' '.repeat(step)}# about env`, '#', '     # deep']));
      const env = maybe(fresh(rnd, ['dev', 'prod', 'qa', 'staging'], envNames), () => pick(rnd, [...ODD_KEYS, 'dev']));
      const indent = maybe(' '.repeat(step), () => ' '.repeat(pick(rnd, [1, step + 1, step - 1])));
      if (rnd() < 0.4) {
        lines.push(`${indent}${env}:${pick(rnd, COMMENTS)}`);
        const images = rnd() < odd / 2 ? 0 : 1 + Math.floor(rnd() * 3);
        const imageNames = new Set<string>();
        for (let k = 0; k < images; k++) {
          const image = maybe(fresh(rnd, GOOD_KEYS, imageNames), () => pick(rnd, [...ODD_KEYS, 'hello']));
          const inner = maybe(' '.repeat(step + sub), () => ' '.repeat(pick(rnd, [step, step + sub + 1, 0])));
          const value = maybe(pick(rnd, GOOD_VALUES), () => pick(rnd, ODD_VALUES));
          lines.push(`${inner}${image}: ${value}${pick(rnd, COMMENTS)}${maybe('', () => pick(rnd, ['\t', ' ', '\t# t']))}`);
        }
      } else {
        const value = maybe(pick(rnd, GOOD_VALUES), () => pick(rnd, ODD_VALUES));
        lines.push(`${indent}${env}:${maybe(' ', () => pick(rnd, ['', '  ', '\t']))}${value}${pick(rnd, COMMENTS)}`);
      }
    }
  }
  const text = lines.join('\n');
  return rnd() < 0.8 ? `${text}\n` : text;
}

describe('the fast line scanner agrees with the YAML library', () => {
  test('GIVEN 1,000 generated files WHEN the scanner accepts one THEN the YAML path reads exactly the same pins at the same offsets', () => {
    const rnd = prng(20261202);
    let accepted = 0;
    let acceptedOdd = 0;
    for (let n = 0; n < 1000; n++) {
      const odd = n % 3 === 0 ? 0 : 0.08;
      const text = generate(rnd, odd);
      const fast = scanPins(text);
      const slow = indexFromDocument(text, 'images.yaml', MAX_PINS_FILE_BYTES);
      if (odd === 0 && fast === undefined) throw new Error(`the scanner refused a plain file:\n${text}`);
      if (fast === undefined) continue;
      accepted++;
      if (odd > 0) acceptedOdd++;
      if (slow.index === undefined) {
        throw new Error(`the scanner accepted a file the YAML path refuses (${slow.problems.map(p => p.message).join('; ')}):\n${text}`);
      }
      expect(plain(fast)).toEqual(plain(slow.index));
    }
    // Both kinds were really exercised.
    expect(accepted).toBeGreaterThan(400);
    expect(acceptedOdd).toBeGreaterThan(60);
  });

  test.each([
    ['a flow mapping', 'a:\n  dev: {web: r/a:1}\n'],
    ['an anchor', 'a:\n  dev: &x r/a:1\n'],
    ['a tab', 'a:\n  dev:\tr/a:1\n'],
    ['CRLF', 'a:\r\n  dev: r/a:1\r\n'],
    ['an escape', 'a:\n  dev: "r\\x2fa:1"\n'],
    ['a continuation line', 'a:\n  dev: r/a:1\n    b\n'],
    ['a duplicate', 'a:\n  dev: r/a:1\n  dev: r/a:2\n'],
    ['an invalid reference', 'a:\n  dev: r/a\n'],
    ['a key YAML reads as a number', '1:\n  dev: r/a:1\n'],
    ['an app without environments', 'a:\nb:\n  dev: r/a:1\n'],
    ['an indented root', ' a:\n   dev: r/a:1\n'],
  ])('GIVEN %s THEN the scanner leaves the file to the YAML path', (_name, text) => {
    expect(scanPins(text)).toBeUndefined();
  });
});

describe('the scanner\'s reference check agrees with ImageRef', () => {
  test('GIVEN 20,000 generated references WHEN the quick check accepts one THEN ImageRef parses it and writes it back identically', () => {
    const rnd = prng(4242);
    const parts = ['ghcr.io', 'localhost', 'localhost:5000', 'r.io:443', 'a_b.c', 'Reg.io', '127.0.0.1:5000', 'a', 'b-c', 'd__e', 'f.g', 'h_i', 'x--y', 'UP', '-a', 'a-', '.', ''];
    const tags = ['', ':v1', ':1.0.0', ':_x', ':.x', ':-x', ':A_b-c.d', `:${'t'.repeat(128)}`, `:${'t'.repeat(129)}`, ':', ':a b'];
    const digests = ['', `@sha256:${'a'.repeat(64)}`, `@sha256:${'A'.repeat(64)}`, '@sha256:abc', `@sha512:${'a'.repeat(128)}`];
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      const count = 1 + Math.floor(rnd() * 4);
      const name = Array.from({ length: count }, () => pick(rnd, parts)).join('/');
      const value = `${name}${pick(rnd, tags)}${pick(rnd, digests)}`;
      if (!COMMON_REFERENCE.test(value)) continue;
      accepted++;
      const ref = ImageRef.tryParse(value);
      if (typeof ref === 'string') throw new Error(`the quick check accepted ${JSON.stringify(value)}, which ImageRef refuses: ${ref}`);
      expect(ref.toString()).toBe(value);
    }
    expect(accepted).toBeGreaterThan(1000);
  });
});
