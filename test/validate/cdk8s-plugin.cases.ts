import * as path from 'path';
import { goodTree } from './_fixtures';
import { writeTree } from '../../src/render/tree';
import { Cdk8sGitOpsValidation, Cdk8sValidationContext } from '../../src/validate/cdk8s-plugin';
import { tmpDir } from '../support/tools';

function context(manifests: string[]) {
  const violations: Parameters<Cdk8sValidationContext['report']['addViolation']>[0][] = [];
  let status: string | undefined;
  const ctx: Cdk8sValidationContext = {
    manifests,
    report: { addViolation: v => { violations.push(v); }, submit: s => { status = s; } },
    logger: { log: () => undefined },
  };
  return { ctx, violations, status: () => status };
}

describe('Cdk8sGitOpsValidation (the cdk8s validation plugin)', () => {
  test('GIVEN kubectl cannot be run WHEN the plugin validates THEN it fails the run with one violation naming the fix, instead of throwing (the cdk8s CLI would print a stack trace)', async () => {
    // GIVEN
    const { dir, cleanup } = tmpDir('cdk8s-plugin-');
    try {
      const root = path.join(dir, '.cdk8s.out');
      writeTree(root, goodTree());
      const c = context([path.join(root, 'dev/hello/deployment-hello.yaml')]);
      // WHEN
      await new Cdk8sGitOpsValidation({ dir: root, cache: false, kubectl: path.join(dir, 'no-kubectl') }).validate(c.ctx);
      // THEN
      expect(c.status()).toBe('failure');
      expect(c.violations).toHaveLength(1);
      expect(c.violations[0].violatingResources[0].locations).toEqual([c.violations[0].recommendation]);
      expect(c.violations[0]).toMatchObject({
        ruleName: 'environment',
        recommendation: `cannot run ${path.join(dir, 'no-kubectl')}: it is not installed or not on PATH. The kustomize check runs \`kubectl kustomize\` (what Argo CD runs)`,
        fix: 'install kubectl, or set `properties: { skipKustomize: true }` on this plugin in cdk8s.yaml',
      });
    } finally {
      cleanup();
    }
  });
});
