import { appFolder, application, deployment, goodTree, mutated, Obj, pdb, service } from './_fixtures';
import { ValidationError } from '../../src/errors';
import { formatFinding } from '../../src/validate/finding';
import { POLICY_RULES } from '../../src/validate/rules';
import { validateTree } from '../../src/validate/validate-tree';
import { toYaml } from '../../src/yaml';

const C = 'spec.template.spec.containers[0]';

function treeWith(objects: Obj[]): Map<string, string> {
  return appFolder('dev/hello', objects);
}

function findingsOf(tree: Map<string, string>) {
  return validateTree(tree).findings.map(f => ({ rule: f.rule, field: f.field, severity: f.severity }));
}

describe('validateTree', () => {
  test('the good corpus passes with zero findings', () => {
    // GIVEN what the foundation's WebService renders, a PDB-covered 3-replica app and an Argo CD Application
    const tree = goodTree();
    const ha = mutated(deployment('api'), d => {
      d.spec.replicas = 3;
      d.spec.template.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: d.spec.selector.matchLabels } }];
    });
    for (const [k, v] of appFolder('dev/api', [ha, service('api'), pdb('api')])) tree.set(k, v);
    // WHEN
    const report = validateTree(tree);
    // THEN
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ ok: true, errors: 0, warnings: 0, objects: 6, files: 8 });
  });

  // GIVEN one bad manifest per rule and per schema failure; THEN each is rejected with the rule id and field path
  const cases: [string, Obj[], string, string | undefined][] = [
    ['typo `replica`', [mutated(deployment(), d => { d.spec.replica = 2; }), service()], 'schema', 'spec.replica'],
    ['string "80" for a port', [mutated(deployment(), d => { d.spec.template.spec.containers[0].ports[0].containerPort = '80'; }), service()], 'schema', `${C}.ports[0].containerPort`],
    ['unknown field under an escape hatch', [mutated(deployment(), d => { d.spec.template.spec.containers[0].securityContext.runAsNonRot = true; }), service()], 'schema', `${C}.securityContext.runAsNonRot`],
    ['a missing required field', [mutated(deployment(), d => { delete d.spec.template.spec.containers[0].name; }), service()], 'schema', `${C}.name`],
    [':latest', [mutated(deployment(), d => { d.spec.template.spec.containers[0].image = 'nginx:latest'; }), service()], 'image-pinned', `${C}.image`],
    ['no tag (registry port is not a tag)', [mutated(deployment(), d => { d.spec.template.spec.containers[0].image = 'registry:5000/app'; }), service()], 'image-pinned', `${C}.image`],
    ['no memory limit', [mutated(deployment(), d => { delete d.spec.template.spec.containers[0].resources.limits.memory; }), service()], 'container-resources', `${C}.resources.limits.memory`],
    ['no cpu request', [mutated(deployment(), d => { delete d.spec.template.spec.containers[0].resources.requests.cpu; }), service()], 'container-resources', `${C}.resources.requests.cpu`],
    ['no readiness probe', [mutated(deployment(), d => { delete d.spec.template.spec.containers[0].readinessProbe; }), service()], 'readiness-probe', `${C}.readinessProbe`],
    ['liveness probe on a port the container lacks', [mutated(deployment(), d => { d.spec.template.spec.containers[0].livenessProbe.httpGet.port = 9090; }), service()], 'liveness-probe', `${C}.livenessProbe.httpGet.port`],
    ['root user', [mutated(deployment(), d => { d.spec.template.spec.securityContext.runAsUser = 0; }), service()], 'run-as-non-root', 'spec.template.spec.securityContext.runAsUser'],
    ['runAsNonRoot missing', [mutated(deployment(), d => { delete d.spec.template.spec.securityContext.runAsNonRoot; delete d.spec.template.spec.securityContext.runAsUser; }), service()], 'run-as-non-root', `${C}.securityContext.runAsNonRoot`],
    ['privilege escalation', [mutated(deployment(), d => { d.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true; }), service()], 'no-privilege-escalation', `${C}.securityContext.allowPrivilegeEscalation`],
    ['privileged', [mutated(deployment(), d => { d.spec.template.spec.containers[0].securityContext.privileged = true; }), service()], 'not-privileged', `${C}.securityContext.privileged`],
    ['writable root filesystem', [mutated(deployment(), d => { d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false; }), service()], 'read-only-root-filesystem', `${C}.securityContext.readOnlyRootFilesystem`],
    ['capabilities not dropped', [mutated(deployment(), d => { d.spec.template.spec.containers[0].securityContext.capabilities = { drop: ['NET_RAW'] }; }), service()], 'drop-all-capabilities', `${C}.securityContext.capabilities.drop`],
    ['seccomp Unconfined', [mutated(deployment(), d => { d.spec.template.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; }), service()], 'seccomp-runtime-default', `${C}.securityContext.seccompProfile.type`],
    ['host network', [mutated(deployment(), d => { d.spec.template.spec.hostNetwork = true; }), service()], 'no-host-namespaces', 'spec.template.spec.hostNetwork'],
    ['hostPath volume', [mutated(deployment(), d => { d.spec.template.spec.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }); }), service()], 'no-host-path', 'spec.template.spec.volumes[1].hostPath'],
    ['token automounted', [mutated(deployment(), d => { delete d.spec.template.spec.automountServiceAccountToken; }), service()], 'no-automount-token', 'spec.template.spec.automountServiceAccountToken'],
    ['Service selecting nothing', [deployment(), mutated(service(), s => { s.spec.selector['app.kubernetes.io/name'] = 'helo'; })], 'service-selector', 'spec.selector'],
    ['duplicate env name', [mutated(deployment(), d => { d.spec.template.spec.containers[0].env.push({ name: 'LOG_LEVEL', value: 'debug' }); }), service()], 'env-unique', `${C}.env[1].name`],
    ['plaintext Secret', [deployment(), service(), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'dev' }, stringData: { password: 'hunter2' } }], 'no-plaintext-secret', 'stringData'],
    ['no name', [deployment(), service(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-' }, data: {} }], 'object-identity', 'metadata.name'],
  ];
  test.each(cases)('rejects %s', (_what, objects, rule, field) => {
    // WHEN
    const found = findingsOf(treeWith(objects));
    // THEN
    expect(found).toContainEqual({ rule, field, severity: 'error' });
  });

  test('replicas >= 2 without PDB and spread are warnings, not errors', () => {
    const report = validateTree(treeWith([mutated(deployment(), d => { d.spec.replicas = 2; }), service()]));
    expect(report.findings.map(f => [f.rule, f.field, f.severity])).toEqual([
      ['pdb-for-replicas', 'spec.replicas', 'warning'],
      ['spread-for-replicas', 'spec.template.spec.topologySpreadConstraints', 'warning'],
    ]);
    expect(report.ok).toBe(true);
  });

  test('`on` as a plain env value is a yaml-ambiguous error with the field path', () => {
    // GIVEN a hand-written file where `on` is unquoted (toYaml would quote it)
    const tree = treeWith([deployment(), service()]);
    const file = 'dev/hello/deployment-hello.yaml';
    tree.set(file, tree.get(file)!.replace('value: info', 'value: on'));
    // WHEN / THEN
    expect(findingsOf(tree)).toContainEqual({ rule: 'yaml-ambiguous', field: `${C}.env[0].value`, severity: 'error' });
  });

  test.each([
    ['+_1', 'an underscore Go drops before reading an int'],
    ['0_x1F', 'a hex number once Go drops the underscore'],
    ['1__0', 'an int once Go drops both underscores'],
  ])('`%s` (%s) as a plain env value is a yaml-ambiguous error: the resolver models Go\'s parser', (plain) => {
    // GIVEN a hand-written file with a string YAML 1.2 keeps but Go reads as a number
    const tree = treeWith([deployment(), service()]);
    const file = 'dev/hello/deployment-hello.yaml';
    tree.set(file, tree.get(file)!.replace('value: info', `value: ${plain}`));
    // WHEN
    const found = validateTree(tree).findings.filter(f => f.rule === 'yaml-ambiguous');
    // THEN
    expect(found.map(f => [f.field, f.severity])).toEqual([[`${C}.env[0].value`, 'error']]);
  });

  test('a plain number Go cannot read (1e400) is a yaml-ambiguous error naming what Go reads', () => {
    const tree = treeWith([deployment(), service()]);
    const file = 'dev/hello/deployment-hello.yaml';
    tree.set(file, tree.get(file)!.replace('value: info', 'value: 1e400'));
    const found = validateTree(tree).findings.filter(f => f.rule === 'yaml-ambiguous');
    expect(found.map(f => f.message)).toEqual(['plain value 1e400 reads as Infinity under YAML 1.2 but as the string "1e400" under Go\'s parser (Argo CD, the API server): write the intended value unambiguously or quote it']);
  });

  test('duplicate keys and Go-rejected characters are errors', () => {
    const tree = treeWith([deployment(), service()]);
    tree.set('dev/hello/service-hello.yaml', `${tree.get('dev/hello/service-hello.yaml')!}kind: Service\n`);
    tree.set('dev/hello/deployment-hello.yaml', tree.get('dev/hello/deployment-hello.yaml')!.replace('value: info', 'value: "in\\x85fo"'));
    const found = findingsOf(tree);
    expect(found).toContainEqual({ rule: 'yaml-duplicate-key', field: undefined, severity: 'error' });
    expect(found).toContainEqual({ rule: 'yaml-unsafe-character', field: `${C}.env[0].value`, severity: 'error' });
  });

  test('kustomization: an unlisted file, a missing file and an unknown field', () => {
    const tree = treeWith([deployment(), service()]);
    tree.set('dev/hello/kustomization.yaml', toYaml({ resources: ['deployment-hello.yaml', 'gone.yaml'], imagez: [] }));
    const found = validateTree(tree).findings.filter(f => f.file === 'dev/hello/kustomization.yaml').map(formatFinding);
    expect(found).toEqual([
      'dev/hello/kustomization.yaml: imagez: unknown field (did you mean "images"?): the schema has no such field, and Kubernetes would drop or reject it [error kustomization-schema]',
      'dev/hello/kustomization.yaml: resources: does not list service-hello.yaml, which sits beside it: Argo CD would never apply that file (got "service-hello.yaml") [error kustomization-resources]',
      'dev/hello/kustomization.yaml: resources[1]: names a file that is not in the tree: kustomize build fails (got "gone.yaml") [error kustomization-resources]',
    ]);
  });

  test('an unknown kind is a warning, not a crash', () => {
    const tree = treeWith([deployment(), service(), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'dev' }, spec: { size: 1 } }]);
    const found = validateTree(tree).findings.map(formatFinding);
    expect(found).toEqual([
      'dev/hello/widget-w.yaml: Widget/dev/w: kind: no schema is bundled for example.com/v1 Widget (Kubernetes 1.36, Argo CD, HTTPRoute, ExternalSecret, SealedSecret and Certificate only): the object was not schema-checked (got "Widget") [warning schema-unknown-kind]',
    ]);
  });

  test('Argo CD objects are checked against the strict CRD schema', () => {
    const tree = goodTree();
    tree.set('argocd/application-hello-dev.yaml', toYaml(mutated(application(), a => { a.spec.syncPolicy.automated.selfheal = true; })));
    expect(validateTree(tree).findings.map(formatFinding)).toEqual([
      'argocd/application-hello-dev.yaml: Application/argocd/hello-dev: spec.syncPolicy.automated.selfheal: unknown field (did you mean "selfHeal"?): the schema has no such field, and Kubernetes would drop or reject it [error schema]',
    ]);
  });

  test('the message format names file, object, field, problem and value', () => {
    const tree = treeWith([mutated(deployment(), d => { d.spec.template.spec.containers[0].image = 'nginx:latest'; }), service()]);
    expect(validateTree(tree).findings.map(formatFinding)).toEqual([
      'dev/hello/deployment-hello.yaml: Deployment/dev/hello: spec.template.spec.containers[0].image: uses the "latest" tag, which moves: pin a version or commit-SHA tag, or a digest (got "nginx:latest") [error image-pinned]',
    ]);
  });

  describe('waivers', () => {
    const waive = (annotations: Record<string, unknown>) => treeWith([mutated(deployment(), d => {
      delete d.spec.template.spec.automountServiceAccountToken;
      d.metadata.annotations = annotations;
    }), service()]);

    test('a waiver with a reason suppresses the rule for that object and is reported as waived', () => {
      const report = validateTree(waive({ 'cdk8s-gitops.io/waive.no-automount-token': 'lists pods to find peers' }));
      expect(report.findings).toEqual([]);
      expect(report.waived.map(w => [w.rule, w.reason])).toEqual([['no-automount-token', 'lists pods to find peers']]);
    });

    test('a waiver without a reason is an error and waives nothing', () => {
      const found = validateTree(waive({ 'cdk8s-gitops.io/waive.no-automount-token': ' ' })).findings.map(formatFinding);
      expect(found).toEqual([
        'dev/hello/deployment-hello.yaml: Deployment/dev/hello: metadata.annotations["cdk8s-gitops.io/waive.no-automount-token"]: a waiver needs a non-empty reason, e.g. "reads the Kubernetes API to discover peers" (got " ") [error waiver-reason]',
        'dev/hello/deployment-hello.yaml: Deployment/dev/hello: spec.template.spec.automountServiceAccountToken: must be false unless the app calls the Kubernetes API (then waive the rule with a reason) [error no-automount-token]',
      ]);
    });

    test('a waiver of an unknown rule is a warning', () => {
      const found = validateTree(waive({ 'cdk8s-gitops.io/waive.no-automount-tokens': 'typo' })).findings.map(f => [f.rule, f.severity]);
      expect(found).toContainEqual(['waiver-unknown-rule', 'warning']);
    });
  });

  test('rules can be turned off or downgraded', () => {
    const tree = treeWith([mutated(deployment(), d => { d.spec.template.spec.containers[0].image = 'nginx:latest'; }), service()]);
    expect(validateTree(tree, { rules: { 'image-pinned': 'warning' } }).ok).toBe(true);
    expect(validateTree(tree, { rules: { 'image-pinned': 'off' } }).findings).toEqual([]);
  });

  test('bad options are ValidationErrors with the value', () => {
    expect(() => validateTree(new Map(), { kubernetesVersion: '1.27' })).toThrow(new ValidationError([{ path: 'kubernetesVersion', message: 'schemas are bundled for Kubernetes 1.28 to 1.36 only; pass one of 1.28, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36', value: '1.27' }]));
    expect(() => validateTree(new Map(), { rules: { 'image-pined': 'off' } })).toThrow(/\[rules.image-pined\] is not a rule that can be configured/);
    expect(() => validateTree(new Map(), { rules: { 'image-pinned': 'fatal' as any } })).toThrow('[rules.image-pinned] must be "error", "warning" or "off" (got "fatal")');
  });

  test('every policy rule has an id, severity and rationale', () => {
    for (const r of POLICY_RULES) {
      expect(r.id).toMatch(/^[a-z][a-z-]+$/);
      expect(r.rationale.length).toBeGreaterThan(20);
    }
  });
});
