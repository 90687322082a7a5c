import { DIGEST, SHA_A, SHA_B, SHA_C } from './harness';
import { ImageRef } from '../../src/image-ref';
import { ImagePins } from '../../src/pins/image-pins';
import { validationError } from '../support/tools';

const ref = (s: string) => ImageRef.parse(s);

/** One single-form app, one multi-form app (an entry named like the app), one multi-form app without one. */
const MIXED = `# pins
hello:
  dev: r.io/hello:${SHA_A}
  prod: r.io/hello:${SHA_B}

shop:
  dev:                      # two workloads
    shop: r.io/shop:${SHA_A}
    worker: "r.io/shop-worker:${SHA_A}"   # queue
  prod:
    shop: r.io/shop:${SHA_B}
    worker: r.io/shop-worker:${SHA_B}

jobs:
  dev:
    nightly: r.io/nightly:${SHA_A}
  prod:
    nightly: r.io/nightly:${SHA_B}
    cleanup: r.io/cleanup:${SHA_B}
`;

describe('the multi-image form', () => {
  test('GIVEN both forms WHEN read THEN get() picks the named image, the app-named one, or the only one', () => {
    const pins = ImagePins.parse(MIXED);
    // single form: the one reference, whatever the image asked for
    expect(pins.get('hello', 'dev')?.toString()).toBe(`r.io/hello:${SHA_A}`);
    expect(pins.get('hello', 'dev', 'anything')?.toString()).toBe(`r.io/hello:${SHA_A}`);
    // multi form: by name; without a name, the entry named like the app
    expect(pins.get('shop', 'dev', 'worker')?.toString()).toBe(`r.io/shop-worker:${SHA_A}`);
    expect(pins.get('shop', 'dev')?.toString()).toBe(`r.io/shop:${SHA_A}`);
    expect(pins.get('shop', 'dev', 'missing')).toBeUndefined();
    // without a name and no app-named entry: the only entry, else none
    expect(pins.get('jobs', 'dev')?.toString()).toBe(`r.io/nightly:${SHA_A}`);
    expect(pins.get('jobs', 'prod')).toBeUndefined();
  });

  test('GIVEN both forms THEN images(), entries() and toJSON() list them in file order', () => {
    const pins = ImagePins.parse(MIXED);
    expect(pins.images('hello', 'dev')).toEqual([]);
    expect(pins.images('shop', 'dev')).toEqual(['shop', 'worker']);
    expect(pins.images('nope', 'dev')).toEqual([]);
    expect(pins.entries().map(e => `${e.app}/${e.env}/${e.image ?? '-'}@${e.line}`)).toEqual([
      'hello/dev/-@3', 'hello/prod/-@4',
      'shop/dev/shop@8', 'shop/dev/worker@9', 'shop/prod/shop@11', 'shop/prod/worker@12',
      'jobs/dev/nightly@16', 'jobs/prod/nightly@18', 'jobs/prod/cleanup@19',
    ]);
    expect(pins.toJSON().shop).toEqual({
      dev: { shop: `r.io/shop:${SHA_A}`, worker: `r.io/shop-worker:${SHA_A}` },
      prod: { shop: `r.io/shop:${SHA_B}`, worker: `r.io/shop-worker:${SHA_B}` },
    });
  });

  test('a bad image name and an empty image map are refused with their line', () => {
    const e = validationError(() => ImagePins.parse('a:\n  dev:\n    Web_1: r/a:1\n  prod: {}\n', 'images.yaml'));
    expect(e.message.split('\n')).toEqual([
      '[images.yaml:3] \'a.dev\' image name must be lowercase letters, digits and "-", starting and ending with a letter or digit (got "Web_1")',
      '[images.yaml:4] \'a.prod\' must name at least one image (image name -> image reference) (got {})',
    ]);
  });
});

describe('editing the multi-image form', () => {
  test('GIVEN a named image WHEN set THEN only its value changes, quoting and comments kept', () => {
    const { pins, change } = ImagePins.parse(MIXED).withImage('shop', 'dev', ref(`r.io/shop-worker:${SHA_C}`), { image: 'worker' });
    expect(pins.text).toBe(MIXED.replace(`"r.io/shop-worker:${SHA_A}"`, `"r.io/shop-worker:${SHA_C}"`));
    expect(change).toEqual({ app: 'shop', env: 'dev', image: 'worker', old: ref(`r.io/shop-worker:${SHA_A}`), new: ref(`r.io/shop-worker:${SHA_C}`), changed: true });
  });

  test('GIVEN no image name WHEN set THEN the app-named entry changes', () => {
    const { pins, change } = ImagePins.parse(MIXED).withImage('shop', 'prod', ref(`r.io/shop:${SHA_C}`));
    expect(pins.text).toBe(MIXED.replace(`    shop: r.io/shop:${SHA_B}`, `    shop: r.io/shop:${SHA_C}`));
    expect(change.image).toBe('shop');
  });

  test('several images and no name: refused, listing the names', () => {
    const e = validationError(() => ImagePins.parse(MIXED, 'images.yaml').withImage('jobs', 'prod', ref('r.io/nightly:1')));
    expect(e.message).toBe('[images.yaml] \'jobs.prod\' pins several images (nightly, cleanup); name the one to set: jobs/<image>=<reference>');
  });

  test('a new image name: refused without create; with create, added after the last one at its indentation', () => {
    const e = validationError(() => ImagePins.parse(MIXED, 'images.yaml').withImage('shop', 'dev', ref('r.io/shop-cron:1'), { image: 'cron' }));
    expect(e.message).toBe('[images.yaml] \'shop.dev\' has no image "cron"; known images: shop, worker (use --create to add it)');
    const { pins } = ImagePins.parse(MIXED).withImage('shop', 'dev', ref('r.io/shop-cron:1'), { image: 'cron', create: true });
    expect(pins.text).toBe(MIXED.replace('   # queue\n', '   # queue\n    cron: r.io/shop-cron:1\n'));
  });

  test('an image name on a single-form app: refused without create; with create, the app becomes multi-image', () => {
    const e = validationError(() => ImagePins.parse(MIXED, 'images.yaml').withImage('hello', 'dev', ref('r.io/hello-worker:1'), { image: 'worker' }));
    expect(e.message).toBe('[images.yaml] \'hello.dev\' pins one image for the whole app; to pin image "worker" on its own, '
      + 'use --create (the current reference stays as image "hello") or write the multi form by hand (see docs/ci-cd.md)');
    const { pins, change } = ImagePins.parse(MIXED).withImage('hello', 'dev', ref('r.io/hello-worker:1'), { image: 'worker', create: true });
    expect(pins.text).toBe(MIXED.replace(`  dev: r.io/hello:${SHA_A}\n`, `  dev:\n    hello: r.io/hello:${SHA_A}\n    worker: r.io/hello-worker:1\n`));
    expect(pins.get('hello', 'dev')?.toString()).toBe(`r.io/hello:${SHA_A}`);
    expect(change).toEqual({ app: 'hello', env: 'dev', image: 'worker', old: undefined, new: ref('r.io/hello-worker:1'), changed: true });
  });

  test('the app\'s own name on a single-form app sets the single reference', () => {
    const { pins } = ImagePins.parse(MIXED).withImage('hello', 'dev', ref('r.io/hello:2'), { image: 'hello' });
    expect(pins.text).toBe(MIXED.replace(`  dev: r.io/hello:${SHA_A}`, '  dev: r.io/hello:2'));
  });

  test('create: a new environment and a new app in the multi form, several updates in one pass', () => {
    const { pins, changes } = ImagePins.parse(MIXED).withImages([
      { app: 'shop', env: 'qa', image: 'shop', ref: ref('r.io/shop:1') },
      { app: 'shop', env: 'qa', image: 'worker', ref: ref('r.io/shop-worker:1') },
      { app: 'api', env: 'dev', image: 'api', ref: ref('r.io/api:1') },
      { app: 'api', env: 'dev', image: 'migrate', ref: ref('r.io/api-migrate:1') },
      { app: 'api', env: 'prod', ref: ref('r.io/api:1') },
    ], { create: true });
    expect(changes.map(c => `${c.app}/${c.env}/${c.image ?? '-'}`)).toEqual(['shop/qa/shop', 'shop/qa/worker', 'api/dev/api', 'api/dev/migrate', 'api/prod/-']);
    expect(pins.text).toBe(MIXED
      .replace(`    worker: r.io/shop-worker:${SHA_B}\n`, `    worker: r.io/shop-worker:${SHA_B}\n  qa:\n    shop: r.io/shop:1\n    worker: r.io/shop-worker:1\n`)
      + '\napi:\n  dev:\n    api: r.io/api:1\n    migrate: r.io/api-migrate:1\n  prod: r.io/api:1\n');
  });

  test('every refused update of a batch is reported at once, and nothing is applied', () => {
    const pins = ImagePins.parse(MIXED, 'images.yaml');
    const e = validationError(() => pins.withImages([
      { app: 'hello', env: 'dev', ref: ref('r.io/hello:2') },
      { app: 'helo', env: 'dev', ref: ref('r.io/hello:2') },
      { app: 'shop', env: 'dev', image: 'Bad', ref: ref('r.io/shop:2') },
    ]));
    expect(e.problems.map(p => p.message)).toEqual([
      'unknown app "helo"; known apps: hello, shop, jobs (use --create to add a new app)',
      'image name must be lowercase letters, digits and "-", starting and ending with a letter or digit',
    ]);
  });
});

describe('mutable references', () => {
  test('tag latest without a digest is refused, naming the fix', () => {
    const e = validationError(() => ImagePins.parse(MIXED, 'images.yaml').withImage('hello', 'dev', ref('r.io/hello:latest')));
    expect(e.message).toBe('[images.yaml] \'hello.dev\' "r.io/hello:latest" is a mutable tag: pin an immutable one '
      + '(the commit SHA the image was built from) or a digest (r.io/hello@sha256:<64 hex>)');
  });

  test('latest with a digest is immutable and accepted', () => {
    const { pins } = ImagePins.parse(MIXED).withImage('hello', 'dev', ref(`r.io/hello:latest@${DIGEST}`));
    expect(pins.get('hello', 'dev')?.digest).toBe(DIGEST);
  });
});

describe('promoting the multi-image form', () => {
  test('every image of the app is copied, one change per image', () => {
    const { pins, changes } = ImagePins.parse(MIXED).promote('dev', 'prod', { apps: ['shop'] });
    expect(changes.map(c => `${c.app}/${c.env}/${c.image}: ${c.old?.tag} -> ${c.new.tag}`)).toEqual([
      `shop/prod/shop: ${SHA_B} -> ${SHA_A}`,
      `shop/prod/worker: ${SHA_B} -> ${SHA_A}`,
    ]);
    expect(pins.text).toBe(MIXED
      .replace(`    shop: r.io/shop:${SHA_B}`, `    shop: r.io/shop:${SHA_A}`)
      .replace(`    worker: r.io/shop-worker:${SHA_B}`, `    worker: r.io/shop-worker:${SHA_A}`));
  });

  test('images pinned only in the target stay', () => {
    const { pins } = ImagePins.parse(MIXED).promote('dev', 'prod', { apps: ['jobs'] });
    expect(pins.toJSON().jobs.prod).toEqual({ nightly: `r.io/nightly:${SHA_A}`, cleanup: `r.io/cleanup:${SHA_B}` });
  });

  test('different forms: the target takes the form of the source', () => {
    const text = 'a:\n  dev:\n    a: r/a:1\n    b: r/b:1\n  prod: r/a:0   # old\nb:\n  dev: r/b:2\n  prod:\n    b: r/b:0\n';
    const { pins } = ImagePins.parse(text).promote('dev', 'prod');
    expect(pins.text).toBe('a:\n  dev:\n    a: r/a:1\n    b: r/b:1\n  prod:   # old\n    a: r/a:1\n    b: r/b:1\nb:\n  dev: r/b:2\n  prod: r/b:2\n');
  });

  test('a multi-image app new in the target needs create', () => {
    const text = 'a:\n  dev:\n    a: r/a:1\n    b: r/b:1\n  prod:\n    a: r/a:1\nc:\n  dev:\n    x: r/x:1\n';
    const { pins } = ImagePins.parse(text).promote('dev', 'prod', { create: true });
    expect(pins.text).toBe('a:\n  dev:\n    a: r/a:1\n    b: r/b:1\n  prod:\n    a: r/a:1\n    b: r/b:1\nc:\n  dev:\n    x: r/x:1\n  prod:\n    x: r/x:1\n');
  });
});

describe('ImagePins.unused', () => {
  test('GIVEN every pin looked up THEN nothing is reported', () => {
    const pins = ImagePins.parse(MIXED);
    const used = ['dev', 'prod'].flatMap(env => [
      { app: 'hello', env, image: 'web' },
      { app: 'shop', env }, { app: 'shop', env, image: 'worker' },
      { app: 'jobs', env, image: 'nightly' }, { app: 'jobs', env, image: 'cleanup' },
    ]);
    expect(pins.unused(used)).toEqual([]);
  });

  test('GIVEN an app, an environment and an image the code no longer has THEN each is reported with its line and the fix', () => {
    const pins = ImagePins.parse(MIXED, 'images.yaml');
    const used = [
      { app: 'hello', env: 'dev' },
      { app: 'shop', env: 'dev', image: 'shop' }, { app: 'shop', env: 'dev', image: 'worker' },
      { app: 'shop', env: 'prod' },
    ];
    expect(pins.unused(used).map(p => `[${p.path}] ${p.field}: ${p.message}`)).toEqual([
      '[images.yaml:4] hello.prod: pins app "hello" in environment "prod", which the code does not define: remove it from images.yaml',
      '[images.yaml:12] shop.prod.worker: pins image "worker", which no workload of app "shop" in environment "prod" uses: remove it from images.yaml',
      '[images.yaml:16] jobs.dev.nightly: pins app "jobs", which the code does not define: remove it from images.yaml',
      '[images.yaml:18] jobs.prod.nightly: pins app "jobs", which the code does not define: remove it from images.yaml',
      '[images.yaml:19] jobs.prod.cleanup: pins app "jobs", which the code does not define: remove it from images.yaml',
    ]);
  });
});
