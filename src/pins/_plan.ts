import { EnvEdit } from './_edit';
import { PinsIndex, nameProblem } from './_index';
import { PinChange, PinEditOptions, PinUpdate, PinUse, PromoteOptions } from './pin-edits';
import { Problem, ValidationError, formatValue } from '../errors';
import { ImageRef } from '../image-ref';

/**
 * Edit planning for the image pins file: which pins a batch of `set-image`
 * updates or a promotion changes (and every refusal), the text edits that
 * write them, and the check that an edited text holds exactly the plan.
 * `ImagePins` keeps the file's text and index; this module decides.
 */

/** The current value of one environment while a batch of edits is planned. */
interface EnvState {
  single?: ImageRef;
  images?: Map<string, ImageRef>;
  /** Entries whose value changes (or, with `whole`, everything). */
  readonly changed: Map<string | undefined, ImageRef>;
  /** The form changed or the environment is new: write every entry. */
  whole: boolean;
}

/** A planned batch: the new state of each touched environment (key `app/env`) and the changes in request order. */
export interface Plan {
  readonly states: ReadonlyMap<string, EnvState>;
  readonly changes: PinChange[];
}

/** The image used when none is named: the one named like the app, or the only one. */
export function defaultImage(app: string, names: readonly string[]): string | undefined {
  if (names.includes(app)) return app;
  return names.length === 1 ? names[0] : undefined;
}

/** `a, b, c`, or `(none)`. */
export function list(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.join(', ');
}

function apps(index: PinsIndex): string[] {
  return [...index.apps.keys()];
}

function environments(index: PinsIndex, app?: string): string[] {
  if (app !== undefined) return [...(index.apps.get(app)?.envs.keys() ?? [])];
  const all = new Set<string>();
  for (const { envs } of index.apps.values()) for (const env of envs.keys()) all.add(env);
  return [...all];
}

function stateOf(index: PinsIndex, states: Map<string, EnvState>, app: string, env: string): EnvState {
  const key = `${app}/${env}`;
  let state = states.get(key);
  if (!state) {
    const node = index.apps.get(app)?.envs.get(env);
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

/** Names, mutable references and unknown apps/environments of one update. */
function checkUpdate(index: PinsIndex, file: string, u: PinUpdate, options: PinEditOptions): Problem[] {
  const problems: Problem[] = [];
  const names = [['app', u.app], ['environment', u.env], ...(u.image !== undefined ? [['image', u.image]] : [])] as const;
  for (const [what, name] of names) {
    const why = nameProblem(name);
    if (why) problems.push({ path: file, message: `${what} name ${why}`, value: name });
  }
  if (u.ref.tag === 'latest' && u.ref.digest === undefined) {
    problems.push({
      path: file,
      field: `${u.app}.${u.env}`,
      message: `${formatValue(u.ref.toString())} is a mutable tag: pin an immutable one (the commit SHA the image was built from) or a digest (${u.ref.repository}@sha256:<64 hex>)`,
    });
  }
  if (problems.length > 0 || options.create) return problems;
  const appNode = index.apps.get(u.app);
  if (!appNode) {
    problems.push({ path: file, message: `unknown app ${formatValue(u.app)}; known apps: ${list(apps(index))} (use --create to add a new app)` });
  } else if (!appNode.envs.has(u.env)) {
    problems.push({
      path: file,
      message: `unknown environment ${formatValue(u.env)} for app ${formatValue(u.app)}; known: ${list(environments(index, u.app))} (use --create to add it)`,
    });
  }
  return problems;
}

/**
 * Plans several pins at once, all or nothing (see `ImagePins.withImages`);
 * every refused update is reported in one `ValidationError`.
 */
export function planUpdates(index: PinsIndex, file: string, updates: readonly PinUpdate[], options: PinEditOptions): Plan {
  const problems: Problem[] = [];
  const states = new Map<string, EnvState>();
  const changes: PinChange[] = [];
  for (const u of updates) {
    const found = checkUpdate(index, file, u, options);
    if (found.length > 0) {
      problems.push(...found);
      continue;
    }
    const state = stateOf(index, states, u.app, u.env);
    let target: string | undefined;
    let old: ImageRef | undefined;
    if (state.images) {
      target = u.image ?? defaultImage(u.app, [...state.images.keys()]);
      if (target === undefined) {
        problems.push({
          path: file,
          field: `${u.app}.${u.env}`,
          message: `pins several images (${list([...state.images.keys()])}); name the one to set: ${u.app}/<image>=<reference>`,
        });
        continue;
      }
      if (!state.images.has(target) && !options.create) {
        problems.push({
          path: file,
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
          path: file,
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
  return { states, changes };
}

/** Plans a promotion of `from` to `to` (see `ImagePins.promote`); refusals throw one `ValidationError`. */
export function planPromotion(index: PinsIndex, file: string, from: string, to: string, options: PromoteOptions): Plan {
  const known = environments(index);
  const problems: Problem[] = [];
  for (const [flag, env] of [['--from', from], ['--to', to]] as const) {
    if (!known.includes(env)) {
      problems.push({ path: file, message: `unknown environment ${formatValue(env)} (${flag}); known environments: ${list(known)}` });
    }
  }
  if (problems.length === 0 && from === to) {
    problems.push({ path: file, message: `cannot promote an environment to itself (got ${formatValue(from)})` });
  }
  const pinned = (app: string, env: string) => index.apps.get(app)?.envs.has(env) ?? false;
  for (const app of options.apps ?? []) {
    if (!index.apps.has(app)) {
      problems.push({ path: file, message: `unknown app ${formatValue(app)}; known apps: ${list(apps(index))}` });
    } else if (known.includes(from) && !pinned(app, from)) {
      problems.push({ path: file, message: `app ${formatValue(app)} has no pin in environment ${formatValue(from)} to promote` });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  const promoted = options.apps ? [...new Set(options.apps)] : apps(index).filter(app => pinned(app, from));
  if (!options.create) {
    const missing = promoted.filter(app => !pinned(app, to));
    if (missing.length > 0) {
      throw new ValidationError(missing.map(app => ({
        path: file,
        message: `app ${formatValue(app)} has no pin in environment ${formatValue(to)} yet; use --create to add it`,
      })));
    }
  }
  const states = new Map<string, EnvState>();
  const changes: PinChange[] = [];
  for (const app of promoted) {
    const source = index.apps.get(app)!.envs.get(from)!;
    const state = stateOf(index, states, app, to);
    if (source.single) {
      const old = state.single ?? (state.images ? pinOf(index, app, to) : undefined);
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
  return { states, changes };
}

/** The pin `ImagePins.get` returns for `app` in `env` (and `image`). */
export function pinOf(index: PinsIndex, app: string, env: string, image?: string): ImageRef | undefined {
  const envNode = index.apps.get(app)?.envs.get(env);
  if (!envNode) return undefined;
  if (envNode.single) return envNode.single.ref;
  const name = image ?? defaultImage(app, [...envNode.images!.keys()]);
  return name === undefined ? undefined : envNode.images!.get(name)?.ref;
}

/** The text edits that write a plan (empty when nothing changes). */
export function editsOf(plan: Plan): EnvEdit[] {
  const edits: EnvEdit[] = [];
  for (const [key, state] of plan.states) {
    if (state.changed.size === 0 && !state.whole) continue;
    const [app, env] = key.split('/');
    if (state.single) {
      edits.push({ app, env, single: state.single });
    } else {
      const images = state.whole ? state.images! : new Map([...state.changed].map(([k, v]) => [k!, v]));
      edits.push({ app, env, images });
    }
  }
  return edits;
}

/**
 * Guards against an edit that changed more than the plan: the apps `apps`
 * of `after` must hold exactly the planned values (compared as written, not
 * parsed) and, for apps the plan left alone, the values of `before`; with
 * `whole`, `after` is the whole file and must hold nothing else.
 */
export function checkEdit(file: string, before: PinsIndex, after: PinsIndex, plan: Plan, apps_: readonly string[], whole: boolean): void {
  const planned = new Map<string, Map<string, EnvState>>();
  for (const [key, state] of plan.states) {
    const [app, env] = key.split('/');
    planned.set(app, (planned.get(app) ?? new Map()).set(env, state));
  }
  const fail = (where: string) => new Error(`editing ${file} produced unexpected pins (at ${where})`);
  for (const app of apps_) {
    const envs = after.apps.get(app)!.envs;
    const was = before.apps.get(app);
    const appStates = planned.get(app);
    let wanted = was?.envs.size ?? 0;
    for (const env of appStates?.keys() ?? []) if (!was?.envs.has(env)) wanted++;
    if (envs.size !== wanted) throw fail(app);
    for (const [env, node] of envs) {
      const state = appStates?.get(env);
      const old = was?.envs.get(env);
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
    const expected = new Set([...before.apps.keys(), ...planned.keys()]);
    if (after.apps.size !== expected.size || [...after.apps.keys()].some(app => !expected.has(app))) throw fail('the list of apps');
  }
}

/**
 * The pins that no code uses (see `ImagePins.unused`), as problems naming
 * the file and line, the app/environment/image and the fix.
 */
export function unusedPins(index: PinsIndex, file: string, used: Iterable<PinUse>): Problem[] {
  const hit = new Set<string>();
  const usedApps = new Set<string>();
  const envs = new Set<string>();
  for (const use of used) {
    usedApps.add(use.app);
    envs.add(`${use.app}/${use.env}`);
    const envNode = index.apps.get(use.app)?.envs.get(use.env);
    if (!envNode) continue;
    const name = envNode.images ? use.image ?? defaultImage(use.app, [...envNode.images.keys()]) : undefined;
    hit.add(name === undefined ? `${use.app}/${use.env}` : `${use.app}/${use.env}/${name}`);
  }
  const problems: Problem[] = [];
  for (const [app, { envs: envNodes }] of index.apps) {
    for (const [env, node] of envNodes) {
      const where = `${app}/${env}`;
      const why = !usedApps.has(app) ? `pins app ${formatValue(app)}, which the code does not define`
        : !envs.has(where) ? `pins app ${formatValue(app)} in environment ${formatValue(env)}, which the code does not define`
          : undefined;
      if (node.single) {
        if (why || !hit.has(where)) {
          problems.push({ path: `${file}:${node.single.line}`, field: `${app}.${env}`, message: `${why ?? 'is used by no workload'}: remove it from ${file}` });
        }
        continue;
      }
      for (const [image, pin] of node.images!) {
        if (why || !hit.has(`${where}/${image}`)) {
          problems.push({
            path: `${file}:${pin.line}`,
            field: `${app}.${env}.${image}`,
            message: `${why ?? `pins image ${formatValue(image)}, which no workload of app ${formatValue(app)} in environment ${formatValue(env)} uses`}: remove it from ${file}`,
          });
        }
      }
    }
  }
  return problems;
}
