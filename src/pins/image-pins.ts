import * as fs from 'fs';
import { Document, LineCounter, Pair, Scalar, YAMLMap, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { EnvironmentError, Problem, ValidationError, formatValue } from '../errors';
import { ImageRef } from '../image-ref';
import { isAmbiguousPlainScalar } from '../render/yaml';

/**
 * App and environment names: DNS-1123 labels, because they become directory
 * names in the rendered tree and parts of Kubernetes object names.
 */
const NAME = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME_LENGTH = 63;

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
  /** One entry per promoted app, in file order. */
  readonly changes: readonly PinChange[];
}

interface Entry {
  readonly ref: ImageRef;
  readonly node: Scalar;
}

interface AppEntry {
  readonly pair: Pair;
  readonly envs: Map<string, Entry>;
}

/**
 * The image pins file (`images.yaml`): per app and environment, one full
 * image reference (`repository[:tag][@digest]`).
 *
 * ```yaml
 * # Image pins: edited by `cdk8s-gitops set-image` and `promote`; read at synth.
 * hello:
 *   dev: ghcr.io/example/hello:3f5e2c1d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e
 *   prod: ghcr.io/example/hello:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b
 * ```
 *
 * Instances are immutable. Edits (`withImage`, `promote`) return new pins
 * whose `text` is the original text with only the changed values replaced
 * (or one line added), so comments, key order, quoting and blank lines stay
 * as the person who wrote the file left them.
 */
export class ImagePins {
  /**
   * Reads and checks a pins file. Throws `ValidationError` naming the file,
   * the line, the field and the value when it is missing, not YAML, has the
   * wrong shape or holds an invalid reference.
   */
  public static load(file: string): ImagePins {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
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
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const where = (offset: number | undefined) => (offset === undefined ? file : `${file}:${lineCounter.linePos(offset).line}`);
    if (doc.errors.length > 0) {
      throw new ValidationError(doc.errors.map(e => ({
        path: where(e.pos[0]),
        message: `is not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      })));
    }
    const problems: Problem[] = [];
    const apps = new Map<string, AppEntry>();
    const root = doc.contents;
    if (root !== null && !(isScalar(root) && root.value === null) && !isMap(root)) {
      problems.push({
        path: where(root.range?.[0]),
        message: 'must be a mapping of app -> environment -> image reference',
        value: doc.toJS(),
      });
    }
    if (isMap(root)) {
      for (const pair of root.items) {
        const app = checkName(pair, 'app', undefined, where, problems);
        if (app === undefined) continue;
        const envs = new Map<string, Entry>();
        apps.set(app, { pair, envs });
        const value = pair.value;
        if (!isMap(value)) {
          problems.push({
            path: where(nodeStart(value) ?? nodeStart(pair.key)),
            field: app,
            message: 'must be a mapping of environment -> image reference',
            value: describe(value),
          });
          continue;
        }
        for (const envPair of value.items) {
          const env = checkName(envPair, 'environment', app, where, problems);
          if (env === undefined) continue;
          const field = `${app}.${env}`;
          const node = envPair.value;
          const at = where(nodeStart(node) ?? nodeStart(envPair.key));
          if (!isScalar(node) || typeof node.value !== 'string'
            || (node.type !== 'PLAIN' && node.type !== 'QUOTE_DOUBLE' && node.type !== 'QUOTE_SINGLE')) {
            problems.push({
              path: at,
              field,
              message: 'must be an image reference on one line, like ghcr.io/org/app:<tag> or ghcr.io/org/app@sha256:<digest>',
              value: describe(node),
            });
            continue;
          }
          const ref = ImageRef.tryParse(node.value);
          if (typeof ref === 'string') {
            problems.push({ path: at, field, message: ref });
            continue;
          }
          envs.set(env, { ref, node });
        }
      }
    }
    if (problems.length > 0) throw new ValidationError(problems);
    return new ImagePins(file, text, doc, lineCounter, apps);
  }

  private constructor(
    /** Where the pins were read from (used in messages and as the file to write). */
    public readonly file: string,
    /** The file's text, exactly. */
    public readonly text: string,
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    private readonly byApp: ReadonlyMap<string, AppEntry>,
  ) {}

  /** The pin of `app` in `env`, or `undefined` if there is none. */
  public get(app: string, env: string): ImageRef | undefined {
    return this.byApp.get(app)?.envs.get(env)?.ref;
  }

  /** The apps, in file order. */
  public apps(): string[] {
    return [...this.byApp.keys()];
  }

  /**
   * The environments of `app`, or of all apps (in order of first appearance),
   * in file order.
   */
  public environments(app?: string): string[] {
    if (app !== undefined) return [...(this.byApp.get(app)?.envs.keys() ?? [])];
    const all = new Set<string>();
    for (const { envs } of this.byApp.values()) for (const env of envs.keys()) all.add(env);
    return [...all];
  }

  /** Every pin as plain data: `{ app: { env: 'repo:tag' } }`. */
  public toJSON(): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    for (const [app, { envs }] of this.byApp) {
      out[app] = {};
      for (const [env, { ref }] of envs) out[app][env] = ref.toString();
    }
    return out;
  }

  /**
   * Pins `app` in `env` to `ref`. Returns the new pins and the change; the
   * new text differs from this one only in that value (or one added line).
   * An app or environment not yet in the file is refused unless
   * `options.create`.
   */
  public withImage(app: string, env: string, ref: ImageRef, options: PinEditOptions = {}): { pins: ImagePins; change: PinChange } {
    this.checkNames(app, env);
    const appEntry = this.byApp.get(app);
    if (!options.create) this.checkKnown(app, env);
    const old = appEntry?.envs.get(env);
    if (old && old.ref.equals(ref)) {
      return { pins: this, change: { app, env, old: old.ref, new: ref, changed: false } };
    }
    let text: string;
    if (old) {
      text = replaceScalar(this.text, old.node, ref.toString());
    } else if (appEntry) {
      text = this.insertEnv(appEntry, app, env, ref.toString());
    } else {
      text = this.insertApp(app, env, ref.toString());
    }
    const pins = ImagePins.parse(text, this.file);
    this.checkEdit(pins, app, env, ref);
    return { pins, change: { app, env, old: old?.ref, new: ref, changed: true } };
  }

  /**
   * Copies the pins of environment `from` to environment `to`, for every app
   * that has a pin in `from` (or only `options.apps`). Both environments must
   * be in the file; an app without a pin in `to` is refused unless
   * `options.create`.
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
    for (const app of options.apps ?? []) {
      if (!this.byApp.has(app)) {
        problems.push({ path: this.file, message: `unknown app ${formatValue(app)}; known apps: ${list(this.apps())}` });
      } else if (known.includes(from) && !this.get(app, from)) {
        problems.push({ path: this.file, message: `app ${formatValue(app)} has no pin in environment ${formatValue(from)} to promote` });
      }
    }
    if (problems.length > 0) throw new ValidationError(problems);
    const apps = options.apps ? [...new Set(options.apps)] : this.apps().filter(app => this.get(app, from));
    if (!options.create) {
      const missing = apps.filter(app => !this.get(app, to));
      if (missing.length > 0) {
        throw new ValidationError(missing.map(app => ({
          path: this.file,
          message: `app ${formatValue(app)} has no pin in environment ${formatValue(to)} yet; use --create to add it`,
        })));
      }
    }
    let pins: ImagePins = this;
    const changes: PinChange[] = [];
    for (const app of apps) {
      const result = pins.withImage(app, to, this.get(app, from)!, { create: true });
      pins = result.pins;
      changes.push(result.change);
    }
    return { pins, changes };
  }

  private checkNames(app: string, env: string): void {
    const problems: Problem[] = [];
    for (const [what, name] of [['app', app], ['environment', env]] as const) {
      const why = nameProblem(name);
      if (why) problems.push({ path: this.file, message: `${what} name ${why}`, value: name });
    }
    if (problems.length > 0) throw new ValidationError(problems);
  }

  private checkKnown(app: string, env: string): void {
    const appEntry = this.byApp.get(app);
    if (!appEntry) {
      throw new ValidationError([{
        path: this.file,
        message: `unknown app ${formatValue(app)}; known apps: ${list(this.apps())} (use --create to add a new app)`,
      }]);
    }
    if (!appEntry.envs.has(env)) {
      throw new ValidationError([{
        path: this.file,
        message: `unknown environment ${formatValue(env)} for app ${formatValue(app)}; known: ${list(this.environments(app))} (use --create to add it)`,
      }]);
    }
  }

  /** A new `env: ref` line after the last environment of an app. */
  private insertEnv(appEntry: AppEntry, app: string, env: string, value: string): string {
    const map = appEntry.pair.value as YAMLMap;
    const last = map.items[map.items.length - 1];
    if (map.flow || !last) return this.viaDocument(app, env, value);
    const indent = this.lineCounter.linePos(nodeStart(map.items[0].key)!).col - 1;
    const end = nodeEnd(last.value) ?? nodeEnd(last.key)!;
    return insertLineAfter(this.text, end, `${' '.repeat(indent)}${env}: ${renderScalar(value, 'PLAIN')}`);
  }

  /** A new `app:` block with one environment at the end of the file. */
  private insertApp(app: string, env: string, value: string): string {
    const root = this.doc.contents;
    if (isMap(root) && root.flow) return this.viaDocument(app, env, value);
    let indent = 2;
    const first = [...this.byApp.values()][0];
    if (first && isMap(first.pair.value) && !first.pair.value.flow && first.pair.value.items.length > 0) {
      indent = this.lineCounter.linePos(nodeStart(first.pair.value.items[0].key)!).col - 1;
    }
    let text = this.text;
    if (text.length > 0 && !text.endsWith('\n')) text += '\n';
    // Keep the file's habit of a blank line between apps.
    const lastApp = [...this.byApp.values()].pop();
    if (lastApp && this.byApp.size > 1 && blankLineBefore(this.text, nodeStart(lastApp.pair.key)!)) text += '\n';
    return `${text}${renderKey(app)}:\n${' '.repeat(indent)}${renderKey(env)}: ${renderScalar(value, 'PLAIN')}\n`;
  }

  /** Fallback for flow-style maps: let the Document API re-emit the file. */
  private viaDocument(app: string, env: string, value: string): string {
    const doc = this.doc.clone();
    doc.setIn([app, env], value);
    return doc.toString({ lineWidth: 0 });
  }

  /** Guards against an edit that changed more than the one pin. */
  private checkEdit(after: ImagePins, app: string, env: string, ref: ImageRef): void {
    const before = this.toJSON();
    before[app] = { ...(before[app] ?? {}), [env]: ref.toString() };
    const got = after.toJSON();
    if (JSON.stringify(sortDeep(before)) !== JSON.stringify(sortDeep(got)) || !after.get(app, env)?.equals(ref)) {
      throw new Error(`editing ${this.file} produced unexpected pins: ${JSON.stringify(got)}`);
    }
  }
}

function checkName(
  pair: Pair,
  what: 'app' | 'environment',
  app: string | undefined,
  where: (offset: number | undefined) => string,
  problems: Problem[],
): string | undefined {
  const key = pair.key;
  const at = where(nodeStart(key));
  const field = app === undefined ? undefined : app;
  if (!isScalar(key) || typeof key.value !== 'string') {
    problems.push({ path: at, field, message: `${what} name must be a string`, value: describe(key) });
    return undefined;
  }
  const why = nameProblem(key.value);
  if (why) {
    problems.push({ path: at, field, message: `${what} name ${why}`, value: key.value });
    return undefined;
  }
  return key.value;
}

function nameProblem(name: string): string | undefined {
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters`;
  if (!NAME.test(name)) return 'must be lowercase letters, digits and "-", starting and ending with a letter or digit';
  return undefined;
}

function nodeStart(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}

function nodeEnd(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[1];
}

function describe(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return `*${node.source}`;
  if (isScalar(node)) return node.value;
  if (isMap(node) || isSeq(node)) return node.toJSON();
  return String(node);
}

function list(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.join(', ');
}

/** Writes `value` the way the old scalar was written (plain or quoted), quoting when plain would be misread. */
function renderScalar(value: string, type: Scalar['type']): string {
  if (type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (type === 'QUOTE_DOUBLE' || isAmbiguousPlainScalar(value) || /[#:]\s|^[!&*'"%@`|>{[]|\s$/.test(value)) {
    return JSON.stringify(value);
  }
  return value;
}

function renderKey(name: string): string {
  return renderScalar(name, 'PLAIN');
}

function replaceScalar(text: string, node: Scalar, value: string): string {
  const [start, end] = node.range!;
  return `${text.slice(0, start)}${renderScalar(value, node.type)}${text.slice(end)}`;
}

/** Inserts `line` after the line that holds `offset`. */
function insertLineAfter(text: string, offset: number, line: string): string {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return `${text}\n${line}\n`;
  return `${text.slice(0, nl + 1)}${line}\n${text.slice(nl + 1)}`;
}

function blankLineBefore(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1);
  if (lineStart <= 0) return false;
  const prevStart = text.lastIndexOf('\n', lineStart - 1);
  return text.slice(prevStart + 1, lineStart).trim() === '';
}

function sortDeep(pins: Record<string, Record<string, string>>): Array<[string, Array<[string, string]>]> {
  return Object.keys(pins).sort().map(app => [app, Object.entries(pins[app]).sort(([a], [b]) => a.localeCompare(b))]);
}
