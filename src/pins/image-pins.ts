import * as fs from 'fs';
import type { Document } from 'yaml';
import { EnvEdit, applyEdits } from './_edit';
import { PinNode, PinsIndex, nameProblem } from './_index';
import { scanPins } from './_scan';
import { EnvironmentError, Problem, ValidationError, formatValue } from '../errors';
import { ImageRef } from '../image-ref';

/** The largest pins file read (a 200,000-app file is about 32 MiB). */
export const MAX_PINS_FILE_BYTES = 64 * 1024 * 1024;

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

/** The result of `ImagePins.promote`. */
export interface PromoteResult {
  /** The pins after the promotion (`this` if nothing changed). */
  readonly pins: ImagePins;
  /** One entry per promoted app (per image, for the multi form), in file order. */
  readonly changes: readonly PinChange[];
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

/** The current value of one environment while a batch of edits is planned. */
interface EnvState {
  single?: ImageRef;
  images?: Map<string, ImageRef>;
  /** Entries whose value changes (or, with `whole`, everything). */
  readonly changed: Map<string | undefined, ImageRef>;
  /** The form changed or the environment is new: write every entry. */
  whole: boolean;
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
    return this.node(app, env, image)?.ref;
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
    const problems: Problem[] = [];
    const states = new Map<string, EnvState>();
    const changes: PinChange[] = [];
    for (const u of updates) {
      const found = this.checkUpdate(u, options);
      if (found.length > 0) {
        problems.push(...found);
        continue;
      }
      const state = this.stateOf(states, u.app, u.env);
      let target: string | undefined;
      let old: ImageRef | undefined;
      if (state.images) {
        target = u.image ?? defaultImage(u.app, [...state.images.keys()]);
        if (target === undefined) {
          problems.push({
            path: this.file,
            field: `${u.app}.${u.env}`,
            message: `pins several images (${list([...state.images.keys()])}); name the one to set: ${u.app}/<image>=<reference>`,
          });
          continue;
        }
        if (!state.images.has(target) && !options.create) {
          problems.push({
            path: this.file,
            field: `${u.app}.${u.env}`,
            message: `has no image ${formatValue(target)}; known images: ${list([...state.images.keys()])} (use --create to add it)`,
          });
          continue;
        }
        old = state.images.get(target);
        state.images.set(target, u.ref);
      } else if (state.single && u.image !== undefined && u.image !== u.app) {
        if (!options.create) {
          problems.push({
            path: this.file,
            field: `${u.app}.${u.env}`,
            message: `pins one image for the whole app; to pin image ${formatValue(u.image)} on its own, `
              + `use --create (the current reference stays as image ${formatValue(u.app)}) or write the multi form by hand (see docs/ci-cd.md)`,
          });
          continue;
        }
        state.images = new Map([[u.app, state.single], [u.image, u.ref]]);
        state.single = undefined;
        state.whole = true;
        target = u.image;
      } else if (state.single) {
        old = state.single;
        state.single = u.ref;
      } else if (u.image !== undefined) {
        state.images = new Map([[u.image, u.ref]]);
        state.whole = true;
        target = u.image;
      } else {
        state.single = u.ref;
        state.whole = true;
      }
      const changed = !old?.equals(u.ref);
      if (changed) state.changed.set(target, u.ref);
      changes.push({ app: u.app, env: u.env, ...(target !== undefined ? { image: target } : {}), old, new: u.ref, changed });
    }
    if (problems.length > 0) throw new ValidationError(problems);
    return { pins: this.apply(states), changes };
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
    const known = this.environments();
    const problems: Problem[] = [];
    for (const [flag, env] of [['--from', from], ['--to', to]] as const) {
      if (!known.includes(env)) {
        problems.push({ path: this.file, message: `unknown environment ${formatValue(env)} (${flag}); known environments: ${list(known)}` });
      }
    }
    if (problems.length === 0 && from === to) {
      problems.push({ path: this.file, message: `cannot promote an environment to itself (got ${formatValue(from)})` });
    }
    const pinned = (app: string, env: string) => this.index.apps.get(app)?.envs.has(env) ?? false;
    for (const app of options.apps ?? []) {
      if (!this.index.apps.has(app)) {
        problems.push({ path: this.file, message: `unknown app ${formatValue(app)}; known apps: ${list(this.apps())}` });
      } else if (known.includes(from) && !pinned(app, from)) {
        problems.push({ path: this.file, message: `app ${formatValue(app)} has no pin in environment ${formatValue(from)} to promote` });
      }
    }
    if (problems.length > 0) throw new ValidationError(problems);
    const apps = options.apps ? [...new Set(options.apps)] : this.apps().filter(app => pinned(app, from));
    if (!options.create) {
      const missing = apps.filter(app => !pinned(app, to));
      if (missing.length > 0) {
        throw new ValidationError(missing.map(app => ({
          path: this.file,
          message: `app ${formatValue(app)} has no pin in environment ${formatValue(to)} yet; use --create to add it`,
        })));
      }
    }
    const states = new Map<string, EnvState>();
    const changes: PinChange[] = [];
    for (const app of apps) {
      const source = this.index.apps.get(app)!.envs.get(from)!;
      const state = this.stateOf(states, app, to);
      if (source.single) {
        const old = state.single ?? (state.images ? this.get(app, to) : undefined);
        const changed = !state.single?.equals(source.single.ref);
        if (changed) {
          state.whole = state.whole || !state.single;
          state.single = source.single.ref;
          state.images = undefined;
          state.changed.set(undefined, source.single.ref);
        }
        changes.push({ app, env: to, old, new: source.single.ref, changed });
        continue;
      }
      if (!state.images) {
        state.images = new Map();
        state.single = undefined;
        state.whole = true;
      }
      for (const [image, pin] of source.images!) {
        const old = state.images.get(image);
        const changed = !old?.equals(pin.ref);
        if (changed) {
          state.images.set(image, pin.ref);
          state.changed.set(image, pin.ref);
        }
        changes.push({ app, env: to, image, old, new: pin.ref, changed });
      }
    }
    return { pins: this.apply(states), changes };
  }

  /**
   * The pins that no code uses, as problems naming the file and line, the
   * app/environment/image and the fix: `used` lists every lookup the code
   * made (an app or environment that no longer exists makes none). A single
   * form pin is used by any lookup of its app and environment; a named image
   * by a lookup of that name (or, without a name, of the entry `get` picks).
   */
  public unused(used: Iterable<PinUse>): Problem[] {
    const hit = new Set<string>();
    const apps = new Set<string>();
    const envs = new Set<string>();
    for (const use of used) {
      apps.add(use.app);
      envs.add(`${use.app}/${use.env}`);
      const envNode = this.index.apps.get(use.app)?.envs.get(use.env);
      if (!envNode) continue;
      const name = envNode.images ? use.image ?? defaultImage(use.app, [...envNode.images.keys()]) : undefined;
      hit.add(name === undefined ? `${use.app}/${use.env}` : `${use.app}/${use.env}/${name}`);
    }
    const problems: Problem[] = [];
    for (const [app, { envs: envNodes }] of this.index.apps) {
      for (const [env, node] of envNodes) {
        const where = `${app}/${env}`;
        const why = !apps.has(app) ? `pins app ${formatValue(app)}, which the code does not define`
          : !envs.has(where) ? `pins app ${formatValue(app)} in environment ${formatValue(env)}, which the code does not define`
            : undefined;
        if (node.single) {
          if (why || !hit.has(where)) {
            problems.push({ path: `${this.file}:${node.single.line}`, field: `${app}.${env}`, message: `${why ?? 'is used by no workload'}: remove it from ${this.file}` });
          }
          continue;
        }
        for (const [image, pin] of node.images!) {
          if (why || !hit.has(`${where}/${image}`)) {
            problems.push({
              path: `${this.file}:${pin.line}`,
              field: `${app}.${env}.${image}`,
              message: `${why ?? `pins image ${formatValue(image)}, which no workload of app ${formatValue(app)} in environment ${formatValue(env)} uses`}: remove it from ${this.file}`,
            });
          }
        }
      }
    }
    return problems;
  }

  private node(app: string, env: string, image?: string): PinNode | undefined {
    const envNode = this.index.apps.get(app)?.envs.get(env);
    if (!envNode) return undefined;
    if (envNode.single) return envNode.single;
    const name = image ?? defaultImage(app, [...envNode.images!.keys()]);
    return name === undefined ? undefined : envNode.images!.get(name);
  }

  /** Names, mutable references and unknown apps/environments of one update. */
  private checkUpdate(u: PinUpdate, options: PinEditOptions): Problem[] {
    const problems: Problem[] = [];
    const names = [['app', u.app], ['environment', u.env], ...(u.image !== undefined ? [['image', u.image]] : [])] as const;
    for (const [what, name] of names) {
      const why = nameProblem(name);
      if (why) problems.push({ path: this.file, message: `${what} name ${why}`, value: name });
    }
    if (u.ref.tag === 'latest' && u.ref.digest === undefined) {
      problems.push({
        path: this.file,
        field: `${u.app}.${u.env}`,
        message: `${formatValue(u.ref.toString())} is a mutable tag: pin an immutable one (the commit SHA the image was built from) or a digest (${u.ref.repository}@sha256:<64 hex>)`,
      });
    }
    if (problems.length > 0 || options.create) return problems;
    const appNode = this.index.apps.get(u.app);
    if (!appNode) {
      problems.push({ path: this.file, message: `unknown app ${formatValue(u.app)}; known apps: ${list(this.apps())} (use --create to add a new app)` });
    } else if (!appNode.envs.has(u.env)) {
      problems.push({
        path: this.file,
        message: `unknown environment ${formatValue(u.env)} for app ${formatValue(u.app)}; known: ${list(this.environments(u.app))} (use --create to add it)`,
      });
    }
    return problems;
  }

  private stateOf(states: Map<string, EnvState>, app: string, env: string): EnvState {
    const key = `${app}/${env}`;
    let state = states.get(key);
    if (!state) {
      const node = this.index.apps.get(app)?.envs.get(env);
      state = {
        single: node?.single?.ref,
        images: node?.images ? new Map([...node.images].map(([k, v]) => [k, v.ref])) : undefined,
        changed: new Map(),
        whole: false,
      };
      states.set(key, state);
    }
    return state;
  }

  /** Writes the planned states into a new text, parses it once, and checks only those pins changed. */
  private apply(states: ReadonlyMap<string, EnvState>): ImagePins {
    const edits: EnvEdit[] = [];
    for (const [key, state] of states) {
      if (state.changed.size === 0 && !state.whole) continue;
      const [app, env] = key.split('/');
      if (state.single) {
        edits.push({ app, env, single: state.single });
      } else {
        const images = state.whole ? state.images! : new Map([...state.changed].map(([k, v]) => [k!, v]));
        edits.push({ app, env, images });
      }
    }
    if (edits.length === 0) return this;
    const { text, blocks } = applyEdits(this.text, this.index, edits, this.doc);
    const planned = new Map<string, Map<string, EnvState>>();
    for (const [key, state] of states) {
      const [app, env] = key.split('/');
      planned.set(app, (planned.get(app) ?? new Map()).set(env, state));
    }
    if (!blocks) {
      // Re-emitted whole (flow style): read it all back.
      const pins = ImagePins.parse(text, this.file);
      this.checkEdit(pins.index, planned, [...pins.index.apps.keys()], true);
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
      this.checkEdit(part, planned, apps, false);
    }
    return new ImagePins(this.file, text, undefined);
  }

  /**
   * Guards against an edit that changed more than the planned pins: `apps`
   * of `after` must hold exactly the planned values (`planned`: app -> env -> state) (compared as written, not
   * parsed); with `whole`, `after` is the whole file and must hold nothing else.
   */
  private checkEdit(after: PinsIndex, planned: ReadonlyMap<string, ReadonlyMap<string, EnvState>>, apps: readonly string[], whole: boolean): void {
    const fail = (where: string) => new Error(`editing ${this.file} produced unexpected pins (at ${where})`);
    for (const app of apps) {
      const envs = after.apps.get(app)!.envs;
      const before = this.index.apps.get(app);
      const appStates = planned.get(app);
      let wanted = before?.envs.size ?? 0;
      for (const env of appStates?.keys() ?? []) if (!before?.envs.has(env)) wanted++;
      if (envs.size !== wanted) throw fail(app);
      for (const [env, node] of envs) {
        const state = appStates?.get(env);
        const old = before?.envs.get(env);
        let same: boolean;
        if (state) {
          same = state.single
            ? node.single?.value === state.single.toString()
            : node.images !== undefined && node.images.size === state.images!.size
              && [...state.images!].every(([image, ref]) => node.images!.get(image)?.value === ref.toString());
        } else if (old?.single) {
          same = node.single?.value === old.single.value;
        } else {
          same = old !== undefined && node.images !== undefined && node.images.size === old.images!.size
            && [...old.images!].every(([image, pin]) => node.images!.get(image)?.value === pin.value);
        }
        if (!same) throw fail(`${app}/${env}`);
      }
    }
    if (whole) {
      const expected = new Set([...this.index.apps.keys(), ...planned.keys()]);
      if (after.apps.size !== expected.size || [...after.apps.keys()].some(app => !expected.has(app))) throw fail('the list of apps');
    }
  }
}

/** The image used when none is named: the one named like the app, or the only one. */
function defaultImage(app: string, names: readonly string[]): string | undefined {
  if (names.includes(app)) return app;
  return names.length === 1 ? names[0] : undefined;
}

function list(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.join(', ');
}
