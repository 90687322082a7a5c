import * as fs from 'fs';
import * as path from 'path';
import { PIPELINE, PromotionRepo, at, img } from './_repo';
import { ImageRef } from '../../src/image-ref';
import { ImagePins } from '../../src/pins/image-pins';
import { Pipeline } from '../../src/promotion/pipeline';
import { PromotionPlan, planPromotion } from '../../src/promotion/promotion';
import { PromotionRefusedError } from '../../src/promotion/promotion-error';
import { promotionCommitMessage, promotionPullRequestBody } from '../../src/promotion/pull-request';
import { StageHistory } from '../../src/promotion/stage-history';
import { publishTree } from '../../src/publish/publish';

/**
 * One history for the whole file (hours after a fixed start):
 *   t0   hello v1 and api a1 everywhere
 *   t10  hello v2 in dev
 *   t12  hello v2 in staging
 *   t20  hello v3 in dev
 *   t50  hello v2 in prod, t60 hello v3 in staging
 */
let repo: PromotionRepo;
let pipeline: Pipeline;
beforeAll(async () => {
  repo = new PromotionRepo();
  const pins = {
    hello: { dev: img('hello', 'v1'), staging: img('hello', 'v1'), prod: img('hello', 'v1') },
    api: { dev: img('api', 'a1'), staging: img('api', 'a1'), prod: img('api', 'a1') },
  };
  await repo.release(pins, at(0));
  pins.hello.dev = img('hello', 'v2');
  await repo.release(pins, at(10));
  pins.hello.staging = img('hello', 'v2');
  await repo.release(pins, at(12));
  pins.hello.dev = img('hello', 'v3');
  await repo.release(pins, at(20));
  pipeline = Pipeline.load(path.join(repo.dir, 'pipeline.yaml'));
}, 60_000);
afterAll(() => repo.cleanup());

interface PlanArgs { to: string; from?: string; apps?: string[]; version?: string; skipReason?: string; now: Date }

async function plan(options: PlanArgs): Promise<PromotionPlan> {
  const history = await StageHistory.read({ cwd: repo.dir, env: repo.env });
  const pins = ImagePins.load(path.join(repo.dir, 'images.yaml'));
  return planPromotion({ pipeline, history, pins, ...options });
}

async function refusal(options: PlanArgs): Promise<PromotionRefusedError> {
  try {
    await plan(options);
  } catch (e) {
    expect(e).toBeInstanceOf(PromotionRefusedError);
    return e as PromotionRefusedError;
  }
  throw new Error('expected the promotion to be refused');
}

describe('allowed by order and soak', () => {
  test('prod takes staging\'s version once it has soaked 24h there, with the evidence', async () => {
    // GIVEN hello v2 published in staging at t12; WHEN promoting to prod at t40 (28h later)
    const p = await plan({ to: 'prod', apps: ['hello'], now: at(40) });
    // THEN the source stage is the upstream one, and v2 replaces v1 with the staging run as evidence
    expect(p.from).toBe('staging');
    expect(p.skipped).toEqual([]);
    const [item] = p.items;
    expect(item.change.old?.toString()).toBe(img('hello', 'v1'));
    expect(item.image.toString()).toBe(img('hello', 'v2'));
    expect(item.rollback).toBe(false);
    expect(item.evidence).toMatchObject({ stage: 'staging', image: img('hello', 'v2'), since: at(12), until: undefined });
    expect(item.evidence!.ranFor.toString()).toBe('1d 4h');
    expect(item.evidence!.required.toString()).toBe('1d');
    expect(item.evidence!.sourceCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(p.pins.get('hello', 'prod')?.toString()).toBe(img('hello', 'v2'));
    // AND only that value changed in the file
    expect(p.pins.text).toBe(repo.pinsText().replace(`prod: ${img('hello', 'v1')}`, `prod: ${img('hello', 'v2')}`));
  });

  test('staging takes dev\'s version after its 1h soak; an app already in step is left unchanged', async () => {
    const p = await plan({ to: 'staging', now: at(21) });
    expect(p.items.map(i => [i.app, i.image.toString(), i.change.changed])).toEqual([
      ['hello', img('hello', 'v3'), true],
      ['api', img('api', 'a1'), false],
    ]);
    expect(p.items[0].evidence?.ranFor.toString()).toBe('1h');
  });

  test('an older version that soaked upstream in the past may be chosen with --version', async () => {
    // v2 ran in dev from t10 to t20 (10h); staging needs 1h
    const p = await plan({ to: 'staging', apps: ['hello'], version: 'v2', now: at(20.5) });
    expect(p.items[0].change.changed).toBe(false);
    const q = await plan({ to: 'prod', apps: ['hello'], version: img('hello', 'v2'), now: at(36) });
    expect(q.items[0].evidence).toMatchObject({ stage: 'staging', since: at(12) });
  });
});

describe('refused by order and soak (exit 2 in the CLI)', () => {
  test('inside its soak time: says which version is upstream, since when, and how long is left', async () => {
    const e = await refusal({ to: 'prod', apps: ['hello'], now: at(30) });
    expect(e.reasons).toEqual(['soaking']);
    expect(e.message).toBe(`[prod/hello] ${img('hello', 'v2')} has run in staging since 2026-01-10T12:00:00Z (18h); `
      + 'prod requires a soak of 1d in staging: 6h left (promotable at 2026-01-11T12:00:00Z)');
  });

  test('a version never published upstream', async () => {
    const e = await refusal({ to: 'prod', apps: ['hello'], version: 'v3', now: at(100) });
    expect(e.reasons).toEqual(['never-published']);
    expect(e.message).toBe(`[prod/hello] ${img('hello', 'v3')} was never published in staging (the rendered branch rendered-manifests `
      + `shows staging running ${img('hello', 'v2')} since 2026-01-10T12:00:00Z); publish it to staging first, or pick a version that ran there with --version`);
  });

  test('skipping a stage is refused without a reason', async () => {
    const e = await refusal({ to: 'prod', from: 'dev', now: at(100) });
    expect(e.reasons).toEqual(['skipped-stage']);
    expect(e.message).toContain('promoting from dev to prod skips staging (pipeline: dev → staging → prod); promote from staging, '
      + 'or give the reason with --skip-reason "<why>" (it is recorded in the commit)');
  });

  test('skipping with a reason: the soak counts in the stage it comes from, the skip is recorded', async () => {
    const p = await plan({ to: 'prod', from: 'dev', apps: ['hello'], skipReason: 'CVE hotfix', now: at(45) });
    expect(p.skipped).toEqual(['staging']);
    expect(p.skipReason).toBe('CVE hotfix');
    expect(p.items[0].image.toString()).toBe(img('hello', 'v3'));
    expect(p.items[0].evidence).toMatchObject({ stage: 'dev', since: at(20) });
  });

  test('a skip is recorded in the commit\'s trailers and flagged in the PR body', async () => {
    const p = await plan({ to: 'prod', from: 'dev', apps: ['hello'], skipReason: 'CVE hotfix', now: at(45) });
    const message = promotionCommitMessage(p);
    expect(message.split('\n')[0]).toBe('chore(promote): hello from dev to prod');
    expect(message.slice(message.indexOf('Promoted-From'))).toBe(
      `Promoted-From: dev\nPromoted-To: prod\nSkipped-Stage: staging\nSkip-Reason: CVE hotfix\nRendered-Evidence: ${p.rendered.commit}\n`);
    expect(promotionPullRequestBody(p, pipeline)).toContain('> [!WARNING]\n> This promotion skips **staging**: CVE hotfix\n');
  });

  test('a --skip-reason when nothing is skipped', async () => {
    const e = await refusal({ to: 'prod', skipReason: 'why not', now: at(100) });
    expect(e.message).toContain('--skip-reason given, but staging is directly upstream of prod: nothing is skipped; drop --skip-reason');
  });

  test('from a stage that is not upstream', async () => {
    const e = await refusal({ to: 'staging', from: 'prod', now: at(100) });
    expect(e.reasons).toEqual(['not-upstream']);
    expect(e.message).toContain('"prod" is not upstream of "staging" (pipeline: dev → staging → prod); promote into staging from dev');
  });

  test('an unknown stage, and the first stage', async () => {
    expect((await refusal({ to: 'qa', now: at(1) })).message)
      .toBe(`[${path.join(repo.dir, 'pipeline.yaml')}] unknown stage "qa" (--to); stages: dev, staging, prod (dev → staging → prod)`);
    expect((await refusal({ to: 'prod', from: 'qa', now: at(1) })).message).toContain('unknown stage "qa" (--from)');
    expect((await refusal({ to: 'dev', now: at(1) })).message)
      .toContain('"dev" is the first stage of the pipeline (dev → staging → prod): nothing promotes into it; pin it with set-image');
  });

  test('an app with no pin upstream, and an unknown app', async () => {
    const history = await StageHistory.read({ cwd: repo.dir, env: repo.env });
    const pins = ImagePins.parse(`web:\n  prod: ${img('web', 'w1')}\n`);
    const e = (() => {
      try {
        planPromotion({ pipeline, history, pins, to: 'prod', apps: ['web', 'nope'], now: at(100) });
      } catch (err) { return err as PromotionRefusedError; }
      throw new Error('not refused');
    })();
    expect(e.reasons).toEqual(['unknown-app', 'no-pin-upstream']);
    expect(e.message).toBe([
      '[images.yaml] unknown app "nope"; apps: web',
      '[images.yaml] app "web" has no pin in staging to promote; pin it there first (set-image --env staging), or name a version with --version',
    ].join('\n'));
  });

  test('no app pinned upstream; a target pin missing without create; a version with no repository to take', async () => {
    const history = await StageHistory.read({ cwd: repo.dir, env: repo.env });
    const refused = (pins: ImagePins, extra: Partial<Parameters<typeof planPromotion>[0]> = {}) => {
      try {
        planPromotion({ pipeline, history, pins, to: 'prod', now: at(100), ...extra });
      } catch (err) { return err as PromotionRefusedError; }
      throw new Error('not refused');
    };
    expect(refused(ImagePins.parse(`web:\n  prod: ${img('web', 'w1')}\n`)).message)
      .toBe('[images.yaml] no app has a pin in staging to promote; pin one there first (set-image --env staging)');
    const noTarget = refused(ImagePins.parse(`web:\n  staging: ${img('web', 'w1')}\n`));
    expect(noTarget.reasons).toEqual(['bad-argument']);
    expect(noTarget.message).toContain('use --create');
    expect(refused(ImagePins.parse(`web:\n  staging: ${img('web', 'w1')}\n`), { create: true }).message)
      .toBe(`[prod/web] ${img('web', 'w1')} was never published in staging (the rendered branch rendered-manifests has no staging/web folder); `
        + 'publish it to staging first, or pick a version that ran there with --version');
    expect(refused(ImagePins.parse(`web:\n  dev: ${img('web', 'w1')}\n`), { apps: ['web'], version: 'w1' }).message)
      .toBe('[prod/web] --version "w1": web has no pin to take the repository from; give the full reference');
    expect(refused(ImagePins.load(path.join(repo.dir, 'images.yaml')), { apps: ['hello'], version: 'ghcr.io/Example/hello:v1' }).message)
      .toContain('[prod/hello] --version: invalid image reference "ghcr.io/Example/hello:v1"');
  });

  test('every refused app is reported at once', async () => {
    const history = await StageHistory.read({ cwd: repo.dir, env: repo.env });
    const pins = ImagePins.load(path.join(repo.dir, 'images.yaml')).withImage('api', 'staging', ImageRef.parse(img('api', 'a9'))).pins;
    const e = (() => {
      try {
        planPromotion({ pipeline, history, pins, to: 'prod', now: at(30) });
      } catch (err) { return err as PromotionRefusedError; }
      throw new Error('not refused');
    })();
    expect(e.reasons).toEqual(['soaking', 'never-published']);
  });

  test('--version with several apps', async () => {
    const e = await refusal({ to: 'prod', version: 'v2', now: at(100) });
    expect(e.message).toContain('--version needs exactly one app (--app <name>); got hello, api');
  });
});

describe('an app with several images (the multi form of the pins file)', () => {
  test('each image is promoted on its own evidence; --version is refused for it', async () => {
    // GIVEN an app "shop" with images web and worker, both in staging for 30h, rendered by hand
    const r = new PromotionRepo();
    try {
      const kustomization = (web: string, worker: string) => 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n'
        + `resources:\n  - configmap-x.yaml\nimages:\n  - name: ghcr.io/example/web\n    newTag: ${web}\n  - name: ghcr.io/example/worker\n    newTag: ${worker}\n`;
      const tree = (staging: [string, string], prod: [string, string]) => new Map([
        ['prod/shop/configmap-x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'],
        ['prod/shop/kustomization.yaml', kustomization(...prod)],
        ['staging/shop/configmap-x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'],
        ['staging/shop/kustomization.yaml', kustomization(...staging)],
      ]);
      r.commitPins({}, at(0));
      await publishTree({ tree: tree(['w1', 'k1'], ['w1', 'k1']), cwd: r.dir, env: { ...r.env, GIT_COMMITTER_DATE: at(0).toISOString() } });
      await publishTree({ tree: tree(['w2', 'k2'], ['w1', 'k1']), cwd: r.dir, env: { ...r.env, GIT_COMMITTER_DATE: at(10).toISOString() } });
      const pins = ImagePins.parse([
        'shop:',
        '  staging:',
        `    web: ${img('web', 'w2')}`,
        `    worker: ${img('worker', 'k2')}`,
        '  prod:',
        `    web: ${img('web', 'w1')}`,
        `    worker: ${img('worker', 'k1')}`,
        '',
      ].join('\n'));
      const history = await StageHistory.read({ cwd: r.dir, env: r.env });
      // WHEN promoting to prod 30h later
      const p = planPromotion({ pipeline, history, pins, to: 'prod', now: at(40) });
      // THEN both images move, each with its evidence
      expect(p.items.map(i => [i.app, i.imageName, i.image.toString(), i.evidence?.since])).toEqual([
        ['shop', 'web', img('web', 'w2'), at(10)],
        ['shop', 'worker', img('worker', 'k2'), at(10)],
      ]);
      expect(p.pins.get('shop', 'prod', 'worker')?.toString()).toBe(img('worker', 'k2'));
      expect(promotionCommitMessage(p)).toContain(`- shop/worker: ${img('worker', 'k1')} -> ${img('worker', 'k2')}`);
      // AND inside the soak, each image is refused by name
      expect(() => planPromotion({ pipeline, history, pins, to: 'prod', now: at(20) })).toThrow(
        `[prod/shop/web] ${img('web', 'w2')} has run in staging since 2026-01-10T10:00:00Z (10h)`);
      expect(() => planPromotion({ pipeline, history, pins, to: 'prod', apps: ['shop'], version: 'w1', now: at(40) })).toThrow(
        '[images.yaml] app "shop" pins several images in staging (web, worker); --version works on an app with one image: set the others with set-image');
    } finally {
      r.cleanup();
    }
  }, 30_000);
});

describe('source-level rollback', () => {
  test('a version the target ran before moves the pin back without soak', async () => {
    // GIVEN prod moved to v2 at t50
    const r = new PromotionRepo();
    try {
      const pins = { hello: { dev: img('hello', 'v1'), staging: img('hello', 'v1'), prod: img('hello', 'v1') } };
      await r.release(pins, at(0));
      pins.hello.dev = img('hello', 'v2');
      pins.hello.staging = img('hello', 'v2');
      await r.release(pins, at(10));
      pins.hello.prod = img('hello', 'v2');
      await r.release(pins, at(50));
      const history = await StageHistory.read({ cwd: r.dir, env: r.env });
      // WHEN rolling back to v1 one hour later
      const p = planPromotion({
        pipeline: Pipeline.parse(PIPELINE),
        history,
        pins: ImagePins.load(path.join(r.dir, 'images.yaml')),
        to: 'prod',
        apps: ['hello'],
        version: 'v1',
        now: at(51),
      });
      // THEN the pin goes back to v1, as a rollback, with prod's own earlier run as the evidence
      expect(p.items[0]).toMatchObject({ rollback: true, image: expect.anything() });
      expect(p.items[0].image.toString()).toBe(img('hello', 'v1'));
      expect(p.items[0].evidence).toMatchObject({ stage: 'prod', since: at(0), until: at(50) });
      expect(p.items[0].evidence!.required.millis).toBe(0);
      expect(p.pins.get('hello', 'prod')?.toString()).toBe(img('hello', 'v1'));
      expect(fs.readFileSync(path.join(r.dir, 'images.yaml'), 'utf8')).toContain(`prod: ${img('hello', 'v2')}`);
    } finally {
      r.cleanup();
    }
  }, 30_000);
});
