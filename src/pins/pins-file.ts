import { writeFileAtomic } from './atomic-write';
import { DEFAULT_PINS_FILE } from './defaults';
import { ImagePins } from './image-pins';
import { PinChange, PinEditOptions, PinUpdate, PromoteOptions } from './pin-edits';
import { ValidationError } from '../errors';
import { ImageRef } from '../image-ref';

export { DEFAULT_PINS_FILE };
export type { PinUpdate };

/** What an edit of the pins file did. */
export interface PinsFileEdit {
  /** The pins file. */
  readonly file: string;
  /** One entry per requested pin, in request order. */
  readonly changes: readonly PinChange[];
  /** True if the file was rewritten (some pin changed). */
  readonly written: boolean;
}

/**
 * Parses `<app>[/<image>]=<repository>[:tag][@digest]` (the `set-image`
 * argument form; `<image>` names one image of an app with several).
 * Throws `ValidationError` naming the argument.
 */
export function parsePinArgument(arg: string, env: string): PinUpdate {
  const eq = arg.indexOf('=');
  if (eq <= 0) {
    throw new ValidationError([{ path: arg, message: 'expected <app>[/<image>]=<repository>[:tag][@sha256:<digest>]' }]);
  }
  const [app, image, ...rest] = arg.slice(0, eq).split('/');
  if (rest.length > 0 || image === '') {
    throw new ValidationError([{ path: arg, message: 'expected <app>=… or <app>/<image>=… before "="' }]);
  }
  const ref = ImageRef.tryParse(arg.slice(eq + 1));
  if (typeof ref === 'string') throw new ValidationError([{ path: arg, message: ref }]);
  return image === undefined ? { app, env, ref } : { app, env, ref, image };
}

/**
 * Sets pins in `file`, all or nothing: every update is checked first, then
 * the file is rewritten once, atomically, keeping comments and layout. When
 * every pin already has its value the file is not touched.
 */
export function setImagesInFile(file: string, updates: readonly PinUpdate[], options: PinEditOptions = {}): PinsFileEdit {
  const { pins, changes } = ImagePins.load(file).withImages(updates, options);
  return write(file, pins, changes);
}

/**
 * Copies the pins of environment `from` to `to` in `file` (see
 * `ImagePins.promote`), rewriting it once, atomically, if anything changed.
 */
export function promoteInFile(file: string, from: string, to: string, options: PromoteOptions = {}): PinsFileEdit {
  const { pins, changes } = ImagePins.load(file).promote(from, to, options);
  return write(file, pins, changes);
}

function write(file: string, pins: ImagePins, changes: readonly PinChange[]): PinsFileEdit {
  const written = changes.some(c => c.changed);
  if (written) writeFileAtomic(file, pins.text);
  return { file, changes, written };
}
