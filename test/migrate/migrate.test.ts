import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { runCli } from '../../src/cli/main';
import { ValidationError } from '../../src/errors';
import { formatDifferences, migrate, MigrateResult } from '../../src/migrate/migrate';

const FIXTURES = path.join(__dirname, 'fixtures');
const SRC = path.resolve(__dirname, '../../src');
const CASES: [string, string[]][] = [
  ['seed-001', ['seed-001']],
  ['seed-002', ['seed-002']],
  ['corpus', ['corpus']],
];

const results = new Map<string, MigrateResult>();
for (const [name, paths] of CASES) {
  for (const strict of [false, true]) {
    results.set(`${name}${strict ? ' --strict' : ''}`, migrate(paths, { cwd: FIXTURES, importFrom: SRC, strict }));
  }
}

/** Type-checks every generated program in one TypeScript program, without writing them. */
function typeCheck(programs: Map<string, string>): string[] {
  const options: ts.CompilerOptions = {
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const files = new Map([...programs].map(([k, code]) => [path.join(__dirname, '__generated__', `${k.replace(/\W+/g, '_')}.ts`), code]));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, ...rest) => (files.has(f) ? ts.createSourceFile(f, files.get(f)!, lang) : getSourceFile(f, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = f => files.has(f) || fileExists(f);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program)
    .filter(d => d.file && files.has(d.file.fileName))
    .map(d => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('migrate: generated code', () => {
  test('every generated program type-checks against the local library', () => {
    // GIVEN the programs generated for every fixture, with and without --strict
    // WHEN they are type-checked together
    const errors = typeCheck(new Map([...results].map(([k, r]) => [k, r.code])));
    // THEN there are no errors
    expect(errors).toEqual([]);
  });

  test.each([...results.keys()].filter(k => k.includes('--strict')))('%s renders to exactly the input objects', key => {
    const r = results.get(key)!;
    expect(r.objects.every(o => o.rendered && o.changes.length === 0)).toBe(true);
    expect(r.added).toEqual([]);
    expect(r.exact).toBe(true);
  });

  test('without --strict, every object renders, equal to its input modulo the reported changes', () => {
    for (const [key, r] of results) {
      if (key.includes('--strict')) continue;
      for (const o of r.objects) expect(o.rendered).toBeDefined();
    }
    // The corpus needs no WebService defaults: it stays equal.
    expect(results.get('corpus')!.exact).toBe(true);
    expect(results.get('seed-002')!.exact).toBe(true);
  });
});

describe('migrate: the seed (Deployment, Service, Kustomization)', () => {
  const r = results.get('seed-001')!;

  test('the pair becomes a WebService with the Kustomize placeholder resolved', () => {
    expect(r.objects.map(o => o.className)).toEqual(['WebService', 'WebService']);
    expect(r.code).toContain("image: ImageRef.parse('dockerhub-user/argocd:6f1ed002ab5595859014ebf0951522d9b6c7e8e4')");
    expect(r.code).toContain('the Kustomize placeholder "argocdimage"');
    expect(r.code).toContain("ImagePins.load('images.yaml')");
    expect(r.namespace).toBe('argocd');
    expect(r.app).toBe('argocdnodejs');
  });

  test('the Service keeps its name through a patch', () => {
    const svc = r.objects.find(o => o.kind === 'Service')!;
    expect(svc.rendered).toBe('dev/argocdnodejs/service-argocdnodejsservice.yaml');
    expect(svc.changes.find(c => c.field === 'metadata.name')).toBeUndefined();
  });

  test('the differences are the secure defaults and labels, field by field', () => {
    const dep = r.objects.find(o => o.kind === 'Deployment')!;
    const fields = dep.changes.map(c => `${c.op} ${c.field}`);
    expect(fields).toContain('added spec.template.spec.containers[0].securityContext');
    expect(fields).toContain('removed spec.selector.matchLabels.app');
    expect(fields).toContain('added spec.replicas');
    // the image and the port are not changed
    expect(fields.some(f => /\.image$|containerPort/.test(f))).toBe(false);
    const lines = formatDifferences(r);
    expect(lines).toContain('  + spec.template.spec.automountServiceAccountToken: false');
    expect(lines).toContain('  - spec.selector.matchLabels.app: "argocdnodejs"');
    expect(lines.some(l => l.includes('spec.selector is immutable'))).toBe(true);
  });

  test('--strict writes typed k8s classes', () => {
    const s = results.get('seed-001 --strict')!;
    expect(s.objects.map(o => o.className)).toEqual(['k8s.KubeDeployment', 'k8s.KubeService']);
    expect(s.code).toContain('targetPort: k8s.IntOrString.fromNumber(3000)');
  });
});

describe('migrate: the Argo CD Application settings', () => {
  test('repo, revision, path, destination and automated sync are kept exactly', () => {
    const r = results.get('seed-002')!;
    expect(r.objects[0].changes).toEqual([]);
    expect(r.code).toContain("repoURL: 'https://github.com/raian2209/manifestsCI-PythonAPI.git'");
    expect(r.code).toContain('automated: { prune: true, selfHeal: true }');
  });
});

describe('migrate: corpus', () => {
  const r = results.get('corpus')!;
  test('known kinds become typed classes, wrapped types included; unknown kinds ApiObjects with a comment', () => {
    const as = Object.fromEntries(r.objects.map(o => [o.kind, o.className]));
    expect(as).toEqual({
      Certificate: 'ApiObject',
      ConfigMap: 'k8s.KubeConfigMap',
      CronJob: 'k8s.KubeCronJob',
      Deployment: 'k8s.KubeDeployment',
      HorizontalPodAutoscaler: 'k8s.KubeHorizontalPodAutoscalerV2',
      Ingress: 'k8s.KubeIngress',
      Service: 'k8s.KubeService',
    });
    expect(r.code).toContain("averageValue: k8s.Quantity.fromString('400Mi')");
    expect(r.code).toContain("port: k8s.IntOrString.fromString('http')");
    expect(r.code).toContain('// cert-manager.io/v1 Certificate has no typed class in cdk8s-plus-28');
  });

  test('a Deployment using envFrom is not a WebService, and the note says why', () => {
    expect(r.notes).toContain('Deployment shop + Service shop stay typed k8s objects, not a WebService: container.envFrom has no WebService prop');
  });
});

describe('migrate: bad input', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function problems(files: Record<string, string>, paths = Object.keys(files)): string {
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
    try {
      migrate(paths, { cwd: dir, importFrom: SRC });
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as Error).message;
    }
    throw new Error('expected a ValidationError');
  }

  test('unparseable YAML names the file and document', () => {
    expect(problems({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nfoo: [\n' }))
      .toMatch(/^\[a\.yaml\] 'document 2' is not valid YAML: /);
  });

  test('missing apiVersion and kind', () => {
    expect(problems({ 'a.yaml': 'metadata: {name: a}\n' })).toBe("[a.yaml] 'document 1' has no 'apiVersion'\n[a.yaml] 'document 1' has no 'kind'");
  });

  test('duplicates name both documents', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n';
    expect(problems({ 'a.yaml': `${cm}---\n${cm}` })).toBe("[a.yaml] 'document 2' duplicates a.yaml document 1: both are ConfigMap \"a\"");
  });

  test('unsupported kustomization fields and remote resources', () => {
    expect(problems({ 'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches: []\nresources: [https://example.com/x.yaml]\n' }))
      .toBe("[kustomization.yaml] 'patches' is not supported by migrate (only resources, namespace and images are); render it first with \"kubectl kustomize . > all.yaml\" and migrate that\n"
        + "[kustomization.yaml] 'resources[0]' must be a local file or folder (remote bases cannot be migrated) (got \"https://example.com/x.yaml\")");
  });

  test('a missing path', () => {
    expect(problems({}, ['nope.yaml'])).toBe('[nope.yaml] does not exist');
  });
});

describe('migrate command', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-cli-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function cli(...args: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(args, { out: t => { out += t; }, err: t => { err += t; }, cwd: dir, env: {}, isTTY: false });
    return { code, out, err };
  }

  test('writes --out, refuses to overwrite it without --force', async () => {
    const seed = path.join(FIXTURES, 'seed-001');
    const first = await cli('migrate', seed, '--out', 'src/main.ts', '--import-from', SRC);
    expect(first.code).toBe(0);
    expect(first.out).toContain('Wrote src/main.ts (2 objects, app argocdnodejs, env dev).');
    const written = fs.readFileSync(path.join(dir, 'src/main.ts'), 'utf8');
    expect(written).toContain("new WebService(chart, 'argocdnodejs', {");
    expect(written.split('\n').slice(1).join('\n')).toBe(results.get('seed-001')!.code.split('\n').slice(1).join('\n'));
    const again = await cli('migrate', seed, '--out', 'src/main.ts');
    expect(again.code).toBe(2);
    expect(again.err).toBe('error: [src/main.ts] exists already; pass --force to overwrite it\n');
    expect((await cli('migrate', seed, '--out', 'src/main.ts', '--force', '--import-from', SRC)).code).toBe(0);
  });

  test('bad input exits 2 and writes nothing', async () => {
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'kind: X\n');
    const r = await cli('migrate', 'bad.yaml', '--out', 'out.ts');
    expect(r.code).toBe(2);
    expect(r.err).toContain("[bad.yaml] 'document 1' has no 'apiVersion'");
    expect(fs.existsSync(path.join(dir, 'out.ts'))).toBe(false);
  });

  test('--json prints objects and their changes; without --out the code goes to stdout', async () => {
    const json = JSON.parse((await cli('migrate', path.join(FIXTURES, 'seed-002'), '--json', '--import-from', SRC)).out);
    expect(json.exact).toBe(true);
    expect(json.objects[0]).toMatchObject({ kind: 'Application', name: 'python-api', changes: [] });
    const plain = await cli('migrate', path.join(FIXTURES, 'seed-002'), '--import-from', SRC);
    expect(plain.out).toContain('new ApiObject(chart');
    expect(plain.err).toContain('The rendered objects equal the input exactly.');
  });
});
