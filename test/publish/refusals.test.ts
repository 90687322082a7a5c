import * as path from 'path';
import { app, Sandbox } from './_harness';
import { publishTree } from '../../src/publish/publish';
import { PublishRefusedError } from '../../src/publish/publish-error';
import { readTree } from '../../src/render/tree';
import { hasTool } from '../support/tools';

const describeGit = hasTool('git', ['--version']) ? describe : describe.skip;

describeGit('publish refuses dangerous trees and branches, committing and pushing nothing', () => {
  // Each test gets a copy of one fresh sandbox (2 git processes instead of 6).
  let template: Sandbox;
  let sb: Sandbox;
  beforeAll(() => { template = new Sandbox(); });
  beforeEach(() => { sb = new Sandbox(template); });
  afterEach(() => sb.cleanup());
  afterAll(() => template.cleanup());

  const good = () => ({ ...app('dev', 'hello', 'ghcr.io/acme/hello:1.0.0'), ...app('dev', 'api', 'ghcr.io/acme/api:2.0.0') });

  /** Runs the CLI and asserts exit 2, the message, and that no ref moved here or on the remote. */
  async function expectRefused(argv: string[], message: string | RegExp) {
    const refsBefore = sb.git(sb.src, 'for-each-ref');
    const remoteBefore = sb.git(sb.remote, 'for-each-ref');
    const res = await sb.cli(argv);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(message);
    expect(sb.git(sb.src, 'for-each-ref')).toBe(refsBefore);
    expect(sb.git(sb.remote, 'for-each-ref')).toBe(remoteBefore);
    return res;
  }

  test('an empty tree', async () => {
    // GIVEN an empty dist
    sb.writeDist({});
    // WHEN / THEN
    await expectRefused(['publish', '--push'], 'error: refusing to publish an empty tree: Argo CD would prune every resource it manages (did the render fail?)\n');
  });

  test('a tree that fails the validation gate, unless --no-validate', async () => {
    // GIVEN a rendered tree whose Deployment was edited to run privileged
    const tree = good();
    const file = 'dev/hello/deployment-hello.yaml';
    tree[file] = tree[file].replace('privileged: false', 'privileged: true');
    sb.writeDist(tree);
    // WHEN / THEN the gate refuses, naming file, object, field, rule and value
    await expectRefused(['publish', '--push'],
      "[dev/hello/deployment-hello.yaml: Deployment/dev/hello] 'spec.template.spec.containers[0].securityContext.privileged' must not be true [not-privileged] (got true)");
    // AND --no-validate is the explicit way around it
    const res = await sb.cli(['publish', '--no-validate']);
    expect(res.code).toBe(0);
  });

  test('the gate checks only the folders a commit touches, and a no-op publish runs no gate', async () => {
    // GIVEN dev/hello published while running privileged, by a library gate that let it through (no check recorded as skipped)
    const tree = good();
    const bad = 'dev/hello/deployment-hello.yaml';
    tree[bad] = tree[bad].replace('privileged: false', 'privileged: true');
    sb.writeDist(tree);
    await publishTree({ tree: readTree(path.join(sb.src, 'dist')), cwd: sb.src, env: sb.env, gate: () => [] });
    // WHEN nothing changed THEN publish is a no-op, exit 0
    expect((await sb.cli(['publish'])).code).toBe(0);
    // WHEN only dev/api changes THEN the untouched dev/hello is not re-checked
    sb.writeDist({ ...tree, ...app('dev', 'api', 'ghcr.io/acme/api:2.0.1') });
    expect((await sb.cli(['publish']))).toMatchObject({ code: 0, err: '' });
    // WHEN dev/hello changes THEN its folder is checked and refused
    sb.writeDist({ ...tree, ...app('dev', 'api', 'ghcr.io/acme/api:2.0.1'), [bad]: tree[bad].replace('1.0.0', '1.0.1') });
    await expectRefused(['publish'], '[not-privileged]');
  });

  test('after a publish that skipped a check, the next one checks every folder; the trailer records the skip', async () => {
    // GIVEN dev/hello published with --no-validate while running privileged
    const tree = good();
    const bad = 'dev/hello/deployment-hello.yaml';
    tree[bad] = tree[bad].replace('privileged: false', 'privileged: true');
    sb.writeDist(tree);
    expect((await sb.cli(['publish', '--no-validate'])).code).toBe(0);
    // THEN the commit records the skip
    expect(sb.git(sb.src, 'log', '-1', '--format=%(trailers:key=Checks-Skipped)', 'rendered-manifests')).toBe('Checks-Skipped: validate');
    // WHEN only dev/api changes THEN dev/hello is checked too, and refused
    sb.writeDist({ ...tree, ...app('dev', 'api', 'ghcr.io/acme/api:2.0.1') });
    await expectRefused(['publish'], "[dev/hello/deployment-hello.yaml: Deployment/dev/hello] 'spec.template.spec.containers[0].securityContext.privileged' must not be true");
    // WHEN the kustomize check alone is skipped THEN that is recorded
    sb.writeDist(good());
    expect((await sb.cli(['publish', '--skip-kustomize'])).code).toBe(0);
    expect(sb.git(sb.src, 'log', '-1', '--format=%(trailers:key=Checks-Skipped)', 'rendered-manifests')).toBe('Checks-Skipped: kustomize');
    // WHEN a full publish follows THEN no trailer
    sb.writeDist({ ...good(), ...app('dev', 'api', 'ghcr.io/acme/api:2.0.2') });
    expect((await sb.cli(['publish'])).code).toBe(0);
    expect(sb.git(sb.src, 'log', '-1', '--format=%(trailers:key=Checks-Skipped)', 'rendered-manifests')).toBe('');
  });

  test('the gate runs the kustomize equivalence check: a hand-edited pin that drifts from its Deployment is refused', async () => {
    // GIVEN a kustomization whose images: pin differs from the Deployment's image
    const tree = good();
    const k = 'dev/hello/kustomization.yaml';
    tree[k] = tree[k].replace('newTag: 1.0.0', 'newTag: 9.9.9');
    sb.writeDist(tree);
    // WHEN / THEN
    await expectRefused(['publish'], /\[dev\/hello\/deployment-hello\.yaml: Deployment\/dev\/hello\] 'spec\.template\.spec\.containers\[0\]\.image' differs between the raw file and `kubectl kustomize dev\/hello` output/);
    // AND --skip-kustomize is the explicit way around it
    expect(await sb.cli(['publish', '--skip-kustomize'])).toMatchObject({ code: 0, err: '' });
  });

  test('one object rendered by two app folders of one environment is refused', async () => {
    // GIVEN dev/api also rendering dev/hello's Service
    const tree = good();
    tree['dev/api/service-hello.yaml'] = tree['dev/hello/service-hello.yaml'];
    const k = 'dev/api/kustomization.yaml';
    tree[k] = tree[k].replace('resources:\n', 'resources:\n  - service-hello.yaml\n');
    sb.writeDist(tree);
    // WHEN / THEN
    await expectRefused(['publish'], '[dev/hello/service-hello.yaml: Service/dev/hello] is rendered by the app folder dev/api/ too (dev/api/service-hello.yaml), for the same destination (dev/)');
  });

  test('a branch cdk8s-gitops did not create', async () => {
    // GIVEN a hand-made rendered-manifests branch
    sb.git(sb.src, 'branch', 'rendered-manifests');
    sb.writeDist(good());
    // WHEN / THEN
    await expectRefused(['publish'], /^error: refusing to write to branch 'rendered-manifests': it was not created by cdk8s-gitops \(its tip [0-9a-f]{12} has no 'Rendered-By: cdk8s-gitops\/\.\.\.' trailer\)\. Publish to another branch with --branch/);
  });

  test('a branch with the trailer but without the marker file', async () => {
    // GIVEN a commit with the trailer but no marker at the root
    const tree = sb.git(sb.src, 'rev-parse', 'HEAD^{tree}');
    const commit = sb.git(sb.src, 'commit-tree', tree, '-m', 'x\n\nRendered-By: cdk8s-gitops/0.0.0');
    sb.git(sb.src, 'update-ref', 'refs/heads/rendered-manifests', commit);
    sb.writeDist(good());
    // WHEN / THEN
    await expectRefused(['publish'], '(it has no .cdk8s-gitops marker at its root)');
  });

  test('deleting more than half of the files, unless --allow-deletions says so', async () => {
    // GIVEN three apps published
    sb.writeDist({ ...good(), ...app('dev', 'web', 'ghcr.io/acme/web:3.0.0') });
    await sb.cli(['publish', '--push']);
    // WHEN two of three apps disappear
    sb.writeDist(app('dev', 'hello', 'ghcr.io/acme/hello:1.0.0'));
    // THEN
    await expectRefused(['publish', '--push'], /^error: refusing to delete 6 of 9 files \(67% > 50%\): Argo CD prunes every resource whose file disappears\. If this is intended, pass --allow-deletions 67%\. Deleted: dev\/api\/deployment-api\.yaml, /);
    // AND with the allowance it goes through
    const ok = await sb.cli(['publish', '--push', '--allow-deletions', '70%']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('6 deleted');
  });

  test('a bad --allow-deletions value', async () => {
    sb.writeDist(good());
    await expectRefused(['publish', '--allow-deletions', '150%'], 'error: --allow-deletions must be a percentage between 0% and 100% (got "150%")\n');
  });

  test.each([
    ['https://user:s3cr3t@example.com/acme/app.git', 'its URL https://example.com/acme/app.git carries a password or token in its user info'],
    ['https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/acme/app.git', 'its URL https://github.com/acme/app.git carries a token as its user name'],
  ])('a remote URL with credentials (%#)', async (url, why) => {
    // GIVEN origin with credentials in its URL
    sb.git(sb.src, 'remote', 'set-url', 'origin', url);
    sb.writeDist(good());
    // WHEN / THEN the message never shows the secret
    const res = await expectRefused(['publish', '--push'], `error: refusing to use remote 'origin': ${why}. Credentials leak into logs and .git/config this way; pass them with GIT_ASKPASS or a credential helper instead (see docs/publishing.md)\n`);
    expect(res.err).not.toMatch(/s3cr3t|ghp_/);
  });

  test('a remote given as a URL with credentials', async () => {
    sb.writeDist(good());
    const res = await expectRefused(['publish', '--push', '--remote', 'https://u:hunter2@example.com/x.git'],
      "error: refusing to use remote 'https://example.com/x.git': its URL https://example.com/x.git carries a password or token in its user info.");
    expect(res.err).not.toContain('hunter2');
  });

  test.each([
    ['bad..name', "it contains '..'"],
    ['has space', 'it contains " " (no spaces, control characters or any of ~ ^ : ? * [ \\)'],
    ['-dash', "it starts with '-' (git would read it as an option)"],
    ['ends.lock', "its part 'ends.lock' ends with '.lock'"],
    ['@{-1}', "it contains '@{'"],
    ['x~1', 'it contains "~" (no spaces, control characters or any of ~ ^ : ? * [ \\)'],
    ['', 'it is empty'],
  ])('a bad branch name %j', async (name, why) => {
    sb.writeDist(good());
    await expectRefused(['publish', '--branch', name],
      `error: --branch ${JSON.stringify(name)} is not a valid branch name: ${why}. Pass a name git check-ref-format --branch accepts, e.g. rendered-manifests or rendered/prod\n`);
  });

  test('unparseable YAML', async () => {
    // GIVEN a file that is not YAML
    sb.writeDist({ ...good(), 'dev/hello/configmap-x.yaml': 'kind: ConfigMap\nmetadata: {name: [\n' });
    // WHEN / THEN publish's own check refuses it, with or without the gate
    await expectRefused(['publish'], /^error: \[dev\/hello\/configmap-x\.yaml\] is not valid YAML: /);
    await expectRefused(['publish', '--no-validate'], /^error: \[dev\/hello\/configmap-x\.yaml\] is not valid YAML: /);
  });

  test('an app folder without kustomization.yaml (argocd/ is exempt)', async () => {
    // GIVEN
    sb.writeDist({ ...good(), 'dev/orphan/service-x.yaml': 'kind: Service\n', 'argocd/application-hello.yaml': 'kind: Application\n' });
    // WHEN / THEN
    await expectRefused(['publish'], 'error: [dev/orphan/] is an app folder without kustomization.yaml: Argo CD would apply its files without the pinned images and resource list\n');
  });

  test('the reserved marker path in the tree', async () => {
    sb.writeDist({ ...good(), '.cdk8s-gitops': 'mine\n' });
    await expectRefused(['publish'], 'error: [dist/.cdk8s-gitops] is reserved for the ownership marker that publish writes on the branch; remove it from the rendered folder [tree-file-type]\n');
  });

  test('problems reported by the gate hook', async () => {
    // GIVEN a gate that rejects everything
    sb.writeDist(good());
    const tree = readTree(path.join(sb.src, 'dist'));
    // WHEN
    const run = publishTree({ tree, cwd: sb.src, env: sb.env, gate: () => [{ path: 'dev/hello/deployment-hello.yaml', field: 'spec.replicas', message: 'must be >= 3', value: 2 }] });
    // THEN
    await expect(run).rejects.toThrow(PublishRefusedError);
    await expect(run).rejects.toThrow("[dev/hello/deployment-hello.yaml] 'spec.replicas' must be >= 3 (got 2)");
    expect(sb.tip(sb.src)).toBeUndefined();
  });

  test('a --source-sha that is not hex', async () => {
    sb.writeDist(good());
    await expectRefused(['publish', '--source-sha', 'HEAD~1'], 'error: --source-sha must be a commit id in hex (got "HEAD~1")\n');
  });

  test('a remote that is not configured', async () => {
    sb.writeDist(good());
    await expectRefused(['publish', '--push', '--remote', 'upstream'], "error: remote 'upstream' is not configured (git remote add upstream <url>, or pass a URL)\n");
  });
});
