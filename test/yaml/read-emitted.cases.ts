import { parse, parseAllDocuments } from 'yaml';
import { exampleApp } from '../../src/main';
import { renderFiles } from '../../src/testing';
import { readEmittedYaml, toYaml } from '../../src/yaml';
import { seededRandom } from '../support/random';

/**
 * readEmittedYaml must return exactly what `yaml` (YAML 1.2 core) returns, or
 * nothing: every text below is also parsed by `yaml`, and a text `yaml`
 * reports an error for must never be read.
 */

/** What `yaml` makes of `text`: one document's value, or undefined when it has errors or is not one document. */
function yamlReads(text: string): { value: unknown } | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length !== 1 || docs[0].errors.length) return undefined;
  return { value: docs[0].toJS() };
}

/** Checks the reader against `yaml` on one text; returns whether the reader read it. */
function agrees(text: string): boolean {
  const ours = readEmittedYaml(text);
  if (!ours) return false;
  const theirs = yamlReads(text);
  if (!theirs) throw new Error(`read a text yaml refuses: ${JSON.stringify(text)}`);
  try {
    expect(ours.value).toStrictEqual(theirs.value);
  } catch (e) {
    throw new Error(`${JSON.stringify(text)}: ${(e as Error).message}`);
  }
  return true;
}


const ATOMS = ['a', 'b', 'x', '0', '1', '9', '.', '-', '+', '_', ':', ' ', '/', '#', '"', '\'', '\\', 'e', 'E', 'x', 'o', 'n', 'u', 'l', 't', 'r',
  'true', 'null', 'Null', '~', '.inf', '.NaN', '0x', '0o', '[', ']', '{', '}', '&', '*', '!', '|', '>', '%', '@', '`', '?', ',', '=', '<<', 'é', '\t', '\n', '\r'];

function randomString(rand: (n: number) => number): string {
  let s = '';
  const len = rand(6);
  for (let i = 0; i < len; i++) s += ATOMS[rand(ATOMS.length)];
  return s;
}

function randomValue(rand: (n: number) => number, depth: number): unknown {
  const pick = rand(depth > 3 ? 6 : 9);
  switch (pick) {
    case 0: return randomString(rand);
    case 1: return randomString(rand) + randomString(rand);
    case 2: return [0, 1, -1, 8080, 0.5, -2.25, 1e21, 123456789012345, 2 ** 60, -0][rand(10)];
    case 3: return rand(2) === 0;
    case 4: return null;
    case 5: return rand(2) ? [] : {};
    case 6: case 7: {
      const o: Record<string, unknown> = {};
      const n = 1 + rand(4);
      for (let i = 0; i < n; i++) o[randomString(rand) || `k${i}`] = randomValue(rand, depth + 1);
      return o;
    }
    default: return Array.from({ length: 1 + rand(3) }, () => randomValue(rand, depth + 1));
  }
}

describe('readEmittedYaml', () => {
  test('GIVEN every file the example app renders WHEN read THEN each is in the subset and reads as yaml reads it', () => {
    // GIVEN
    const files = renderFiles(exampleApp());
    // WHEN / THEN
    const outside = Object.entries(files).filter(([, text]) => !agrees(text)).map(([p]) => p);
    expect(Object.keys(files).length).toBeGreaterThan(20);
    expect(outside).toEqual([]);
  });

  test('GIVEN scalars of every resolved type WHEN read THEN the values are those of YAML 1.2 core', () => {
    const text = 'a: 1\nb: -0\nc: +7\nd: 007\ne: 1.5\nf: .5\ng: 1e3\nh: -2.5E-2\ni: true\nj: FALSE\nk: ~\nl: Null\nm: "x\\ty"\nn: \'it\'\'s\'\n'
      + 'o: []\np: {}\nq: 2.0.0\nr: 0x1Fz\ns: yes\nt: ghcr.io/a/b:1.0\nu: a b  c\n';
    expect(readEmittedYaml(text)).toEqual({ value: parse(text) });
    expect(readEmittedYaml(text)!.value).toMatchObject({ b: -0, d: 7, g: 1000, l: null, m: 'x\ty', n: 'it\'s', q: '2.0.0', s: 'yes' });
  });

  test.each([
    ['a comment', 'a: 1 # one\n'], ['a comment line', '# c\na: 1\n'], ['an anchor and alias', 'a: &x 1\nb: *x\n'], ['a tag', 'a: !!str 1\n'],
    ['a flow mapping', 'a: {b: 1}\n'], ['a flow sequence', 'a: [1]\n'], ['a block scalar', 'a: |\n  x\n'], ['a blank line', 'a: 1\n\nb: 2\n'],
    ['a tab', 'a:\t1\n'], ['a carriage return', 'a: 1\r\n'], ['non-ASCII', 'a: é\n'], ['a BOM', '\ufeffa: 1\n'], ['a duplicate key', 'a: 1\na: 2\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'], ['a document marker', '---\na: 1\n'], ['hexadecimal', 'a: 0x1F\n'], ['octal', 'a: 0o17\n'], ['.inf', 'a: .inf\n'],
    ['a 16-digit integer', 'a: 1234567890123456\n'], ['a non-string key', '1: a\n'], ['__proto__', '__proto__: a\n'], ['a sequence at its key\'s indent', 'a:\n- 1\n'],
    ['a null value', 'a:\nb: 1\n'], ['a nested sequence item', '- - 1\n'], ['a top-level scalar', 'a\n'], ['a multi-line plain scalar', 'a: b\n  c\n'],
    ['a surrogate escape', 'a: "\\ud83d\\ude80"\n'], ['a YAML-only escape', 'a: "\\x41"\n'], ['a trailing space', 'a: b \n'], ['two spaces after the colon', 'a:  b\n'],
    ['a key with a space', 'a b: 1\n'], ['odd indentation', 'a:\n    b: 1\n  c: 2\n'],
  ])('GIVEN %s WHEN read THEN it is left to yaml', (_what, text) => {
    expect(readEmittedYaml(text)).toBeUndefined();
  });

  test('GIVEN 4,000 random values WHEN emitted by toYaml and read THEN every text read reads as yaml reads it, and most are read', () => {
    const rand = seededRandom(7);
    let read = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const value = { apiVersion: 'v1', kind: 'ConfigMap', data: randomValue(rand, 0) };
      const text = toYaml(value);
      if (agrees(text)) read++;
    }
    // The reader must matter: most emitted texts are in the subset.
    expect(read).toBeGreaterThan(n / 2);
  });

  test('GIVEN 20,000 random edits of emitted texts WHEN read THEN the reader reads only what yaml reads, and reads it the same', () => {
    const rand = seededRandom(11);
    const seeds = Object.values(renderFiles(exampleApp())).slice(0, 12);
    const edits = ['', ' ', '  ', '-', '- ', ':', ': ', '"', '\'', '#', '\n', '\n  ', 'a', '0', '.5', 'true', '[]', '{}', '~', '\\', 'x: 1\n', '- a\n'];
    let read = 0;
    for (let i = 0; i < 20000; i++) {
      let text = seeds[rand(seeds.length)];
      for (let k = 0, m = 1 + rand(3); k < m; k++) {
        const at = rand(text.length + 1);
        const cut = rand(3);
        text = text.slice(0, at) + edits[rand(edits.length)] + text.slice(at + cut);
      }
      if (agrees(text)) read++;
    }
    expect(read).toBeGreaterThan(1000);
  });
});
