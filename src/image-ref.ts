/**
 * A container image reference, checked against the OCI distribution
 * reference grammar (github.com/distribution/reference):
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [domain "/"] path-component ["/" path-component]*
 *
 * `registry:5000/app` is a repository with a port, not a tag.
 */

import { ValidationError } from './errors';

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const MAX_NAME_LENGTH = 255;


/** Options of `ImageRef.of`. */
export interface ImageRefOptions {
  /**
   * The tag, e.g. a full commit SHA.
   *
   * @default - no tag; a digest is then required
   */
  readonly tag?: string;
  /**
   * The content digest, `sha256:<64 hex>`.
   *
   * @default - no digest; a tag is then required
   */
  readonly digest?: string;
}

/** A pinned image: repository plus tag and/or digest. Never `latest`-by-default. */
export class ImageRef {
  /**
   * Parses `repository[:tag][@digest]`. Throws a `ValidationError` (bad
   * input: exit 2) whose message names the value and the rule it breaks.
   */
  public static parse(reference: string): ImageRef {
    const result = ImageRef.tryParse(reference);
    if (typeof result === 'string') throw new ValidationError(result);
    return result;
  }

  /** Builds a reference from its parts, with the same checks as `parse`. */
  public static of(repository: string, options: ImageRefOptions): ImageRef {
    let ref = repository;
    if (options.tag !== undefined) ref += `:${options.tag}`;
    if (options.digest !== undefined) ref += `@${options.digest}`;
    const problem = checkRepository(repository)
      ?? (options.tag !== undefined ? checkTag(options.tag) : undefined)
      ?? (options.digest !== undefined ? checkDigest(options.digest) : undefined);
    if (problem) throw new ValidationError(`invalid image reference ${JSON.stringify(ref)}: ${problem}`);
    return ImageRef.parse(ref);
  }

  /** Like `parse`, but returns the error message instead of throwing. */
  public static tryParse(reference: string): ImageRef | string {
    const fail = (why: string) => `invalid image reference ${JSON.stringify(reference)}: ${why}`;
    if (typeof reference !== 'string' || reference.length === 0) return fail('must not be empty');
    if (/\s/.test(reference)) return fail('must not contain whitespace');
    let rest = reference;
    let digest: string | undefined;
    const at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.slice(at + 1);
      rest = rest.slice(0, at);
      const why = checkDigest(digest);
      if (why) return fail(why);
    }
    let tag: string | undefined;
    const lastSlash = rest.lastIndexOf('/');
    const colon = rest.indexOf(':', lastSlash + 1);
    if (colon >= 0) {
      tag = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
      const why = checkTag(tag);
      if (why) return fail(why);
    }
    const why = checkRepository(rest);
    if (why) return fail(why);
    if (tag === undefined && digest === undefined) {
      return fail('needs a tag or a digest (an unpinned image resolves to "latest")');
    }
    return new ImageRef(rest, tag, digest);
  }

  private constructor(
    /** Repository, including the registry host if any (`ghcr.io/example/hello`). */
    public readonly repository: string,
    /** Tag, if any. */
    public readonly tag: string | undefined,
    /** Digest (`sha256:…`), if any. */
    public readonly digest: string | undefined,
  ) {}

  /** The same repository at another tag (the digest is dropped). */
  public withTag(tag: string): ImageRef {
    return ImageRef.of(this.repository, { tag });
  }

  /** The same repository at a digest (the tag is kept, as `repo:tag@digest`). */
  public withDigest(digest: string): ImageRef {
    return ImageRef.of(this.repository, { tag: this.tag, digest });
  }

  /** True if both name the same repository, tag and digest. */
  public equals(other: ImageRef): boolean {
    return this.repository === other.repository && this.tag === other.tag && this.digest === other.digest;
  }

  /** `repository[:tag][@digest]`. */
  public toString(): string {
    return `${this.repository}${this.tag !== undefined ? `:${this.tag}` : ''}${this.digest !== undefined ? `@${this.digest}` : ''}`;
  }
}

function checkTag(tag: string): string | undefined {
  if (tag.length === 0) return 'the tag after ":" is empty';
  if (tag.length > 128) return `the tag is ${tag.length} characters long (at most 128)`;
  if (!TAG.test(tag)) return `the tag ${JSON.stringify(tag)} may only hold letters, digits, "_", "." and "-", and must not start with "." or "-"`;
  return undefined;
}

function checkDigest(digest: string): string | undefined {
  if (!DIGEST.test(digest)) return `the digest ${JSON.stringify(digest)} must be "sha256:" followed by 64 lowercase hex characters`;
  return undefined;
}

function checkRepository(name: string): string | undefined {
  if (name.length === 0) return 'the repository is empty';
  if (name.length > MAX_NAME_LENGTH) return `the repository is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`;
  const parts = name.split('/');
  // The first part is a registry host when it has a '.' or ':' or is localhost.
  const first = parts[0];
  const hasDomain = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain) {
    if (!DOMAIN.test(first)) return `the registry host ${JSON.stringify(first)} is not a valid host[:port]`;
    parts.shift();
  }
  for (const part of parts) {
    if (part !== part.toLowerCase()) return `the repository path ${JSON.stringify(part)} must be lowercase`;
    if (!PATH_COMPONENT.test(part)) {
      return `the repository path component ${JSON.stringify(part)} must be lowercase letters and digits, separated by ".", "_", "__" or "-"`;
    }
  }
  return undefined;
}
