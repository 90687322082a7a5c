import * as fs from 'fs';
import * as path from 'path';
import { k8s } from 'cdk8s-plus-28';

/** One property of a generated L1 interface: its TypeScript name and type. */
export interface L1Field {
  readonly prop: string;
  readonly type: string;
}

let interfaces: Map<string, Map<string, L1Field>> | undefined;
let classes: Map<string, string> | undefined;

/**
 * The L1 (`k8s.Kube*`) class of cdk8s-plus-28 for an apiVersion/kind, e.g.
 * `KubeDeployment` for `apps/v1` `Deployment`.
 */
export function l1ClassFor(apiVersion: string, kind: string): string | undefined {
  if (!classes) {
    classes = new Map();
    for (const [name, value] of Object.entries(k8s)) {
      const gvk = (value as any)?.GVK;
      if (gvk?.apiVersion && gvk?.kind) classes.set(`${gvk.apiVersion}/${gvk.kind}`, name);
    }
  }
  return classes.get(`${apiVersion}/${kind}`);
}

/**
 * The fields of an interface of cdk8s-plus-28's generated `k8s` module, keyed
 * by their JSON name (from the `@schema …#<json name>` tags of its .d.ts).
 */
export function l1Interface(name: string): Map<string, L1Field> | undefined {
  interfaces ??= parseDeclarations(fs.readFileSync(declarationFile(), 'utf8'));
  return interfaces.get(name);
}

function declarationFile(): string {
  const main = require.resolve('cdk8s-plus-28');
  return path.join(path.dirname(main), 'imports', 'k8s.d.ts');
}

/** Parses `export interface X { /** @schema a#json *\/ readonly prop?: T; }` blocks. */
export function parseDeclarations(text: string): Map<string, Map<string, L1Field>> {
  const out = new Map<string, Map<string, L1Field>>();
  const lines = text.split('\n');
  let current: Map<string, L1Field> | undefined;
  let json: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const start = /^export interface (\w+) \{$/.exec(line);
    if (start) {
      current = new Map();
      out.set(start[1], current);
      json = undefined;
      continue;
    }
    if (!current) continue;
    if (line === '}') { current = undefined; continue; }
    const schema = /@schema \S+#(\S+)$/.exec(line);
    if (schema) { json = schema[1]; continue; }
    const member = /^ {4}readonly (\w+)\??: (.*)$/.exec(line);
    if (!member) continue;
    let type = member[2];
    if (type === '{') {
      // `{ [key: string]: T; };` spread over lines
      const inner = lines[++i].trim().replace(/;$/, '');
      i++;
      type = `{ ${inner} }`;
    } else {
      type = type.replace(/;$/, '');
    }
    current.set(json ?? member[1], { prop: member[1], type });
    json = undefined;
  }
  return out;
}
