import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tmpDir } from './support/tools';

const ROOT = path.resolve(__dirname, '..');

describe('bin/cdk8s-gitops.js in a clone where nothing has compiled lib/ yet', () => {
  test('GIVEN no lib/ WHEN a command that loads its implementation with import() runs THEN it runs from the TypeScript sources', () => {
    // GIVEN a copy of the repo's layout without lib/: bin/ copied, src/, imports/ and node_modules linked
    const { dir, cleanup } = tmpDir('cdk8s-gitops-bin-');
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.copyFileSync(path.join(ROOT, 'bin', 'cdk8s-gitops.js'), path.join(dir, 'bin', 'cdk8s-gitops.js'));
      for (const link of ['src', 'imports', 'node_modules', 'package.json']) fs.symlinkSync(path.join(ROOT, link), path.join(dir, link));
      fs.writeFileSync(path.join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: hello\n');
      // WHEN
      const r = spawnSync(process.execPath, [path.join(dir, 'bin', 'cdk8s-gitops.js'), 'migrate', 'cm.yaml', '--app', 'hello', '--env', 'dev', '--output', 'json'],
        { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      // THEN
      expect(r.stderr).not.toContain('ERR_MODULE_NOT_FOUND');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ app: 'hello' });
    } finally {
      cleanup();
    }
  });
});
