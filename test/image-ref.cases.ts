import { ImageRef } from '../src/image-ref';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('ImageRef.parse', () => {
  test.each([
    ['ghcr.io/example/hello:1.0.0', 'ghcr.io/example/hello', '1.0.0', undefined],
    ['nginx:1.27', 'nginx', '1.27', undefined],
    ['registry:5000/app:v1', 'registry:5000/app', 'v1', undefined],
    ['localhost/team/app:dev', 'localhost/team/app', 'dev', undefined],
    [`ghcr.io/example/hello@${DIGEST}`, 'ghcr.io/example/hello', undefined, DIGEST],
    [`ghcr.io/example/hello:1.0@${DIGEST}`, 'ghcr.io/example/hello', '1.0', DIGEST],
    ['a/b__c/d-e.f:T_1.x-y', 'a/b__c/d-e.f', 'T_1.x-y', undefined],
  ])('GIVEN %s WHEN parsed THEN repository, tag and digest are split', (ref, repository, tag, digest) => {
    const image = ImageRef.parse(ref);
    expect(image.repository).toBe(repository);
    expect(image.tag).toBe(tag);
    expect(image.digest).toBe(digest);
    expect(image.toString()).toBe(ref);
  });

  test.each([
    ['', 'invalid image reference "": must not be empty'],
    ['Hello:latest', 'invalid image reference "Hello:latest": the repository path "Hello" must be lowercase'],
    ['repo:tag with space', 'invalid image reference "repo:tag with space": must not contain whitespace'],
    [`repo:${'t'.repeat(129)}`, 'the tag is 129 characters long (at most 128)'],
    ['repo:-bad', 'the tag "-bad" may only hold letters, digits, "_", "." and "-", and must not start with "." or "-"'],
    ['repo:', 'the tag after ":" is empty'],
    ['repo@sha256:abc', 'the digest "sha256:abc" must be "sha256:" followed by 64 lowercase hex characters'],
    ['registry:5000/app', 'invalid image reference "registry:5000/app": needs a tag or a digest (an unpinned image resolves to "latest")'],
    ['nginx', 'needs a tag or a digest'],
    ['a//b:1', 'the repository path component "" must be lowercase letters and digits'],
    ['bad_host!/x:1', 'the repository path component "bad_host!" must be lowercase letters and digits'],
  ])('GIVEN the bad reference %j WHEN parsed THEN the error names it', (ref, message) => {
    expect(() => ImageRef.parse(ref)).toThrow(message);
    expect(ImageRef.tryParse(ref)).toEqual(expect.stringContaining(message));
  });
});

describe('ImageRef.of', () => {
  test('GIVEN parts WHEN built THEN the reference is assembled and checked', () => {
    expect(ImageRef.of('ghcr.io/x/y', { tag: 'abc' }).toString()).toBe('ghcr.io/x/y:abc');
    expect(ImageRef.of('ghcr.io/x/y', { digest: DIGEST }).toString()).toBe(`ghcr.io/x/y@${DIGEST}`);
    expect(() => ImageRef.of('ghcr.io/x/y', { tag: 'a b' })).toThrow('invalid image reference "ghcr.io/x/y:a b": the tag "a b" may only hold');
  });

  test('GIVEN a reference WHEN re-pinned THEN withTag drops the digest and withDigest keeps the tag', () => {
    const image = ImageRef.parse(`ghcr.io/x/y:1@${DIGEST}`);
    expect(image.withTag('2').toString()).toBe('ghcr.io/x/y:2');
    expect(ImageRef.parse('ghcr.io/x/y:1').withDigest(DIGEST).toString()).toBe(`ghcr.io/x/y:1@${DIGEST}`);
    expect(image.equals(ImageRef.parse(`ghcr.io/x/y:1@${DIGEST}`))).toBe(true);
    expect(image.equals(ImageRef.parse('ghcr.io/x/y:1'))).toBe(false);
  });
});
