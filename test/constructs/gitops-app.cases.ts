import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp, VALIDATION_OFF_NOTICE } from '../../src/constructs/gitops-app';
import { validationGate } from '../../src/validate/gate';

const ROOT = path.resolve(__dirname, '..', '..');

/** An app with one root, `latest`-imaged Deployment: what the gate exists to stop. */
function unsafeApp(props: ConstructorParameters<typeof GitOpsApp>[0] = {}) {
  const app = new GitOpsApp({ outdir: '/nonexistent/never-written', ...props });
  const chart = new AppChart(new Environment(app, 'dev'), 'hello');
  new ApiObject(chart, 'd', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'hello' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx:latest' }] } } },
  });
  return app;
}

describe('GitOpsApp validation (safe by default)', () => {
  test('GIVEN no gates WHEN rendered THEN the validation gate runs anyway', () => {
    expect(() => unsafeApp().render()).toThrow(/\[image-pinned\]/);
    expect(unsafeApp().notices).toEqual([]);
  });

  test('GIVEN gates that already hold the validation gate THEN it runs once', () => {
    let error: Error | undefined;
    try {
      unsafeApp({ gates: [validationGate()] }).render();
    } catch (e) {
      error = e as Error;
    }
    const lines = error!.message.split('\n');
    expect(new Set(lines).size).toBe(lines.length);
  });

  test('GIVEN validate: false THEN the tree renders and the opt-out is a notice', () => {
    const app = unsafeApp({ validate: false });
    expect(Object.keys(Object.fromEntries(app.render()))).toContain('dev/hello/deployment-hello.yaml');
    expect(app.notices).toEqual([VALIDATION_OFF_NOTICE]);
  });

  test('GIVEN validate: false WHEN a real node process synthesizes THEN stderr shows the opt-out warning', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workloads-optout-'));
    try {
      const script = [
        `const { GitOpsApp, AppChart, Environment } = require(${JSON.stringify(path.join(ROOT, 'src', 'constructs'))});`,
        `const app = new GitOpsApp({ validate: false, outdir: ${JSON.stringify(path.join(dir, 'dist'))} });`,
        "new AppChart(new Environment(app, 'dev'), 'hello');",
        'app.synth();',
      ].join('\n');
      const r = spawnSync(process.execPath, ['--require', require.resolve('esbuild-register'), '-e', script], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(`[CDK8S_GITOPS_VALIDATION_OFF] Warning: ${VALIDATION_OFF_NOTICE}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
