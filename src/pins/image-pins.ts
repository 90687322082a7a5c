import * as fs from 'fs';
import type { Document } from 'yaml';
import { applyEdits } from './_edit';
import { PinsIndex } from './_index';
import { Plan, checkEdit, editsOf, pinOf, planPromotion, planUpdates, unusedPins } from './_plan';
import { scanPins } from './_scan';
import { PinChange, PinEditOptions, PinUpdate, PinUse, PromoteOptions, SetImageOptions } from './pin-edits';
import { EnvironmentError, Problem, ValidationError } from '../errors';
import { ImageRef } from '../image-ref';

/** The largest pins file read (a 200,000-app file is about 32 MiB). */
export const MAX_PINS_FILE_BYTES = 64 * 1024 * 1024;

/** The result of `ImagePins.promote`. */
export interface PromoteResult {
  /** The pins after the promotion (`this` if nothing changed). */
  readonly pins: ImagePins;
  /** One entry per promoted app (per image, for the multi form), in file order. */
  readonly changes: readonly PinChange[];
}

/** One pin of the file. */
export interface PinEntry {
  /** The app. */
  readonly app: string;
  /** The environment. */
  readonly env: string;
  /** The image name (multi form); absent for the single form. */
  readonly image?: string;
  /** The reference. */
  readonly ref: ImageRef;
  /** The 1-based line of the reference in the file. */
  readonly line: number;
}

/**
 * The image pins file (`images.yaml`): per app and environment, one full
 * image reference (`repository[:tag][@digest]`) — or, for an app with
 * several images (one per container or workload), one per image name:
 *
 * ```yaml
 * # Image pins: edited by `cdk8s-gitops set-image` and `promote`; read at synth.
 * hello:
 *   dev: ghcr.io/example/hello:3f5e2c1d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e
 *   prod: ghcr.io/example/hello:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b
 * shop:
 *   dev:
 *     shop: ghcr.io/example/shop:3f5e2c1d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e
 *     worker: ghcr.io/example/shop-worker:3f5e2c1d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e@sha256:…
 * ```
 *
 * Instances are immutable. Edits (`withImage`, `withImages`, `promote`)
 * return new pins whose `text` is the original text with only the changed
 * values replaced (or lines added), so comments, key order, quoting and blank
 * lines stay as the person who wrote the file left them. Reading and editing
 * are linear in the size of the file, whatever the number of edits.
 */
export class ImagePins {
  /**
   * Reads and checks a pins file. Throws `ValidationError` naming the file,
   * the line, the field and the value when it is missing, too large, not
   * YAML, has the wrong shape or holds an invalid reference.
   */
  public static load(file: string): ImagePins {
    let text: string;
    try {
      const size = fs.statSync(file).size;
      if (size > MAX_PINS_FILE_BYTES) {
        throw new ValidationError([{
          path: file,
          message: `is ${(size / 1024 / 1024).toFixed(1)} MiB; an image pins file may be at most ${MAX_PINS_FILE_BYTES / 1024 / 1024} MiB (is it the right file?)`,
        }]);
      }
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if (e instanceof ValidationError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new ValidationError([{ path: file, message: 'image pins file does not exist (create it, or point to it with --file)' }], { cause: e });
      }
      if (code === 'EISDIR') {
        throw new ValidationError([{ path: file, message: 'is a directory, not an image pins file' }], { cause: e });
      }
      throw new EnvironmentError(`cannot read image pins file ${file}: ${(e as Error).message}`, { cause: e });
    }
    return ImagePins.parse(text, file);
  }

  /** Parses pins from `text`; `file` names the source in error messages. */
  public static parse(text: string, file: string = 'images.yaml'): ImagePins {
    if (text.length > MAX_PINS_FILE_BYTES) {
      throw new ValidationError([{ path: file, message: `is ${text.length} characters long; an image pins file may be at most ${MAX_PINS_FILE_BYTES} bytes` }]);
    }
    const fast = scanPins(text);
    if (fast) return new ImagePins(file, text, fast);
    return ImagePins.parseYaml(text, file);
  }

  /** The general path: the `yaml` library, which also reports every problem. */
  private static parseYaml(text: string, file: string): ImagePins {
    // The general YAML path (and the `yaml` library) is loaded only for files the scanner leaves to it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { indexFromDocument } = require('./_document') as typeof import('./_document');
    const { index, doc, problems } = indexFromDocument(text, file, MAX_PINS_FILE_BYTES);
    if (!index) throw new ValidationError(problems);
    return new ImagePins(file, text, index, doc);
  }

  private constructor(
    /** Where the pins were read from (used in messages and as the file to write). */
    public readonly file: string,
    /** The file's text, exactly. */
    public readonly text: string,
    /** Absent for the result of an edit until first needed: writing the file does not need it. */
    private indexed: PinsIndex | undefined,
    private readonly doc?: Document,
  ) {}

  private get index(): PinsIndex {
    this.indexed ??= (scanPins(this.text) ?? ImagePins.parseYaml(this.text, this.file).index);
    return this.indexed;
  }

  /**
   * The pin of `app` in `env`, or `undefined` if there is none. For an app
   * with one image (the single form) that reference, whatever `image`; for
   * several images, the entry `image` — without `image`, the entry named like
   * the app, or the only entry.
   */
  public get(app: string, env: string, image?: string): ImageRef | undefined {
    return pinOf(this.index, app, env, image);
  }

  /** The apps, in file order. */
  public apps(): string[] {
    return [...this.index.apps.keys()];
  }

  /**
   * The environments of `app`, or of all apps (in order of first appearance),
   * in file order.
   */
  public environments(app?: string): string[] {
    if (app !== undefined) return [...(this.index.apps.get(app)?.envs.keys() ?? [])];
    const all = new Set<string>();
    for (const { envs } of this.index.apps.values()) for (const env of envs.keys()) all.add(env);
    return [...all];
  }

  /**
   * The image names of `app` in `env`, in file order: empty when the app has
   * one reference for every image there (the single form) or no pin.
   */
  public images(app: string, env: string): string[] {
    return [...(this.index.apps.get(app)?.envs.get(env)?.images?.keys() ?? [])];
  }

  /** Every pin, in file order (`image` set for the multi form). */
  public entries(): PinEntry[] {
    const out: PinEntry[] = [];
    for (const [app, { envs }] of this.index.apps) {
      for (const [env, node] of envs) {
        if (node.single) out.push({ app, env, ref: node.single.ref, line: node.single.line });
        for (const [image, pin] of node.images ?? []) out.push({ app, env, image, ref: pin.ref, line: pin.line });
      }
    }
    return out;
  }

  /**
   * Every pin as plain data: `{ app: { env: 'repo:tag' } }`, or
   * `{ app: { env: { image: 'repo:tag' } } }` for the multi form.
   */
  public toJSON(): Record<string, Record<string, string | Record<string, string>>> {
    const out: Record<string, Record<string, string | Record<string, string>>> = {};
    for (const [app, { envs }] of this.index.apps) {
      out[app] = {};
      for (const [env, node] of envs) {
        out[app][env] = node.single
          ? node.single.ref.toString()
          : Object.fromEntries([...node.images!].map(([image, pin]) => [image, pin.ref.toString()]));
      }
    }
    return out;
  }

  /**
   * Pins `app` (or its image `options.image`) in `env` to `ref`. Returns the
   * new pins and the change; the new text differs from this one only in that
   * value (or added lines). Refused (`ValidationError`): a mutable reference
   * (tag `latest` without a digest); an app, environment or image not yet in
   * the file unless `options.create`; an app with several images and no
   * `options.image`.
   */
  public withImage(app: string, env: string, ref: ImageRef, options: SetImageOptions = {}): { pins: ImagePins; change: PinChange } {
    const { pins, changes } = this.withImages([{ app, env, ref, image: options.image }], options);
    return { pins, change: changes[0] };
  }

  /**
   * Applies several pins at once, all or nothing, in one linear pass (see
   * `withImage`); every refused update is reported in one `ValidationError`.
   * Changes are in request order.
   */
  public withImages(updates: readonly PinUpdate[], options: PinEditOptions = {}): { pins: ImagePins; changes: PinChange[] } {
    const plan = planUpdates(this.index, this.file, updates, options);
    return { pins: this.apply(plan), changes: plan.changes };
  }

  /**
   * Copies the pins of environment `from` to environment `to` — every image
   * of each app — for every app that has a pin in `from` (or only
   * `options.apps`). Both environments must be in the file; an app without a
   * pin in `to` is refused unless `options.create`. When the two environments
   * hold different forms (one reference vs named images), `to` takes the form
   * of `from`; images pinned only in `to` stay.
   */
  public promote(from: string, to: string, options: PromoteOptions = {}): PromoteResult {
    const plan = planPromotion(this.index, this.file, from, to, options);
    return { pins: this.apply(plan), changes: plan.changes };
  }

  /**
   * The pins that no code uses, as problems naming the file and line, the
   * app/environment/image and the fix: `used` lists every lookup the code
   * made (an app or environment that no longer exists makes none). A single
   * form pin is used by any lookup of its app and environment; a named image
   * by a lookup of that name (or, without a name, of the entry `get` picks).
   */
  public unused(used: Iterable<PinUse>): Problem[] {
    return unusedPins(this.index, this.file, used);
  }

  /** Writes a plan into a new text and checks that only the planned pins changed. */
  private apply(plan: Plan): ImagePins {
    const edits = editsOf(plan);
    if (edits.length === 0) return this;
    const { text, blocks } = applyEdits(this.text, this.index, edits, this.doc);
    if (!blocks) {
      // Re-emitted whole (flow style): read it all back.
      const pins = ImagePins.parse(text, this.file);
      checkEdit(this.file, this.index, pins.index, plan, [...pins.index.apps.keys()], true);
      return pins;
    }
    // Only the edited apps changed (the rest is the old text, byte for byte): read those back and check them.
    for (const block of blocks) {
      const slice = `${text.slice(block.start, block.end)}\n`;
      const part = scanPins(slice) ?? ImagePins.parse(slice, this.file).index;
      const apps = [...part.apps.keys()];
      if (block.app !== undefined && (apps.length !== 1 || apps[0] !== block.app)) {
        throw new Error(`editing ${this.file} produced unexpected pins (at ${block.app})`);
      }
      checkEdit(this.file, this.index, part, plan, apps, false);
    }
    return new ImagePins(this.file, text, undefined);
  }
}
