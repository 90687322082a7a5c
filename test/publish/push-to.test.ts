import * as fs from 'fs';
import * as path from 'path';
import { app, Sandbox } from './_harness';
import { hasTool } from '../support/tools';

const describeGit = hasTool('git', ['--version']) ? describe : describe.skip;

const tree = (tag: string) => ({ ...app('dev', 'hello', `ghcr.io/acme/hello:${tag}`), ...app('dev', 'api', 'ghcr.io/acme/api:2.0.0') });
const NEXT = 'rendered-manifests-next';

function commit(sb: Sandbox, msg: string): string {
  fs.writeFileSync(path.join(sb.src, 'main.ts'), `// ${msg}\n`);
  sb.git(sb.src, 'commit', '-q', '-am', msg);
  return sb.git(sb.src, 'rev-parse', 'HEAD');
}

describeGit('publish --push-to: a proposal for a pull request against the rendered branch', () => {
  let template: Sandbox;
  let sb: Sandbox;
  let rendered: string;
  beforeAll(async () => {
    template = new Sandbox();
    template.writeDist(tree('1.0.0'));
    expect((await template.cli(['publish', '--push'])).code).toBe(0);
    rendered = template.tip(template.remote)!;
    commit(template, 'feat: hello 1.1.0');
    template.writeDist(tree('1.1.0'));
  });
  beforeEach(() => { sb = new Sandbox(template); });
  afterEach(() => sb.cleanup());
  afterAll(() => template.cleanup());

  test('pushes a commit on the rendered tip to another branch; the rendered branch does not move', async () => {
    // WHEN
    const res = await sb.cli(['publish', '--push-to', NEXT, '--json']);
    // THEN
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.out);
    expect(out).toMatchObject({ status: 'published', branch: 'rendered-manifests', pushedTo: NEXT, parent: rendered, pushed: true });
    expect(sb.tip(sb.remote)).toBe(rendered);
    expect(sb.tip(sb.src)).toBe(rendered);
    expect(sb.tip(sb.remote, `refs/heads/${NEXT}`)).toBe(out.commit);
    // AND git diff of the two branches shows exactly the change
    expect(sb.git(sb.remote, 'diff', '--name-status', 'rendered-manifests', NEXT)).toBe('M\tdev/hello/deployment-hello.yaml\nM\tdev/hello/kustomization.yaml');
    expect(sb.git(sb.remote, 'diff', 'rendered-manifests', NEXT)).toContain('-        - image: ghcr.io/acme/hello:1.0.0\n+        - image: ghcr.io/acme/hello:1.1.0');
  });

  test('text output names both branches', async () => {
    const res = await sb.cli(['publish', '--push-to', NEXT]);
    expect(res.out).toMatch(new RegExp(`^published ${NEXT} [0-9a-f]{12} onto rendered-manifests \\(2 changed, 0 added, 0 deleted\\); pushed to ${sb.remote}\\n`));
  });

  test('a re-run with the same tree pushes nothing', async () => {
    const first = JSON.parse((await sb.cli(['publish', '--push-to', NEXT, '--json'])).out);
    const again = JSON.parse((await sb.cli(['publish', '--push-to', NEXT, '--json'])).out);
    expect(again).toMatchObject({ status: 'unchanged', commit: first.commit, pushed: false });
    expect(sb.tip(sb.remote, `refs/heads/${NEXT}`)).toBe(first.commit);
  });

  test('a newer render stacks on a pending proposal (fast-forward), so the pull request shows the whole change', async () => {
    // GIVEN a pending proposal
    const first = JSON.parse((await sb.cli(['publish', '--push-to', NEXT, '--json'])).out);
    // WHEN a newer source renders again
    commit(sb, 'feat: hello 1.2.0');
    sb.writeDist(tree('1.2.0'));
    const res = await sb.cli(['publish', '--push-to', NEXT, '--json']);
    // THEN
    expect(JSON.parse(res.out)).toMatchObject({ status: 'published', parent: first.commit });
    expect(sb.tip(sb.remote)).toBe(rendered);
    expect(sb.git(sb.remote, 'diff', 'rendered-manifests', NEXT)).toContain('-        - image: ghcr.io/acme/hello:1.0.0\n+        - image: ghcr.io/acme/hello:1.2.0');
  });

  test('an older render than the pending proposal is superseded', async () => {
    const first = JSON.parse((await sb.cli(['publish', '--push-to', NEXT, '--json'])).out);
    sb.writeDist(tree('1.0.5'));
    const res = await sb.cli(['publish', '--push-to', NEXT, '--json', '--source-sha', sb.git(sb.src, 'rev-parse', 'HEAD~1')]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ status: 'superseded', commit: first.commit, pushed: false });
    expect(sb.tip(sb.remote, `refs/heads/${NEXT}`)).toBe(first.commit);
  });

  test('after the proposal is merged (fast-forward), publishing goes on normally', async () => {
    const first = JSON.parse((await sb.cli(['publish', '--push-to', NEXT, '--json'])).out);
    sb.git(sb.remote, 'update-ref', 'refs/heads/rendered-manifests', first.commit, rendered);
    commit(sb, 'feat: hello 1.2.0');
    sb.writeDist(tree('1.2.0'));
    const direct = await sb.cli(['publish', '--push', '--json']);
    expect(JSON.parse(direct.out)).toMatchObject({ status: 'published', parent: first.commit });
    // AND the stale proposal branch is an ancestor: the next proposal fast-forwards it
    commit(sb, 'feat: hello 1.3.0');
    sb.writeDist(tree('1.3.0'));
    const next = await sb.cli(['publish', '--push-to', NEXT, '--json']);
    expect(JSON.parse(next.out)).toMatchObject({ status: 'published', parent: JSON.parse(direct.out).commit });
  });

  test('a proposal branch that does not lead from the rendered tip is refused (exit 2): no force', async () => {
    // GIVEN a pending proposal, then the rendered branch moved on without it
    const first = JSON.parse((await sb.cli(['publish', '--push-to', NEXT, '--json'])).out);
    commit(sb, 'feat: hello 1.2.0');
    sb.writeDist(tree('1.2.0'));
    expect((await sb.cli(['publish', '--push'])).code).toBe(0);
    const tip = sb.tip(sb.remote)!;
    commit(sb, 'feat: hello 1.3.0');
    sb.writeDist(tree('1.3.0'));
    // WHEN
    const res = await sb.cli(['publish', '--push-to', NEXT]);
    // THEN
    expect(res.err).toBe(`error: refusing to push to '${NEXT}': it exists on the remote and does not lead from the tip of 'rendered-manifests' `
      + `(${first.commit.slice(0, 12)} is not a descendant of ${tip.slice(0, 12)}), so the push would need force. `
      + `Delete it once its pull request is merged or closed (git push origin --delete ${NEXT}), or pass another --push-to\n`);
    expect(res.code).toBe(2);
    expect(sb.tip(sb.remote, `refs/heads/${NEXT}`)).toBe(first.commit);
    expect(sb.tip(sb.remote)).toBe(tip);
  });

  test.each([
    ['rendered-manifests', '--push-to "rendered-manifests" is the rendered branch itself: pass another branch (e.g. rendered-manifests-next), or use --push alone'],
    ['-f', '--push-to "-f" is not a valid branch name: it starts with \'-\' (git would read it as an option). Pass a name git check-ref-format --branch accepts, e.g. rendered-manifests or rendered/prod'],
    ['a..b', '--push-to "a..b" is not a valid branch name: it contains \'..\'. Pass a name git check-ref-format --branch accepts, e.g. rendered-manifests or rendered/prod'],
  ])('--push-to %j is refused (exit 2)', async (value, message) => {
    const remoteRefs = sb.git(sb.remote, 'for-each-ref');
    const res = await sb.cli(['publish', '--push-to', value]);
    expect(res.err).toBe(`error: ${message}\n`);
    expect(res.code).toBe(2);
    expect(sb.git(sb.remote, 'for-each-ref')).toBe(remoteRefs);
  });
});
