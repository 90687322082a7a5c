import * as fs from 'fs';
import * as path from 'path';
import type * as YamlModule from 'yaml';
import { loadYaml, VENDORED_YAML } from '../../src/yaml/_vendored';
import { tmpDir } from '../support/tools';

/* eslint-disable @typescript-eslint/no-require-imports */
// The package's own module object (an `import * as` would be a copy of it).
const Yaml = require('yaml') as typeof YamlModule;
const { vendorYaml } = require('../../scripts/vendor-yaml') as { vendorYaml: (out: string) => { out: string; version: string } };
const VERSION = (require('yaml/package.json') as { version: string }).version;
/* eslint-enable @typescript-eslint/no-require-imports */

/** A document's value, or what its conversion throws. */
const valueOf = (d: YamlModule.Document.Parsed): unknown => {
  try {
    return d.toJS();
  } catch (e) {
    return { threw: String(e) };
  }
};

/** What publish looks at in a parse: each document's value, errors and warnings. */
const parsed = (yaml: typeof YamlModule, text: string) => yaml.parseAllDocuments(text, { prettyErrors: false }).map(d => ({
  js: valueOf(d as YamlModule.Document.Parsed),
  errors: (d as YamlModule.Document.Parsed).errors.map(e => [e.code, e.message]),
  warnings: (d as YamlModule.Document.Parsed).warnings.map(e => [e.code, e.message]),
}));

const TEXTS = [
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: "1"\n',
  'a: 1\n---\nb: [x, {y: z}]\n...\n',
  'images:\n- name: app\n  newTag: 1.0\n  digest: sha256:abc\n',
  'a: &x 1\nb: *x\nc: *missing\n',
  'a: 1\na: 2\n',
  'key: [unclosed\n',
  '\t- tab\n',
  '%YAML 1.1\n---\nyes: on\n',
  'x: !!binary aGk=\ny: 0o17\nz: 1e3\n',
];

describe('the one-file build of yaml (scripts/vendor-yaml.js, src/yaml/_vendored.ts)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => { ({ dir, cleanup } = tmpDir('cdk8s-gitops-vendored-yaml-')); });
  afterAll(() => cleanup());

  test('GIVEN a build of the installed version THEN it is loaded, and parses every text as the package does', () => {
    const { out, version } = vendorYaml(path.join(dir, 'same', 'yaml.js'));
    expect(version).toBe(VERSION);
    expect(fs.readFileSync(out, 'utf8')).toContain('Copyright Eemeli Aro');
    const yaml = loadYaml(out);
    expect(yaml).not.toBe(Yaml);
    expect(Object.keys(yaml).sort()).toEqual(Object.keys(Yaml).sort());
    for (const text of TEXTS) expect(parsed(yaml, text)).toEqual(parsed(Yaml, text));
    // Nodes of one are recognised by the other (yaml marks node kinds with Symbol.for).
    const doc = yaml.parseDocument('a: [1]\n');
    expect(Yaml.isMap(doc.contents)).toBe(true);
  });

  test('GIVEN a build of another version, a broken file or none THEN the package itself is loaded', () => {
    const { out } = vendorYaml(path.join(dir, 'other', 'yaml.js'));
    fs.writeFileSync(out, fs.readFileSync(out, 'utf8').replace(/module\.exports = \{ version: "[^"]+"/, 'module.exports = { version: "0.0.0-other"'));
    expect(loadYaml(out)).toBe(Yaml);
    const broken = path.join(dir, 'broken.js');
    fs.writeFileSync(broken, 'module.exports = { version: ');
    expect(loadYaml(broken)).toBe(Yaml);
    const empty = path.join(dir, 'empty.js');
    fs.writeFileSync(empty, `module.exports = { version: ${JSON.stringify(VERSION)} };`);
    expect(loadYaml(empty)).toBe(Yaml);
    expect(loadYaml(path.join(dir, 'missing.js'))).toBe(Yaml);
  });

  test('GIVEN the TypeScript sources THEN there is no build beside them and the package is used', () => {
    expect(fs.existsSync(VENDORED_YAML)).toBe(false);
    expect(loadYaml()).toBe(Yaml);
  });
});
