import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValidationError } from '../../src/errors';
import { Cdk8sGitOpsValidation, SYNTH_FAILURE_FILE, synthFailure } from '../../src/validate/cdk8s-plugin';

const BAD = new ValidationError([{ path: 'dev/hello/web', field: 'port', message: 'must be a whole number between 1 and 65535', value: 0 }]);
const TEXT = "error: [dev/hello/web] 'port' must be a whole number between 1 and 65535 (got 0)\n";

describe('synthFailure (the top level of an app)', () => {
  let dir: string;
  let cwd: string;
  beforeEach(() => {
    cwd = process.cwd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workloads-synth-failure-'));
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('GIVEN plain node (no cdk8s CLI) THEN bad input is its lines and exit 2', () => {
    expect(synthFailure(BAD, {})).toEqual({ text: TEXT, exitCode: 2 });
  });

  test('GIVEN the cdk8s CLI without this plugin in cdk8s.yaml THEN exit 2 (nothing left behind)', () => {
    fs.writeFileSync('cdk8s.yaml', 'app: node main.js\noutput: out\n');
    expect(synthFailure(BAD, { CDK8S_OUTDIR: 'out', CDK8S_RECORD_CONSTRUCT_METADATA: 'true' })).toEqual({ text: TEXT, exitCode: 2 });
    expect(fs.existsSync(path.join('out', SYNTH_FAILURE_FILE))).toBe(false);
  });

  test('GIVEN the cdk8s CLI with this plugin THEN exit 0 here, and the plugin fails the run with each line', async () => {
    // GIVEN
    fs.writeFileSync('cdk8s.yaml', 'app: node main.js\noutput: out\nvalidations:\n  - package: ./plugin.js\n    class: Cdk8sGitOpsValidation\n    version: 0.0.0\n');
    // WHEN the app fails
    expect(synthFailure(BAD, { CDK8S_OUTDIR: 'out', CDK8S_RECORD_CONSTRUCT_METADATA: 'true' })).toEqual({ text: TEXT, exitCode: 0 });
    // THEN the plugin reports it as a failure, and removes the note
    const violations: any[] = [];
    let status: string | undefined;
    await new Cdk8sGitOpsValidation().validate({
      manifests: [],
      report: { addViolation: v => violations.push(v), submit: s => { status = s; } },
      logger: { log: () => undefined },
    });
    expect(status).toBe('failure');
    expect(violations[0].violatingResources.map((r: any) => r.locations[0])).toEqual(["[dev/hello/web] 'port' must be a whole number between 1 and 65535 (got 0)"]);
    expect(fs.existsSync(path.join('out', SYNTH_FAILURE_FILE))).toBe(false);
  });

  test('GIVEN a bug under the cdk8s CLI with this plugin THEN it is not deferred: exit 4 with the stack', () => {
    fs.writeFileSync('cdk8s.yaml', 'output: out\nvalidations:\n  - class: Cdk8sGitOpsValidation\n');
    const r = synthFailure(new TypeError('boom'), { CDK8S_OUTDIR: 'out', CDK8S_RECORD_CONSTRUCT_METADATA: 'true' });
    expect(r.exitCode).toBe(4);
    expect(r.text).toContain('TypeError: boom\n    at ');
  });
});
