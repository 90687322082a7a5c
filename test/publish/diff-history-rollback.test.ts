import * as fs from 'fs';
import * as path from 'path';
import { app, Sandbox } from './_harness';
import { diffTrees } from '../../src/publish/diff';
import { hasTool } from '../support/tools';

const describeGit = hasTool('git', ['--version']) ? describe : describe.skip;

const v1 = () => ({ ...app('dev', 'hello', 'ghcr.io/acme/hello:1.0.0'), ...app('dev', 'api', 'ghcr.io/acme/api:2.0.0') });
const v2 = () => {
  const t: Record<string, string> = { ...v1(), ...app('dev', 'hello', 'ghcr.io/acme/hello:1.1.0') };
  delete t['dev/api/service-api.yaml'];
  t['dev/api/kustomization.yaml'] = t['dev/api/kustomization.yaml'].replace('  - service-api.yaml\n', '');
  t['dev/api/configmap-api.yaml'] = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\n  namespace: dev\ndata:\n  a: "1"\n';
  t['dev/api/kustomization.yaml'] = t['dev/api/kustomization.yaml'].replace('resources:\n', 'resources:\n  - configmap-api.yaml\n');
  return t;
};

describeGit('diff', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = new Sandbox();
    sb.writeDist(v1());
    await sb.cli(['publish']);
    sb.writeDist(v2());
  });
  afterAll(() => sb.cleanup());

  test('text: objects with changed fields, then a unified diff', async () => {
    const res = await sb.cli(['diff']);
    expect(res.code).toBe(0);
    const lines = res.out.split('\n');
    expect(lines[0]).toMatch(/^3 changed, 1 added, 1 removed object\(s\) in 5 file\(s\) against rendered-manifests \([0-9a-f]{12}\):$/);
    expect(lines.slice(1, 6)).toEqual([
      '  + ConfigMap dev/api',
      '  ~ Deployment dev/hello  spec.template.spec.containers[0].image',
      '  ~ Kustomization dev/api/kustomization.yaml  resources[0], resources[1]',
      '  ~ Kustomization dev/hello/kustomization.yaml  images[0].newTag',
      '  - Service dev/api',
    ]);
    expect(res.out).toContain('--- a/dev/hello/deployment-hello.yaml\n+++ b/dev/hello/deployment-hello.yaml\n');
    expect(res.out).toContain('-        - image: ghcr.io/acme/hello:1.0.0\n+        - image: ghcr.io/acme/hello:1.1.0\n');
    expect(res.out).toContain('--- /dev/null\n+++ b/dev/api/configmap-api.yaml\n');
  });

  test('--exit-code exits 1 on changes, 0 without', async () => {
    expect((await sb.cli(['diff', '--exit-code'])).code).toBe(1);
    sb.writeDist(v1());
    const same = await sb.cli(['diff', '--exit-code']);
    sb.writeDist(v2());
    expect(same.code).toBe(0);
    expect(same.out).toMatch(/^No changes against rendered-manifests \([0-9a-f]{12}\)\.\n$/);
  });

  test('markdown: a table and a collapsible unified diff', async () => {
    const res = await sb.cli(['diff', '--format', 'markdown']);
    expect(res.out).toContain('### Rendered manifests diff\n\n**3 changed, 1 added, 1 removed object(s) in 5 file(s)** against `rendered-manifests (');
    expect(res.out).toContain('| ~ | Deployment | dev | hello | `spec.template.spec.containers[0].image` |');
    expect(res.out).toContain('<details><summary>Unified diff</summary>\n\n```diff\n--- /dev/null\n+++ b/dev/api/configmap-api.yaml\n');
    expect(res.out).toMatch(/```\n\n<\/details>\n$/);
  });

  test('json: machine-readable objects and files', async () => {
    const json = JSON.parse((await sb.cli(['diff', '--json'])).out);
    expect(json.base.ref).toBe('refs/heads/rendered-manifests');
    expect(json.addedFiles).toEqual(['dev/api/configmap-api.yaml']);
    expect(json.removedFiles).toEqual(['dev/api/service-api.yaml']);
    expect(json.objects).toContainEqual({ change: 'changed', kind: 'Deployment', namespace: 'dev', name: 'hello', file: 'dev/hello/deployment-hello.yaml', fields: ['spec.template.spec.containers[0].image'] });
  });

  test('against the remote-tracking branch when it is ahead, with --fetch', async () => {
    // GIVEN another clone published v2 to the remote
    const sb2 = new Sandbox();
    try {
      sb2.writeDist(v1());
      await sb2.cli(['publish', '--push']);
      const other = path.join(sb2.root, 'other');
      sb2.git(sb2.root, 'clone', '-q', sb2.remote, other);
      sb2.writeDist(v2(), path.join(other, 'dist'));
      await sb2.cli(['publish', '--push'], other);
      sb2.writeDist(v2());
      // WHEN the first clone diffs v2 after fetching
      const res = await sb2.cli(['diff', '--fetch', '--json']);
      // THEN it compares with origin/rendered-manifests, where v2 already is
      const json = JSON.parse(res.out);
      expect(json.base).toEqual({ ref: 'refs/remotes/origin/rendered-manifests', commit: sb2.tip(sb2.remote) });
      expect(json.objects).toEqual([]);
    } finally {
      sb2.cleanup();
    }
  });

  test('a kustomization folder diffed as a tree: unchanged objects are not listed', () => {
    const d = diffTrees(new Map([['a/x.yaml', 'kind: A\nmetadata: {name: x}\n']]), new Map([['a/x.yaml', 'kind: A\nmetadata:\n  name: x\n']]));
    expect(d.changedFiles).toEqual(['a/x.yaml']);
    expect(d.objects).toEqual([]);
  });
});

describeGit('history and rollback', () => {
  let template: Sandbox;
  let sb: Sandbox;
  const renders: string[] = [];
  const sources: string[] = [];
  beforeAll(async () => {
    sb = template = new Sandbox();
    for (const [i, tree] of [v1(), v2()].entries()) {
      fs.writeFileSync(path.join(sb.src, 'main.ts'), `// ${i}\n`);
      sb.git(sb.src, 'commit', '-q', '-am', `feat: source ${i}`);
      sources.push(sb.git(sb.src, 'rev-parse', 'HEAD'));
      sb.writeDist(tree);
      await sb.cli(['publish', '--push']);
      renders.push(sb.tip(sb.src)!);
    }
  });
  beforeEach(() => { sb = new Sandbox(template); });
  afterEach(() => sb.cleanup());
  afterAll(() => template.cleanup());

  test('history lists rendered commits with their source commits', async () => {
    const json = JSON.parse((await sb.cli(['history', '--json'])).out);
    expect(json.map((e: any) => [e.commit, e.sourceCommit, e.subject])).toEqual([
      [renders[1], sources[1], 'feat: source 1'],
      [renders[0], sources[0], 'feat: source 0'],
    ]);
    const text = (await sb.cli(['history'])).out.split('\n');
    expect(text[0]).toMatch(new RegExp(`^${renders[1].slice(0, 12)} \\S+ source ${sources[1].slice(0, 12)}  feat: source 1$`));
  });

  test('rollback --to a rendered commit restores its tree as a new forward commit', async () => {
    const res = await sb.cli(['rollback', '--to', renders[0].slice(0, 8), '--push']);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^rolled back rendered-manifests [0-9a-f]{12} \(3 changed, 1 added, 1 deleted\); pushed to /);
    expect(res.err).toContain('Revert the source too, or the next publish rolls forward again.');
    const tip = sb.tip(sb.remote)!;
    expect(sb.git(sb.src, 'rev-parse', `${tip}^`)).toBe(renders[1]);
    expect(sb.git(sb.src, 'rev-parse', `${tip}^{tree}`)).toBe(sb.git(sb.src, 'rev-parse', `${renders[0]}^{tree}`));
    const msg = sb.git(sb.src, 'log', '-1', '--format=%B', tip);
    expect(msg).toContain(`Rollback to ${renders[0].slice(0, 12)}: feat: source 0\n`);
    expect(msg).toContain(`Rollback-To: ${renders[0]}`);
    expect(msg).toContain(`Source-Commit: ${sources[0]}`);
    expect(msg).toContain('- dev/hello: ghcr.io/acme/hello:1.1.0 -> ghcr.io/acme/hello:1.0.0');
    const hist = JSON.parse((await sb.cli(['history', '--json', '-n', '1'])).out);
    expect(hist).toEqual([expect.objectContaining({ commit: tip, rollbackTo: renders[0] })]);
  });

  test('rollback --to a source commit finds the commit rendered from it', async () => {
    const res = await sb.cli(['rollback', '--to', sources[0], '--json']);
    expect(JSON.parse(res.out)).toMatchObject({ status: 'published', rolledBackTo: renders[0], sourceCommit: sources[0] });
  });

  test('rollback to the current tree makes no commit', async () => {
    const res = await sb.cli(['rollback', '--to', renders[1]]);
    expect(res.out).toMatch(/is up to date at [0-9a-f]{12}: nothing to roll back\n$/);
    expect(sb.tip(sb.src)).toBe(renders[1]);
  });

  test('rollback to an unknown commit is refused', async () => {
    const res = await sb.cli(['rollback', '--to', 'deadbeef']);
    expect(res.code).toBe(2);
    expect(res.err).toBe("error: 'deadbeef' is neither a rendered commit on 'rendered-manifests' nor a source commit named by its Source-Commit trailers (run `cdk8s-gitops history` to list them)\n");
    expect(sb.tip(sb.src)).toBe(renders[1]);
  });

  test('rollback --to something that is not hex is refused', async () => {
    const res = await sb.cli(['rollback', '--to', 'HEAD~1']);
    expect(res.err).toBe('error: --to must be a commit id in hex, 4 to 64 digits (got "HEAD~1"); run `cdk8s-gitops history` to list them\n');
  });

  test('rollback on a branch that does not exist is refused', async () => {
    const res = await sb.cli(['rollback', '--to', 'abcd', '--branch', 'nope']);
    expect(res.err).toBe("error: branch 'nope' does not exist: nothing to roll back\n");
  });

  test('history of a branch that does not exist', async () => {
    expect((await sb.cli(['history', '--branch', 'nope'])).out).toBe("branch 'nope' does not exist yet: nothing published\n");
  });
});
