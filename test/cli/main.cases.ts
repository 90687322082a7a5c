import { CliIo, styler, useColor } from '../../src/cli/io';
import { handleError, runCli } from '../../src/cli/main';
import { EnvironmentError, ValidationError } from '../../src/errors';
import { VERSION } from '../../src/version';

function io(env: Record<string, string> = {}, isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  const withCache = { CDK8S_GITOPS_CACHE_DIR: process.env.CDK8S_GITOPS_CACHE_DIR!, ...env };
  const value: CliIo = { out: t => out.push(t), err: t => err.push(t), cwd: process.cwd(), env: withCache, isTTY };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

describe('runCli', () => {
  test('GIVEN --version THEN it prints the package version and exits 0', async () => {
    const t = io();
    expect(await runCli(['--version'], t.io)).toBe(0);
    expect(t.out().trim()).toBe(VERSION);
  });

  test('GIVEN --help THEN every command and the exit codes are listed, exit 0', async () => {
    const t = io();
    expect(await runCli(['--help'], t.io)).toBe(0);
    for (const cmd of ['validate', 'diff', 'publish', 'history', 'rollback', 'set-image', 'promote', 'status', 'migrate']) {
      expect(t.out()).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    }
    expect(t.out()).toContain('2  bad usage or input');
  });

  test.each(['publish', 'diff', 'validate', 'set-image', 'promote', 'status', 'rollback', 'history', 'migrate'])('GIVEN %s --help THEN it shows examples', async cmd => {
    const t = io();
    expect(await runCli([cmd, '--help'], t.io)).toBe(0);
    expect(t.out()).toContain('Examples:');
  });

  test('GIVEN an unknown command THEN usage error, exit 2', async () => {
    const t = io();
    expect(await runCli(['frobnicate'], t.io)).toBe(2);
    expect(t.err()).toContain("unknown command 'frobnicate'");
  });

  test('GIVEN an unknown option THEN usage error, exit 2', async () => {
    const t = io();
    expect(await runCli(['publish', '--forcefully'], t.io)).toBe(2);
    expect(t.err()).toContain("unknown option '--forcefully'");
  });
});

describe('handleError', () => {
  test('GIVEN bad input THEN the message and exit 2, no stack', () => {
    const t = io();
    expect(handleError(new ValidationError([{ path: 'images.yaml', field: 'hello.dev', message: 'is bad', value: 'x' }]), t.io)).toBe(2);
    expect(t.err()).toBe("error: [images.yaml] 'hello.dev' is bad (got \"x\")\n");
  });

  test('GIVEN an environment failure THEN the message and exit 3', () => {
    const t = io();
    expect(handleError(new EnvironmentError('git is not installed'), t.io)).toBe(3);
    expect(t.err()).toBe('error: git is not installed\n');
  });

  test('GIVEN a bug THEN a stack is printed with a request to report it, exit 4', () => {
    const t = io();
    expect(handleError(new TypeError('x is undefined'), t.io)).toBe(4);
    expect(t.err()).toContain(`internal error (a bug in cdk8s-gitops ${VERSION}; please report it):\nTypeError: x is undefined\n    at `);
  });
});

describe('colour', () => {
  test('GIVEN no TTY THEN no colour', () => {
    expect(useColor(io({}, false).io)).toBe(false);
    expect(styler(io({}, false).io)('red', 'x')).toBe('x');
  });
  test('GIVEN a TTY THEN colour, unless NO_COLOR is set', () => {
    expect(styler(io({}, true).io)('red', 'x')).toBe('\u001b[31mx\u001b[0m');
    expect(useColor(io({ NO_COLOR: '1' }, true).io)).toBe(false);
  });
});
