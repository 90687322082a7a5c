import { IResolver, Project, YamlFile, YamlFileOptions } from 'projen';

/**
 * The GitHub Actions workflows of the project, generated so that every rule
 * of the CI/CD flow lives in one reviewed place (docs/ci-cd.md explains it):
 *
 * - `pr.yml`       pull requests: test, synth, validate, and the rendered diff in the job summary
 * - `publish.yml`  main: the same checks, then publish dist/ to the rendered branch
 * - `image.yml`    examples/hello changed: build and push the image tagged with the
 *                  commit SHA, pin it in dev (`set-image`), and publish — or, in the
 *                  two-repo layout, open a pull request against the config repository
 *
 * Hardening: every action pinned to a full commit SHA (with its version as a
 * comment), `contents: read` by default and write scopes only on the jobs
 * that push, no `${{ }}` inside `run:` (values pass through `env:`), no
 * `pull_request_target`, no persisted credentials in jobs that do not push,
 * `timeout-minutes` on every job.
 */

/** An action pinned to a commit; `version` is the release the commit is tagged with. */
export interface PinnedAction {
  readonly repo: string;
  readonly sha: string;
  readonly version: string;
}

/**
 * The actions the workflows use. Each SHA is the commit of the release in
 * `version`; bump both together (Dependabot and Renovate understand the
 * `@<sha> # <version>` form).
 */
export const ACTIONS = {
  checkout: { repo: 'actions/checkout', sha: '11bd71901bbe5b1630ceea73d27597364c9af683', version: 'v4.2.2' },
  setupNode: { repo: 'actions/setup-node', sha: '49933ea5288caeca8642d1e84afbd3f7d6820020', version: 'v4.4.0' },
  setupBuildx: { repo: 'docker/setup-buildx-action', sha: 'b5ca514318bd6ebac0fb2aedd5d36ec1b5c232a2', version: 'v3.10.0' },
  login: { repo: 'docker/login-action', sha: '74a5d142397b4f367a81961eba4e8cd7edddf772', version: 'v3.4.0' },
  buildPush: { repo: 'docker/build-push-action', sha: '263435318d21b8e681c14492fe198d362a7d2c83', version: 'v6.18.0' },
  createPullRequest: { repo: 'peter-evans/create-pull-request', sha: '271a8d0340265f705b14b6d32b9829c1cb33d45e', version: 'v7.0.8' },
} as const satisfies Record<string, PinnedAction>;

/** Options of `addWorkflows`. */
export interface WorkflowOptions {
  /**
   * The app whose image `image.yml` builds, and its build context.
   *
   * @default { name: 'hello', context: 'examples/hello' }
   */
  readonly app?: { readonly name: string; readonly context: string };
  /**
   * The branch the source lives on.
   *
   * @default 'main'
   */
  readonly defaultBranch?: string;
  /**
   * The Node.js major version CI runs.
   *
   * @default '20'
   */
  readonly nodeVersion?: string;
}

type Step = Record<string, unknown>;
type Job = Record<string, unknown>;

const BOT_NAME = 'github-actions[bot]';
const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';

/**
 * A git credential helper that answers with `$GH_TOKEN` from the step's
 * environment, so the token is never written to `.git/config` and only the
 * step that pushes has it.
 */
const CREDENTIAL_HELPER = 'git config --local credential.helper \'!f() { echo username=x-access-token; echo "password=${GH_TOKEN}"; }; f\'';

export function uses(action: PinnedAction): string {
  return `${action.repo}@${action.sha}`;
}

/** A YAML file whose `uses: owner/repo@<sha>` lines carry the action's version as a comment. */
export class WorkflowFile extends YamlFile {
  constructor(project: Project, filePath: string, options: YamlFileOptions) {
    super(project, filePath, options);
  }

  protected synthesizeContent(resolver: IResolver): string | undefined {
    const content = super.synthesizeContent(resolver);
    if (content === undefined) return undefined;
    const versions = new Map<string, string>(Object.values(ACTIONS).map(a => [uses(a), a.version]));
    return content.replace(/^(\s*(?:- )?uses: )(\S+)$/gm, (line, _prefix: string, ref: string) => {
      const version = versions.get(ref);
      return version ? `${line} # ${version}` : line;
    });
  }
}

/** Adds `.github/workflows/{pr,publish,image}.yml` to `project`. */
export function addWorkflows(project: Project, options: WorkflowOptions = {}): void {
  const app = options.app ?? { name: 'hello', context: 'examples/hello' };
  const branch = options.defaultBranch ?? 'main';
  const nodeVersion = options.nodeVersion ?? '20';

  const checkout = (extra: Record<string, unknown> = {}): Step => ({
    name: 'Check out',
    uses: uses(ACTIONS.checkout),
    with: { 'persist-credentials': false, ...extra },
  });
  const setupNode: Step = {
    name: 'Set up Node.js',
    uses: uses(ACTIONS.setupNode),
    with: { 'node-version': nodeVersion, 'cache': 'npm' },
  };
  /** Test, render, validate, and show what the rendered branch would get. */
  const checks = (install: string): Step[] => [
    { name: 'Install', run: install },
    {
      name: 'Test',
      run: 'npm test',
      // The seeds and schemas in ../shared exist only on the project's own CI
      // machines; on GitHub the tests that need them skip instead of failing.
      env: { CI: 'false' },
    },
    { name: 'Synth', run: 'npx cdk8s synth --no-check-upgrade' },
    { name: 'Validate', run: 'npx cdk8s-gitops validate' },
    {
      // `fetch-depth: 0` on checkout fetched the rendered branch too.
      name: 'Diff against the rendered branch',
      run: 'npx cdk8s-gitops diff --format markdown >> "$GITHUB_STEP_SUMMARY"',
    },
  ];

  // ---------------------------------------------------------------- pr.yml
  new WorkflowFile(project, '.github/workflows/pr.yml', {
    obj: {
      name: 'pr',
      on: { pull_request: { branches: [branch] } },
      permissions: { contents: 'read' },
      concurrency: { 'group': 'pr-${{ github.event.pull_request.number }}', 'cancel-in-progress': true },
      jobs: {
        check: {
          'name': 'Test, synth, validate, diff',
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 20,
          'steps': [checkout({ 'fetch-depth': 0 }), setupNode, ...checks('npm ci')],
        },
      },
    },
  });

  // ----------------------------------------------------------- publish.yml
  new WorkflowFile(project, '.github/workflows/publish.yml', {
    obj: {
      name: 'publish',
      on: {
        push: { branches: [branch] },
        workflow_dispatch: {
          inputs: {
            ref: { description: 'Commit to publish (default: the head of the branch)', type: 'string', required: false, default: '' },
          },
        },
        // image.yml calls this after it pushed a pin commit: pushes made with
        // GITHUB_TOKEN do not start workflows themselves.
        workflow_call: {
          inputs: {
            ref: { description: 'Commit to publish (default: the triggering commit)', type: 'string', required: false, default: '' },
          },
        },
      },
      permissions: { contents: 'read' },
      jobs: {
        publish: {
          'name': 'Publish the rendered manifests',
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 30,
          'permissions': { contents: 'write' },
          // One publish at a time, and a running publish is never cancelled
          // (a queued one may be superseded by a newer commit's).
          'concurrency': { 'group': 'publish-rendered-manifests', 'cancel-in-progress': false },
          'steps': [
            checkout({ 'ref': '${{ inputs.ref || github.sha }}', 'fetch-depth': 0 }),
            setupNode,
            // No lifecycle scripts in a job that can push.
            ...checks('npm ci --ignore-scripts'),
            {
              name: 'Publish',
              env: { GH_TOKEN: '${{ github.token }}' },
              run: [
                CREDENTIAL_HELPER,
                'npx cdk8s-gitops publish --push',
              ].join('\n'),
            },
          ],
        },
      },
    },
  });

  // ------------------------------------------------------------- image.yml
  const pinMessage = `chore(images): pin ${app.name} in dev to \${GITHUB_SHA}`;
  new WorkflowFile(project, '.github/workflows/image.yml', {
    obj: {
      name: 'image',
      on: {
        push: { branches: [branch], paths: [`${app.context}/**`, '.github/workflows/image.yml'] },
        workflow_dispatch: {},
      },
      permissions: { contents: 'read' },
      // Image runs one after another, so pins land in commit order.
      concurrency: { 'group': 'image-${{ github.ref }}', 'cancel-in-progress': false },
      jobs: {
        'build': buildJob(app, checkout),
        'pin': pinJob(app, branch, checkout, setupNode, pinMessage),
        'publish': {
          name: 'Publish the pinned commit',
          needs: 'pin',
          permissions: { contents: 'write' },
          uses: './.github/workflows/publish.yml',
          with: { ref: '${{ needs.pin.outputs.sha }}' },
        },
        'pull-request': pullRequestJob(app, setupNode),
      },
    },
  });
}

function buildJob(app: { name: string; context: string }, checkout: (extra?: Record<string, unknown>) => Step): Job {
  return {
    'name': `Build and push the ${app.name} image`,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 30,
    'permissions': { contents: 'read', packages: 'write' },
    'outputs': { image: '${{ steps.ref.outputs.image }}' },
    'steps': [
      checkout(),
      {
        // vars.IMAGE_REPOSITORY overrides the default GHCR repository, e.g.
        // docker.io/<user>/hello with the DOCKERHUB_USERNAME variable and the
        // DOCKERHUB_TOKEN secret.
        name: 'Image repository',
        id: 'repo',
        env: { IMAGE_REPOSITORY: '${{ vars.IMAGE_REPOSITORY }}', OWNER: '${{ github.repository_owner }}' },
        run: [
          `repository="\${IMAGE_REPOSITORY:-ghcr.io/\${OWNER,,}/${app.name}}"`,
          'registry="${repository%%/*}"',
          'case "$registry" in',
          '  ghcr.io|docker.io) ;;',
          '  *) echo "::warning::no login step for registry ${registry}: add one to image.yml" ;;',
          'esac',
          'echo "repository=${repository}" >> "$GITHUB_OUTPUT"',
          'echo "registry=${registry}" >> "$GITHUB_OUTPUT"',
        ].join('\n'),
      },
      { name: 'Set up Docker Buildx', uses: uses(ACTIONS.setupBuildx) },
      {
        name: 'Log in to GitHub Container Registry',
        if: 'steps.repo.outputs.registry == \'ghcr.io\'',
        uses: uses(ACTIONS.login),
        with: { registry: 'ghcr.io', username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' },
      },
      {
        name: 'Log in to Docker Hub',
        if: 'steps.repo.outputs.registry == \'docker.io\'',
        uses: uses(ACTIONS.login),
        with: { username: '${{ vars.DOCKERHUB_USERNAME }}', password: '${{ secrets.DOCKERHUB_TOKEN }}' },
      },
      {
        name: 'Build and push',
        id: 'build',
        uses: uses(ACTIONS.buildPush),
        with: {
          context: app.context,
          push: true,
          tags: '${{ steps.repo.outputs.repository }}:${{ github.sha }}',
        },
      },
      {
        // Pin tag and digest: the tag says which commit, the digest makes it immutable.
        name: 'Image reference',
        id: 'ref',
        env: { REPOSITORY: '${{ steps.repo.outputs.repository }}', DIGEST: '${{ steps.build.outputs.digest }}' },
        run: 'echo "image=${REPOSITORY}:${GITHUB_SHA}@${DIGEST}" >> "$GITHUB_OUTPUT"',
      },
    ],
  };
}

function pinJob(
  app: { name: string },
  branch: string,
  checkout: (extra?: Record<string, unknown>) => Step,
  setupNode: Step,
  message: string,
): Job {
  return {
    'name': 'Pin the image in dev (images.yaml in this repository)',
    'needs': 'build',
    // Single-repo layout. With vars.CONFIG_REPOSITORY set, pull_request runs instead.
    'if': 'vars.CONFIG_REPOSITORY == \'\'',
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 15,
    'permissions': { contents: 'write' },
    'outputs': { sha: '${{ steps.commit.outputs.sha }}' },
    'steps': [
      checkout({ ref: branch }),
      setupNode,
      { name: 'Install', run: 'npm ci --ignore-scripts && npx projen compile' },
      {
        name: 'Set the image and push',
        id: 'commit',
        env: { IMAGE: '${{ needs.build.outputs.image }}', GH_TOKEN: '${{ github.token }}', BRANCH: branch },
        run: [
          `git config --local user.name "${BOT_NAME}"`,
          `git config --local user.email "${BOT_EMAIL}"`,
          CREDENTIAL_HELPER,
          // Re-apply on the newest branch head if someone pushed meanwhile: never a merge, never a force.
          'for attempt in 1 2 3; do',
          `  npx cdk8s-gitops set-image "${app.name}=\${IMAGE}" --env dev`,
          '  if git diff --quiet -- images.yaml; then break; fi',
          `  git commit --quiet -m "${message}" -- images.yaml`,
          '  if git push origin "HEAD:refs/heads/${BRANCH}"; then break; fi',
          '  if [ "$attempt" = 3 ]; then echo "::error::could not push the pin after 3 attempts"; exit 1; fi',
          '  git fetch --quiet --depth=1 origin "$BRANCH"',
          '  git reset --quiet --hard FETCH_HEAD',
          'done',
          'echo "sha=$(git rev-parse HEAD)" >> "$GITHUB_OUTPUT"',
        ].join('\n'),
      },
    ],
  };
}

function pullRequestJob(app: { name: string }, setupNode: Step): Job {
  return {
    'name': 'Open a pull request against the config repository',
    'needs': 'build',
    // Two-repo layout: vars.CONFIG_REPOSITORY = owner/name of the repository
    // holding the cdk8s app and images.yaml; secrets.CONFIG_REPO_TOKEN may
    // push branches and open pull requests there. Merging the PR is the approval.
    'if': 'vars.CONFIG_REPOSITORY != \'\'',
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 15,
    // This job uses only CONFIG_REPO_TOKEN, never this repository's token.
    'permissions': {},
    'steps': [
      {
        name: 'Check out the config repository',
        uses: uses(ACTIONS.checkout),
        with: { 'repository': '${{ vars.CONFIG_REPOSITORY }}', 'token': '${{ secrets.CONFIG_REPO_TOKEN }}', 'persist-credentials': false },
      },
      setupNode,
      { name: 'Install', run: 'npm ci --ignore-scripts' },
      {
        name: 'Set the image',
        env: { IMAGE: '${{ needs.build.outputs.image }}' },
        run: `npx cdk8s-gitops set-image "${app.name}=\${IMAGE}" --env dev`,
      },
      {
        name: 'Open or update the pull request',
        uses: uses(ACTIONS.createPullRequest),
        with: {
          'token': '${{ secrets.CONFIG_REPO_TOKEN }}',
          'branch': `cdk8s-gitops/pin-${app.name}-dev`,
          'add-paths': 'images.yaml',
          'commit-message': `chore(images): pin ${app.name} in dev to \${{ github.sha }}`,
          'title': `chore(images): pin ${app.name} in dev to \${{ github.sha }}`,
          'body': [
            'Built from ${{ github.server_url }}/${{ github.repository }}/commit/${{ github.sha }}.',
            '',
            'Image: `${{ needs.build.outputs.image }}`',
            '',
            'Merging this pull request rolls the image out to dev: the config repository\'s',
            'publish workflow renders it to the rendered-manifests branch, which Argo CD syncs.',
          ].join('\n'),
          'delete-branch': true,
        },
      },
    ],
  };
}
