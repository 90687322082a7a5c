import { IResolver, Project, TextFile, YamlFile, YamlFileOptions } from 'projen';

/**
 * The GitHub Actions workflows of the project, generated so that every rule
 * of the CI/CD flow lives in one reviewed place (docs/ci-cd.md explains it):
 *
 * - `pr.yml`       pull requests: test, synth, validate; the rendered diff and the
 *                  promotion status in the job summary
 * - `publish.yml`  the default branch only: a read-only `test` job, then a `publish`
 *                  job (the only one with a write token) that renders and publishes
 * - `image.yml`    examples/hello changed: build and push the image (tag = commit SHA,
 *                  digest recorded), then open a pull request pinning it in the first
 *                  stage (auto-merge once the checks pass) — here, or in the config
 *                  repository of a two-repo layout
 * - `promote.yml`  manual: promote into a stage chosen from the pipeline; the job of a
 *                  stage that needs approval runs in its GitHub environment; it opens
 *                  a pull request with the evidence and the rendered diff
 *
 * Hardening: every action pinned to a full commit SHA (with its version as a
 * comment), `contents: read` by default and write scopes only on the jobs
 * that push, tests never in a job holding a write token, every job guarded
 * to the default branch (no free `ref` input), nothing pushed to the default
 * branch (pull requests instead), no `${{ }}` inside `run:` (values pass
 * through `env:`), no `pull_request_target`, no persisted credentials,
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
  checkout: { repo: 'actions/checkout', sha: '08c6903cd8c0fde910a37f88322edcfb5dd907a8', version: 'v5.0.0' },
  setupNode: { repo: 'actions/setup-node', sha: 'a0853c24544627f65ddf259abe73b1d18a591444', version: 'v5.0.0' },
  setupBuildx: { repo: 'docker/setup-buildx-action', sha: 'b5ca514318bd6ebac0fb2aedd5d36ec1b5c232a2', version: 'v3.10.0' },
  login: { repo: 'docker/login-action', sha: '74a5d142397b4f367a81961eba4e8cd7edddf772', version: 'v3.4.0' },
  buildPush: { repo: 'docker/build-push-action', sha: '263435318d21b8e681c14492fe198d362a7d2c83', version: 'v6.18.0' },
  createPullRequest: { repo: 'peter-evans/create-pull-request', sha: '271a8d0340265f705b14b6d32b9829c1cb33d45e', version: 'v7.0.8' },
} as const satisfies Record<string, PinnedAction>;

/** A stage of the promotion pipeline, as the workflows need it (see `Pipeline` in src/promotion). */
export interface WorkflowStage {
  /** The stage (environment) name. */
  readonly name: string;
  /** The upstream stage; `undefined` for a first stage (nothing promotes into it). */
  readonly after?: string;
  /** True if promotions into it need a person's approval (a GitHub environment of the same name). */
  readonly approval: boolean;
}

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
   * @default '24'
   */
  readonly nodeVersion?: string;
  /**
   * The promotion pipeline's stages, upstream first (pipeline.yaml).
   *
   * @default - dev, then prod with approval
   */
  readonly stages?: readonly WorkflowStage[];
}

type Step = Record<string, unknown>;
type Job = Record<string, unknown>;

const BOT_NAME = 'github-actions[bot]';
const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';
const BOT_ENV = { GIT_AUTHOR_NAME: BOT_NAME, GIT_AUTHOR_EMAIL: BOT_EMAIL, GIT_COMMITTER_NAME: BOT_NAME, GIT_COMMITTER_EMAIL: BOT_EMAIL };

/**
 * A git credential helper that answers with `$GH_TOKEN` from the step's
 * environment, so the token is never written to `.git/config` and only the
 * step that pushes has it.
 */
const CREDENTIAL_HELPER = 'git config --local credential.helper \'!f() { echo username=x-access-token; echo "password=${GH_TOKEN}"; }; f\'';

/**
 * Install for jobs that can push: no lifecycle scripts. `compile` is this
 * repo's projen task; a config repo written by `cdk8s-gitops init` (which
 * ships pr.yml, publish.yml and promote.yml) has no projen and no compile
 * script, and runs its TypeScript directly, so the step must not name projen.
 */
const INSTALL_WITHOUT_SCRIPTS = 'npm ci --ignore-scripts && npm run --if-present compile';

/**
 * Pull requests opened with the workflow's own GITHUB_TOKEN start no
 * workflows (GitHub's rule), so their checks never run. A GitHub App or
 * fine-grained token in this secret (contents + pull requests: write) lets
 * them run; without it the pull request still opens.
 */
const PR_TOKEN = '${{ secrets.PR_TOKEN || github.token }}';

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

const DEFAULT_STAGES: readonly WorkflowStage[] = [{ name: 'dev', approval: false }, { name: 'prod', after: 'dev', approval: true }];

/** Adds `.github/workflows/{pr,publish,image,promote}.yml` to `project`. */
export function addWorkflows(project: Project, options: WorkflowOptions = {}): void {
  const app = options.app ?? { name: 'hello', context: 'examples/hello' };
  const branch = options.defaultBranch ?? 'main';
  const nodeVersion = options.nodeVersion ?? '24';
  const stages = options.stages ?? DEFAULT_STAGES;
  // Every job that can write runs only for the default branch: a workflow_dispatch
  // on another branch, or a ref chosen by whoever starts it, publishes nothing.
  const onDefaultBranch = `github.ref == 'refs/heads/${branch}'`;

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
  const synth: Step = { name: 'Synth', run: 'npx cdk8s synth --no-check-upgrade' };
  /** Test, render, validate, and show what the rendered branch would get and where each version is. */
  const checks = (install: string): Step[] => [
    { name: 'Install', run: install },
    {
      name: 'Test',
      run: 'npm test',
      // The seeds and schemas in ../shared exist only on the project's own CI
      // machines; on GitHub the tests that need them skip instead of failing.
      env: { CI: 'false' },
    },
    synth,
    { name: 'Validate', run: 'npx cdk8s-gitops validate' },
    {
      // `fetch-depth: 0` on checkout fetched the rendered branch too.
      name: 'Diff against the rendered branch',
      run: 'npx cdk8s-gitops diff --format markdown >> "$GITHUB_STEP_SUMMARY"',
    },
    { name: 'Promotion status', run: 'npx cdk8s-gitops status --output markdown >> "$GITHUB_STEP_SUMMARY"' },
  ];

  // ---------------------------------------------------------------- pr.yml
  // The rendered diff as one sticky comment on the pull request, updated on
  // each push. The checks run with a read-only token; the diff leaves their job
  // as an output, and a second job that checks out nothing (so no code of the
  // pull request runs next to its token) posts it. Fork pull requests get a
  // read-only token and no secrets from `pull_request`: the comment job skips
  // them, and the diff stays in the job summary.
  const COMMENT_MARKER = '<!-- cdk8s-gitops:rendered-diff -->';
  // GitHub refuses comments over 65,536 characters.
  const COMMENT_LIMIT = 60_000;
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
          'outputs': { diff: '${{ steps.comment.outputs.body }}' },
          'steps': [
            checkout({ 'fetch-depth': 0 }), setupNode, ...checks('npm ci'),
            {
              name: 'The diff as a pull-request comment',
              id: 'comment',
              env: { RUN_URL: '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}' },
              run: [
                'npx cdk8s-gitops diff --output markdown > "$RUNNER_TEMP/diff.md"',
                '{',
                `  echo '${COMMENT_MARKER}'`,
                "  echo '### Rendered manifests'",
                '  echo',
                // iconv -c drops a character that the byte cut split.
                `  head -c ${COMMENT_LIMIT} "$RUNNER_TEMP/diff.md" | iconv -f UTF-8 -t UTF-8 -c`,
                `  if [ "$(wc -c < "$RUNNER_TEMP/diff.md")" -gt ${COMMENT_LIMIT} ]; then`,
                '    echo; echo',
                '    echo "… cut at the size GitHub allows for a comment: the whole diff is in the [job summary](${RUN_URL})."',
                '  fi',
                '} > "$RUNNER_TEMP/comment.md"',
                'delimiter="EOF_$(openssl rand -hex 16)"',
                '{ echo "body<<${delimiter}"; cat "$RUNNER_TEMP/comment.md"; echo; echo "${delimiter}"; } >> "$GITHUB_OUTPUT"',
              ].join('\n'),
            },
          ],
        },
        comment: {
          'name': 'Rendered diff comment',
          'needs': 'check',
          // Same-repository pull requests only: a fork's token cannot comment.
          'if': 'github.event.pull_request.head.repo.full_name == github.repository',
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 5,
          'permissions': { 'pull-requests': 'write' },
          'steps': [{
            name: 'Create or update the sticky comment',
            env: {
              GH_TOKEN: '${{ github.token }}',
              GH_REPO: '${{ github.repository }}',
              PR: '${{ github.event.pull_request.number }}',
              BODY: '${{ needs.check.outputs.diff }}',
            },
            run: [
              `id="$(gh api "repos/$GH_REPO/issues/$PR/comments" --paginate --jq '.[] | select(.body | startswith("${COMMENT_MARKER}")) | .id' | head -n 1)"`,
              'if [ -n "$id" ]; then',
              '  gh api --method PATCH "repos/$GH_REPO/issues/comments/$id" -f body="$BODY" > /dev/null',
              'else',
              '  gh api --method POST "repos/$GH_REPO/issues/$PR/comments" -f body="$BODY" > /dev/null',
              'fi',
            ].join('\n'),
          }],
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
        // Re-publish the head of the default branch; no inputs (no free ref).
        workflow_dispatch: {},
      },
      permissions: { contents: 'read' },
      jobs: {
        test: {
          'name': 'Test, synth, validate, diff (read-only, no secrets)',
          'if': onDefaultBranch,
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 20,
          'permissions': { contents: 'read' },
          'steps': [checkout({ 'fetch-depth': 0 }), setupNode, ...checks('npm ci')],
        },
        publish: {
          'name': 'Publish the rendered manifests',
          'needs': 'test',
          'if': onDefaultBranch,
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 20,
          'permissions': { contents: 'write' },
          // One publish at a time, and a running publish is never cancelled
          // (a queued one may be superseded by a newer commit's).
          'concurrency': { 'group': 'publish-rendered-manifests', 'cancel-in-progress': false },
          'steps': [
            checkout({ 'fetch-depth': 0 }),
            setupNode,
            // No lifecycle scripts in a job that can push; the tests ran in `test`.
            { name: 'Install', run: INSTALL_WITHOUT_SCRIPTS },
            synth,
            {
              // The only step with the token, through a credential helper (never on disk).
              name: 'Publish',
              env: { GH_TOKEN: '${{ github.token }}' },
              run: [CREDENTIAL_HELPER, 'npx cdk8s-gitops publish --push'].join('\n'),
            },
            { name: 'Promotion status', run: 'npx cdk8s-gitops status --output markdown >> "$GITHUB_STEP_SUMMARY"' },
          ],
        },
      },
    },
  });

  // ------------------------------------------------------------- image.yml
  const first = stages.find(s => s.after === undefined)?.name ?? 'dev';
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
        'build': buildJob(app, checkout, onDefaultBranch),
        'pin': pinJob(app, first, branch, checkout, setupNode, onDefaultBranch),
        'pull-request': pullRequestJob(app, first, setupNode, onDefaultBranch),
      },
    },
  });

  // ----------------------------------------------------------- promote.yml
  const targets = stages.filter(s => s.after !== undefined);
  if (targets.length === 0) return;
  new WorkflowFile(project, '.github/workflows/promote.yml', {
    obj: {
      name: 'promote',
      on: {
        workflow_dispatch: {
          inputs: {
            stage: { description: 'Stage to promote into (its version comes from the stage before it)', type: 'choice', required: true, options: targets.map(s => s.name) },
            app: { description: 'Only this app (default: every app pinned upstream)', type: 'string', required: false, default: '' },
            version: { description: 'This version (tag, digest or reference; needs app). A version the stage ran before rolls back.', type: 'string', required: false, default: '' },
          },
        },
      },
      permissions: { contents: 'read' },
      // One promotion per stage at a time.
      concurrency: { 'group': 'promote-${{ inputs.stage }}', 'cancel-in-progress': false },
      jobs: Object.fromEntries(targets.map(s => [`promote-${s.name}`, promoteJob(s, branch, checkout, setupNode, synth, onDefaultBranch)])),
    },
  });
}

function buildJob(app: { name: string; context: string }, checkout: (extra?: Record<string, unknown>) => Step, guard: string): Job {
  return {
    'name': `Build and push the ${app.name} image`,
    'if': guard,
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

/** The pull request that pins the new image in the first stage: same branch name each time, so a newer build replaces an unmerged one. */
function pinPullRequest(app: { name: string }, stage: string, token: string): Step {
  return {
    name: 'Open or update the pull request',
    id: 'pr',
    uses: uses(ACTIONS.createPullRequest),
    with: {
      'token': token,
      'branch': `cdk8s-gitops/pin-${app.name}-${stage}`,
      'add-paths': 'images.yaml',
      'commit-message': `chore(images): pin ${app.name} in ${stage} to \${{ github.sha }}`,
      'title': `chore(images): pin ${app.name} in ${stage} to \${{ github.sha }}`,
      'body': [
        'Built from ${{ github.server_url }}/${{ github.repository }}/commit/${{ github.sha }}.',
        '',
        'Image: `${{ needs.build.outputs.image }}`',
        '',
        `Merging this pull request rolls the image out to ${stage}: the publish workflow renders it to`,
        'the rendered-manifests branch, which Argo CD syncs. Later stages follow with promote.yml.',
      ].join('\n'),
      'delete-branch': true,
    },
  };
}

function pinJob(
  app: { name: string },
  stage: string,
  branch: string,
  checkout: (extra?: Record<string, unknown>) => Step,
  setupNode: Step,
  guard: string,
): Job {
  return {
    'name': `Pin the image in ${stage} (a pull request, auto-merged when its checks pass)`,
    'needs': 'build',
    // Single-repo layout. With vars.CONFIG_REPOSITORY set, pull-request runs instead.
    'if': `${guard} && vars.CONFIG_REPOSITORY == ''`,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 15,
    // Nothing is pushed to the default branch: the pin goes through a pull
    // request, so branch protection and CODEOWNERS apply to it.
    'permissions': { 'contents': 'write', 'pull-requests': 'write' },
    'steps': [
      checkout({ ref: branch }),
      setupNode,
      { name: 'Install', run: INSTALL_WITHOUT_SCRIPTS },
      {
        name: 'Set the image',
        env: { IMAGE: '${{ needs.build.outputs.image }}' },
        run: `npx cdk8s-gitops set-image "${app.name}=\${IMAGE}" --env ${stage}`,
      },
      pinPullRequest(app, stage, PR_TOKEN),
      {
        // Needs "Allow auto-merge" in the repository settings; without it the PR waits for a person.
        name: 'Enable auto-merge',
        if: 'steps.pr.outputs.pull-request-number != \'\'',
        env: { GH_TOKEN: PR_TOKEN, PR: '${{ steps.pr.outputs.pull-request-number }}' },
        run: 'gh pr merge --auto --squash "$PR" || echo "::warning::auto-merge is off for this repository: merge pull request #${PR} by hand"',
      },
    ],
  };
}

function pullRequestJob(app: { name: string }, stage: string, setupNode: Step, guard: string): Job {
  return {
    'name': 'Open a pull request against the config repository',
    'needs': 'build',
    // Two-repo layout: vars.CONFIG_REPOSITORY = owner/name of the repository
    // holding the cdk8s app and images.yaml; secrets.CONFIG_REPO_TOKEN may
    // push branches and open pull requests there. Merging the PR is the approval.
    'if': `${guard} && vars.CONFIG_REPOSITORY != ''`,
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
        run: `npx cdk8s-gitops set-image "${app.name}=\${IMAGE}" --env ${stage}`,
      },
      pinPullRequest(app, stage, '${{ secrets.CONFIG_REPO_TOKEN }}'),
    ],
  };
}

/** `--to <stage>` plus `--app`/`--version` when given, as positional parameters (no eval, no word splitting). */
const PROMOTE_ARGS = [
  'set -- --to "$STAGE"',
  'if [ -n "$APP" ]; then set -- "$@" --app "$APP"; fi',
  'if [ -n "$VERSION" ]; then set -- "$@" --version "$VERSION"; fi',
];

function promoteJob(
  stage: WorkflowStage,
  branch: string,
  checkout: (extra?: Record<string, unknown>) => Step,
  setupNode: Step,
  synth: Step,
  guard: string,
): Job {
  const inputs = { STAGE: '${{ inputs.stage }}', APP: '${{ inputs.app }}', VERSION: '${{ inputs.version }}' };
  return {
    'name': `Promote into ${stage.name} (from ${stage.after})`,
    'if': `${guard} && inputs.stage == '${stage.name}'`,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 20,
    // A stage that needs approval: the job waits for the environment's required reviewers.
    ...(stage.approval ? { environment: stage.name } : {}),
    'permissions': { 'contents': 'write', 'pull-requests': 'write' },
    'steps': [
      // The whole history: the rendered branch is the evidence.
      checkout({ 'fetch-depth': 0 }),
      setupNode,
      { name: 'Install', run: INSTALL_WITHOUT_SCRIPTS },
      {
        // Refused (exit 2) unless the rendered branch shows the version soaked upstream.
        name: 'Check the evidence and edit the pins',
        env: inputs,
        run: [...PROMOTE_ARGS, 'npx cdk8s-gitops promote "$@"'].join('\n'),
      },
      synth,
      {
        name: 'Commit to a new branch and write the pull request body',
        id: 'branch',
        env: { ...inputs, ...BOT_ENV },
        run: [
          'name="cdk8s-gitops/promote-${STAGE}-${GITHUB_RUN_ID}"',
          ...PROMOTE_ARGS,
          'npx cdk8s-gitops promote "$@" --pr-branch "$name" --pr-body "$RUNNER_TEMP/promotion.md" --dir dist',
          'cat "$RUNNER_TEMP/promotion.md" >> "$GITHUB_STEP_SUMMARY"',
          'echo "name=${name}" >> "$GITHUB_OUTPUT"',
        ].join('\n'),
      },
      {
        name: 'Push the branch and open the pull request',
        env: { GH_TOKEN: PR_TOKEN, BRANCH: '${{ steps.branch.outputs.name }}', BASE: branch },
        run: [
          'if ! git rev-parse --verify --quiet "refs/heads/${BRANCH}" > /dev/null; then echo "Nothing to promote."; exit 0; fi',
          CREDENTIAL_HELPER,
          'git push origin "refs/heads/${BRANCH}:refs/heads/${BRANCH}"',
          'gh pr create --base "$BASE" --head "$BRANCH" --title "$(git log -1 --format=%s "refs/heads/${BRANCH}")" --body-file "$RUNNER_TEMP/promotion.md"',
        ].join('\n'),
      },
    ],
  };
}

/** Options of `addRepositoryPolicy`. */
export interface RepositoryPolicyOptions {
  /**
   * Who must review changes to the pins, the pipeline and the CI/CD rules
   * (a GitHub team or users).
   *
   * @default ['@example/platform']
   */
  readonly owners?: readonly string[];
}

const MARKER = '~~ Generated by projen. To modify, edit .projenrc.ts and run "npx projen".';

/**
 * `.github/CODEOWNERS` (with branch protection's "Require review from Code
 * Owners": what runs where, and the rules that get it there, need the
 * owners' review) and `renovate.json5` (keeps npm dependencies, the pinned
 * actions and the Dockerfile's base-image digests current).
 */
export function addRepositoryPolicy(project: Project, options: RepositoryPolicyOptions = {}): void {
  const owners = (options.owners ?? ['@example/platform']).join(' ');
  new TextFile(project, '.github/CODEOWNERS', {
    lines: [
      `# ${MARKER}`,
      '#',
      '# With branch protection\'s "Require review from Code Owners", these paths need',
      '# the owners\' approval: the image pins (every stage\'s version, prod included),',
      '# the promotion pipeline (stage order, soak times, approvals) and the CI/CD rules.',
      `/images.yaml ${owners}`,
      `/pipeline.yaml ${owners}`,
      `/.github/ ${owners}`,
      `/.projenrc.ts ${owners}`,
      `/projenrc/ ${owners}`,
    ],
  });
  const config = {
    '$schema': 'https://docs.renovatebot.com/renovate-schema.json',
    'extends': ['config:recommended', 'docker:pinDigests', ':dependencyDashboard'],
    // The workflows are generated: Renovate edits the action pins in
    // projenrc/workflows.ts (run `npx projen` on its branch), not the YAML.
    'github-actions': { enabled: false },
    'customManagers': [
      {
        customType: 'regex',
        description: 'Actions pinned in projenrc/workflows.ts as { repo, sha, version }',
        fileMatch: ['^projenrc/workflows\\.ts$'],
        matchStrings: ["repo: '(?<depName>[^']+)', sha: '(?<currentDigest>[0-9a-f]{40})', version: '(?<currentValue>v[^']+)'"],
        datasourceTemplate: 'github-tags',
      },
    ],
    'packageRules': [
      {
        // projen owns package.json: in-range updates touch only the lock file.
        matchManagers: ['npm'],
        rangeStrategy: 'update-lockfile',
        groupName: 'npm dependencies',
      },
      {
        matchManagers: ['npm'],
        matchUpdateTypes: ['major'],
        dependencyDashboardApproval: true,
      },
      {
        matchManagers: ['custom.regex'],
        groupName: 'GitHub Actions',
      },
      {
        // The base images of examples/hello/Dockerfile, pinned by digest.
        matchManagers: ['dockerfile'],
        groupName: 'base images',
      },
    ],
  };
  new TextFile(project, 'renovate.json5', { lines: [`// ${MARKER}`, ...JSON.stringify(config, undefined, 2).split('\n')] });
}
