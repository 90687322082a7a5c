import { AppNode, EnvNode, LazyPin, PinNode, PinsIndex, ScalarStyle, nameProblem } from './_index';

/** Names that YAML 1.2 (the `yaml` library's default) reads as a number, bool or null: left to the YAML path. */
const NOT_A_STRING_KEY = /^(?:[0-9].*|null|true|false)$/;

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const COMPONENT_NO_DOT = '[a-z0-9]+(?:(?:_|__|-+)[a-z0-9]+)*';
const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const HOST = `(?:${LABEL}(?:\\.${LABEL})+(?::[0-9]+)?|${LABEL}:[0-9]+|localhost)`;

/**
 * The common shape of a valid reference, checked without building an
 * `ImageRef`: a lowercase host with a dot or a port (or `localhost`), path
 * components, then a tag, a sha256 digest, or both. It is a sufficient
 * condition only — whatever it accepts `ImageRef.parse` accepts and writes
 * back identically (a test checks it); anything else goes to the YAML path,
 * which uses `ImageRef` itself.
 */
export const COMMON_REFERENCE = new RegExp(
  `^(?:${HOST}/${COMPONENT}(?:/${COMPONENT})*|${COMPONENT_NO_DOT}(?:/${COMPONENT})+|${COMPONENT})`
  + '(?::\\w[\\w.-]{0,127}(?:@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$',
);

/**
 * The fast path: one pass over the lines of a pins file written in the plain
 * block subset of YAML that `set-image` and people write —
 *
 * ```yaml
 * # comment
 * app:                 # comment
 *   env: repo:tag      # comment
 *   other:
 *     image: "repo@sha256:…"
 * ```
 *
 * — with no `yaml` document built (a 20,000-app file is read in tens of
 * milliseconds instead of seconds). Returns `undefined` as soon as anything
 * is outside that subset or not a valid pin (flow collections, anchors, tags,
 * block scalars, escapes, tabs, CR, a key that YAML would not read as a
 * string, an invalid reference, a duplicate): the caller then parses with the
 * `yaml` library, which also reports every problem with its line. A test
 * checks both paths agree on every file the scanner accepts.
 */
export function scanPins(text: string): PinsIndex | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\t\r\uFEFF\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/.test(text)) return undefined;
  const apps = new Map<string, AppNode>();
  let app: MutableApp | undefined;
  let env: MutableEnv | undefined;
  let line = 0;
  let pos = 0;
  const n = text.length;

  const closeEnv = (): boolean => {
    if (env && app) {
      if (env.images && env.images.size === 0) return false;
      app.envs.set(env.name, env);
      app.end = env.end;
    }
    env = undefined;
    return true;
  };
  const closeApp = (): boolean => {
    if (!closeEnv()) return false;
    if (app) {
      if (app.envs.size === 0) return false;
      apps.set(app.name, app);
    }
    app = undefined;
    return true;
  };

  while (pos < n) {
    line++;
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    let i = pos;
    while (i < eol && text.charCodeAt(i) === 32) i++;
    const indent = i - pos;
    const lineStart = pos;
    pos = eol + 1;
    if (i === eol || text.charCodeAt(i) === 35 /* # */) continue;

    // A key: a name, ':', then the end of the line, spaces + comment, or spaces + value.
    const colon = text.indexOf(':', i);
    if (colon < 0 || colon >= eol) return undefined;
    const key = text.slice(i, colon);
    if (nameProblem(key) !== undefined || NOT_A_STRING_KEY.test(key)) return undefined;
    const afterColon = colon + 1;
    let v = afterColon;
    if (v < eol && text.charCodeAt(v) !== 32) return undefined;
    while (v < eol && text.charCodeAt(v) === 32) v++;
    let pin: PinNode | undefined;
    if (v < eol && text.charCodeAt(v) !== 35) {
      pin = scalarAt(text, v, eol, line);
      if (!pin) return undefined;
    }

    if (indent === 0) {
      if (pin || !closeApp() || apps.has(key)) return undefined;
      app = { name: key, line, keyStart: lineStart, end: eol, flow: false, childIndent: -1, envs: new Map() };
      continue;
    }
    if (!app) return undefined;
    if (app.childIndent < 0) app.childIndent = indent;
    if (indent === app.childIndent) {
      if (!closeEnv() || app.envs.has(key)) return undefined;
      env = pin
        ? { name: key, line, afterColon, end: eol, flow: false, single: pin }
        : { name: key, line, afterColon, end: eol, flow: false, images: new Map() };
      if (pin) app.end = eol;
      continue;
    }
    if (!env || !env.images || indent < app.childIndent || !pin) return undefined;
    if (env.childIndent === undefined) {
      if (indent <= app.childIndent) return undefined;
      env.childIndent = indent;
    }
    if (indent !== env.childIndent || env.images.has(key)) return undefined;
    env.images.set(key, pin);
    env.end = eol;
  }
  if (!closeApp()) return undefined;
  return { apps, flow: false };
}

interface MutableApp extends AppNode {
  readonly name: string;
  end: number;
  childIndent: number;
  readonly envs: Map<string, EnvNode>;
}

interface MutableEnv extends EnvNode {
  readonly name: string;
  end: number;
  childIndent?: number;
  readonly images?: Map<string, PinNode>;
}

/** The scalar starting at `start` and its trailing comment, which must fill the line up to `eol`. */
function scalarAt(text: string, start: number, eol: number, line: number): PinNode | undefined {
  const first = text.charCodeAt(start);
  let value: string;
  let end: number;
  let style: ScalarStyle;
  if (first === 34 /* " */ || first === 39 /* ' */) {
    const close = text.indexOf(text[start], start + 1);
    if (close < 0 || close >= eol) return undefined;
    value = text.slice(start + 1, close);
    // Escapes and doubled quotes: leave them to the YAML library.
    if (value.includes('\\') || text.charCodeAt(close + 1) === first) return undefined;
    end = close + 1;
    style = first === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
    let k = end;
    while (k < eol && text.charCodeAt(k) === 32) k++;
    if (k < eol && (text.charCodeAt(k) !== 35 || k === end)) return undefined;
  } else {
    // A plain scalar ends at " #" or the end of the line; it must not start with an indicator or hold ": ".
    if ('-?:,[]{}#&*!|>%@`'.includes(text[start])) return undefined;
    end = start;
    while (end < eol && !(text.charCodeAt(end) === 35 && text.charCodeAt(end - 1) === 32)) end++;
    while (end > start && text.charCodeAt(end - 1) === 32) end--;
    value = text.slice(start, end);
    if (value.includes(': ') || value.endsWith(':')) return undefined;
    style = 'PLAIN';
  }
  // Every valid reference holds ':' (a tag or a digest), so YAML never reads it as a number, bool or null.
  if (value.length > 255 || !COMMON_REFERENCE.test(value)) return undefined;
  return new LazyPin(value, start, end, style, line);
}
