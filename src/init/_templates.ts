/**
 * The files `cdk8s-gitops init` writes, as functions of the resolved options.
 * Plain strings: a config repo is a handful of small files, and each one reads
 * here exactly as the user will see it.
 */

/** Resolved options of a scaffold (see `ScaffoldOptions`). */
export interface TemplateValues {
  readonly name: string;
  readonly app: string;
  readonly image: string;
  readonly tag: string;
  readonly repoUrl: string;
  readonly version: string;
  /** name -> version range, for package.json. */
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

export function packageJson(v: TemplateValues): string {
  const pkg = {
    name: v.name,
    version: '0.0.0',
    private: true,
    description: `Kubernetes apps of ${v.name}, rendered by cdk8s-gitops to the branch Argo CD syncs.`,
    scripts: {
      'synth': 'cdk8s synth --no-check-upgrade',
      'test': 'jest',
      'test:update': 'jest -u',
      'validate': 'cdk8s-gitops validate',
      'diff': 'cdk8s-gitops diff',
    },
    dependencies: v.dependencies,
    devDependencies: v.devDependencies,
    jest: {
      preset: 'ts-jest',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
    engines: { node: '>= 20.0.0' },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function tsconfig(): string {
  return `${JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['es2022'],
      module: 'commonjs',
      moduleResolution: 'node',
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
    },
    include: ['src/**/*.ts', 'test/**/*.ts'],
  }, null, 2)}\n`;
}

export function cdk8sYaml(v: TemplateValues): string {
  return `# \`npx cdk8s synth --no-check-upgrade\` (or \`npm run synth\`) runs the app below: it renders,
# validates and writes dist/ all-or-nothing itself; \`output\` is the cdk8s CLI's scratch copy
# (the CLI empties it before every run, so it must not be dist/). The app command runs src/main.ts
# as one cached esbuild bundle, rebuilt when a file it imports changes (no type-check on this path:
# \`npm test\` type-checks).
language: typescript
app: node node_modules/cdk8s-gitops/bin/cdk8s-gitops-app.js src/main.ts
output: .cdk8s.out
# The same checks as the app's validation gate, plus \`kubectl kustomize\` of every app folder.
validations:
  - package: ./node_modules/cdk8s-gitops/lib/src/validate/cdk8s-plugin.js
    class: Cdk8sGitOpsValidation
    version: ${v.version}
`;
}

export function mainTs(v: TemplateValues): string {
  return `import * as fs from 'fs';
import * as path from 'path';
import { AppChart, ArgoCd, Environment, GitOpsApp, ImagePins, WebService, synthFailure, validationGate } from 'cdk8s-gitops';

/**
 * ${v.name}: the app ${v.app} in dev (1 replica) and prod (2 replicas). Image tags live in
 * images.yaml, edited by \`cdk8s-gitops set-image\` and \`promote\`; Argo CD syncs the
 * rendered branch (dist/argocd/ holds its AppProjects and Applications).
 */
export function buildApp(): GitOpsApp {
  const pins = ImagePins.load(path.join(__dirname, '..', 'images.yaml'));
  const app = new GitOpsApp({ pins, gates: [validationGate()] });

  for (const env of [
    new Environment(app, 'dev', { namespace: '${v.app}-dev', replicas: 1 }),
    new Environment(app, 'prod', { namespace: '${v.app}-prod', replicas: 2 }),
  ]) {
    const chart = new AppChart(env, '${v.app}'); // the folder dist/<env>/${v.app}/
    new WebService(chart, 'web', { port: 8080 }); // image: the pin of ${v.app} in this env
  }

  // Created after the apps: it finds every AppChart.
  new ArgoCd(app, 'argocd', { repoURL: '${v.repoUrl}' });
  return app;
}

if (require.main === module) {
  try {
    const app = buildApp();
    app.synth();
    // The root "app of apps": applied once by a person (kubectl apply -n argocd -f
    // bootstrap/root-application.yaml; see docs/argocd.md in the package), committed here.
    // Outside dist/, so the root app never manages itself.
    const bootstrap = path.join(__dirname, '..', 'bootstrap', 'root-application.yaml');
    fs.mkdirSync(path.dirname(bootstrap), { recursive: true });
    fs.writeFileSync(bootstrap, (app.node.findChild('argocd') as ArgoCd).bootstrapManifest());
  } catch (e) {
    // Bad input: one line per problem and exit 2, no stack trace (CDK8S_GITOPS_DEBUG=1 shows it);
    // under \`cdk8s synth\` the validation plugin reports it.
    const { text, exitCode } = synthFailure(e);
    process.stderr.write(text);
    process.exitCode = exitCode;
  }
}
`;
}

export function mainTest(v: TemplateValues): string {
  return `import { renderFiles } from 'cdk8s-gitops';
import { buildApp } from '../src/main';

describe('the rendered tree', () => {
  // Rendered in memory: exactly the files that land on the rendered branch.
  const files = renderFiles(buildApp());

  test('GIVEN dev and prod WHEN rendered THEN each environment has the app folder', () => {
    expect(Object.keys(files).filter(f => f.endsWith('/kustomization.yaml') && !f.startsWith('argocd/')).sort())
      .toEqual(['dev/${v.app}/kustomization.yaml', 'prod/${v.app}/kustomization.yaml']);
  });

  test('GIVEN prod WHEN rendered THEN it runs two replicas behind a PodDisruptionBudget', () => {
    expect(files['prod/${v.app}/deployment-${v.app}.yaml']).toMatch(/^ {2}replicas: 2$/m);
    expect(Object.keys(files)).toContain('prod/${v.app}/poddisruptionbudget-${v.app}.yaml');
  });

  // A change to the rendered YAML fails here until \`npm run test:update\` accepts it.
  test('THEN the whole tree matches the snapshot', () => {
    expect(files).toMatchSnapshot();
  });
});
`;
}

export function imagesYaml(v: TemplateValues): string {
  return `# Image pins: <app>: { <environment>: <image reference> }.
# Edited by \`cdk8s-gitops set-image\` (CI, after a build) and \`cdk8s-gitops promote\`.
${v.app}:
  dev: ${v.image}:${v.tag}
  prod: ${v.image}:${v.tag}
`;
}

export function pipelineYaml(): string {
  return `# Promotion pipeline: the stages a version moves through, upstream first.
# Read by \`cdk8s-gitops promote\` and \`status\`. \`soak\`: how long a version must have run
# in the upstream stage (per the rendered branch) before it may enter this one;
# \`approval\`: promote.yml runs in the GitHub environment of that name, whose
# required reviewers approve the pull request's rollout.
stages:
  - name: dev
  - name: prod
    soak: 24h
    approval: true
`;
}

export function gitignore(): string {
  return ['node_modules/', '/dist/', '/.dist.*', '/.cdk8s.out/', '/coverage/', ''].join('\n');
}

export function readme(v: TemplateValues): string {
  return `# ${v.name}

Kubernetes apps described as typed [cdk8s](https://cdk8s.io) constructs, rendered by
[cdk8s-gitops](https://www.npmjs.com/package/cdk8s-gitops) ${v.version} to plain,
Kustomize-ready YAML, and published to the \`rendered-manifests\` branch that Argo CD syncs.

## Every day

\`\`\`sh
npm ci && npm run synth      # renders src/main.ts to dist/ (validated; nothing written on a problem)
npm test                     # the tree's tests and snapshot (npm run test:update accepts a change)
\`\`\`

- Add an app: a new \`AppChart\` and workload in \`src/main.ts\`, and its image in \`images.yaml\`.
- Pin a new image: \`npx cdk8s-gitops set-image ${v.app}=${v.image}:<tag> --env dev\`.
- Promote: \`npx cdk8s-gitops promote --to prod\` (stages and soak times in \`pipeline.yaml\`), as a pull request;
  \`npx cdk8s-gitops status\` shows which version runs where.
- Add a stage (e.g. staging): in \`pipeline.yaml\`, and in \`.github/workflows/promote.yml\` add it to the
  \`stage\` choices and copy the \`promote-prod\` job for it (the workflow is written once, not regenerated).
- See what would change on the rendered branch: \`npx cdk8s-gitops diff\`.

## CI

\`.github/workflows/pr.yml\` tests, renders, validates and shows the rendered diff of each pull
request; \`.github/workflows/publish.yml\` publishes \`dist/\` from the default branch to the
rendered branch.

## Argo CD

Once, after the first publish: \`kubectl apply -n argocd -f bootstrap/root-application.yaml\`.
That root Application (written by every synth; commit it) syncs \`argocd/\` of the rendered
branch, which holds the AppProjects and an Application per environment and app (see
\`docs/argocd.md\` in the cdk8s-gitops package).
`;
}
