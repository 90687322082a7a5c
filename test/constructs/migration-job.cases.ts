import { IMAGE, appWith, objects } from './_fixtures';
import { HookDeletePolicy, MigrationJob } from '../../src/constructs/migration-job';
import { WebService } from '../../src/constructs/web-service';
import { ImageRef } from '../../src/image-ref';
import { renderFiles } from '../../src/testing';

describe('MigrationJob defaults', () => {
  test('GIVEN only args WHEN rendered THEN a PreSync hook Job named <app>-migrate (snapshot)', () => {
    const { app, chart } = appWith();
    new MigrationJob(chart, 'migrate', { image: IMAGE, args: ['migrate'] });
    const files = renderFiles(app);
    expect(Object.keys(files)).toEqual(['dev/hello/job-hello-migrate.yaml', 'dev/hello/kustomization.yaml']);
    expect(files['dev/hello/job-hello-migrate.yaml']).toMatchSnapshot();
  });

  test('GIVEN defaults THEN an Argo CD PreSync hook deleted before the next one, 1 retry, 10 minutes, a locked-down pod', () => {
    const { app, chart } = appWith();
    new MigrationJob(chart, 'migrate', { image: IMAGE });
    const j = objects(renderFiles(app))['dev/hello/job-hello-migrate.yaml'];
    expect(j.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    expect(j.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 600 });
    expect(j.spec.template.spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false });
    expect(j.spec.template.spec.containers[0].securityContext.runAsNonRoot).toBe(true);
  });

  test('GIVEN the app pinned in the pins THEN the migration runs the app\'s pin, asked by the app name', () => {
    const pinned = ImageRef.parse('ghcr.io/example/hello:pinned');
    const asked: (string | undefined)[] = [];
    const { app, chart } = appWith();
    (app as any).pins = { get: (_a: string, _e: string, name?: string) => { asked.push(name); return pinned; } };
    new WebService(chart, 'web', {});
    new MigrationJob(chart, 'migrate', {});
    const o = objects(renderFiles(app));
    expect(o['dev/hello/job-hello-migrate.yaml'].spec.template.spec.containers[0].image).toBe('ghcr.io/example/hello:pinned');
    expect(asked).toEqual(['hello', 'hello']);
  });
});

describe('MigrationJob props', () => {
  test('GIVEN a delete policy, retries, deadline, name and imageName THEN each lands in the Job', () => {
    const asked: (string | undefined)[] = [];
    const { app, chart } = appWith();
    (app as any).pins = { get: (_a: string, _e: string, name?: string) => { asked.push(name); return IMAGE; } };
    new MigrationJob(chart, 'migrate', { name: 'db-migrate', imageName: 'migrations', deletePolicy: HookDeletePolicy.HOOK_SUCCEEDED, backoffLimit: 0, activeDeadlineSeconds: 60 });
    const j = objects(renderFiles(app))['dev/hello/job-db-migrate.yaml'];
    expect(j.metadata.annotations['argocd.argoproj.io/hook-delete-policy']).toBe('HookSucceeded');
    expect(j.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 60 });
    expect(asked).toEqual(['migrations']);
  });
});

describe('MigrationJob refusals', () => {
  test('GIVEN a bad delete policy WHEN rendered THEN it names the choices', () => {
    const { app, chart } = appWith();
    new MigrationJob(chart, 'migrate', { image: IMAGE, deletePolicy: 'Never' as any });
    expect(() => renderFiles(app)).toThrow("[dev/hello/migrate] 'deletePolicy' must be a HookDeletePolicy (BEFORE_HOOK_CREATION, HOOK_SUCCEEDED or HOOK_FAILED) (got \"Never\")");
  });

  test('GIVEN no image and no pin WHEN rendered THEN it says how to pin one', () => {
    const { app, chart } = appWith();
    new MigrationJob(chart, 'migrate');
    expect(() => renderFiles(app)).toThrow("[dev/hello/migrate] 'image' is not set and no pin exists for app \"hello\" in environment \"dev\"");
  });
});
