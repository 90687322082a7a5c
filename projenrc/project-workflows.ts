import { Project } from 'projen';
import { ACTIONS, WorkflowFile, uses } from './workflows';

/**
 * The workflows of this repository itself (not of a config repo that uses
 * the package, which `workflows.ts` generates):
 *
 * - `ci.yml`       every push and PR: `.ci/run` on each supported Node.js major
 * - `release.yml`  a `v<semver>` tag: the same checks, then `npm publish --provenance`
 *
 * Least privilege: `contents: read` at the top and for the checks;
 * `id-token: write` (npm provenance) only in the publish job, which runs behind
 * the `npm` environment (required reviewers) and after the checks pass.
 */
export const NODE_VERSIONS = ['20', '22', '24'] as const;

export function addProjectWorkflows(project: Project): void {
  const checkout = { name: 'Check out', uses: uses(ACTIONS.checkout), with: { 'persist-credentials': false } };
  const setupNode = (version: string, extra: Record<string, string> = {}) => ({
    name: 'Set up Node.js',
    uses: uses(ACTIONS.setupNode),
    with: { 'node-version': version, 'cache': 'npm', ...extra },
  });
  // .ci/run installs the tools the tests use (kubectl kustomize, Go's YAML
  // parser, the registry) with apt-get, then runs the README's two commands.
  const ciRun = { name: 'Install tools, synth, test', run: 'sudo --preserve-env=PATH,CI bash .ci/run', env: { CI: 'true' } };

  new WorkflowFile(project, '.github/workflows/ci.yml', {
    obj: {
      name: 'ci',
      on: { push: { branches: ['main'] }, pull_request: {} },
      permissions: { contents: 'read' },
      concurrency: { 'group': 'ci-${{ github.ref }}', 'cancel-in-progress': true },
      jobs: {
        test: {
          'name': 'Node.js ${{ matrix.node }}',
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 45,
          'strategy': { 'fail-fast': false, 'matrix': { node: [...NODE_VERSIONS] } },
          'steps': [checkout, setupNode('${{ matrix.node }}'), ciRun],
        },
      },
    },
  });

  const newest = NODE_VERSIONS[NODE_VERSIONS.length - 1];
  new WorkflowFile(project, '.github/workflows/release.yml', {
    obj: {
      name: 'release',
      on: { push: { tags: ['v[0-9]+.[0-9]+.[0-9]+*'] } },
      permissions: { contents: 'read' },
      concurrency: { 'group': 'release', 'cancel-in-progress': false },
      jobs: {
        test: {
          'name': 'Checks',
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 45,
          'permissions': { contents: 'read' },
          'steps': [checkout, setupNode(newest), ciRun],
        },
        publish: {
          'name': 'Publish to npm',
          'needs': 'test',
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 15,
          'environment': 'npm',
          'permissions': { 'contents': 'read', 'id-token': 'write' },
          'steps': [
            checkout,
            setupNode(newest, { 'registry-url': 'https://registry.npmjs.org' }),
            { name: 'Install', run: 'npm ci --no-audit --no-fund' },
            {
              name: 'The tag is the package version',
              run: 'test "refs/tags/v$(node -p "require(\'./package.json\').version")" = "$GITHUB_REF"',
            },
            { name: 'Compile', run: 'npx projen compile' },
            {
              name: 'Publish with provenance',
              run: 'npm publish --provenance --access public',
              env: { NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' },
            },
          ],
        },
      },
    },
  });
}
