import { ImageRef } from '../image-ref';

/** Options of `ImagePins.withImage` and `ImagePins.promote`. */
export interface PinEditOptions {
  /**
   * Allow adding an app or an environment that the file does not have yet.
   * Without it an unknown name is refused, so a typo never adds a pin that
   * nothing reads.
   *
   * @default false
   */
  readonly create?: boolean;
}

/** Options of `ImagePins.promote`. */
export interface PromoteOptions extends PinEditOptions {
  /**
   * Only these apps.
   *
   * @default - every app that has a pin in the source environment
   */
  readonly apps?: readonly string[];
}

/** One pin before and after an edit. */
export interface PinChange {
  /** The app, e.g. `hello`. */
  readonly app: string;
  /** The environment, e.g. `dev`. */
  readonly env: string;
  /** The image of the app (multi form); absent for the single form. */
  readonly image?: string;
  /** The pin before the edit, if there was one. */
  readonly old?: ImageRef;
  /** The pin after the edit. */
  readonly new: ImageRef;
  /** False when the pin already had this value (nothing to write). */
  readonly changed: boolean;
}

/** Options of `ImagePins.withImage` and `ImagePins.withImages`. */
export interface SetImageOptions extends PinEditOptions {
  /**
   * The image to pin, for an app with several images (the multi form,
   * `env: { <image>: <reference> }`).
   *
   * @default - the app's only image: the single form, or the entry named like
   * the app, or the only entry
   */
  readonly image?: string;
}

/** One requested pin: `app` (or one of its images) in `env` set to `ref`. */
export interface PinUpdate {
  /** The app, e.g. `hello`. */
  readonly app: string;
  /** The environment, e.g. `dev`. */
  readonly env: string;
  /** The new reference. */
  readonly ref: ImageRef;
  /**
   * The image of the app (multi form).
   *
   * @default - the app's only image (see `SetImageOptions.image`)
   */
  readonly image?: string;
}

/** One lookup of a pin by the code (see `ImagePins.unused`). */
export interface PinUse {
  /** The app. */
  readonly app: string;
  /** The environment. */
  readonly env: string;
  /**
   * The image asked for.
   *
   * @default - the app's only image
   */
  readonly image?: string;
}
