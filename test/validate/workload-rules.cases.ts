import { appFolder, deployment, mutated, Obj, pdb, service } from './_fixtures';
import { validateTree } from '../../src/validate/validate-tree';

/** The findings of `rule` when the dev/hello folder holds `objects`, one line each. */
function findings(rule: string, objects: Obj[]) {
  return validateTree(appFolder('dev/hello', objects)).findings.filter(f => f.rule === rule)
    .map(f => `${f.kind} ${f.field}: ${f.message} [${f.severity}]`);
}

/** Every rule id that fires, sorted and without repeats. */
function rulesFiring(objects: Obj[]) {
  return [...new Set(validateTree(appFolder('dev/hello', objects)).findings.map(f => f.rule))].sort();
}

/** The pod template of the compliant fixture Deployment. */
function podTemplate(): Obj {
  return deployment().spec.template;
}

function job(annotations: Record<string, string> = {}): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'hello-migrate', namespace: 'dev', annotations },
    spec: { backoffLimit: 1, template: mutated(podTemplate(), t => { t.spec.restartPolicy = 'Never'; }) },
  };
}

function cronJob(concurrencyPolicy?: string): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello-nightly', namespace: 'dev' },
    spec: {
      schedule: '0 3 * * *',
      ...(concurrencyPolicy ? { concurrencyPolicy } : {}),
      jobTemplate: { spec: { template: mutated(podTemplate(), t => { t.spec.restartPolicy = 'Never'; }) } },
    },
  };
}

describe('pod rules on any object that carries a pod template', () => {
  const root = (t: Obj) => mutated(t, x => { x.spec.securityContext.runAsUser = 0; });
  // GIVEN a root pod template inside each kind, at the place that kind keeps it
  const cases: [string, Obj, string][] = [
    ['Argo Rollout', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'hello', namespace: 'dev' }, spec: { replicas: 1, template: root(podTemplate()) } }, 'spec.template.spec'],
    ['OpenShift DeploymentConfig', { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', metadata: { name: 'hello', namespace: 'dev' }, spec: { replicas: 1, template: root(podTemplate()) } }, 'spec.template.spec'],
    ['KEDA ScaledJob', { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledJob', metadata: { name: 'hello', namespace: 'dev' }, spec: { jobTargetRef: { template: root(podTemplate()) } } }, 'spec.jobTargetRef.template.spec'],
    ['CronJob', mutated(cronJob('Forbid'), c => { c.spec.jobTemplate.spec.template = root(c.spec.jobTemplate.spec.template); }), 'spec.jobTemplate.spec.template.spec'],
    ['Job', mutated(job(), j => { j.spec.template = root(j.spec.template); }), 'spec.template.spec'],
  ];
  test.each(cases)('GIVEN a %s running as root THEN run-as-non-root reports the pod field', (_what, object, podPath) => {
    expect(findings('run-as-non-root', [object])).toEqual([
      `${object.kind} ${podPath}.securityContext.runAsUser: runs the container as root (uid 0): use a non-zero uid such as 10001 [error]`,
    ]);
  });

  test('GIVEN a compliant Rollout with 2 replicas THEN it needs a PDB and spread like a Deployment', () => {
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'hello', namespace: 'dev' }, spec: { replicas: 2, template: podTemplate() } };
    expect(rulesFiring([rollout, service()])).toEqual(['pdb-for-replicas', 'schema-unknown-kind', 'spread-for-replicas']);
  });

  test('GIVEN a custom kind whose spec.template.spec is not a pod spec (an ApplicationSet) THEN no pod rule runs', () => {
    const appSet = { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'apps', namespace: 'argocd' }, spec: { generators: [], template: { metadata: { name: 'x' }, spec: { project: 'default' } } } };
    expect(rulesFiring([appSet]).filter(r => r !== 'schema' && r !== 'schema-unknown-kind')).toEqual([]);
  });

  test('GIVEN a Job and a CronJob THEN they need no probes and no replicas rules', () => {
    expect(rulesFiring([job({ 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' }), cronJob('Forbid')])).toEqual([]);
  });
});

describe('hook-delete-policy', () => {
  test('GIVEN a PreSync hook Job without a delete policy THEN an error naming the annotation', () => {
    expect(findings('hook-delete-policy', [job({ 'argocd.argoproj.io/hook': 'PreSync' })])).toEqual([
      'Job metadata.annotations.argocd.argoproj.io/hook-delete-policy: is not set on a PreSync hook: set BeforeHookCreation (or HookSucceeded) so the hook runs again on every sync [error]',
    ]);
  });

  test('GIVEN a hook with a delete policy, a plain Job, or a Skip hook THEN no finding', () => {
    expect(findings('hook-delete-policy', [job({ 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' })])).toEqual([]);
    expect(findings('hook-delete-policy', [job()])).toEqual([]);
    expect(findings('hook-delete-policy', [job({ 'argocd.argoproj.io/hook': 'Skip' })])).toEqual([]);
  });

  test('GIVEN a waiver with a reason THEN the hook is waived', () => {
    const report = validateTree(appFolder('dev/hello', [job({ 'argocd.argoproj.io/hook': 'PreSync', 'cdk8s-gitops.io/waive.hook-delete-policy': 'runs once at install' })]));
    expect(report.findings.filter(f => f.rule === 'hook-delete-policy')).toEqual([]);
    expect(report.waived.map(w => w.rule)).toEqual(['hook-delete-policy']);
  });
});

describe('cronjob-concurrency', () => {
  test('GIVEN a CronJob without concurrencyPolicy THEN a warning', () => {
    expect(findings('cronjob-concurrency', [cronJob()])).toEqual([
      'CronJob spec.concurrencyPolicy: is not set, so runs may overlap (the default is Allow): set Forbid or Replace, or Allow to say overlapping runs are fine [warning]',
    ]);
  });

  test.each(['Forbid', 'Replace', 'Allow'])('GIVEN concurrencyPolicy %s said explicitly THEN no finding', policy => {
    expect(findings('cronjob-concurrency', [cronJob(policy)])).toEqual([]);
  });
});

describe('no-secret-in-env', () => {
  const withEnv = (env: Obj[]) => mutated(deployment(), d => { d.spec.template.spec.containers[0].env = env; });

  test('GIVEN a credential-looking env var with a literal value THEN an error naming it, without the value', () => {
    const found = findings('no-secret-in-env', [withEnv([{ name: 'DB_PASSWORD', value: 'hunter2' }]), service()]);
    expect(found).toEqual([
      'Deployment spec.template.spec.containers[0].env[0].value: sets DB_PASSWORD to a literal value, which looks like a credential: use valueFrom.secretKeyRef to a Secret from a SealedSecret or ExternalSecret [error]',
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  test('GIVEN a secretKeyRef, a path, an empty value or a non-secret name THEN no finding', () => {
    expect(findings('no-secret-in-env', [withEnv([
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
      { name: 'TOKEN_FILE', value: '/var/run/secrets/token' },
      { name: 'SECRET_NAME', value: 'db-credentials' },
      { name: 'API_KEY', value: '' },
      { name: 'LOG_LEVEL', value: 'info' },
    ]), service()])).toEqual([]);
  });
});

describe('pdb-allows-eviction', () => {
  const replicated = (n: number) => mutated(deployment(), d => {
    d.spec.replicas = n;
    d.spec.template.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: d.spec.selector.matchLabels } }];
  });
  const budget = (spec: Obj) => mutated(pdb(), p => { delete p.spec.maxUnavailable; Object.assign(p.spec, spec); });

  test('GIVEN maxUnavailable 0 THEN an error', () => {
    expect(findings('pdb-allows-eviction', [replicated(3), service(), budget({ maxUnavailable: 0 })])).toEqual([
      'PodDisruptionBudget spec.maxUnavailable: is 0, so no pod may ever be evicted and node drains block: use 1 (or a percentage above 0%) [error]',
    ]);
  });

  test('GIVEN minAvailable equal to the replicas THEN an error naming the workload', () => {
    expect(findings('pdb-allows-eviction', [replicated(2), service(), budget({ minAvailable: 2 })])).toEqual([
      'PodDisruptionBudget spec.minAvailable: is not below the 2 replica(s) Deployment/hello may run, so none of its pods may be evicted and node drains block: lower it, or use maxUnavailable: 1 [error]',
    ]);
  });

  test('GIVEN minAvailable 100% THEN an error', () => {
    expect(findings('pdb-allows-eviction', [replicated(3), service(), budget({ minAvailable: '100%' })])).toHaveLength(1);
  });

  test('GIVEN an HPA with minReplicas 2 and minAvailable 2 THEN the HPA floor counts', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'hello', namespace: 'dev' }, spec: { minReplicas: 2, maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello' } } };
    expect(findings('pdb-allows-eviction', [replicated(4), service(), budget({ minAvailable: 2 }), hpa])).toHaveLength(1);
  });

  test('GIVEN minAvailable below the replicas or maxUnavailable 1 THEN no finding', () => {
    expect(findings('pdb-allows-eviction', [replicated(3), service(), budget({ minAvailable: 2 })])).toEqual([]);
    expect(findings('pdb-allows-eviction', [replicated(3), service(), pdb()])).toEqual([]);
  });
});

describe('pdb-unhealthy-eviction', () => {
  test('GIVEN a PDB without unhealthyPodEvictionPolicy THEN a warning', () => {
    expect(findings('pdb-unhealthy-eviction', [mutated(pdb(), p => { delete p.spec.unhealthyPodEvictionPolicy; })])).toEqual([
      'PodDisruptionBudget spec.unhealthyPodEvictionPolicy: is not set: set AlwaysAllow so pods that are not Ready can always be evicted (or IfHealthyBudget to say the default is wanted) [warning]',
    ]);
  });

  test('GIVEN AlwaysAllow or IfHealthyBudget THEN no finding', () => {
    expect(findings('pdb-unhealthy-eviction', [pdb()])).toEqual([]);
    expect(findings('pdb-unhealthy-eviction', [mutated(pdb(), p => { p.spec.unhealthyPodEvictionPolicy = 'IfHealthyBudget'; })])).toEqual([]);
  });
});

describe('spread-for-replicas with pod anti-affinity', () => {
  const antiAffinity = (term: Obj) => mutated(deployment(), d => {
    d.spec.replicas = 3;
    d.spec.template.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', ...term }] } };
  });
  const own = { matchLabels: { 'app.kubernetes.io/name': 'hello' } };

  test('GIVEN anti-affinity limited to another namespace THEN a warning naming the pods\' namespace', () => {
    expect(findings('spread-for-replicas', [antiAffinity({ labelSelector: own, namespaces: ['other'] }), service(), pdb()])).toEqual([
      'Deployment spec.template.spec.affinity.podAntiAffinity: has no term whose labelSelector selects this workload\'s own pods in its namespace "dev", so it does not spread the replicas: select the template labels (and list that namespace, if namespaces are listed) [warning]',
    ]);
  });

  test('GIVEN anti-affinity selecting other pods THEN a warning', () => {
    expect(findings('spread-for-replicas', [antiAffinity({ labelSelector: { matchLabels: { app: 'db' } } }), service(), pdb()])).toHaveLength(1);
  });

  test('GIVEN anti-affinity on its own pods, in its namespace or any listed that includes it THEN no finding', () => {
    expect(findings('spread-for-replicas', [antiAffinity({ labelSelector: own }), service(), pdb()])).toEqual([]);
    expect(findings('spread-for-replicas', [antiAffinity({ labelSelector: own, namespaces: ['dev'] }), service(), pdb()])).toEqual([]);
  });
});

describe('probe ports', () => {
  test('GIVEN a tcpSocket probe on a UDP port THEN an error', () => {
    const udp = mutated(deployment(), d => {
      const c = d.spec.template.spec.containers[0];
      c.ports.push({ name: 'dns', containerPort: 5353, protocol: 'UDP' });
      c.livenessProbe = { tcpSocket: { port: 'dns' } };
    });
    expect(findings('liveness-probe', [udp, service()])).toEqual([
      'Deployment spec.template.spec.containers[0].livenessProbe.tcpSocket.port: is a UDP port: an httpGet, tcpSocket or grpc probe needs a TCP port [error]',
    ]);
  });

  test('GIVEN a probe on a named port and a container that declares no ports THEN an error', () => {
    const none = mutated(deployment(), d => { delete d.spec.template.spec.containers[0].ports; });
    expect(findings('readiness-probe', [none, mutated(service(), s => { s.spec.ports[0].targetPort = 8080; })])).toEqual([
      'Deployment spec.template.spec.containers[0].readinessProbe.httpGet.port: names a port the container does not declare (it declares none) [error]',
    ]);
  });
});
