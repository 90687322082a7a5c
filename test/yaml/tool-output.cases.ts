import { goPlainValue, readToolOutput } from '../../src/yaml';

describe('readToolOutput (kubectl\'s output, read as Go reads it)', () => {
  test('GIVEN plain scalars kubectl leaves unquoted WHEN read THEN each is what Go makes of it, not what YAML 1.2 does', () => {
    const [doc] = readToolOutput('a: 1e309\nb: 0x1FFFFFFFFFFFFFFFF\nc: 0o17\nd: 017\ne: yes\nf: Off\ng: ~\nh: 2024-01-01\ni: 1.5\nj: -0b101\nk: .inf\nl:\nm: x y\n');
    expect(doc).toEqual({ a: '1e309', b: '0x1FFFFFFFFFFFFFFFF', c: 15, d: 15, e: true, f: false, g: null, h: '2024-01-01', i: 1.5, j: -5, k: Infinity, l: null, m: 'x y' });
  });

  test('GIVEN quoted scalars and keys WHEN read THEN they stay strings', () => {
    expect(readToolOutput('"1": "2"\n\'yes\': \'~\'\nlist: ["3", 4]\n')).toEqual([{ 1: '2', yes: '~', list: ['3', 4] }]);
  });

  test('GIVEN several documents, one empty WHEN read THEN one value each, the empty one null', () => {
    expect(readToolOutput('a: 1\n---\n---\nb: 2\n')).toEqual([{ a: 1 }, null, { b: 2 }]);
  });

  test('GIVEN text that is not YAML WHEN read THEN it throws, naming the problem', () => {
    expect(() => readToolOutput('a: [1\n')).toThrow(/unexpected end of the stream|flow collection/);
  });

  test('goPlainValue: a number Go reads past 2^53 is the nearest double, as JSON gives it', () => {
    expect(goPlainValue('18446744073709551615')).toBe(18446744073709551615);
    expect(goPlainValue('-9223372036854775808')).toBe(-9223372036854775808);
    expect(goPlainValue('1_000')).toBe(1000);
  });
});
