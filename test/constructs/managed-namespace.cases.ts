import { REPO } from './_argo-fixtures';
import { IMAGE, objects } from './_fixtures';
import { AppChart } from '../../src/constructs/app-chart';
import { ArgoCd } from '../../src/constructs/argo-cd';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { PodSecurityLevel } from '../../src/constructs/managed-namespace';
import { WebService } from '../../src/constructs/web-service';
import { renderFiles } from '../../src/testing';
import { validationError } from '../support/tools';

describe('ManagedNamespace', () => {
  test('GIVEN a team THEN its namespace is <team>-<env>, rendered once with restricted Pod Security and the team label', () => {
    const app = new GitOpsApp({ team: 'payments' });
    const env = new Environment(app, 'dev');
    for (const name of ['api', 'worker']) new WebService(new AppChart(env, name), 'web', { image: IMAGE });
    const files = objects(renderFiles(app));
    expect(Object.values(files).filter(o => o.kind === 'Namespace')).toEqual([{
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'payments-dev',
        labels: {
          'cdk8s-gitops.io/team': 'payments',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    }]);
    expect(Object.keys(files).filter(f => f.startsWith('dev/namespace/'))).toEqual([
      'dev/namespace/kustomization.yaml', 'dev/namespace/namespace-payments-dev.yaml', 'dev/namespace/networkpolicy-default-deny.yaml',
    ]);
    expect(files['dev/api/deployment-api.yaml'].metadata.namespace).toBe('payments-dev');
  });

  test('GIVEN no team and no policy THEN no namespace is rendered (today\'s tree)', () => {
    const app = new GitOpsApp();
    new WebService(new AppChart(new Environment(app, 'dev'), 'api'), 'web', { image: IMAGE });
    expect(Object.keys(renderFiles(app)).some(f => f.includes('namespace'))).toBe(false);
  });

  test('GIVEN a policy with quota and container defaults THEN the ResourceQuota and LimitRange are rendered beside the Namespace', () => {
    const app = new GitOpsApp();
    new Environment(app, 'dev', {
      namespacePolicy: {
        podSecurity: PodSecurityLevel.BASELINE,
        quota: { cpuRequests: '4', memoryLimits: '16Gi', pods: 50 },
        containerDefaults: { cpuRequest: '50m', memoryLimit: '128Mi' },
      },
    });
    const files = objects(renderFiles(app));
    expect(files['dev/namespace/namespace-dev.yaml'].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(files['dev/namespace/resourcequota-quota.yaml'].spec).toEqual({ hard: { 'limits.memory': '16Gi', 'pods': 50, 'requests.cpu': '4' } });
    expect(files['dev/namespace/limitrange-limits.yaml'].spec.limits).toEqual([{
      type: 'Container',
      default: { cpu: '500m', memory: '128Mi' },
      defaultRequest: { cpu: '50m', memory: '128Mi' },
    }]);
    expect(files['dev/namespace/resourcequota-quota.yaml'].metadata.namespace).toBe('dev');
  });

  test('GIVEN a rendered namespace THEN it denies ingress by default; defaultDeny: false leaves the policy out', () => {
    // GIVEN two environments, one opting out
    const app = new GitOpsApp();
    new Environment(app, 'dev', { namespacePolicy: {} });
    new Environment(app, 'prod', { namespacePolicy: { defaultDeny: false } });
    // WHEN
    const files = objects(renderFiles(app));
    // THEN
    expect(files['dev/namespace/networkpolicy-default-deny.yaml']).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: 'dev', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-gitops' } },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    expect(Object.keys(files).filter(f => f.startsWith('prod/namespace/'))).toEqual(['prod/namespace/kustomization.yaml', 'prod/namespace/namespace-prod.yaml']);
  });

  test('GIVEN a bad policy THEN every problem is reported at once, naming the field and value', () => {
    const err = validationError(() => new Environment(new GitOpsApp(), 'dev', {
      namespacePolicy: { podSecurity: 'strict' as any, quota: { cpuRequests: 'four', pods: -1 }, containerDefaults: { memoryRequest: '1Gi', memoryLimit: '128Mi' } },
    }));
    expect(err.message).toBe([
      "[dev/Namespace] 'podSecurity' must be one of restricted, baseline, privileged (got \"strict\")",
      "[dev/Namespace] 'quota.cpuRequests' must be a Kubernetes quantity such as \"4\" or \"500m\" (got \"four\")",
      "[dev/Namespace] 'quota.pods' must be a whole number between 0 and 100000 (got -1)",
      "[dev/Namespace] 'containerDefaults.memoryRequest' must not exceed the memory limit 128Mi (got \"1Gi\")",
    ].join('\n'));
  });

  test('GIVEN an empty quota THEN it fails asking for a limit', () => {
    expect(() => new Environment(new GitOpsApp(), 'dev', { namespacePolicy: { quota: {} } }))
      .toThrow("[dev/Namespace] 'quota' sets no limit: give at least one of cpuRequests, cpuLimits, memoryRequests, memoryLimits, pods (got {})");
  });

  test('GIVEN ArgoCd THEN the namespace gets its own Application in sync wave -1, before the apps', () => {
    const app = new GitOpsApp({ team: 'payments' });
    new WebService(new AppChart(new Environment(app, 'dev'), 'api'), 'web', { image: IMAGE });
    new ArgoCd(app, 'argocd', { repoURL: REPO });
    const ns = objects(renderFiles(app))['argocd/application-payments-namespace-dev.yaml'];
    expect([ns.metadata.annotations['argocd.argoproj.io/sync-wave'], ns.spec.source.path, ns.spec.destination]).toEqual(['-1', 'dev/namespace', { server: 'https://kubernetes.default.svc', namespace: 'payments-dev' }]);
  });

  test('GIVEN an environment created after ArgoCd THEN synth names its namespace without an Application', () => {
    const app = new GitOpsApp({ team: 'payments' });
    new ArgoCd(app, 'argocd', { repoURL: REPO });
    new Environment(app, 'dev');
    expect(() => app.render()).toThrow("[argocd] 'applications' has no Application for the namespace dev/Namespace (folder dev/namespace): its environment was created after the ArgoCd construct; create ArgoCd last or call argocd.addNamespaceApplication(ns) (got \"dev/namespace\")");
  });

  test('GIVEN two environments of one team in one namespace of one cluster THEN the Namespace rendered twice fails synth naming both', () => {
    const app = new GitOpsApp({ team: 'payments' });
    new Environment(app, 'dev', { namespace: 'shared' });
    new Environment(app, 'qa', { namespace: 'shared' });
    expect(() => app.render()).toThrow("[qa/Namespace/Resource] 'metadata.name' is the object /Namespace shared that dev/Namespace/Resource renders too, for the same cluster https://kubernetes.default.svc: two Applications would overwrite each other; rename one or render it once (got \"shared\")");
  });
});
