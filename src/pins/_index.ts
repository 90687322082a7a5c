import { ImageRef } from '../image-ref';

/**
 * What a parse of the pins file yields: every pin with the byte offsets an
 * edit needs, so edits are splices of the original text (comments, quoting
 * and layout stay) and never a re-emit of the whole document.
 */

/** How a scalar was written. */
export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

/** One image reference in the file. */
export interface PinNode {
  /** The reference as written (without quotes). */
  readonly value: string;
  /** The reference, parsed. */
  readonly ref: ImageRef;
  /** Offset of the scalar's first character (the quote, if quoted). */
  readonly start: number;
  /** Offset just past the scalar. */
  readonly end: number;
  readonly style: ScalarStyle;
  /** 1-based line. */
  readonly line: number;
}

/**
 * A pin whose value is already known to be a valid reference: it is parsed
 * into an `ImageRef` only when asked for (a 20,000-app file is read without
 * building 40,000 of them).
 */
export class LazyPin implements PinNode {
  private parsed?: ImageRef;
  constructor(
    public readonly value: string,
    public readonly start: number,
    public readonly end: number,
    public readonly style: ScalarStyle,
    public readonly line: number,
  ) {}

  public get ref(): ImageRef {
    this.parsed ??= ImageRef.parse(this.value);
    return this.parsed;
  }
}

/** One environment of an app: a single reference, or named images. */
export interface EnvNode {
  readonly line: number;
  /** Offset just past the `:` of the key (where a replaced value starts). */
  readonly afterColon: number;
  /** Offset of the end of the environment's last line (its `\n`, or the text's length). */
  readonly end: number;
  /** True when the environment's value is a flow collection (`{…}`), or inside one. */
  readonly flow: boolean;
  /** The single form: one reference for every image of the app. */
  readonly single?: PinNode;
  /** The multi form: image name -> reference, in file order. */
  readonly images?: ReadonlyMap<string, PinNode>;
  /** Indentation of the image names (multi form, block style). */
  readonly childIndent?: number;
}

/** One app: its environments. */
export interface AppNode {
  readonly line: number;
  readonly keyStart: number;
  /** Offset of the end of the app's last line. */
  readonly end: number;
  readonly flow: boolean;
  /** Indentation of the environment names (block style). */
  readonly childIndent: number;
  readonly envs: ReadonlyMap<string, EnvNode>;
}

/** The whole file. */
export interface PinsIndex {
  readonly apps: ReadonlyMap<string, AppNode>;
  /** The root mapping is a flow collection. */
  readonly flow: boolean;
}

/**
 * App, environment and image names: DNS-1123 labels, because they become
 * directory names in the rendered tree and parts of Kubernetes object names.
 */
const NAME = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME_LENGTH = 63;

/** Why `name` is not a valid app, environment or image name, or `undefined`. */
export function nameProblem(name: string): string | undefined {
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters`;
  if (!NAME.test(name)) return 'must be lowercase letters, digits and "-", starting and ending with a letter or digit';
  return undefined;
}
