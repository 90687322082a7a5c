import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from '../../src/errors';
import { YamlLimitError, checkYamlSize, parseYamlDocuments, parseYamlSafe, readYamlText, toJsSafe } from '../../src/yaml';
import { tmpDir } from '../support/tools';

/** `levels` levels of `width` aliases each: width^levels nodes once expanded. */
function aliasBomb(levels: number, width: number): string {
  const lines = [`a0: &a0 [${Array(width).fill('x').join(', ')}]`];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

describe('parseYamlDocuments', () => {
  test('GIVEN a billion-laughs alias bomb WHEN parsed THEN YamlLimitError names the source and document', () => {
    expect(() => parseYamlDocuments(`a: 1\n---\n${aliasBomb(9, 10)}`, 'in.yaml'))
      .toThrow(new ValidationError([{ path: 'in.yaml', field: 'document 2', message: 'its aliases expand to 1234567880 nodes, more than the 10000 allowed: an alias bomb? Write the repeated values out', value: 1234567880 }]).message);
    expect(() => parseYamlDocuments(aliasBomb(9, 10), 'in.yaml')).toThrow(YamlLimitError);
  });

  test('GIVEN an alias inside its own anchor WHEN parsed THEN it is refused as expanding without end', () => {
    expect(() => parseYamlDocuments('a: &a [1, *a]\n', 'in.yaml')).toThrow("[in.yaml] 'document 1' its aliases expand to nodes without end (an alias inside its own anchor), more than the 10000 allowed");
  });

  test('GIVEN ordinary anchors and aliases WHEN parsed THEN the values follow the aliases', () => {
    const [doc] = parseYamlDocuments('base: &b {x: 1}\nuse: [*b, *b]\n', 'in.yaml');
    expect(toJsSafe(doc)).toEqual({ base: { x: 1 }, use: [{ x: 1 }, { x: 1 }] });
  });

  test('GIVEN many small aliases within the document\'s own size WHEN parsed THEN they are accepted (no count heuristic)', () => {
    const text = `base: &b v\nlist: [${Array(500).fill('*b').join(', ')}]\n`;
    expect((toJsSafe(parseYamlDocuments(text, 'in.yaml')[0]) as { list: string[] }).list).toHaveLength(500);
  });

  test('GIVEN an explicit alias limit WHEN exceeded THEN the message names it', () => {
    expect(() => parseYamlDocuments('a: &a [1, 2, 3]\nb: *a\n', 'in.yaml', { maxAliasNodes: 3 }))
      .toThrow("[in.yaml] 'document 1' its aliases expand to 4 nodes, more than the 3 allowed");
  });

  test('GIVEN nesting deeper than the limit WHEN parsed THEN it is refused with the depth', () => {
    const deep = `${'['.repeat(30)}${']'.repeat(30)}\n`;
    expect(() => parseYamlDocuments(deep, 'in.yaml', { maxDepth: 20 })).toThrow("[in.yaml] 'document 1' nests collections more than 20 deep");
  });

  test('GIVEN a syntax error or a duplicate key WHEN parsed THEN it stays in the document errors', () => {
    const [doc] = parseYamlDocuments('a: 1\na: 2\n', 'in.yaml');
    expect(doc.errors.map(e => e.code)).toEqual(['DUPLICATE_KEY']);
  });
});

describe('size limits', () => {
  test('GIVEN text over maxBytes WHEN checked THEN YamlLimitError names the source and sizes', () => {
    expect(() => checkYamlSize('x'.repeat(2 * 1024 * 1024), 'big.yaml', { maxBytes: 1024 * 1024 }))
      .toThrow('[big.yaml] is 2.0 MiB, more than the 1.0 MiB a YAML input may be (got 2097152)');
    expect(() => checkYamlSize('x'.repeat(1024), 'small.yaml', { maxBytes: 1024 })).not.toThrow();
  });

  test('GIVEN a file over maxBytes WHEN read THEN it is refused before reading; missing files and folders are named', () => {
    const { dir, cleanup } = tmpDir('yaml-render-');
    try {
      fs.writeFileSync(path.join(dir, 'big.yaml'), 'x'.repeat(3000));
      expect(() => readYamlText(path.join(dir, 'big.yaml'), { maxBytes: 1024 })).toThrow(`[${path.join(dir, 'big.yaml')}] is 0.0 MiB, more than the 0.0 MiB a YAML input may be (got 3000)`);
      expect(readYamlText(path.join(dir, 'big.yaml'))).toHaveLength(3000);
      expect(() => readYamlText(path.join(dir, 'nope.yaml'))).toThrow(`[${path.join(dir, 'nope.yaml')}] does not exist`);
      expect(() => readYamlText(dir)).toThrow(`[${dir}] is a directory, not a YAML file`);
    } finally {
      cleanup();
    }
  });
});

describe('parseYamlSafe', () => {
  test('GIVEN one valid document WHEN parsed THEN its value', () => {
    expect(parseYamlSafe('a: [1, two]\n', 'in.yaml')).toEqual({ a: [1, 'two'] });
  });

  test('GIVEN invalid YAML WHEN parsed THEN a ValidationError names file, line and column', () => {
    expect(() => parseYamlSafe('a: 1\nb: [\n', 'in.yaml')).toThrow(/^\[in\.yaml:3:1\] is not valid YAML: /);
  });

  test('GIVEN two documents WHEN parsed THEN it is refused', () => {
    expect(() => parseYamlSafe('a: 1\n---\nb: 2\n', 'in.yaml')).toThrow('[in.yaml] holds 2 YAML documents; one is expected');
  });
});
