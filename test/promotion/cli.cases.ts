import * as fs from 'fs';
import * as path from 'path';
import { PromotionRepo, img } from './_repo';
import { writeTree } from '../../src/render/tree';

/** `hours` ago, to the second (the CLI measures soak at the real current time). */
function ago(hours: number): Date {
  return new Date(Math.floor((Date.now() - hours * 3_600_000) / 1000) * 1000);
}

/**
 * History, relative to now: hello v1 everywhere 100h ago; v2 in dev and
 * staging 50h ago; v3 in dev 2h ago. api a1 everywhere.
 */
let base: PromotionRepo;
let repo: PromotionRepo;
beforeAll(async () => {
  base = new PromotionRepo();
  const pins = {
    hello: { dev: img('hello', 'v1'), staging: img('hello', 'v1'), prod: img('hello', 'v1') },
    api: { dev: img('api', 'a1'), staging: img('api', 'a1'), prod: img('api', 'a1') },
  };
  await base.release(pins, ago(100));
  pins.hello.dev = img('hello', 'v2');
  pins.hello.staging = img('hello', 'v2');
  await base.release(pins, ago(50));
  pins.hello.dev = img('hello', 'v3');
  await base.release(pins, ago(2));
}, 60_000);
afterAll(() => base.cleanup());
beforeEach(() => { repo = base.copy(); });
afterEach(() => repo.cleanup());

describe('promote', () => {
  test('--to prod takes staging\'s soaked version, prints the change and the evidence, edits images.yaml', async () => {
    const before = repo.pinsText();
    const run = await repo.cli('promote', '--to', 'prod');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const lines = run.out.split('\n');
    expect(lines[0]).toBe(`hello/prod: ${img('hello', 'v1')} → ${img('hello', 'v2')}`);
    expect(lines[1]).toMatch(/^ {2}ran in staging since \S+Z \(2d 2h; soak 1d required; rendered [0-9a-f]{12}\)$/);
    expect(lines[2]).toBe(`api/prod: ${img('api', 'a1')} (unchanged)`);
    expect(lines[3]).toBe('updated images.yaml');
    expect(repo.pinsText()).toBe(before.replace(`prod: ${img('hello', 'v1')}`, `prod: ${img('hello', 'v2')}`));
  });

  test('refused inside the soak time: exit 2, how long is left, nothing written', async () => {
    const before = repo.pinsText();
    const run = await repo.cli('promote', '--from', 'dev', '--to', 'prod', '--app', 'hello', '--skip-reason', 'hotfix');
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toMatch(new RegExp(`^error: \\[prod/hello\\] ${img('hello', 'v3').replace(/\./g, '\\.')} has run in dev since \\S+Z \\(2h(?: \\d+m)?\\); `
      + 'prod requires a soak of 1d in dev: 2[12]h(?: \\d+m)? left \\(promotable at \\S+Z\\)\n$'));
    expect(run.err).not.toMatch(/\n\s+at /);
    expect(repo.pinsText()).toBe(before);
  });

  test('bad input is exit 2 with the fix, and writes nothing', async () => {
    const before = repo.pinsText();
    const cases: Array<[string[], string]> = [
      [['--to', 'qa'], 'unknown stage "qa" (--to); stages: dev, staging, prod'],
      [['--to', 'staging', '--from', 'prod'], '"prod" is not upstream of "staging"'],
      [['--to', 'prod', '--app', 'hello', '--version', 'v9'], `${img('hello', 'v9')} was never published in staging`],
      [['--to', 'prod', '--from', 'dev'], 'or give the reason with --skip-reason'],
      [['--to', 'prod', '--output', 'yaml'], '--output must be text, json or markdown (got "yaml")'],
      [['--to', 'prod', '--pipeline', 'nope.yaml'], 'pipeline file does not exist'],
      [['--from', 'dev'], "error: required option '--to <stage>' not specified"],
    ];
    for (const [args, message] of cases) {
      const run = await repo.cli('promote', ...args);
      expect([args, run.code]).toEqual([args, 2]);
      expect(run.err).toContain(message);
    }
    expect(repo.pinsText()).toBe(before);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  test('a pins file that is not valid YAML: exit 2 naming the file and line', async () => {
    fs.writeFileSync(path.join(repo.dir, 'images.yaml'), 'hello: [\n');
    const run = await repo.cli('promote', '--to', 'prod');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(new RegExp(`^error: \\[${path.join(repo.dir, 'images.yaml')}:\\d+\\] is not valid YAML`));
  });

  test('a malformed soak duration in the pipeline: exit 2 naming the file and field', async () => {
    fs.writeFileSync(path.join(repo.dir, 'pipeline.yaml'), 'stages:\n  - name: dev\n  - name: prod\n    soak: 1 day\n');
    const run = await repo.cli('promote', '--to', 'prod');
    expect(run.code).toBe(2);
    expect(run.err).toBe(`error: [${path.join(repo.dir, 'pipeline.yaml')}] 'stages[1].soak' must be a duration like 30m, 24h, 1h30m or 2d `
      + '(whole numbers of d, h, m, s, largest first) (got "1 day")\n');
  });

  test('--output json lists changes with their evidence', async () => {
    const run = await repo.cli('promote', '--to', 'staging', '--output', 'json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.out);
    expect(json).toMatchObject({ from: 'dev', to: 'staging', skipped: [], written: true, prBranch: null });
    expect(json.changes[0]).toMatchObject({
      app: 'hello',
      old: img('hello', 'v2'),
      new: img('hello', 'v3'),
      changed: true,
      rollback: false,
      evidence: { stage: 'dev', required: '1h', until: null },
    });
    expect(json.changes[0].evidence.ranFor).toMatch(/^2h( \d+m)?$/);
    expect(json.changes[0].evidence.renderedCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  test('as a pull request: a new branch with the pin commit, the checkout untouched, and a PR body with the rendered diff of the stage', async () => {
    // GIVEN the pins edited and rendered (what promote.yml does before opening the PR)
    expect((await repo.cli('promote', '--to', 'prod')).code).toBe(0);
    writeTree(path.join(repo.dir, 'dist'), repo.render(repo.pinsText()));
    repo.git('checkout', '--', 'images.yaml');
    const head = repo.git('rev-parse', 'HEAD');
    // WHEN promote writes the branch and the body
    const run = await repo.cli('promote', '--to', 'prod', '--pr-branch', 'promote/prod', '--pr-body', 'pr.md', '--dir', 'dist');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/committed [0-9a-f]{12} on new branch promote\/prod \(the checkout is unchanged\)\npull request body written to pr.md\n$/);
    // THEN the branch is HEAD plus one commit that changes only images.yaml's prod pin
    expect(repo.git('rev-parse', 'promote/prod^')).toBe(head);
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
    expect(repo.git('diff', '--name-only', 'HEAD', 'promote/prod')).toBe('images.yaml');
    expect(repo.git('diff', '-U0', 'HEAD', 'promote/prod').split('\n').filter(l => /^[-+] /.test(l))).toEqual([
      `-  prod: ${img('hello', 'v1')}`, `+  prod: ${img('hello', 'v2')}`,
    ]);
    expect(repo.git('status', '--porcelain', '--untracked-files=no')).toBe('');
    // AND the commit message records the promotion and its evidence
    const message = repo.git('log', '-1', '--format=%B', 'promote/prod');
    expect(message.split('\n')[0]).toBe('chore(promote): hello from staging to prod');
    expect(message).toContain(`- hello: ${img('hello', 'v1')} -> ${img('hello', 'v2')}\n  ran in staging since `);
    expect(repo.git('log', '-1', '--format=%(trailers:only,unfold)', 'promote/prod').split('\n').map(l => l.split(':')[0]))
      .toEqual(['Promoted-From', 'Promoted-To', 'Rendered-Evidence']);
    // AND the body has the pin changes, the evidence, the pipeline and the rendered diff of prod only
    const body = fs.readFileSync(path.join(repo.dir, 'pr.md'), 'utf8');
    expect(body).toContain(`| hello | \`${img('hello', 'v1')}\` | \`${img('hello', 'v2')}\` |`);
    expect(body).toMatch(/\| hello \| staging \| \S+Z \| now \| 2d 2h \| 1d \| `[0-9a-f]{12}` \| `[0-9a-f]{12}` \|/);
    expect(body).toContain('```mermaid\nflowchart LR\n');
    expect(body).toContain('### Rendered diff of prod');
    expect(body).toContain(`+        - image: ${img('hello', 'v2')}\n`);
    expect(body).toContain('+    newTag: v2\n');
    expect(body).toContain('prod/hello/deployment-hello.yaml');
    expect(body).not.toContain('dev/hello/');
  });

  test('a promotion branch that exists already is refused; nothing to promote creates no branch', async () => {
    repo.git('branch', 'taken');
    const run = await repo.cli('promote', '--to', 'prod', '--pr-branch', 'taken');
    expect(run.code).toBe(2);
    expect(run.err).toBe('error: [taken] branch already exists; pick another --pr-branch name or delete it (git branch -D)\n');
    const bad = await repo.cli('promote', '--to', 'prod', '--pr-branch=-x');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('error: [-x] is not a valid branch name (git check-ref-format --branch refuses it); pick another --pr-branch\n');
    const none = await repo.cli('promote', '--to', 'prod', '--app', 'api', '--pr-branch', 'promote/api');
    expect(none.code).toBe(0);
    expect(none.out).toContain('nothing to promote: images.yaml unchanged, no branch created');
    expect(repo.git('branch', '--list', 'promote/*')).toBe('');
  });

  test('a pins file outside HEAD or outside the repository cannot go to a branch', async () => {
    fs.copyFileSync(path.join(repo.dir, 'images.yaml'), path.join(repo.dir, 'new-pins.yaml'));
    const untracked = await repo.cli('promote', '--to', 'prod', '--file', 'new-pins.yaml', '--pr-branch', 'p1');
    expect(untracked.code).toBe(2);
    expect(untracked.err).toBe(`error: [${path.join(repo.dir, 'new-pins.yaml')}] is not in the HEAD commit: commit it before promoting on a branch\n`);
    const outside = await repo.cli('promote', '--to', 'prod', '--file', '../outside.yaml', '--pr-branch', 'p1');
    expect(outside.code).toBe(2);
    expect(outside.err).toBe(`error: [${path.join(repo.dir, '..', 'outside.yaml')}] is outside the repository ${repo.dir}\n`);
    expect(repo.git('branch', '--list', 'p1')).toBe('');
  });

  test('outside a git repository: exit 3 with git\'s message', async () => {
    fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });
    const run = await repo.cli('status');
    expect(run.code).toBe(3);
    expect(run.err).toMatch(/^error: git check-ref-format failed|^error: git for-each-ref failed \(exit 128\): fatal: not a git repository/);
  });

  test('source-level rollback: --version <previous> moves the prod pin back', async () => {
    // GIVEN prod promoted to v2 an hour ago
    const pins = {
      hello: { dev: img('hello', 'v3'), staging: img('hello', 'v2'), prod: img('hello', 'v2') },
      api: { dev: img('api', 'a1'), staging: img('api', 'a1'), prod: img('api', 'a1') },
    };
    await repo.release(pins, ago(1));
    // WHEN rolling back to v1
    const run = await repo.cli('promote', '--to', 'prod', '--app', 'hello', '--version', 'v1', '--output', 'markdown');
    // THEN the pin goes back without any soak, and the body says it is a rollback
    expect(run.code).toBe(0);
    expect(repo.pinsText()).toContain(`prod: ${img('hello', 'v1')}`);
    expect(run.out.split('\n')[0]).toBe('## chore(rollback): hello in prod back to v1');
    expect(run.out).toContain('> Rollback: **hello** goes back to a version prod ran before (no soak required).');
  }, 30_000);
});

describe('status', () => {
  test('text: each app and stage with its version, since when, and how far behind', async () => {
    const run = await repo.cli('status');
    expect(run.code).toBe(0);
    const lines = run.out.split('\n');
    expect(lines[0]).toMatch(/^Pipeline dev → staging → prod; rendered branch rendered-manifests at [0-9a-f]{12}; \S+Z$/);
    expect(lines.slice(1, 6).map(l => l.replace(/since \S+Z/, 'since T'))).toEqual([
      '',
      'api',
      '  dev      api:a1  since T (4d 4h)',
      '  staging  api:a1  since T (4d 4h)',
      '  prod     api:a1  since T (4d 4h)',
    ]);
    expect(lines.slice(7, 11).map(l => l.replace(/since \S+Z/, 'since T').replace(/(for|since T) \(?\d+[dh]( \d+[hm])?\)?/g, '$1 AGE'))).toEqual([
      'hello',
      '  dev      hello:v3  since T AGE',
      '  staging  hello:v2  since T AGE; 1 version behind dev for AGE, promotable',
      '  prod     hello:v1  since T AGE; 1 version behind staging for AGE, promotable',
    ]);
  });

  test('json and markdown; --app filters; bad --output is exit 2', async () => {
    const json = JSON.parse((await repo.cli('status', '--app', 'hello', '--json')).out);
    expect(json.apps.map((a: { app: string }) => a.app)).toEqual(['hello']);
    expect(json.apps[0].stages[2]).toMatchObject({ stage: 'prod', version: img('hello', 'v1'), behind: 1, upstream: 'staging', promotable: true });
    const md = await repo.cli('status', '--output', 'markdown');
    expect(md.out).toContain('```mermaid\nflowchart LR\n');
    expect(md.out).toContain('| App | dev | staging | prod |');
    const bad = await repo.cli('status', '--output', 'html');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('error: --output must be text, json or markdown (got "html")\n');
  });
});
