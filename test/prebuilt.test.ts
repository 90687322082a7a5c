import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'prebuilt.js');

function run(...args: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('scripts/prebuilt.js (the app command and plugin bundles)', () => {
  test('GIVEN an unknown bundle WHEN run THEN it fails naming the known ones', () => {
    const r = run('run', 'nope');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('unknown bundle nope (one of app, plugin)');
  });

  test('GIVEN an unknown command THEN it prints the usage', () => {
    const r = run('bogus');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('usage: node scripts/prebuilt.js [run <app|plugin>]');
  });

  test('GIVEN the sources WHEN built THEN each bundle is at least as new as every file under src/', () => {
    // WHEN
    const r = run();
    // THEN
    expect(r.status).toBe(0);
    const newest = (dir: string): number => Math.max(...fs.readdirSync(dir, { withFileTypes: true })
      .map(e => (e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs)));
    for (const name of ['app', 'plugin']) {
      expect(fs.statSync(path.join(ROOT, '.prebuilt', `${name}.js`)).mtimeMs).toBeGreaterThanOrEqual(newest(path.join(ROOT, 'src')));
    }
  });
});
