import { goPlainType, isAmbiguousPlainScalar } from '../../src/yaml';

// The oracle test (go-oracle.test.ts) checks this model against the real Go
// parser on thousands of strings; these cases document the rules.
describe('goPlainType (gopkg.in/yaml.v2 resolve.go)', () => {
  test.each([
    ['1_0', 'int'], ['+_1', 'int'], ['0_x1F', 'int'], ['0X1F', 'int'], ['0o17', 'int'], ['0B1', 'int'], ['0777', 'int'], ['-0b101', 'int'],
    ['18446744073709551615', 'int'], ['18446744073709551616', 'float'], ['08', 'float'], ['1.', 'float'], ['1e3', 'float'], ['.5_5', 'float'], ['+.inf', 'float'], ['.NaN', 'float'],
    ['0xFFFFFFFFFFFFFFFFF', 'str'], ['1e400', 'str'], ['._5', 'str'], ['0x', 'str'], ['-', 'str'], ['1:20', 'str'], ['.inF', 'str'],
    ['yes', 'bool'], ['Off', 'bool'], ['y', 'bool'], ['yEs', 'str'], ['~', 'null'], ['', 'null'], ['<<', 'merge'],
    ['2024-01-01', 'timestamp'], ['2024-1-1', 'timestamp'], ['2023-02-29', 'str'], ['2001-12-14t21:59:43.10-05:00', 'timestamp'], ['2001-12-14 21:59:43.10', 'timestamp'], ['2001-12-14T24:00:00Z', 'str'],
  ])('GIVEN %j THEN Go resolves it as %s', (s, type) => {
    expect(goPlainType(s)).toBe(type);
  });
});

describe('isAmbiguousPlainScalar', () => {
  test.each(['+_1', '0_x1F', '08', '1e400', 'yes', '0o17', '1e3', '2023-02-29', '1:20', '=', ''])('GIVEN %j THEN it must be quoted', s => {
    expect(isAmbiguousPlainScalar(s)).toBe(true);
  });
  test.each(['0x', '._x', 'yEs', 'v1.2.3', '1.2.3', '0o', 'hello', '-a'])('GIVEN %j THEN every reader keeps it a string', s => {
    expect(isAmbiguousPlainScalar(s)).toBe(false);
  });
});
