import * as path from 'path';
import { PromotionRepo, at, img } from './_repo';
import { ImagePins } from '../../src/pins/image-pins';
import { Pipeline } from '../../src/promotion/pipeline';
import { StageHistory } from '../../src/promotion/stage-history';
import { formatStatus, pipelineMermaid, pipelineStatus, shortVersion } from '../../src/promotion/status';

const FANOUT = `stages:
  - name: dev
  - name: staging
    soak: 2h
  - name: prod-eu
    after: staging
    soak: 1d
    approval: true
  - name: prod-us
    after: staging
    soak: 1d
    approval: true
`;

/**
 * t0 hello v1 and api a1 everywhere; t5 hello v2 in dev; t6 hello v2 in
 * staging; t8 hello v3 in dev; t40 hello v2 in prod-eu; api a2 pinned in dev
 * but not published.
 */
let repo: PromotionRepo;
let history: StageHistory;
let pipeline: Pipeline;
beforeAll(async () => {
  repo = new PromotionRepo(['dev', 'staging', 'prod-eu', 'prod-us'], FANOUT);
  const v = (tag: string) => img('hello', tag);
  const pins = {
    hello: { 'dev': v('v1'), 'staging': v('v1'), 'prod-eu': v('v1'), 'prod-us': v('v1') },
    api: { 'dev': img('api', 'a1'), 'staging': img('api', 'a1'), 'prod-eu': img('api', 'a1'), 'prod-us': img('api', 'a1') },
  };
  await repo.release(pins, at(0));
  pins.hello.dev = v('v2');
  await repo.release(pins, at(5));
  pins.hello.staging = v('v2');
  await repo.release(pins, at(6));
  pins.hello.dev = v('v3');
  await repo.release(pins, at(8));
  pins.hello['prod-eu'] = v('v2');
  await repo.release(pins, at(40));
  pins.api.dev = img('api', 'a2');
  repo.commitPins(pins, at(41));
  history = await StageHistory.read({ cwd: repo.dir, env: repo.env });
  pipeline = Pipeline.parse(FANOUT);
}, 60_000);
afterAll(() => repo.cleanup());

/** Commit ids differ with the temp path in Source-Repo: masked. */
const mask = (s: string) => s.replace(/\b[0-9a-f]{12}\b/g, '<commit>');

describe('pipelineStatus', () => {
  test('per app and stage: version, since when, how far behind upstream, promotable, unpublished pins', () => {
    const pins = ImagePins.load(path.join(repo.dir, 'images.yaml'));
    const status = pipelineStatus({ pipeline, history, pins, now: at(42) });
    const hello = status.apps.find(a => a.app === 'hello')!;
    expect(hello.stages.map(s => [s.stage, s.version, s.since, s.behind, s.behindSince, s.promotable])).toEqual([
      ['dev', img('hello', 'v3'), at(8), 0, undefined, false],
      ['staging', img('hello', 'v2'), at(6), 1, at(8), true],
      ['prod-eu', img('hello', 'v2'), at(40), 0, undefined, false],
      ['prod-us', img('hello', 'v1'), at(0), 1, at(6), true],
    ]);
    const api = status.apps.find(a => a.app === 'api')!;
    expect(api.stages[0]).toMatchObject({ version: img('api', 'a1'), pinned: img('api', 'a2') });
  });

  test('behind counts every newer upstream version; not promotable inside the soak', () => {
    const status = pipelineStatus({ pipeline, history, now: at(9) });
    const hello = status.apps.find(a => a.app === 'hello')!;
    // at t9 staging got v2 3h ago (prod needs 1d); prod-us is 1 behind and the upstream version is still soaking
    expect(hello.stages[3]).toMatchObject({ behind: 1, promotable: false });
    expect(hello.stages[1]).toMatchObject({ behind: 1, behindSince: at(8), promotable: false });
  });

  test('the markdown: a Mermaid picture of the pipeline and a table of apps by stage', () => {
    const pins = ImagePins.load(path.join(repo.dir, 'images.yaml'));
    const md = formatStatus(pipelineStatus({ pipeline, history, pins, now: at(42) }), 'markdown');
    expect(mask(md)).toMatchSnapshot();
  });

  test('text and json', () => {
    const status = pipelineStatus({ pipeline, history, apps: ['hello'], now: at(42) });
    expect(mask(formatStatus(status, 'text'))).toBe([
      'Pipeline dev → staging → prod-eu; dev → staging → prod-us; rendered branch rendered-manifests at <commit>; 2026-01-11T18:00:00Z',
      '',
      'hello',
      '  dev      hello:v3  since 2026-01-10T08:00:00Z (1d 10h)',
      '  staging  hello:v2  since 2026-01-10T06:00:00Z (1d 12h); 1 version behind dev for 1d 10h, promotable',
      '  prod-eu  hello:v2  since 2026-01-11T16:00:00Z (2h)',
      '  prod-us  hello:v1  since 2026-01-10T00:00:00Z (1d 18h); 1 version behind staging for 1d 12h, promotable',
      '',
    ].join('\n'));
    const json = JSON.parse(formatStatus(status, 'json'));
    expect(json.pipeline[2]).toEqual({ name: 'prod-eu', after: 'staging', soak: '1d', approval: true });
    expect(json.apps[0].stages[1]).toMatchObject({
      stage: 'staging',
      version: img('hello', 'v2'),
      since: '2026-01-10T06:00:00Z',
      age: '1d 12h',
      behind: 1,
      behindSince: '2026-01-10T08:00:00Z',
      promotable: true,
      upstream: 'dev',
      pinned: null,
    });
  });

  test('GIVEN --app names an app neither published nor pinned WHEN status is asked THEN it is refused, naming it and the known apps', () => {
    const pins = ImagePins.load(path.join(repo.dir, 'images.yaml'));
    expect(() => pipelineStatus({ pipeline, history, pins, apps: ['hello', 'nope', 'hel'], now: at(42) })).toThrow(
      '[status] \'app\' is neither published on rendered-manifests nor pinned in the pins file; known apps: api, hello (got "nope")\n'
      + '[status] \'app\' is neither published on rendered-manifests nor pinned in the pins file; known apps: api, hello (got "hel")');
    expect(pipelineStatus({ pipeline, history, pins, apps: ['hello'], now: at(42) }).apps.map(a => a.app)).toEqual(['hello']);
  });

  test('an empty rendered branch says nothing is published', async () => {
    const empty = new PromotionRepo();
    try {
      const status = pipelineStatus({ pipeline, history: await StageHistory.read({ cwd: empty.dir, env: empty.env }), now: at(0) });
      expect(formatStatus(status, 'text')).toBe('Pipeline dev → staging → prod-eu; dev → staging → prod-us; '
        + 'rendered branch rendered-manifests (does not exist yet); 2026-01-10T00:00:00Z\n\nNo apps published yet.\n');
      expect(formatStatus(status, 'markdown')).toContain('No apps published yet.');
    } finally {
      empty.cleanup();
    }
  });
});

describe('helpers', () => {
  test('shortVersion: the image name and tag, a commit-SHA tag cut to 12, or a short digest', () => {
    expect(shortVersion('ghcr.io/example/hello:1.4.2')).toBe('hello:1.4.2');
    expect(shortVersion(`ghcr.io/example/hello:${'a'.repeat(40)}`)).toBe(`hello:${'a'.repeat(12)}`);
    expect(shortVersion(`ghcr.io/example/hello:1.0@sha256:${'b'.repeat(64)}`)).toBe('hello:1.0');
    expect(shortVersion(`ghcr.io/example/hello@sha256:${'b'.repeat(64)}`)).toBe(`hello@sha256:${'b'.repeat(12)}`);
  });

  test('pipelineMermaid: one node per stage, edges with soak and approval', () => {
    expect(pipelineMermaid(pipeline)).toBe([
      'flowchart LR',
      '  s_dev["dev"]',
      '  s_staging["staging"]',
      '  s_prod_eu["prod-eu"]',
      '  s_prod_us["prod-us"]',
      '  s_dev -->|"soak 2h"| s_staging',
      '  s_staging -->|"soak 1d, approval"| s_prod_eu',
      '  s_staging -->|"soak 1d, approval"| s_prod_us',
    ].join('\n'));
  });
});
