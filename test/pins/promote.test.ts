import * as fs from 'fs';
import { COMMENTED, SHA_A, SHA_B, cli, pinsFixture } from './harness';

let fx: ReturnType<typeof pinsFixture>;
beforeEach(() => { fx = pinsFixture(COMMENTED); });
afterEach(() => fx.cleanup());

describe('promote', () => {
  test('copies dev to prod for every app, prints each change, keeps comments', async () => {
    // WHEN
    const run = await cli(fx.dir, 'promote', '--from', 'dev', '--to', 'prod');
    // THEN
    expect(run).toEqual({
      code: 0,
      out: `hello/prod: ghcr.io/example/hello:${SHA_B} → ghcr.io/example/hello:${SHA_A}\n`
        + `worker/prod: ghcr.io/example/worker:${SHA_B} → ghcr.io/example/worker:${SHA_A}\n`
        + 'updated images.yaml\n',
      err: '',
    });
    expect(fx.read()).toBe(`# Image pins: edited by \`cdk8s-gitops set-image\` and \`promote\`; read at synth.

hello:            # the example app
  # dev follows main
  dev: ghcr.io/example/hello:${SHA_A}   # set by CI
  prod: "ghcr.io/example/hello:${SHA_A}"

worker:
  dev: 'ghcr.io/example/worker:${SHA_A}'
  prod: ghcr.io/example/worker:${SHA_A}
# end of pins
`);
  });

  test('--app limits the promotion; --json', async () => {
    const run = await cli(fx.dir, 'promote', '--from', 'dev', '--to', 'prod', '--app', 'hello', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual({
      file: 'images.yaml',
      written: true,
      changes: [{ app: 'hello', env: 'prod', old: `ghcr.io/example/hello:${SHA_B}`, new: `ghcr.io/example/hello:${SHA_A}`, changed: true }],
    });
    expect(fx.read()).toBe(COMMENTED.replace(`"ghcr.io/example/hello:${SHA_B}"`, `"ghcr.io/example/hello:${SHA_A}"`));
  });

  test('nothing to promote: exit 0, "unchanged", no write', async () => {
    await cli(fx.dir, 'promote', '--from', 'dev', '--to', 'prod');
    const before = fs.statSync(fx.file);
    const run = await cli(fx.dir, 'promote', '--from', 'dev', '--to', 'prod', '--app', 'hello');
    expect(run).toEqual({ code: 0, out: `hello/prod: ghcr.io/example/hello:${SHA_A} (unchanged)\nimages.yaml unchanged\n`, err: '' });
    expect(fs.statSync(fx.file).ino).toBe(before.ino);
  });

  describe('bad input: exit 2, the file unchanged byte-for-byte', () => {
    const cases: Array<[string, string[], string]> = [
      ['unknown source environment', ['--from', 'qa', '--to', 'prod'],
        'error: [images.yaml] unknown environment "qa" (--from); known environments: dev, prod\n'],
      ['unknown target environment', ['--from', 'dev', '--to', 'production'],
        'error: [images.yaml] unknown environment "production" (--to); known environments: dev, prod\n'],
      ['unknown app', ['--from', 'dev', '--to', 'prod', '--app', 'hello', 'helo'],
        'error: [images.yaml] unknown app "helo"; known apps: hello, worker\n'],
      ['same environment', ['--from', 'prod', '--to', 'prod'],
        'error: [images.yaml] cannot promote an environment to itself (got "prod")\n'],
    ];
    test.each(cases)('%s', async (_name, args, message) => {
      const run = await cli(fx.dir, 'promote', ...args);
      expect(run.code).toBe(2);
      expect(run.err.replace(`${fx.dir}/`, '')).toBe(message);
      expect(fx.read()).toBe(COMMENTED);
    });

    test('missing --to is a usage error', async () => {
      const run = await cli(fx.dir, 'promote', '--from', 'dev');
      expect(run.code).toBe(2);
      expect(run.err).toContain("error: required option '--to <env>' not specified");
      expect(fx.read()).toBe(COMMENTED);
    });

    test('a pins file that is not valid YAML', async () => {
      fs.writeFileSync(fx.file, 'hello:\n  dev: [\n');
      const run = await cli(fx.dir, 'promote', '--from', 'dev', '--to', 'prod');
      expect(run.code).toBe(2);
      expect(run.err).toContain('is not valid YAML');
      expect(fx.read()).toBe('hello:\n  dev: [\n');
    });
  });
});
