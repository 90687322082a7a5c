import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentError } from '../../src/errors';
import { Duration } from '../../src/promotion/duration';
import { Pipeline } from '../../src/promotion/pipeline';
import { tmpDir, validationError } from '../support/tools';

function problems(fn: () => unknown): string {
  return validationError(fn).message;
}

describe('Duration', () => {
  test.each([['24h', 86_400_000], ['1h30m', 5_400_000], ['2d', 172_800_000], ['45s', 45_000], ['0s', 0], ['1d2h3m4s', 93_784_000]])(
    '%s parses to %d ms', (text, ms) => {
      expect(Duration.parse(text).millis).toBe(ms);
    });

  test.each(['1 day', '24', 'h', '', '1.5h', '30m1h', '-1h', '1w'])('%j is refused with the accepted forms', text => {
    expect(problems(() => Duration.parse(text, 'pipeline.yaml: stages[1].soak')))
      .toBe(`[pipeline.yaml: stages[1].soak] must be a duration like 30m, 24h, 1h30m or 2d (whole numbers of d, h, m, s, largest first) (got ${JSON.stringify(text)})`);
  });

  test('toString: the largest unit and the next non-zero one', () => {
    expect([0, 45_000, 3_600_000, 7_204_000, 86_399_000, 90_000_000].map(ms => Duration.ofMillis(ms).toString()))
      .toEqual(['0s', '45s', '1h', '2h', '23h 59m', '1d 1h']);
  });
});

describe('Pipeline', () => {
  test('a linear pipeline: each stage follows the one before, soak defaults to 0s', () => {
    const p = Pipeline.parse('stages:\n  - name: dev\n  - name: staging\n  - name: prod\n    soak: 24h\n    approval: true\n');
    expect(p.stages.map(s => [s.name, s.after, s.soak.toString(), s.approval])).toEqual([
      ['dev', undefined, '0s', false], ['staging', 'dev', '0s', false], ['prod', 'staging', '1d', true],
    ]);
    expect(p.upstreamOf('prod').map(s => s.name)).toEqual(['staging', 'dev']);
    expect(p.describe()).toBe('dev → staging → prod');
  });

  test('a fan-out: two stages after one', () => {
    const p = new Pipeline({ stages: [{ name: 'staging' }, { name: 'prod-eu', soak: '1d' }, { name: 'prod-us', after: 'staging', soak: '1d' }] });
    expect(p.downstreamOf('staging').map(s => s.name)).toEqual(['prod-eu', 'prod-us']);
    expect(p.describe()).toBe('staging → prod-eu; staging → prod-us');
  });

  test('every problem of a pipeline at once, naming the field and value', () => {
    const text = [
      'stages:',
      '  - name: dev',
      '    soak: 1h',
      '  - name: Prod',
      '  - name: qa',
      '    after: later',
      '    soak: 1 day',
      '  - name: qa',
      '  - name: later',
      '    approval: "yes"',
      '    colour: blue',
    ].join('\n');
    expect(problems(() => Pipeline.parse(text, 'pipeline.yaml'))).toBe([
      '[pipeline.yaml] \'stages[4].colour\' unknown field (name, after, soak, approval)',
      '[pipeline.yaml] \'stages[4].approval\' must be true or false (got "yes")',
    ].join('\n'));
    expect(problems(() => Pipeline.parse(text.replace('    approval: "yes"\n    colour: blue', '    approval: true'), 'pipeline.yaml'))).toBe([
      '[pipeline.yaml] \'stages[0].soak\' the first stage has no upstream to soak in; remove soak (got "1h")',
      '[pipeline.yaml] \'stages[1].name\' must be an environment name: lowercase letters, digits and "-" (got "Prod")',
      '[pipeline.yaml] \'stages[2].soak\' must be a duration like 30m, 24h, 1h30m or 2d (whole numbers of d, h, m, s, largest first) (got "1 day")',
      '[pipeline.yaml] \'stages[2].after\' must name a stage listed before this one; stages before it: dev (got "later")',
      '[pipeline.yaml] \'stages[3].name\' is listed twice (got "qa")',
    ].join('\n'));
  });

  test('an upstream that names no stage', () => {
    expect(problems(() => Pipeline.parse('stages:\n  - name: dev\n  - name: prod\n    after: qa\n', 'p.yaml')))
      .toBe('[p.yaml] \'stages[1].after\' names no stage; stages before it: dev (got "qa")');
  });

  test('load: a folder where the file should be is an environment failure naming it', () => {
    const { dir, cleanup } = tmpDir();
    try {
      expect(() => Pipeline.load(dir)).toThrow(EnvironmentError);
      expect(() => Pipeline.load(dir)).toThrow(`cannot read pipeline file ${dir}: EISDIR: illegal operation on a directory, read`);
    } finally {
      cleanup();
    }
  });

  test('the file\'s shape', () => {
    expect(problems(() => Pipeline.parse('- dev\n- prod\n', 'p.yaml')))
      .toBe('[p.yaml] \'stages\' must be a list of stages, e.g. "stages: [{name: dev}, {name: prod, soak: 24h}]"');
    expect(problems(() => Pipeline.parse('stages: []\n', 'p.yaml'))).toBe('[p.yaml] \'stages\' must list at least one stage');
    expect(problems(() => Pipeline.parse('stages: [1]\nextra: 1\n', 'p.yaml'))).toBe([
      '[p.yaml] \'extra\' unknown field (only "stages")',
      '[p.yaml] \'stages[0]\' must be a mapping with name, and optionally after, soak and approval (got 1)',
    ].join('\n'));
    expect(problems(() => Pipeline.parse('stages: [\n', 'p.yaml'))).toMatch(/^\[p\.yaml\] is not valid YAML: /);
    expect(problems(() => Pipeline.parse('stages:\n  - name: 1\n', 'p.yaml'))).toBe('[p.yaml] \'stages[0].name\' must be a string (got 1)');
  });

  test('load: a missing file says how to create one', () => {
    const { dir, cleanup } = tmpDir();
    try {
      const file = path.join(dir, 'pipeline.yaml');
      expect(problems(() => Pipeline.load(file))).toBe(`[${file}] pipeline file does not exist: create it with the stages in order, `
        + 'e.g. "stages: [{name: dev}, {name: prod, soak: 24h}]" (see docs/ci-cd.md), or point to it with --pipeline');
      fs.writeFileSync(file, 'stages: [{name: dev}]\n');
      expect(Pipeline.load(file).source).toBe(file);
    } finally {
      cleanup();
    }
  });

  test('stage(): an unknown stage lists the stages', () => {
    const p = Pipeline.parse('stages: [{name: dev}, {name: prod}]\n', 'p.yaml');
    expect(problems(() => p.stage('qa', '--to'))).toBe('[p.yaml] unknown stage "qa" (--to); stages: dev, prod');
  });
});
