import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { CliIo } from '../../src/cli/io';
import { runCli } from '../../src/cli/main';
import { ValidationError } from '../../src/errors';
import { scaffold } from '../../src/init/scaffold';
import { Pipeline } from '../../src/promotion/pipeline';
import { VERSION } from '../../src/version';
import { runActionlint } from '../support/actionlint';
import { tmpDir } from '../support/tools';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: t => out.push(t), err: t => err.push(t), cwd, env: {}, isTTY: false };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter(f => fs.statSync(path.join(dir, f)).isFile()).map(f => f.split(path.sep).join('/')).sort();
}

describe('scaffold (cdk8s-gitops init)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tmpDir('cdk8s-gitops-init-')));
  afterEach(() => cleanup());

  test('GIVEN an empty folder WHEN scaffolded with defaults THEN it writes the config repo and nothing else', () => {
    // WHEN
    const target = path.join(dir, 'payments-config');
    const result = scaffold(target);
    // THEN
    const expected = [
      '.github/workflows/pr.yml', '.github/workflows/publish.yml', '.gitignore', 'README.md', 'cdk8s.yaml',
      'images.yaml', 'package.json', 'pipeline.yaml', 'src/main.ts', 'test/main.test.ts', 'tsconfig.json',
    ];
    const promote = fs.existsSync(path.join(__dirname, '..', '..', '.github', 'workflows', 'promote.yml'));
    if (promote) expected.splice(1, 0, '.github/workflows/promote.yml');
    expect(result).toEqual({ dir: target, files: expected });
    expect(listFiles(target)).toEqual(expected);
  });

  test('GIVEN defaults THEN package.json depends on this version and its peers, scripts synth without the upgrade check', () => {
    scaffold(dir, { name: 'payments-config' });
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('payments-config');
    expect(pkg.private).toBe(true);
    expect(pkg.dependencies).toEqual({
      'cdk8s-gitops': `^${VERSION}`,
      'cdk8s': own.peerDependencies.cdk8s,
      'cdk8s-plus-28': own.peerDependencies['cdk8s-plus-28'],
      'constructs': own.peerDependencies.constructs,
    });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/jest', '@types/node', 'cdk8s-cli', 'esbuild', 'esbuild-register', 'jest', 'ts-jest', 'typescript']);
    expect(pkg.devDependencies.typescript).toBe(own.devDependencies.typescript);
    expect(pkg.scripts.synth).toBe('cdk8s synth --no-check-upgrade');
    // jest detects CI itself: there a missing or changed snapshot fails; locally the first run writes it.
    expect(pkg.scripts.test).toBe('jest');
  });

  test('GIVEN options THEN the app, image, tag and repo URL reach main.ts, images.yaml and cdk8s.yaml', () => {
    scaffold(dir, { name: 'shop-config', app: 'shop', image: 'ghcr.io/acme/shop', tag: '2.0.1', repoUrl: 'git@github.com:acme/shop-config.git' });
    expect(parse(fs.readFileSync(path.join(dir, 'images.yaml'), 'utf8'))).toEqual({
      shop: { dev: 'ghcr.io/acme/shop:2.0.1', prod: 'ghcr.io/acme/shop:2.0.1' },
    });
    const main = fs.readFileSync(path.join(dir, 'src', 'main.ts'), 'utf8');
    expect(main).toContain("new AppChart(env, 'shop')");
    expect(main).toContain("repoURL: 'git@github.com:acme/shop-config.git'");
    expect(parse(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8'))).toEqual({
      language: 'typescript',
      app: 'node node_modules/cdk8s-gitops/bin/cdk8s-gitops-app.js src/main.ts',
      output: '.cdk8s.out',
      validations: [{ package: './node_modules/cdk8s-gitops/lib/src/validate/cdk8s-plugin.js', class: 'Cdk8sGitOpsValidation', version: VERSION }],
    });
  });

  test('GIVEN defaults THEN main.ts writes the root Application beside dist/ and the README says to apply it once', () => {
    scaffold(dir, { name: 'x' });
    const main = fs.readFileSync(path.join(dir, 'src', 'main.ts'), 'utf8');
    expect(main).toContain("path.join(__dirname, '..', 'bootstrap', 'root-application.yaml')");
    expect(main).toContain("(app.node.findChild('argocd') as ArgoCd).bootstrapManifest()");
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('`kubectl apply -n argocd -f bootstrap/root-application.yaml`');
  });

  test('GIVEN defaults THEN promote.yml has a job for each stage after the first of pipeline.yaml, and the README says how to add one', () => {
    scaffold(dir, { name: 'x' });
    const promote = parse(fs.readFileSync(path.join(dir, '.github', 'workflows', 'promote.yml'), 'utf8'));
    const stages = Pipeline.load(path.join(dir, 'pipeline.yaml')).stages.filter(s => s.after !== undefined).map(s => s.name);
    expect(promote.on.workflow_dispatch.inputs.stage.options).toEqual(stages);
    expect(Object.keys(promote.jobs)).toEqual(stages.map(s => `promote-${s}`));
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('copy the `promote-prod` job');
  });

  test('GIVEN defaults THEN pipeline.yaml is a dev -> prod pipeline that promote reads', () => {
    scaffold(dir, { name: 'x' });
    const pipeline = Pipeline.load(path.join(dir, 'pipeline.yaml'));
    expect(pipeline.stages.map(s => s.name)).toEqual(['dev', 'prod']);
  });

  test('GIVEN the shipped workflows THEN they are copied, marked as written by init instead of projen', () => {
    scaffold(dir, { name: 'x' });
    const pr = fs.readFileSync(path.join(dir, '.github', 'workflows', 'pr.yml'), 'utf8');
    expect(pr.split('\n')[0]).toBe(`# Written by cdk8s-gitops ${VERSION} init; yours to edit.`);
    expect(pr).not.toContain('Generated by projen');
  });

  test('GIVEN the shipped workflows THEN no step needs projen or a script the config repo lacks', () => {
    // GIVEN a config repo: no projen, no compile script
    scaffold(dir, { name: 'x' });
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.devDependencies.projen).toBeUndefined();
    for (const file of listFiles(path.join(dir, '.github', 'workflows'))) {
      // WHEN
      const workflow = parse(fs.readFileSync(path.join(dir, '.github', 'workflows', file), 'utf8'));
      const steps = Object.values<any>(workflow.jobs).flatMap(job => job.steps as any[]);
      // THEN
      for (const step of steps.filter(s => s.run)) {
        expect({ file, run: step.run }).toEqual({ file, run: expect.not.stringMatching(/\bprojen\b/) });
        const scripts = [...(step.run as string).matchAll(/npm run (?!--if-present)(\S+)/g)].map(m => m[1]);
        for (const script of scripts) expect({ file, script, defined: script in pkg.scripts }).toEqual({ file, script, defined: true });
      }
    }
  });

  test('GIVEN the workflows init writes THEN each passes actionlint', async () => {
    scaffold(dir, { name: 'x' });
    for (const file of listFiles(path.join(dir, '.github', 'workflows'))) {
      const text = fs.readFileSync(path.join(dir, '.github', 'workflows', file), 'utf8');
      expect({ file, problems: await runActionlint(text, file) }).toEqual({ file, problems: [] });
    }
  });

  test('GIVEN the shipped workflows THEN jest runs with CI set: a snapshot missing from the commit fails instead of being written', () => {
    scaffold(dir, { name: 'x' });
    for (const file of listFiles(path.join(dir, '.github', 'workflows'))) {
      const text = fs.readFileSync(path.join(dir, '.github', 'workflows', file), 'utf8');
      const steps = Object.values<any>(parse(text).jobs).flatMap(job => job.steps as any[]);
      for (const step of steps.filter(s => s.run === 'npm test')) {
        expect({ file, env: step.env }).toEqual({ file, env: undefined });
      }
      expect(text).not.toContain('CI: "false"');
    }
    // This package's own copy keeps it (its tests skip what needs files only its CI machines have).
    expect(fs.readFileSync(path.join(__dirname, '..', '..', '.github', 'workflows', 'pr.yml'), 'utf8')).toContain('CI: "false"');
  });

  test('GIVEN files that already exist WHEN scaffolded THEN it names each one and writes nothing', () => {
    // GIVEN
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"mine"}');
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'main.ts'), '// mine');
    // WHEN
    let error: unknown;
    try {
      scaffold(dir, { name: 'x' });
    } catch (e) {
      error = e;
    }
    // THEN
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe([
      `[${path.join(dir, 'package.json')}] already exists; init never overwrites a file (move it away, or init another folder)`,
      `[${path.join(dir, 'src', 'main.ts')}] already exists; init never overwrites a file (move it away, or init another folder)`,
    ].join('\n'));
    expect(listFiles(dir)).toEqual(['package.json', 'src/main.ts']);
    expect(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}');
  });

  test('GIVEN bad options THEN every problem is reported at once, credentials redacted, nothing written', () => {
    expect(() => scaffold(dir, { name: 'Bad Name', app: 'Hello_World', image: 'ghcr.io/acme/shop:1.0', tag: 'latest', repoUrl: 'https://bot:s3cret@github.com/acme/x.git' }))
      .toThrow(new ValidationError([
        { path: 'init', field: 'name', value: 'Bad Name', message: 'must be a valid npm package name (lowercase letters, digits, - . _ ~; pass --name when the folder name is not one)' },
        { path: 'init', field: 'app', value: 'Hello_World', message: 'must be a DNS-1123 label of at most 50 characters (lowercase letters, digits and -), e.g. "hello"' },
        { path: 'init', field: 'image', value: 'ghcr.io/acme/shop:1.0', message: 'is a repository without tag or digest (give the tag with --tag)' },
        { path: 'init', field: 'tag', value: 'latest', message: 'is mutable; pin a version or commit tag' },
        { path: 'init', field: 'repoUrl', value: 'https://***@github.com/acme/x.git', message: 'must not carry credentials ("user:token@" or "user@"): put them in a repository Secret labelled argocd.argoproj.io/secret-type: repository (see docs/argocd.md)' },
      ]).message);
    expect(listFiles(dir)).toEqual([]);
  });

  test('GIVEN an image that is not a reference THEN it says so', () => {
    expect(() => scaffold(dir, { name: 'x', image: 'UPPER/Case' })).toThrow(/^\[init\] 'image' is not an image reference: .* \(got "UPPER\/Case:0.1.0"\)$/);
  });

  test('GIVEN the CLI WHEN init runs in a folder THEN it lists the files and the next steps, exit 0; a second run exits 2', async () => {
    const target = path.join(dir, 'shop-config');
    const first = io(dir);
    expect(await runCli(['init', 'shop-config', '--app', 'shop'], first.io)).toBe(0);
    expect(first.out()).toContain(`Created a config repo in ${target}:\n`);
    expect(first.out()).toContain('  src/main.ts\n');
    expect(first.out()).toContain('Next:\n  cd shop-config\n  npm install\n');
    const second = io(dir);
    expect(await runCli(['init', 'shop-config', '--json'], second.io)).toBe(2);
    expect(second.err()).toContain(`error: [${path.join(target, 'package.json')}] already exists`);
    expect(second.err()).toContain(`\n[${path.join(target, 'cdk8s.yaml')}] already exists`);
    expect(second.out()).toBe('');
  });
});
