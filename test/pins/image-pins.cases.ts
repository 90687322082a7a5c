import * as fs from 'fs';
import * as path from 'path';
import { COMMENTED, DIGEST, SHA_A, SHA_B, SHA_C } from './harness';
import { ImageRef } from '../../src/image-ref';
import { ImagePins } from '../../src/pins/image-pins';
import { tmpDir, validationError } from '../support/tools';

const hello = (tag: string) => ImageRef.parse(`ghcr.io/example/hello:${tag}`);

describe('ImagePins.parse', () => {
  test('reads every pin, in file order', () => {
    // GIVEN a pins file with comments and mixed quoting
    // WHEN it is parsed
    const pins = ImagePins.parse(COMMENTED, 'images.yaml');
    // THEN every app, environment and reference is there
    expect(pins.apps()).toEqual(['hello', 'worker']);
    expect(pins.environments()).toEqual(['dev', 'prod']);
    expect(pins.environments('hello')).toEqual(['dev', 'prod']);
    expect(pins.get('hello', 'prod')?.toString()).toBe(`ghcr.io/example/hello:${SHA_B}`);
    expect(pins.get('worker', 'dev')?.tag).toBe(SHA_A);
    expect(pins.toJSON().worker.prod).toBe(`ghcr.io/example/worker:${SHA_B}`);
  });

  test('a missing pin is undefined', () => {
    const pins = ImagePins.parse(COMMENTED);
    expect(pins.get('hello', 'staging')).toBeUndefined();
    expect(pins.get('nope', 'dev')).toBeUndefined();
    expect(pins.environments('nope')).toEqual([]);
  });

  test('digests, and tag plus digest, are accepted', () => {
    const pins = ImagePins.parse(`a:\n  dev: r.io/a@${DIGEST}\n  prod: r.io/a:1.0@${DIGEST}\n`);
    expect(pins.get('a', 'dev')?.digest).toBe(DIGEST);
    expect(pins.get('a', 'prod')?.tag).toBe('1.0');
  });

  test('an empty file, or one with only comments, has no pins', () => {
    expect(ImagePins.parse('').apps()).toEqual([]);
    expect(ImagePins.parse('# nothing yet\n').apps()).toEqual([]);
  });

  test('invalid YAML names the file and line', () => {
    // GIVEN YAML with an unclosed flow sequence on line 2
    const e = validationError(() => ImagePins.parse('hello:\n  dev: [ghcr.io/x:1\nprod: y\n', 'images.yaml'));
    // THEN the message names the file, the line and says it is not YAML
    expect(e.message).toMatch(/^\[images\.yaml:\d+\] is not valid YAML: /);
  });

  test('duplicate keys are refused', () => {
    const e = validationError(() => ImagePins.parse('hello:\n  dev: r/a:1\n  dev: r/a:2\n', 'images.yaml'));
    expect(e.message).toBe('[images.yaml:3] is not valid YAML: Map keys must be unique');
  });

  test('a top-level list is the wrong shape', () => {
    const e = validationError(() => ImagePins.parse('- hello\n', 'images.yaml'));
    expect(e.message).toBe('[images.yaml:1] must be a mapping of app -> environment -> image reference (got ["hello"])');
  });

  test('an app that is not a mapping is the wrong shape', () => {
    const e = validationError(() => ImagePins.parse('hello: ghcr.io/x:1\n', 'images.yaml'));
    expect(e.message).toBe('[images.yaml:1] \'hello\' must be a mapping of environment -> image reference (got "ghcr.io/x:1")');
  });

  test('a pin that is not a string names the field and the value', () => {
    const e = validationError(() => ImagePins.parse('hello:\n  dev:\n    web: [ghcr.io/x:1]\n', 'images.yaml'));
    expect(e.message).toBe('[images.yaml:3] \'hello.dev.web\' must be an image reference on one line, '
      + 'like ghcr.io/org/app:<tag> or ghcr.io/org/app@sha256:<digest> (got ["ghcr.io/x:1"])');
  });

  test('a bad reference names the file, line, field and value', () => {
    // GIVEN an uppercase repository on line 3
    const e = validationError(() => ImagePins.parse('# pins\nhello:\n  dev: Hello:latest\n', 'images.yaml'));
    // THEN
    expect(e.message).toBe('[images.yaml:3] \'hello.dev\' invalid image reference "Hello:latest": the repository path "Hello" must be lowercase');
    expect(e.problems[0].path).toBe('images.yaml:3');
  });

  test('an unpinned reference is refused', () => {
    const e = validationError(() => ImagePins.parse('hello:\n  dev: ghcr.io/example/hello\n', 'f.yaml'));
    expect(e.message).toBe('[f.yaml:2] \'hello.dev\' invalid image reference "ghcr.io/example/hello": '
      + 'needs a tag or a digest (an unpinned image resolves to "latest")');
  });

  test('bad app and environment names are refused, all problems at once', () => {
    const e = validationError(() => ImagePins.parse('Hello:\n  dev: r/a:1\nok:\n  Prod_1: r/a:1\n  1: r/a:1\n', 'images.yaml'));
    expect(e.message.split('\n')).toEqual([
      '[images.yaml:1] app name must be lowercase letters, digits and "-", starting and ending with a letter or digit (got "Hello")',
      '[images.yaml:4] \'ok\' environment name must be lowercase letters, digits and "-", starting and ending with a letter or digit (got "Prod_1")',
      '[images.yaml:5] \'ok\' environment name must be a string (got 1)',
    ]);
  });
});

describe('ImagePins.load', () => {
  test('reads a file', () => {
    const { dir, cleanup } = tmpDir();
    try {
      const file = path.join(dir, 'images.yaml');
      fs.writeFileSync(file, COMMENTED);
      const pins = ImagePins.load(file);
      expect(pins.file).toBe(file);
      expect(pins.get('hello', 'dev')?.tag).toBe(SHA_A);
    } finally {
      cleanup();
    }
  });

  test('a missing file is a ValidationError naming it', () => {
    const e = validationError(() => ImagePins.load('/nonexistent/images.yaml'));
    expect(e.message).toBe('[/nonexistent/images.yaml] image pins file does not exist (create it, or point to it with --file)');
  });

  test('a directory is a ValidationError naming it', () => {
    const { dir, cleanup } = tmpDir();
    try {
      expect(validationError(() => ImagePins.load(dir)).message).toBe(`[${dir}] is a directory, not an image pins file`);
    } finally {
      cleanup();
    }
  });
});

describe('ImagePins.withImage', () => {
  test('replaces only the value: comments, quoting and blank lines stay', () => {
    // GIVEN the commented file
    const pins = ImagePins.parse(COMMENTED);
    // WHEN hello/dev and hello/prod (double-quoted) and worker/dev (single-quoted) are re-pinned
    let next = pins.withImage('hello', 'dev', hello(SHA_C)).pins;
    next = next.withImage('hello', 'prod', hello(SHA_C)).pins;
    next = next.withImage('worker', 'dev', ImageRef.parse(`ghcr.io/example/worker@${DIGEST}`)).pins;
    // THEN the text differs in exactly those values
    expect(next.text).toBe(COMMENTED
      .replace(`hello:${SHA_A}   # set by CI`, `hello:${SHA_C}   # set by CI`)
      .replace(`"ghcr.io/example/hello:${SHA_B}"`, `"ghcr.io/example/hello:${SHA_C}"`)
      .replace(`'ghcr.io/example/worker:${SHA_A}'`, `'ghcr.io/example/worker@${DIGEST}'`));
    // AND the original is unchanged (immutable)
    expect(pins.text).toBe(COMMENTED);
  });

  test('the same value again is no change and returns the same pins', () => {
    const pins = ImagePins.parse(COMMENTED);
    const { pins: next, change } = pins.withImage('hello', 'dev', hello(SHA_A));
    expect(next).toBe(pins);
    expect(change.changed).toBe(false);
    expect(change.old?.toString()).toBe(change.new.toString());
  });

  test('an unknown app is refused without create', () => {
    const e = validationError(() => ImagePins.parse(COMMENTED, 'images.yaml').withImage('helo', 'dev', hello(SHA_C)));
    expect(e.message).toBe('[images.yaml] unknown app "helo"; known apps: hello, worker (use --create to add a new app)');
  });

  test('an unknown environment is refused without create', () => {
    const e = validationError(() => ImagePins.parse(COMMENTED, 'images.yaml').withImage('hello', 'stagin', hello(SHA_C)));
    expect(e.message).toBe('[images.yaml] unknown environment "stagin" for app "hello"; known: dev, prod (use --create to add it)');
  });

  test('a bad app name is refused even with create', () => {
    const e = validationError(() => ImagePins.parse(COMMENTED, 'images.yaml').withImage('Hello', 'dev', hello(SHA_C), { create: true }));
    expect(e.message).toBe('[images.yaml] app name must be lowercase letters, digits and "-", starting and ending with a letter or digit (got "Hello")');
  });

  test('create adds an environment after the app\'s last one, at its indentation', () => {
    const text = 'hello:\n    dev: r/a:1  # c\n    prod: r/a:2  # c\n\nother:\n    dev: r/b:1\n';
    const next = ImagePins.parse(text).withImage('hello', 'staging', ImageRef.parse('r/a:3'), { create: true }).pins;
    expect(next.text).toBe('hello:\n    dev: r/a:1  # c\n    prod: r/a:2  # c\n    staging: r/a:3\n\nother:\n    dev: r/b:1\n');
  });

  test('create adds an app at the end, keeping the blank line between apps', () => {
    const next = ImagePins.parse(COMMENTED).withImage('api', 'dev', ImageRef.parse('ghcr.io/example/api:1.0.0'), { create: true }).pins;
    expect(next.text).toBe(`${COMMENTED}\napi:\n  dev: ghcr.io/example/api:1.0.0\n`);
  });

  test('create writes the first pin of an empty file', () => {
    const next = ImagePins.parse('# pins\n').withImage('hello', 'dev', hello(SHA_A), { create: true }).pins;
    expect(next.text).toBe(`# pins\nhello:\n  dev: ghcr.io/example/hello:${SHA_A}\n`);
  });

  test('a flow-style app mapping is edited in place, and extended through the Document API', () => {
    const pins = ImagePins.parse('hello: {dev: r/a:1, prod: r/a:2}\n');
    expect(pins.withImage('hello', 'dev', ImageRef.parse('r/a:9')).pins.text).toBe('hello: {dev: r/a:9, prod: r/a:2}\n');
    const added = pins.withImage('hello', 'qa', ImageRef.parse('r/a:3'), { create: true }).pins;
    expect(added.toJSON()).toEqual({ hello: { dev: 'r/a:1', prod: 'r/a:2', qa: 'r/a:3' } });
  });

  test('a plain value that YAML would misread is quoted', () => {
    // `12:30` is a base-60 integer in YAML 1.1 (Go); as a reference it is repository "12", tag "30".
    const next = ImagePins.parse('a:\n  dev: r/a:1\n').withImage('a', 'dev', ImageRef.parse('12:30')).pins;
    expect(next.text).toBe('a:\n  dev: "12:30"\n');
  });
});

describe('ImagePins.promote', () => {
  test('copies every app\'s pin from one environment to another', () => {
    // GIVEN dev and prod differ for both apps
    const pins = ImagePins.parse(COMMENTED);
    // WHEN dev is promoted to prod
    const { pins: next, changes } = pins.promote('dev', 'prod');
    // THEN prod has dev's references, and only those values changed
    expect(changes.map(c => `${c.app}/${c.env}: ${c.old} -> ${c.new} ${c.changed}`)).toEqual([
      `hello/prod: ghcr.io/example/hello:${SHA_B} -> ghcr.io/example/hello:${SHA_A} true`,
      `worker/prod: ghcr.io/example/worker:${SHA_B} -> ghcr.io/example/worker:${SHA_A} true`,
    ]);
    expect(next.text).toBe(COMMENTED
      .replace(`"ghcr.io/example/hello:${SHA_B}"`, `"ghcr.io/example/hello:${SHA_A}"`)
      .replace(`worker:${SHA_B}`, `worker:${SHA_A}`));
  });

  test('only the given apps', () => {
    const { changes, pins } = ImagePins.parse(COMMENTED).promote('dev', 'prod', { apps: ['worker'] });
    expect(changes.map(c => c.app)).toEqual(['worker']);
    expect(pins.get('hello', 'prod')?.tag).toBe(SHA_B);
  });

  test('promoting what is already there changes nothing', () => {
    const pins = ImagePins.parse('hello:\n  dev: r/a:1\n  prod: r/a:1\n');
    const result = pins.promote('dev', 'prod');
    expect(result.pins).toBe(pins);
    expect(result.changes[0].changed).toBe(false);
  });

  test('unknown environments are refused', () => {
    const e = validationError(() => ImagePins.parse(COMMENTED, 'images.yaml').promote('dve', 'staging'));
    expect(e.message.split('\n')).toEqual([
      '[images.yaml] unknown environment "dve" (--from); known environments: dev, prod',
      '[images.yaml] unknown environment "staging" (--to); known environments: dev, prod',
    ]);
  });

  test('an unknown app is refused', () => {
    const e = validationError(() => ImagePins.parse(COMMENTED, 'images.yaml').promote('dev', 'prod', { apps: ['helo'] }));
    expect(e.message).toBe('[images.yaml] unknown app "helo"; known apps: hello, worker');
  });

  test('an environment promoted to itself is refused', () => {
    const e = validationError(() => ImagePins.parse(COMMENTED, 'images.yaml').promote('dev', 'dev'));
    expect(e.message).toBe('[images.yaml] cannot promote an environment to itself (got "dev")');
  });

  test('an app without a pin in --from is refused when named', () => {
    const text = 'a:\n  dev: r/a:1\n  prod: r/a:1\nb:\n  prod: r/b:1\n';
    const e = validationError(() => ImagePins.parse(text, 'images.yaml').promote('dev', 'prod', { apps: ['b'] }));
    expect(e.message).toBe('[images.yaml] app "b" has no pin in environment "dev" to promote');
    // AND skipped when not named
    expect(ImagePins.parse(text).promote('dev', 'prod').changes.map(c => c.app)).toEqual(['a']);
  });

  test('an app without a pin in --to needs create', () => {
    const text = 'a:\n  dev: r/a:1\n  prod: r/a:1\nb:\n  dev: r/b:1\n';
    const e = validationError(() => ImagePins.parse(text, 'images.yaml').promote('dev', 'prod'));
    expect(e.message).toBe('[images.yaml] app "b" has no pin in environment "prod" yet; use --create to add it');
    const created = ImagePins.parse(text).promote('dev', 'prod', { create: true }).pins;
    expect(created.text).toBe('a:\n  dev: r/a:1\n  prod: r/a:1\nb:\n  dev: r/b:1\n  prod: r/b:1\n');
  });
});

describe('the edit guard', () => {
  // The guard catches bugs of the edit itself; a wrong index stands in for one.
  const withIndexOf = (text: string, indexText: string) => {
    const pins = ImagePins.parse(text, 'images.yaml');
    (pins as any).indexed = (ImagePins.parse(indexText) as any).index;
    return pins;
  };

  test('an edit that would change another pin is refused as a bug, naming it', () => {
    const pins = withIndexOf('a:\n  dev: r/b:1\n  prod: r/a:2\n', 'a:\n  dev: r/a:1\n  prod: r/a:2\n');
    expect(() => pins.withImage('a', 'prod', ImageRef.parse('r/a:3'))).toThrow('editing images.yaml produced unexpected pins (at a/dev)');
  });

  test('an edit of an app that would rename it is refused as a bug', () => {
    const pins = withIndexOf('b:\n  dev: r/a:1\n', 'a:\n  dev: r/a:1\n');
    expect(() => pins.withImage('a', 'dev', ImageRef.parse('r/a:3'))).toThrow('editing images.yaml produced unexpected pins (at a)');
  });
});
