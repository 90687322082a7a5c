import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { parseAllDocuments } from 'yaml';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { ValidationError } from '../../src/errors';
import { ImageRef } from '../../src/image-ref';
import { renderAppDetailed } from '../../src/render/render';
import { goPlainType, isAmbiguousPlainScalar, readToolOutput, toYaml, unsafeCharacter } from '../../src/yaml';
import { goParse, goYamlOracle } from '../support/go-yaml';
import { seededRandom } from '../support/random';
import { hasTool, tmpDir } from '../support/tools';

/**
 * Differential test against the real Go parser (sigs.k8s.io/yaml over
 * gopkg.in/yaml.v2, as the API server, kubectl and Argo CD read manifests).
 * Every generated string goes through the public paths a user has (an env
 * value, a label value, an annotation, a ConfigMap data key and value); the
 * rendered files must parse in Go and read back exactly, or synth must refuse
 * the string naming the construct path, the field and the character.
 */

const oracle = goYamlOracle();
const IMAGE = ImageRef.parse('ghcr.io/example/oracle:1.0');
const describeGo = oracle ? describe : describe.skip;

/** Every case spelling of `s` (`on` → on, oN, On, ON). */
function cases(s: string): string[] {
  let out = [''];
  for (const ch of s) {
    const variants = ch.toLowerCase() === ch.toUpperCase() ? [ch] : [ch.toLowerCase(), ch.toUpperCase()];
    out = out.flatMap(p => variants.map(v => p + v));
  }
  return out;
}


function corpus(): string[] {
  const out = new Set<string>();
  const numberChars = '0123456789_+-.exobEXOB:';
  // Every string of up to three of the characters numbers are made of.
  let level = [''];
  for (let len = 1; len <= 3; len++) {
    level = level.flatMap(p => [...numberChars].map(c => p + c));
    level.forEach(s => out.add(s));
  }
  // Longer number-like strings: prefixes with random tails.
  const rand = seededRandom(42);
  const prefixes = ['', '0', '0x', '0X', '0o', '0O', '0b', '0B', '-0b', '+0x', '-0x', '+', '-', '.', '1_', '0_', '1e', '1.', '_1', '1:', '190:'];
  const tailChars = '0123456789abcdefABCDEF_+-.eEx:';
  for (let i = 0; i < 6000; i++) {
    let s = prefixes[rand(prefixes.length)];
    const len = 1 + rand(8);
    for (let j = 0; j < len; j++) s += tailChars[rand(tailChars.length)];
    out.add(s);
  }
  for (const n of ['9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551615', '18446744073709551616',
    '0xFFFFFFFFFFFFFFFF', '0x1FFFFFFFFFFFFFFFF', '0b1111111111111111111111111111111111111111111111111111111111111111', '1e308', '1e309', '.1e400', '1e-400', '0777', '08', '09.5', '0.', '+.5', '-.5e-3', '1_000_000', '0x_1F', '0b_1', '._5', '.5_5', '.5e1_0', '1__0', '+_1', '-_', `-0b${'1'.repeat(64)}`, `-0b1${'0'.repeat(63)}`]) out.add(n);
  const words = ['.inf', '+.inf', '-.inf', '.nan', 'inf', 'nan', 'infinity', '-infinity', 'y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~', '<<', '=', 'none', 'nil'];
  for (const w of words) cases(w).forEach(s => out.add(s));
  for (const t of ['2024-01-01', '2024-1-1', '2024-02-29', '2023-02-29', '2024-13-01', '2024-00-10', '2024-01-32', '2001-12-14t21:59:43.10-05:00', '2001-12-14T21:59:43Z', '2001-12-14 21:59:43.10',
    '2001-12-14  21:59:43', '2001-12-14T21:59:43', '2001-12-14 21:59:43.10 -5', '2001-12-14T21:59:43,5Z', '2001-12-14T24:00:00Z', '2001-12-14T1:2:3+05:00', '12024-01-01', '2024-01-01x', '1:20', '190:20:30.15', '1:20:30']) out.add(t);
  // Plain-text shapes, then decorations that change how a scalar must be written.
  const base = ['a', 'x y', 'hello world', 'ghcr.io/x/y:1.0', 'k=v', 'a,b', '[a]', '{a}', '&a', '*a', '!a', '|a', '>a', "'a'", '"a"', 'it\'s', 'say "hi"', '%a', '@a', '`a', '?a', '? a', '-a', '- a', '-', ':a', 'a:', 'a: b', 'a:b', '#a', 'a #b', 'a#b', '---', '--- a', '...', 'é', '🚀', 'a\u00a0b', '1', 'on', '0x1F', '1_0', '.5', '2024-01-01'];
  const decorate: ((s: string) => string)[] = [
    s => s, s => ` ${s}`, s => `${s} `, s => `\t${s}`, s => `${s}\t`, s => `  ${s}  `,
    s => `${s}\r`, s => `${s}\r\n${s}`, s => `${s}\u0085`, s => `${s}\u2028${s}`, s => `${s}\u2029`, s => `\ufeff${s}`, s => `${s}\u0001`, s => `${s}\u001b`, s => `${s}\u007f`, s => `${s}\u0000`,
    s => `${s}\n`, s => `${s}\n\n`, s => `${s}\n${s}`, s => `\n${s}`, s => `\t${s}\n${s}`, s => ` ${s}\n${s}`, s => `${s}\n\t${s}`, s => `${s}\n ${s}`, s => `${s} \n${s}`, s => `${s}\t\n${s}`,
    s => `${s}\n `, s => `${s}\n\t`, s => `\n\t${s}`, s => `\n ${s}`, s => `  ${s}\n  ${s}\n`, s => `\t\t${s}\n\t${s}\n`, s => `${s}\n\n${s}\n\n\n`, s => `${s}\n---\n${s}`, s => `${s}\n...\n`, s => `${s}\n#${s}`, s => `${s}\n- ${s}`, s => `${s}\n${s}: x`,
  ];
  for (const b of base) for (const d of decorate) out.add(d(b));
  for (const s of ['', ' ', '\t', '\n', '\n\n', ' \n', '\t\n', '\n\t', '\r', '\r\n', '\n ', 'x'.repeat(200), `${'long line '.repeat(20)}\n${'next '.repeat(20)}`]) out.add(s);
  return [...out];
}

/** Valid Kubernetes label values (the label path refuses others before YAML matters). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

interface Placement {
  /** Where the string sits in the rendered JSON. */
  readonly read: (objects: Map<string, any>) => unknown;
  readonly what: string;
}

describeGo('Go YAML oracle (sigs.k8s.io/yaml, gopkg.in/yaml.v2)', () => {
  const strings = corpus();
  const safe = strings.filter(s => !unsafeCharacter(s));
  const unsafe = strings.filter(s => unsafeCharacter(s));

  test(`GIVEN ${strings.length} generated strings WHEN rendered through env values, labels, annotations and ConfigMap keys and values THEN Go parses every document and reads every string back exactly`, () => {
    // GIVEN: one app per batch, each string in every public path it is valid for
    const app = new GitOpsApp({ outdir: '/nonexistent/never-written' });
    const env = new Environment(app, 'dev', { namespace: 'oracle-dev' });
    const placements = new Map<string, Placement[]>();
    const BATCH = 100;
    for (let b = 0; b * BATCH < safe.length; b++) {
      const batch = safe.slice(b * BATCH, (b + 1) * BATCH);
      const chart = new AppChart(env, `app${b}`);
      const labelled = batch.filter(s => s.length <= 63 && LABEL_VALUE.test(s));
      const ws = new WebService(chart, 'web', {
        image: IMAGE,
        env: Object.fromEntries(batch.map((s, i) => [`V${i}`, s])),
        labels: Object.fromEntries(labelled.map((s, i) => [`l${i}`, s])),
      });
      const deployment = ApiObject.of(ws.deployment);
      batch.forEach((s, i) => deployment.metadata.addAnnotation(`oracle.example.com/a${i}`, s));
      new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: `strings-${b}` }, data: Object.fromEntries(batch.map((s, i) => [s, `${i}:${s}`])) });
      const deploymentFile = `dev/app${b}/deployment-app${b}.yaml`;
      const cmFile = `dev/app${b}/configmap-strings-${b}.yaml`;
      batch.forEach((s, i) => {
        const list: Placement[] = [
          { what: `${deploymentFile} env V${i}`, read: o => o.get(deploymentFile)?.spec.template.spec.containers[0].env.find((e: any) => e.name === `V${i}`)?.value },
          { what: `${deploymentFile} annotation a${i}`, read: o => o.get(deploymentFile)?.metadata.annotations[`oracle.example.com/a${i}`] },
          { what: `${cmFile} data key and value`, read: o => o.get(cmFile)?.data[s] === `${i}:${s}` ? s : o.get(cmFile)?.data[s] },
        ];
        placements.set(s, [...(placements.get(s) ?? []), ...list]);
      });
      labelled.forEach((s, i) => placements.get(s)!.push({ what: `${deploymentFile} label l${i}`, read: o => o.get(deploymentFile)?.metadata.labels[`l${i}`] }));
    }

    // WHEN: rendered, and every file read by Go in one process
    const { tree } = renderAppDetailed(app);
    const files = [...tree];
    const results = goParse(oracle!, files.map(([, text]) => text));
    const goObjects = new Map<string, any>();
    const unparseable: string[] = [];
    files.forEach(([file], i) => {
      const r = results[i];
      if (r.ok) goObjects.set(file, r.value);
      else unparseable.push(`${file}: ${r.error}`);
    });

    // THEN: no document is unparseable, no string is misread
    expect(unparseable).toEqual([]);
    const misread: string[] = [];
    for (const [s, list] of placements) {
      for (const p of list) {
        const got = p.read(goObjects);
        if (got !== s) misread.push(`${JSON.stringify(s)} at ${p.what} read as ${JSON.stringify(got)}`);
      }
    }
    expect(misread.slice(0, 20)).toEqual([]);
    expect(misread).toHaveLength(0);
  });

  test('GIVEN the generated strings with characters Go refuses or rewrites WHEN rendered THEN synth refuses each naming the construct path, the field and the character', () => {
    // GIVEN
    const app = new GitOpsApp({ outdir: '/nonexistent/never-written' });
    const env = new Environment(app, 'dev', { namespace: 'oracle-dev' });
    const chart = new AppChart(env, 'refused');
    new WebService(chart, 'web', { image: IMAGE, env: Object.fromEntries(unsafe.map((s, i) => [`V${i}`, s])) });
    new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'strings' }, data: Object.fromEntries(unsafe.map((s, i) => [s, `v${i}`])) });
    // WHEN
    let error: unknown;
    try {
      renderAppDetailed(app);
    } catch (e) {
      error = e;
    }
    // THEN
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    const missing: string[] = [];
    unsafe.forEach(s => {
      const cp = `U+${unsafeCharacter(s)!.match(/U\+([0-9A-F]+)/)![1]}`;
      const envProblem = problems.find(p => p.path === 'dev/refused/web/Deployment/Resource' && /^spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.value$/.test(p.field ?? '') && p.value === s && p.message.includes(cp));
      const keyProblem = problems.find(p => p.path === 'dev/refused/cm' && p.field === `data.${s}` && p.value === s && p.message.startsWith(`key contains the character ${cp}`));
      if (!envProblem || !keyProblem) missing.push(`${JSON.stringify(s)}${envProblem ? '' : ' (env value)'}${keyProblem ? '' : ' (ConfigMap key)'}`);
    });
    expect(missing).toEqual([]);
  });

  test('GIVEN number-, boolean- and date-like strings written plain WHEN Go reads them THEN the resolver model (goPlainType) agrees on every one', () => {
    // GIVEN: strings a plain scalar can hold (no indicators, breaks or edge spaces)
    const plain = safe.filter(s => s && /^[^\s#'"[\]{},&*!|>%@`?:-]|^[-?:][^\s]/.test(s) && !/[\n\r\t]|: | #|\s$|:$/.test(s));
    // WHEN
    const results = goParse(oracle!, plain.map(s => `v: ${s}\n`));
    // THEN
    const disagree: string[] = [];
    plain.forEach((s, i) => {
      const r = results[i];
      const goString = r.ok && (r.value as { v: unknown }).v === s;
      // sigs.k8s.io/yaml decodes into interface{}, where yaml.v2 keeps timestamps as their text,
      // and `<<` merges only as a key: as values both read back as the same string.
      const modelString = ['str', 'timestamp', 'merge'].includes(goPlainType(s));
      if (goString !== modelString) disagree.push(`${JSON.stringify(s)}: Go ${r.ok ? JSON.stringify((r.value as { v: unknown }).v) : r.error}, model ${goPlainType(s)}`);
      if (!goString && !isAmbiguousPlainScalar(s)) disagree.push(`${JSON.stringify(s)} is not flagged ambiguous`);
    });
    expect(disagree.slice(0, 20)).toEqual([]);
    expect(plain.length).toBeGreaterThan(10_000);
  });

  test('GIVEN the emitter\'s own choices WHEN a whole object with every safe string as key and value is read by Go THEN it equals the object', () => {
    const obj = Object.fromEntries(safe.map(s => [s, [s, { [s]: s }]]));
    const [r] = goParse(oracle!, [toYaml(obj)]);
    expect(r.ok ? 'parsed' : r.error).toBe('parsed');
    expect(r.ok && r.value).toEqual(obj);
  });
});

/*
 * kubectl's output (sigs.k8s.io/yaml over gopkg.in/yaml.v2) is read with
 * js-yaml in the kustomize check (`readToolOutput`); the `yaml` package read
 * it before. Both must give the same values for everything kubectl writes.
 */
(hasTool('kubectl') ? describe : describe.skip)('kubectl\'s output read by readToolOutput', () => {
  test('GIVEN every generated string as ConfigMap keys and values, and numbers of every size WHEN `kubectl kustomize` writes them THEN readToolOutput reads every string back exactly, as Go reads that output (YAML 1.2 does not)', () => {
    // GIVEN one folder: ConfigMaps of the corpus (Go-safe strings), a Deployment with numbers, a kustomization
    const { dir, cleanup } = tmpDir('cdk8s-gitops-tool-output-');
    try {
      const strings = corpus().filter(s => !unsafeCharacter(s));
      const BATCH = 500;
      const resources: string[] = [];
      const maps: Record<string, string>[] = [];
      for (let b = 0; b * BATCH < strings.length; b++) {
        const batch = strings.slice(b * BATCH, (b + 1) * BATCH);
        const data = Object.fromEntries(batch.flatMap((s, i) => [[`v${i}`, s], [s, `k${i}`]]));
        maps.push(data);
        fs.writeFileSync(path.join(dir, `cm-${b}.yaml`), toYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `strings-${b}` }, data }));
        resources.push(`cm-${b}.yaml`);
      }
      const numbers = [0, 1, -1, 7, 1.5, -0.25, 1e-7, 123456789, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e21, 1.7976931348623157e308, 5e-324];
      fs.writeFileSync(path.join(dir, 'numbers.yaml'), toYaml({ apiVersion: 'example.com/v1', kind: 'Numbers', metadata: { name: 'n' }, spec: { numbers, flags: [true, false, null] } }));
      resources.push('numbers.yaml');
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }));
      // WHEN
      const out = execFileSync('kubectl', ['kustomize', '--', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      // THEN every string comes back exactly, every number as itself
      const read = readToolOutput(out) as any[];
      const byName = new Map(read.map(o => [o.metadata.name, o]));
      // (but a `<<` key: kustomize drops it even quoted, taking it for a merge key; the kustomize check reports that folder)
      const survives = (data: Record<string, string>) => Object.fromEntries(Object.entries(data).filter(([k]) => k !== '<<'));
      maps.forEach((data, b) => expect(byName.get(`strings-${b}`).data).toEqual(survives(data)));
      expect(maps.some(data => '<<' in data)).toBe(true);
      expect(byName.get('n').spec).toEqual({ numbers, flags: [true, false, null] });
      // AND what Go reads in the same output (when the oracle is built) is the same
      if (oracle) {
        const docs = out.split(/^---\n/m).filter(d => d.trim());
        expect(goParse(oracle, docs).map(r => (r.ok ? r.value : r.error))).toEqual(read);
      }
      // AND the yaml package's YAML 1.2 reading, used before, differs on strings Go keeps (e.g. 1e309, 0x1FFFFFFFFFFFFFFFF)
      expect(parseAllDocuments(out).map(doc => doc.toJS())).not.toEqual(read);
    } finally {
      cleanup();
    }
  });
});
