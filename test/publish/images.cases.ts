import { imageChanges, imagesIn } from '../../src/publish/_images';
import { ParsedYaml } from '../../src/publish/_parsed-yaml';

describe('imagesIn', () => {
  test('finds image: values and a kustomization\'s images', () => {
    expect(imagesIn('spec:\n  containers:\n    - image: ghcr.io/acme/a:1\n---\nkind: Kustomization\nimages:\n  - name: ghcr.io/acme/b\n    newTag: "2"\n'))
      .toEqual(['ghcr.io/acme/a:1', 'ghcr.io/acme/b:2']);
  });

  test('a key spelled with escapes is still found (the text has no "image" in it)', () => {
    expect(imagesIn('spec:\n  "imag\\x65": ghcr.io/acme/a:1\n')).toEqual(['ghcr.io/acme/a:1']);
    expect(imagesIn('spec:\n  "\\u0069mage": ghcr.io/acme/a:2\n')).toEqual(['ghcr.io/acme/a:2']);
  });

  test('a text without the word and without escapes holds none', () => {
    expect(imagesIn('kind: Service\nspec:\n  ports: [80]\n')).toEqual([]);
  });
});

describe('ParsedYaml', () => {
  test('parses each text once, keeping its errors', () => {
    const parsed = new ParsedYaml();
    const docs = parsed.of('a: 1\n---\nb: [\n');
    expect(parsed.of('a: 1\n---\nb: [\n')).toBe(docs);
    expect(docs.map(d => d.error !== undefined)).toEqual([false, true]);
  });

  test('the image diff of a commit reuses the documents its YAML check parsed', () => {
    const parsed = new ParsedYaml();
    const after = 'spec:\n  image: ghcr.io/acme/a:2\n';
    const docs = parsed.of(after);
    const changes = imageChanges(new Map([['dev/a/d.yaml', 'spec:\n  image: ghcr.io/acme/a:1\n']]), new Map([['dev/a/d.yaml', after]]), ['dev/a/d.yaml'], parsed);
    expect(changes).toEqual([{ app: 'dev/a', repository: 'ghcr.io/acme/a', from: ['ghcr.io/acme/a:1'], to: ['ghcr.io/acme/a:2'] }]);
    expect(parsed.of(after)).toBe(docs);
  });
});
