import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { runCli } from '../../src/cli/main';
import {
  AppChart, ConcurrencyPolicy, EnvFromSource, EnvValue, Environment, GitOpsApp, HealthCheck, HookDeletePolicy,
  MigrationJob, PodVolume, ScheduledJob, Worker,
} from '../../src/constructs';
import { ValidationError } from '../../src/errors';
import { ImageRef } from '../../src/image-ref';
import { formatDifferences, migrate, MigrateResult } from '../../src/migrate/migrate';

const FIXTURES = path.join(__dirname, 'fixtures');
const SRC = path.resolve(__dirname, '../../src');
const CASES: [string, string[]][] = [
  ['seed-001', ['seed-001']],
  ['seed-002', ['seed-002']],
  ['argo-variants', ['argo-variants']],
  ['corpus', ['corpus']],
  ['secret-sources', ['secret-sources']],
  ['traffic', ['traffic']],
  ['workloads', ['workloads']],
];

const results = new Map<string, MigrateResult>();
for (const [name, paths] of CASES) {
  for (const strict of [false, true]) {
    results.set(`${name}${strict ? ' --strict' : ''}`, migrate(paths, { cwd: FIXTURES, importFrom: SRC, strict }));
  }
}

/** Type-checks every generated program in one TypeScript program, without writing them. */
function typeCheck(programs: Map<string, string>): string[] {
  const options: ts.CompilerOptions = {
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const files = new Map([...programs].map(([k, code]) => [path.join(__dirname, '__generated__', `${k.replace(/\W+/g, '_')}.ts`), code]));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, ...rest) => (files.has(f) ? ts.createSourceFile(f, files.get(f)!, lang) : getSourceFile(f, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = f => files.has(f) || fileExists(f);
  const program = ts.createProgram([...files.keys()], options, host);
  // Only the generated files' diagnostics: checking every file of src/ and the libraries too took 3x as long.
  return [...files.keys()].map(f => program.getSourceFile(f)!)
    .flatMap(sf => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])
    .filter(d => d.file && files.has(d.file.fileName))
    .map(d => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('migrate: generated code', () => {
  test('every generated program type-checks against the local library', () => {
    // GIVEN the programs generated for every fixture, with and without --strict
    // WHEN they are type-checked together
    const errors = typeCheck(new Map([...results].map(([k, r]) => [k, r.code])));
    // THEN there are no errors
    expect(errors).toEqual([]);
  });

  test.each([...results.keys()].filter(k => k.includes('--strict')))('%s renders to exactly the input objects', key => {
    const r = results.get(key)!;
    expect(r.objects.every(o => o.rendered && o.changes.length === 0)).toBe(true);
    expect(r.added).toEqual([]);
    expect(r.exact).toBe(true);
  });

  test('without --strict, every object renders, equal to its input modulo the reported changes', () => {
    for (const [key, r] of results) {
      if (key.includes('--strict')) continue;
      for (const o of r.objects) expect(o.rendered).toBeDefined();
    }
    // The corpus needs no WebService defaults: it stays equal.
    expect(results.get('corpus')!.exact).toBe(true);
  });
});

describe('migrate: the generated app keeps the validation gate', () => {
  test('GIVEN every fixture WHEN migrated THEN the program never opts out of the gate', () => {
    for (const [, r] of results) {
      expect(r.code).toMatch(/^const app = new GitOpsApp\(\);$/m);
      expect(r.code).not.toContain('validate');
      expect(r.gate.on).toBe(true);
    }
  });

  test('GIVEN the seed WHEN migrated THEN the WebService passes the gate, the --strict copy lists what the gate refuses', () => {
    expect(results.get('seed-001')!.gate.problems).toEqual([]);
    expect(results.get('seed-001 --strict')!.gate.problems).toContain(
      "[dev/argocdnodejs/deployment-argocdnodejs.yaml: Deployment/argocd/argocdnodejs] 'spec.template.spec.containers[0].livenessProbe' is not set: "
      + "add a liveness probe (httpGet or tcpSocket on the container's port) [liveness-probe]");
  });
});

describe('migrate: ExternalSecret and SealedSecret become their constructs', () => {
  const r = results.get('secret-sources')!;
  const changed = (name: string) => r.objects.find(o => o.name === name)!.changes.map(c => `${c.op} ${c.field}`);

  test('GIVEN fitting objects WHEN migrated THEN each becomes its construct; a field without a prop keeps an ApiObject, saying which', () => {
    expect(r.objects.map(o => `${o.kind} ${o.name} → ${o.className}`)).toEqual([
      'ExternalSecret db-credentials → ExternalSecret',
      'ExternalSecret api-keys → ExternalSecret',
      'ExternalSecret dsn → ApiObject',
      'SealedSecret smtp → SealedSecret',
      'SealedSecret tls → SealedSecret',
      'SealedSecret legacy → ApiObject',
    ]);
    expect(r.code).toContain("store: SecretStoreRef.cluster('vault'),");
    expect(r.code).toContain("new ExternalSecret(chart, 'externalsecret-api-keys', { name: 'api-keys', store: SecretStoreRef.namespaced('shop-store'), extract: ['shop/api-keys'] });");
    expect(r.code).toContain('scope: SealingScope.NAMESPACE_WIDE,');
    expect(r.code).toContain("type: 'kubernetes.io/tls',");
    expect(r.notes).toContain('ExternalSecret dsn stays a plain ApiObject, not an ExternalSecret construct: spec.target.template has no prop');
    expect(r.notes).toContain('SealedSecret legacy stays a plain ApiObject, not a SealedSecret construct: spec.template.data has no prop');
  });

  test('GIVEN the generated code rendered WHEN compared with the input THEN the differences are the app labels and the constructs\' written-out defaults', () => {
    expect(changed('db-credentials')).toEqual(['added metadata.labels']);
    expect(changed('api-keys')).toEqual(['added metadata.labels', 'added spec.refreshInterval', 'added spec.secretStoreRef.kind', 'added spec.target']);
    expect(changed('smtp')).toEqual(['added metadata.labels', 'removed spec.template.metadata.creationTimestamp', 'added spec.template.metadata.labels', 'removed spec.template.metadata.namespace']);
    expect(changed('tls')).toEqual(['added metadata.labels', 'added spec.template.metadata.labels']);
    expect(changed('dsn')).toEqual([]);
    expect(changed('legacy')).toEqual([]);
    expect(r.gate.problems).toEqual([]);
  });

  test('GIVEN --strict WHEN migrated THEN the constructs are used, RenderedPatches undo what they add, and the output equals the input', () => {
    const strict = results.get('secret-sources --strict')!;
    expect(strict.objects.map(o => `${o.name} → ${o.className}`)).toEqual([
      'db-credentials → ExternalSecret', 'api-keys → ExternalSecret', 'dsn → ApiObject', 'smtp → SealedSecret', 'tls → SealedSecret', 'legacy → ApiObject',
    ]);
    expect(strict.exact).toBe(true);
    expect(strict.code).toContain('RenderedPatch.of(externalsecretApiKeys.externalSecret)\n  .remove(\'/metadata/labels\')\n');
    expect(strict.code).toContain("  .add('/spec/template/metadata/namespace', 'shop');");
  });
});

describe('migrate: Ingress, HTTPRoute, HPA, NetworkPolicy and ConfigMap become their constructs', () => {
  // GIVEN one project: a Deployment + Service (a WebService), two Ingresses, two HTTPRoutes, an HPA,
  // two ConfigMaps and four NetworkPolicies (test/migrate/fixtures/traffic), migrated once (CASES above)
  const r = results.get('traffic')!;
  const object = (kind: string, name: string) => r.objects.find(o => o.kind === kind && o.name === name)!;
  const changed = (kind: string, name: string) => object(kind, name).changes.map(c => `${c.op} ${c.field}`);
  const LABELS = 'added metadata.labels';

  test('GIVEN fitting objects WHEN migrated THEN each becomes its construct; the others stay typed objects, and a note says why', () => {
    expect(r.objects.map(o => `${o.kind} ${o.name} → ${o.className}`)).toEqual([
      'ConfigMap shop-settings-9t796822f2 → HashedConfigMap',
      'ConfigMap shop-plain → k8s.KubeConfigMap',
      'HorizontalPodAutoscaler shop → Autoscaler',
      'HTTPRoute shop-api → GatewayHttpRoute',
      'HTTPRoute shop-legacy → ApiObject',
      'Ingress shop → IngressRoute',
      'Ingress shop-admin → k8s.KubeIngress',
      'Ingress shop-internal → IngressRoute',
      'Certificate shop-internal → IngressRoute',
      'NetworkPolicy default-deny → NetworkIsolation',
      'NetworkPolicy allow-dns → NetworkIsolation',
      'NetworkPolicy shop-allow → NetworkAccess',
      'NetworkPolicy shop-office → k8s.KubeNetworkPolicy',
      'Deployment shop → WebService',
      'Service shop → WebService',
      'HorizontalPodAutoscaler queue → Autoscaler',
      'NetworkPolicy queue-allow → NetworkAccess',
      'Deployment queue → Worker',
      'Deployment indexer → k8s.KubeDeployment',
      'HorizontalPodAutoscaler indexer → k8s.KubeHorizontalPodAutoscalerV2',
      'NetworkPolicy shop-to-shop-queue → NetworkAccess',
    ]);
    expect(r.notes).toEqual(expect.arrayContaining([
      'ConfigMap shop-plain (traffic/configmaps.yaml#2) stays a typed k8s object, not a HashedConfigMap: its name does not end in its content hash -fd7g28cd7g '
      + '(HashedConfigMap would rename it, and whatever refers to shop-plain would break)',
      'HTTPRoute shop-legacy (traffic/httproute.yaml#2) stays a plain ApiObject, not a GatewayHttpRoute: spec.rules[0].filters has no prop '
      + '(got [{"type":"RequestHeaderModifier","requestHeaderModifier":{"add":[{"name":"X-Legacy","value":"1"}]}}])',
      'Ingress shop-admin (traffic/ingress.yaml#2) stays a typed k8s object, not an IngressRoute: spec.rules[0].http.paths[0].pathType "ImplementationSpecific" (IngressRoute writes Prefix or Exact)',
      'NetworkPolicy shop-office (traffic/network.yaml#4) stays a typed k8s object, not a NetworkIsolation or NetworkAccess: '
      + 'spec.ingress[0].from[0].ipBlock has no prop (got {"cidr":"10.0.0.0/8"})',
      // an HPA no Autoscaler expresses keeps its Deployment from becoming a Worker (it would write the replicas the HPA owns)
      'Deployment indexer (traffic/worker.yaml#4) stays a typed k8s object, not a Worker: \'spec.replicas\' is owned by '
      + 'HorizontalPodAutoscaler indexer (traffic/worker.yaml#5), and a Worker writes its replicas',
      'HorizontalPodAutoscaler indexer (traffic/worker.yaml#5) stays a typed k8s object, not an Autoscaler: spec.metrics[0].resource.target.type "AverageValue" (Autoscaler targets Utilization)',
    ]));
  });

  test('GIVEN an Ingress with a cert-manager issuer WHEN migrated THEN an IngressRoute to the WebService; the differences are the labels and the port by number', () => {
    expect(r.code).toContain("const shop = new WebService(chart, 'shop', {");
    expect(r.code).toContain("new IngressRoute(chart, 'ingress-shop', {\n  backend: shop,\n  hosts: ['shop.example.com', 'www.shop.example.com'],\n"
      + "  className: 'nginx',\n  tls: RouteTls.fromIssuer('letsencrypt'),\n  annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },\n"
      + '  controllerNamespace: null,\n});');
    expect(changed('Ingress', 'shop')).toEqual([
      LABELS,
      'removed spec.rules[0].http.paths[0].backend.service.port.name', 'added spec.rules[0].http.paths[0].backend.service.port.number',
      'removed spec.rules[1].http.paths[0].backend.service.port.name', 'added spec.rules[1].http.paths[0].backend.service.port.number',
    ]);
  });

  test('GIVEN an Ingress and the cert-manager Certificate of its TLS Secret WHEN migrated THEN one IngressRoute with certificate: true renders both', () => {
    expect(r.code).toContain("  tls: RouteTls.fromIssuer('internal-ca', { certificate: true }),\n");
    expect(r.code).toContain('// It renders the cert-manager Certificate shop-internal too (certificate: true).');
    expect(object('Certificate', 'shop-internal').rendered).toBe('dev/shop/certificate-shop-internal.yaml');
    // cert-manager's default issuer group, written out
    expect(changed('Certificate', 'shop-internal')).toEqual([LABELS, 'added spec.issuerRef.group']);
    expect(changed('Ingress', 'shop-internal')).toEqual([LABELS]);
  });

  test('GIVEN an HTTPRoute WHEN migrated THEN a GatewayHttpRoute with its Gateway, host names and paths; only the labels differ', () => {
    expect(r.code).toContain("new GatewayHttpRoute(chart, 'httproute-shop-api', {\n  name: 'shop-api',\n  backend: shop,\n"
      + "  gateway: { name: 'public', namespace: 'gateway', sectionName: 'https' },\n  hostnames: ['api.shop.example.com'],\n  paths: ['/api'],\n"
      + '  allowFromGateway: false,\n});');
    expect(changed('HTTPRoute', 'shop-api')).toEqual([LABELS]);
  });

  test('GIVEN an HPA of the Deployment WHEN migrated THEN an Autoscaler of the WebService, which renders no replicas', () => {
    expect(r.code).toContain("new Autoscaler(chart, 'horizontalpodautoscaler-shop', { target: shop, minReplicas: 2, maxReplicas: 10, cpuUtilization: 70, memoryUtilization: 80 });");
    expect(changed('HorizontalPodAutoscaler', 'shop')).toEqual([LABELS]);
    // the WebService is written without the replicas the autoscaler owns, and its Deployment renders none
    expect(r.code).not.toMatch(/replicas: 3/);
    expect(changed('Deployment', 'shop')).toContain('removed spec.replicas');
  });

  test('GIVEN an HPA and an allow policy declared before their Worker WHEN migrated THEN they point at the Worker, written after it', () => {
    // GIVEN worker.yaml: the HPA, the NetworkPolicy, then the Deployment no Service selects
    // THEN the Worker is declared first, without the replicas the autoscaler owns, then what points at it
    expect(r.code).toContain("const queue = new Worker(chart, 'deployment-queue', {\n  name: 'queue',\n  image: ImageRef.parse('ghcr.io/example/shop:1.4.2'),\n"
      + "  args: ['consume'],\n  healthCheck: HealthCheck.exec(['/bin/healthcheck']),\n  labels: { app: 'queue' },\n});\n\n"
      + '// The autoscaler owns the replica count: queue\'s Deployment renders no replicas (Argo CD\'s self-heal would reset each scale-out).\n'
      + "new Autoscaler(chart, 'horizontalpodautoscaler-queue', { target: queue, minReplicas: 1, maxReplicas: 5, cpuUtilization: 60 });\n\n"
      + "new NetworkAccess(chart, 'networkpolicy-queue-allow', { target: queue })\n  .allowFromNamespace('monitoring', { port: 9090 })\n  .allowFrom(shop, { port: 9090 });\n");
    expect(changed('HorizontalPodAutoscaler', 'queue')).toEqual([LABELS]);
    expect(changed('Deployment', 'queue')).toContain('removed spec.replicas');
    expect(changed('NetworkPolicy', 'queue-allow')).toEqual([
      LABELS, 'added spec.ingress[0].ports[0].protocol',
      // the web pods by the WebService's selector
      'removed spec.ingress[1].from[0].podSelector.matchLabels.app',
      'added spec.ingress[1].from[0].podSelector.matchLabels["app.kubernetes.io/instance"]', 'added spec.ingress[1].from[0].podSelector.matchLabels["app.kubernetes.io/name"]',
      'removed spec.podSelector.matchLabels.app',
      'added spec.podSelector.matchLabels["app.kubernetes.io/instance"]', 'added spec.podSelector.matchLabels["app.kubernetes.io/name"]',
    ]);
  });

  test('GIVEN egress denied and the web pods\' egress policy to the queue WHEN migrated THEN allowFrom(shop) renders it (its client side), with the workloads\' selectors', () => {
    expect(object('NetworkPolicy', 'shop-to-shop-queue').rendered).toBe('dev/shop/networkpolicy-shop-to-shop-queue.yaml');
    expect(changed('NetworkPolicy', 'shop-to-shop-queue')).toEqual([
      LABELS,
      'removed spec.egress[0].to[0].podSelector.matchLabels.app',
      'added spec.egress[0].to[0].podSelector.matchLabels["app.kubernetes.io/instance"]', 'added spec.egress[0].to[0].podSelector.matchLabels["app.kubernetes.io/name"]',
      'removed spec.podSelector.matchLabels.app',
      'added spec.podSelector.matchLabels["app.kubernetes.io/instance"]', 'added spec.podSelector.matchLabels["app.kubernetes.io/name"]',
    ]);
  });

  test('GIVEN a ConfigMap named with its content hash WHEN migrated THEN a HashedConfigMap of the same name, pruned last', () => {
    expect(r.code).toContain("new HashedConfigMap(chart, 'configmap-shop-settings-9t796822f2', { name: 'shop-settings', data: { LOG_LEVEL: 'info', 'app.properties': 'cache=on\\nsize=10\\n' } });");
    expect(object('ConfigMap', 'shop-settings-9t796822f2').rendered).toBe('dev/shop/configmap-shop-settings-9t796822f2.yaml');
    expect(changed('ConfigMap', 'shop-settings-9t796822f2')).toEqual(['added metadata.annotations', LABELS]);
  });

  test('GIVEN default-deny with allow-dns and an allow policy WHEN migrated THEN NetworkIsolation({ denyEgress }) renders both, NetworkAccess the allow rules', () => {
    expect(r.code).toContain("new NetworkIsolation(env, 'network-policy', { denyEgress: true });");
    expect(object('NetworkPolicy', 'default-deny').rendered).toBe('dev/network-policy/networkpolicy-default-deny.yaml');
    expect(object('NetworkPolicy', 'allow-dns').rendered).toBe('dev/network-policy/networkpolicy-allow-dns.yaml');
    expect(changed('NetworkPolicy', 'default-deny')).toEqual([LABELS]);
    expect(changed('NetworkPolicy', 'allow-dns')).toEqual([LABELS]);
    expect(r.code).toContain("new NetworkAccess(chart, 'networkpolicy-shop-allow', { target: shop })\n"
      + "  .allowFromNamespace('ingress-nginx', { port: 8080 })\n  .allowFromNamespace('monitoring');");
    // the policy selects the WebService's pods by its selector
    expect(changed('NetworkPolicy', 'shop-allow')).toEqual([
      LABELS, 'removed spec.podSelector.matchLabels.app',
      'added spec.podSelector.matchLabels["app.kubernetes.io/instance"]', 'added spec.podSelector.matchLabels["app.kubernetes.io/name"]',
    ]);
  });

  test('GIVEN the generated program WHEN rendered THEN the gate refuses only objects kept as written, and nothing but the PodDisruptionBudget is added', () => {
    expect(r.gate.problems).toContainEqual(expect.stringMatching(/^\[dev\/shop\/ingress-shop-admin\.yaml: Ingress\/shop\/shop-admin\] 'spec\.tls' is not set: .*\[ingress-tls\]$/));
    expect(r.gate.problems.filter(p => !/^\[dev\/shop\/(ingress-shop-admin|deployment-indexer)\.yaml: /.test(p))).toEqual([]);
    expect(r.added.map(a => a.file)).toEqual(['dev/shop/poddisruptionbudget-shop.yaml']);
  });

  test('GIVEN --strict WHEN migrated THEN HashedConfigMap, NetworkIsolation and the Worker\'s Autoscaler are used, patched back to exactly the input', () => {
    const strict = results.get('traffic --strict')!;
    expect(strict.exact).toBe(true);
    expect(strict.added).toEqual([]);
    expect(strict.objects.filter(o => !o.className.startsWith('k8s.') && o.className !== 'ApiObject').map(o => `${o.kind} ${o.name} → ${o.className}`)).toEqual([
      'ConfigMap shop-settings-9t796822f2 → HashedConfigMap',
      'NetworkPolicy default-deny → NetworkIsolation',
      'NetworkPolicy allow-dns → NetworkIsolation',
      'HorizontalPodAutoscaler queue → Autoscaler',
      'Deployment queue → Worker',
      'Deployment indexer → Worker',
    ]);
    expect(strict.code).toContain("RenderedPatch.of(configmapShopSettings9t796822f2.configMap)\n  .remove('/metadata/annotations')\n  .remove('/metadata/labels');");
    expect(strict.code).toContain("RenderedPatch.of(networkPolicy.allowDns!)\n  .remove('/metadata/labels');");
    // The Worker is written without replicas (the Autoscaler owns them); the input's are patched back.
    expect(strict.code).toContain("  .add('/spec/replicas', 1)\n");
  });

  test('GIVEN --strict WHEN the construct cannot express an object (no WebService under --strict) THEN it stays typed, and the note says why', () => {
    const strict = results.get('traffic --strict')!;
    expect(strict.objects.filter(o => ['Ingress', 'HTTPRoute'].includes(o.kind)).map(o => o.className)).toEqual(['ApiObject', 'ApiObject', 'k8s.KubeIngress', 'k8s.KubeIngress', 'k8s.KubeIngress']);
    expect(strict.notes).toContain('Ingress shop (traffic/ingress.yaml#1) stays a typed k8s object, not an IngressRoute: '
      + 'its backend Service "shop" is not a WebService here (IngressRoute routes to a WebService)');
    expect(strict.notes).toContain('HorizontalPodAutoscaler shop (traffic/hpa.yaml#1) stays a typed k8s object, not an Autoscaler: '
      + 'its target Deployment "shop" is not a WebService or Worker here (Autoscaler scales one)');
  });
});

describe('migrate: a Deployment + Service a WebService would clash with', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-hpa-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('GIVEN an HPA on an average value WHEN migrated THEN the pair stays typed (a WebService would write the replicas the HPA owns), saying why', () => {
    // GIVEN the traffic fixture's Deployment + Service, and an HPA the Autoscaler cannot express
    fs.copyFileSync(path.join(FIXTURES, 'traffic', 'web.yaml'), path.join(dir, 'web.yaml'));
    fs.writeFileSync(path.join(dir, 'hpa.yaml'), 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: shop, namespace: shop}\n'
      + 'spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: shop}, maxReplicas: 3, '
      + 'metrics: [{type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}}]}\n');
    // WHEN
    const m = migrate(['hpa.yaml', 'web.yaml'], { cwd: dir, importFrom: SRC });
    // THEN
    expect(m.objects.map(o => o.className)).toEqual(['k8s.KubeHorizontalPodAutoscalerV2', 'k8s.KubeDeployment', 'k8s.KubeService']);
    expect(m.notes).toContain('Deployment shop + Service shop stay typed k8s objects, not a WebService: \'spec.replicas\' is owned by '
      + 'HorizontalPodAutoscaler shop (hpa.yaml#1), and a WebService writes its replicas');
    expect(m.exact).toBe(true);
  });

  test('GIVEN 3 replicas and a PodDisruptionBudget of the same name WHEN migrated THEN the pair stays typed (a WebService renders its own), saying why', () => {
    fs.copyFileSync(path.join(FIXTURES, 'traffic', 'web.yaml'), path.join(dir, 'web.yaml'));
    fs.writeFileSync(path.join(dir, 'pdb.yaml'), 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: shop, namespace: shop}\n'
      + 'spec: {minAvailable: 1, selector: {matchLabels: {app: shop}}}\n');
    const m = migrate(['pdb.yaml', 'web.yaml'], { cwd: dir, importFrom: SRC });
    expect(m.objects.map(o => o.className)).toEqual(['k8s.KubePodDisruptionBudget', 'k8s.KubeDeployment', 'k8s.KubeService']);
    expect(m.notes).toContain('Deployment shop + Service shop stay typed k8s objects, not a WebService: with 3 replicas a WebService renders its own '
      + 'PodDisruptionBudget shop, and pdb.yaml#1 is one already');
    expect(m.exact).toBe(true);
  });
});

describe('migrate --strict: a Worker with its NetworkAccess and Autoscaler', () => {
  const QUEUE = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: queue, namespace: shop}\n'
    + 'spec: {replicas: 1, selector: {matchLabels: {app: queue}}, template: {metadata: {labels: {app: queue}}, spec: {containers: [{name: queue, image: "ghcr.io/example/shop:1.4.2", '
    + 'readinessProbe: {exec: {command: [/bin/healthcheck]}}}]}}}\n';
  const hpa = (min: number) => 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: queue, namespace: shop}\n'
    + `spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: queue}, minReplicas: ${min}, maxReplicas: 5, `
    + 'metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]}\n';
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-strict-hpa-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('GIVEN a Worker, its allow policy and its HPA WHEN migrated with --strict THEN NetworkAccess and Autoscaler are used, patched back to exactly the input', () => {
    // GIVEN
    fs.writeFileSync(path.join(dir, 'queue.yaml'), `${QUEUE}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: queue-allow, namespace: shop}\n`
      + 'spec: {podSelector: {matchLabels: {app: queue}}, policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}], '
      + `ports: [{port: 9090}]}]}\n---\n${hpa(1)}`);
    // WHEN
    const m = migrate(['queue.yaml'], { cwd: dir, importFrom: SRC, app: 'shop', strict: true });
    // THEN
    expect(m.exact).toBe(true);
    expect(m.objects.map(o => o.className)).toEqual(['Worker', 'NetworkAccess', 'Autoscaler']);
    expect(m.code).toContain("new NetworkAccess(chart, 'networkpolicy-queue-allow', { target: queue })\n  .allowFromNamespace('monitoring', { port: 9090 });");
    expect(m.code).toContain('RenderedPatch.of(networkpolicyQueueAllow.policy)\n');
    expect(m.code).toContain('RenderedPatch.of(horizontalpodautoscalerQueue.hpa)\n');
    expect(m.code).toContain('--strict patches the input\'s back if it had any');
  });

  test('GIVEN a Worker\'s HPA with minReplicas 2 WHEN migrated with --strict THEN the Autoscaler (which makes the Worker render a PodDisruptionBudget) is given up: typed objects, exact, and a note says why', () => {
    // GIVEN a Deployment no Service selects, and an HPA Autoscaler expresses, with a minimum of 2
    fs.writeFileSync(path.join(dir, 'queue.yaml'), `${QUEUE}---\n${hpa(2)}`);
    // WHEN
    const m = migrate(['queue.yaml'], { cwd: dir, importFrom: SRC, app: 'shop', strict: true });
    // THEN the round trip is exact without the Autoscaler, and the note names what did not come back
    expect(m.exact).toBe(true);
    expect(m.objects.map(o => o.className)).toEqual(['Worker', 'k8s.KubeHorizontalPodAutoscalerV2']);
    expect(m.notes).toContainEqual(expect.stringMatching(/^--strict: HorizontalPodAutoscaler queue \(queue\.yaml#2\) stay typed k8s objects, not Autoscaler: .*PodDisruptionBudget queue, which is not in the input/));
  });
});

describe('migrate: the seed (Deployment, Service, Kustomization)', () => {
  const r = results.get('seed-001')!;

  test('the pair becomes a WebService with the Kustomize placeholder resolved', () => {
    expect(r.objects.map(o => o.className)).toEqual(['WebService', 'WebService']);
    expect(r.code).toContain("image: ImageRef.parse('dockerhub-user/argocd:6f1ed002ab5595859014ebf0951522d9b6c7e8e4')");
    expect(r.code).toContain('the Kustomize placeholder "argocdimage"');
    expect(r.code).toContain("ImagePins.load('images.yaml')");
    expect(r.namespace).toBe('argocd');
    expect(r.app).toBe('argocdnodejs');
  });

  test('the Service keeps its name through a patch', () => {
    const svc = r.objects.find(o => o.kind === 'Service')!;
    expect(svc.rendered).toBe('dev/argocdnodejs/service-argocdnodejsservice.yaml');
    expect(svc.changes.find(c => c.field === 'metadata.name')).toBeUndefined();
  });

  test('the differences are the secure defaults and labels, field by field', () => {
    const dep = r.objects.find(o => o.kind === 'Deployment')!;
    const fields = dep.changes.map(c => `${c.op} ${c.field}`);
    expect(fields).toContain('added spec.template.spec.containers[0].securityContext');
    expect(fields).toContain('removed spec.selector.matchLabels.app');
    expect(fields).toContain('added spec.replicas');
    // the image and the port are not changed
    expect(fields.some(f => /\.image$|containerPort/.test(f))).toBe(false);
    const lines = formatDifferences(r);
    expect(lines).toContain('  + spec.template.spec.automountServiceAccountToken: false');
    expect(lines).toContain('  - spec.selector.matchLabels.app: "argocdnodejs"');
    expect(lines.some(l => l.includes('spec.selector is immutable'))).toBe(true);
  });

  test('--strict writes typed k8s classes', () => {
    const s = results.get('seed-001 --strict')!;
    expect(s.objects.map(o => o.className)).toEqual(['k8s.KubeDeployment', 'k8s.KubeService']);
    expect(s.code).toContain('targetPort: k8s.IntOrString.fromNumber(3000)');
  });
});

describe('migrate: the seed\'s Argo CD Application becomes an ArgoApplication', () => {
  const r = results.get('seed-002')!;

  test('in an argocd/ GitOpsChart, with the typed props of the input', () => {
    // GIVEN the seed's Application (repo, HEAD, path ".", in-cluster, namespace aplication, automated prune + selfHeal)
    // THEN it is an ArgoApplication rendered to argocd/
    expect(r.objects[0]).toMatchObject({ as: 'ArgoApplication', className: 'ArgoApplication', rendered: 'argocd/application-python-api.yaml' });
    expect(r.code).toContain("const argocd = new GitOpsChart(app, 'argocd', { folder: 'argocd', namespace: 'argocd' });");
    expect(r.code).toContain("new ArgoApplication(argocd, 'application-python-api', {\n  name: 'python-api',\n  app: chart,\n"
      + "  repoURL: 'https://github.com/raian2209/manifestsCI-PythonAPI.git',\n  targetRevision: 'HEAD',\n  project: 'default',\n"
      + "  server: 'https://kubernetes.default.svc',\n  namespace: 'aplication',\n  automated: true,\n  prune: true,\n  selfHeal: true,\n});");
    // AND the environment's namespace is the Application's destination, not Argo CD's own namespace
    expect(r.namespace).toBe('aplication');
  });

  test('the differences are the path (the branch root is refused) and the sync defaults, field by field', () => {
    expect(formatDifferences(r)).toEqual([
      'Application python-api (seed-002/application.yaml#1) → ArgoApplication: 5 differences',
      '  + metadata.labels: {"app.kubernetes.io/managed-by":"cdk8s-gitops"}',
      '  ~ spec.source.path: "." → "dev/python-api"',
      '  + spec.syncPolicy.automated.allowEmpty: false',
      '  + spec.syncPolicy.retry: {"backoff":{"duration":"5s","factor":2,"maxDuration":"3m"},"limit":5}',
      '  + spec.syncPolicy.syncOptions: ["CreateNamespace=true"]',
    ]);
    expect(r.code).toContain('// Its path "." becomes the migrated app\'s folder dev/python-api: ArgoApplication never syncs "." (must not be the root of the branch');
    expect(r.code).toContain("// ArgoApplication adds on purpose: allowEmpty: false (an empty render never prunes the app), syncOptions ['CreateNamespace=true'], "
      + 'retry (5 times, 5s backoff x2, at most 3m), the label app.kubernetes.io/managed-by: cdk8s-gitops. --strict switches them off.');
    expect(r.notes).toEqual([
      'Application python-api: spec.source.path "." → "dev/python-api", the migrated app\'s folder; it exists on the branch "cdk8s-gitops publish" writes '
      + '("rendered-manifests"), not at "HEAD": set targetRevision: "rendered-manifests" when you publish',
    ]);
  });

  test('--strict switches the defaults off with props and patches the rest back', () => {
    const s = results.get('seed-002 --strict')!;
    expect(s.objects[0].className).toBe('ArgoApplication');
    expect(s.code).toContain('  syncOptions: [],\n  retry: false,\n});');
    expect(s.code).toContain("applicationPythonApi.apiObject.addJsonPatch(JsonPatch.replace('/spec/source/path', '.'));");
    expect(s.code).toContain("applicationPythonApi.apiObject.addJsonPatch(JsonPatch.remove('/spec/syncPolicy/automated/allowEmpty'));");
    expect(s.code).toContain("applicationPythonApi.apiObject.addJsonPatch(JsonPatch.remove('/metadata/labels'));");
    expect(s.notes).toEqual([]);
  });
});

describe('migrate: other Argo CD Applications', () => {
  const r = results.get('argo-variants')!;

  test('a path the program does not render is kept with checkPath: false; retry, sync options and the cascade finalizer become props', () => {
    const shop = r.objects.find(o => o.name === 'shop-prod')!;
    expect(shop.className).toBe('ArgoApplication');
    expect(shop.changes.map(c => `${c.op} ${c.field}`)).toEqual(['added metadata.labels["app.kubernetes.io/managed-by"]', 'added spec.syncPolicy.automated.allowEmpty']);
    expect(r.code).toContain("  path: 'overlays/prod',\n  checkPath: false,\n");
    expect(r.code).toContain('// Its path "overlays/prod" is not a folder this program renders: checkPath: false keeps it as is.');
    expect(r.code).toContain("  retry: { limit: 3, duration: '10s', factor: 2, maxDuration: '1m' },\n  cascadeDelete: true,\n");
  });

  test('manual sync without a path or revision: automated false, the app folder, HEAD written out', () => {
    const manual = r.objects.find(o => o.name === 'shop-manual')!;
    expect(manual.className).toBe('ArgoApplication');
    expect(r.code).toContain("  namespace: 'shop',\n  automated: false,\n});");
    expect(manual.changes.map(c => `${c.op} ${c.field}`)).toEqual([
      'added metadata.labels', 'added spec.source.path', 'added spec.source.targetRevision', 'added spec.syncPolicy',
    ]);
  });

  test('a Helm source stays an ApiObject in argocd/, and the note says why', () => {
    const redis = r.objects.find(o => o.name === 'redis')!;
    expect(redis).toMatchObject({ className: 'ApiObject', rendered: 'argocd/application-redis.yaml', changes: [] });
    expect(r.notes).toContain("Application redis: 'spec.source.chart' has no ArgoApplication prop; kept as a plain ApiObject");
  });

  test('--app/--env map a path the program does not render to the app folder', () => {
    // GIVEN --app shop --env prod
    const m = migrate(['argo-variants'], { cwd: FIXTURES, importFrom: SRC, app: 'shop', env: 'prod' });
    // THEN shop-prod syncs prod/shop, and the path change is reported
    const shop = m.objects.find(o => o.name === 'shop-prod')!;
    expect(shop.changes).toContainEqual({ op: 'changed', field: 'spec.source.path', pointer: '/spec/source/path', from: 'overlays/prod', to: 'prod/shop' });
    expect(m.code).toContain('// Its path "overlays/prod" becomes the migrated app\'s folder prod/shop: you asked for this app folder with --app/--env.');
    // AND shop-manual (another repository) syncs prod/shop too; the Helm one stays an ApiObject
    expect(m.objects.map(o => o.className)).toEqual(['ArgoApplication', 'ArgoApplication', 'ApiObject']);
  });
});

describe('migrate: Applications ArgoApplication refuses', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-argo-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const application = (name: string, spec: string) => `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: ${name}, namespace: argocd}\nspec: ${spec}\n`;

  test('a value the construct rejects (credentials in the URL) keeps an ApiObject, equal to the input', () => {
    // GIVEN an Application whose repoURL carries a token
    fs.writeFileSync(path.join(dir, 'a.yaml'), application('a', '{source: {repoURL: "https://user:tok@github.com/x/y.git", path: k8s}, destination: {server: "https://kubernetes.default.svc"}}'));
    const m = migrate(['a.yaml'], { cwd: dir, importFrom: SRC });
    // THEN it is an ApiObject, the note quotes the construct's check, and nothing differs
    expect(m.objects[0].className).toBe('ApiObject');
    expect(m.notes[0]).toMatch(/^Application a: 'repoURL' must not carry credentials/);
    expect(m.notes[0]).toContain('kept as a plain ApiObject');
    expect(m.exact).toBe(true);
  });

  test('two Applications syncing the same folder: the second stays an ApiObject', () => {
    const spec = '{source: {repoURL: "https://github.com/x/y.git"}, destination: {server: "https://kubernetes.default.svc"}}';
    fs.writeFileSync(path.join(dir, 'a.yaml'), `${application('a', spec)}---\n${application('b', spec)}`);
    const m = migrate(['a.yaml'], { cwd: dir, importFrom: SRC });
    expect(m.objects.map(o => o.className)).toEqual(['ArgoApplication', 'ApiObject']);
    expect(m.notes).toContain('Application b: another migrated Application syncs the same folder dev/a (ArgoApplication refuses two); kept as a plain ApiObject');
  });

  test('other finalizers and unknown fields name the field', () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), `${application('a', '{source: {repoURL: "https://github.com/x/y.git", path: k8s}, ignoreDifferences: []}')}`
      + `---\n${application('b', '{source: {repoURL: "https://github.com/x/y.git", path: k8s2}}').replace('namespace: argocd}', 'namespace: argocd, finalizers: [x]}')}`);
    const m = migrate(['a.yaml'], { cwd: dir, importFrom: SRC });
    expect(m.notes).toEqual([
      "Application a: 'spec.ignoreDifferences' has no ArgoApplication prop; kept as a plain ApiObject",
      "Application b: 'metadata.finalizers' [\"x\"] has no ArgoApplication prop (only cascadeDelete: [resources-finalizer.argocd.argoproj.io]); kept as a plain ApiObject",
    ]);
  });
});

describe('migrate: corpus', () => {
  const r = results.get('corpus')!;
  test('known kinds become typed classes, wrapped types included; unknown kinds ApiObjects with a comment', () => {
    const as = Object.fromEntries(r.objects.map(o => [o.kind, o.className]));
    expect(as).toEqual({
      Certificate: 'ApiObject',
      ConfigMap: 'k8s.KubeConfigMap',
      CronJob: 'k8s.KubeCronJob',
      Deployment: 'k8s.KubeDeployment',
      HorizontalPodAutoscaler: 'k8s.KubeHorizontalPodAutoscalerV2',
      Ingress: 'k8s.KubeIngress',
      Service: 'k8s.KubeService',
    });
    expect(r.code).toContain("averageValue: k8s.Quantity.fromString('400Mi')");
    expect(r.code).toContain("port: k8s.IntOrString.fromString('http')");
    expect(r.code).toContain('// cert-manager.io/v1 Certificate has no typed class in cdk8s-plus-28');
  });

  test('a Deployment using envFrom is not a WebService, and the note says why', () => {
    expect(r.notes).toContain('Deployment shop + Service shop stay typed k8s objects, not a WebService: container.envFrom has no WebService prop');
  });
});

describe('migrate: Worker, ScheduledJob and MigrationJob (fixtures/workloads)', () => {
  // Type-checked and round-tripped with the other fixtures above.
  const loose = results.get('workloads')!;
  const strict = results.get('workloads --strict')!;
  const byName = (r: MigrateResult, name: string, kind?: string) => r.objects.find(o => o.name === name && (!kind || o.kind === kind))!;
  const workloadNotes = (r: MigrateResult) => r.notes.filter(n => / not an? (Worker|ScheduledJob|MigrationJob): /.test(n));

  test('GIVEN a Deployment no Service selects, a CronJob and a PreSync hook Job WHEN migrated THEN each becomes its construct', () => {
    expect(loose.objects.map(o => `${o.kind} ${o.name} → ${o.className}`)).toEqual([
      'CronJob nightly → ScheduledJob',
      'Job db-migrate → MigrationJob',
      'Deployment shop → k8s.KubeDeployment',
      'Deployment indexer → Worker',
      'Deployment mailer → k8s.KubeDeployment',
      'CronJob hourly → k8s.KubeCronJob',
      'CronJob report → k8s.KubeCronJob',
      'CronJob sweep → k8s.KubeCronJob',
      'Job seed → k8s.KubeJob',
      'Deployment relay → k8s.KubeDeployment',
      'PodDisruptionBudget relay → k8s.KubePodDisruptionBudget',
      'Deployment crawler → k8s.KubeDeployment',
      // its HPA becomes an Autoscaler of the Worker, which then writes no replicas (an HPA that does not fit: fixtures/traffic, indexer)
      'Deployment thumbnailer → Worker',
      'HorizontalPodAutoscaler thumbnailer → Autoscaler',
      'Deployment queue → Worker',
      'ServiceAccount queue → Worker',
    ]);
  });

  test('GIVEN a worker with pod extras WHEN migrated THEN command/args, ports, env, volumes, init containers, sidecars and its ServiceAccount are props', () => {
    const code = loose.code;
    expect(code).toContain("new Worker(chart, 'deployment-queue', {\n  name: 'queue',\n  image: ImageRef.parse('ghcr.io/example/shop:1.4.2'),\n  replicas: 1,\n"
      + "  command: ['node'],\n  args: ['dist/worker.js', '--queue', 'orders'],\n");
    expect(code).toContain("    DB_PASSWORD: EnvValue.fromSecretKey('shop-db', 'password'),\n    LOG_LEVEL: 'info',\n"
      + "    REGION: EnvValue.fromConfigMapKey('shop-config', 'region', { optional: true }),\n");
    expect(code).toContain("envFrom: [EnvFromSource.configMap('shop-config', { prefix: 'SHOP_' })],");
    expect(code).toContain("ports: [{ name: 'metrics', port: 9090 }, { name: 'gossip', port: 7946, protocol: 'UDP' }],");
    expect(code).toContain("resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi' },");
    expect(code).toContain("healthCheck: HealthCheck.exec(['node', 'dist/health.js']),");
    // A quantity written as a YAML number is the same quantity as its string
    expect(code).toContain("      name: 'proxy',\n      image: ImageRef.parse('ghcr.io/example/proxy:0.9.1'),\n      ports: [{ name: 'admin', port: 9901 }],\n"
      + "      resources: { cpuRequest: '0.1' },\n      healthCheck: HealthCheck.tcp(9901),\n");
    expect(code).toContain("      name: 'wait-db',\n      image: ImageRef.parse('ghcr.io/example/tools:2.1.0'),\n");
    expect(code).toContain("    PodVolume.emptyDir('cache', { sizeLimit: '512Mi' }),\n    PodVolume.configMap('config', 'shop-config', { items: { 'app.yaml': 'app.yaml' } }),\n"
      + "    PodVolume.secret('tls', 'shop-tls', { defaultMode: 288 }),\n    PodVolume.persistentVolumeClaim('spool', 'shop-spool'),\n");
    expect(code).toContain("  serviceAccount: {\n    name: 'queue',\n    annotations: { 'iam.gke.io/gcp-service-account': 'queue@shop-prod.iam.gserviceaccount.com' },\n  },\n");
    expect(code).toContain("labels: { app: 'queue', team: 'payments' },\n  podAnnotations: { 'prometheus.io/scrape': 'true' },");
  });

  test('GIVEN a CronJob and a PreSync Job WHEN migrated THEN schedule, time zone, policies, limits and the delete policy are props', () => {
    expect(loose.code).toContain("new ScheduledJob(chart, 'cronjob-nightly', {\n  name: 'nightly',\n  image: ImageRef.parse('ghcr.io/example/shop:1.4.2'),\n"
      + "  schedule: '30 2 * * *',\n  timeZone: 'Europe/Berlin',\n  concurrencyPolicy: ConcurrencyPolicy.FORBID,\n  startingDeadlineSeconds: 600,\n"
      + "  successfulJobsHistoryLimit: 5,\n  failedJobsHistoryLimit: 2,\n  backoffLimit: 3,\n  activeDeadlineSeconds: 1800,\n  args: ['cleanup', '--older-than', '30d'],\n});");
    expect(loose.code).toContain("new MigrationJob(chart, 'job-db-migrate', {\n  name: 'db-migrate',\n  image: ImageRef.parse('ghcr.io/example/shop:1.4.2'),\n"
      + "  deletePolicy: HookDeletePolicy.HOOK_SUCCEEDED,\n  backoffLimit: 0,\n  args: ['migrate', 'up'],\n  env: { DATABASE_URL: EnvValue.fromSecretKey('shop-db', 'url') },\n});");
    // What the job kinds set where the input left Kubernetes' default is said in a comment
    expect(loose.code).toContain('// MigrationJob adds on purpose: activeDeadlineSeconds 600 (a migration is stopped after 10 minutes: set it if yours take longer).\n');
    expect(loose.code).not.toContain('// ScheduledJob adds on purpose');
    // A Deployment without a probe: the waiver, said in a comment
    expect(loose.code).toContain("  healthCheck: HealthCheck.none('migrated from YAML without a probe: add HealthCheck.exec, .http or .tcp'),\n");
    expect(loose.code).toContain('// The YAML has no probe: HealthCheck.none records why on the object');
  });

  test('GIVEN the fitting objects WHEN rendered THEN the constructs only add (defaults, labels, /tmp) and rename what they own', () => {
    for (const name of ['nightly', 'db-migrate', 'queue', 'indexer']) {
      const o = byName(loose, name, name === 'queue' ? 'Deployment' : undefined);
      const owned = /^(spec\.selector\.|metadata\.labels|spec\.template\.spec\.containers\[0\]\.name$|spec\.template\.spec\.(volumes|containers\[0\]\.volumeMounts)$)/;
      const quantity = (c: { from?: unknown; to?: unknown }) => typeof c.from === 'number' && c.to === String(c.from);
      expect(o.changes.filter(c => c.op !== 'added' && !owned.test(c.field) && !quantity(c))).toEqual([]);
    }
    // cpu: 0.1 is written as the string it means
    expect(byName(loose, 'queue', 'Deployment').changes).toContainEqual(expect.objectContaining({
      op: 'changed', field: 'spec.template.spec.containers[1].resources.requests.cpu', from: 0.1, to: '0.1',
    }));
    // The /tmp volume comes first; the input's volumes and mounts follow, unchanged
    const queue = byName(loose, 'queue', 'Deployment').changes.find(c => c.field === 'spec.template.spec.volumes')!;
    expect((queue.to as any[]).slice(1)).toEqual([
      { emptyDir: { sizeLimit: '512Mi' }, name: 'cache' },
      { configMap: { items: [{ key: 'app.yaml', path: 'app.yaml' }], name: 'shop-config' }, name: 'config' },
      { name: 'tls', secret: { defaultMode: 288, secretName: 'shop-tls' } },
      { name: 'spool', persistentVolumeClaim: { claimName: 'shop-spool', readOnly: false } },
    ]);
    // The ServiceAccount keeps its annotations; the Worker adds the managed-by label and no token
    expect(byName(loose, 'queue', 'ServiceAccount').changes.map(c => `${c.op} ${c.field}`)).toEqual([
      'added automountServiceAccountToken', 'added metadata.labels.app', 'added metadata.labels["app.kubernetes.io/managed-by"]',
    ]);
    // What the constructs render passes the validation gate the generated app keeps on
    const files = loose.objects.filter(o => ['Worker', 'ScheduledJob', 'MigrationJob'].includes(o.className)).map(o => o.rendered!);
    expect(files).toHaveLength(6);
    expect(loose.gate.problems.filter(p => files.some(f => p.includes(`[${f}:`)))).toEqual([]);
    // 3 replicas: the Worker adds its PodDisruptionBudget
    expect(loose.added.map(a => a.file)).toEqual(['dev/shop/poddisruptionbudget-indexer.yaml']);
  });

  test('GIVEN a field a construct cannot reproduce WHEN migrated THEN the object stays a typed k8s object and the note names file, field and value', () => {
    expect(workloadNotes(loose)).toEqual([
      'Deployment shop (workloads/misfits.yaml#1) stays a typed k8s object, not a Worker: \'spec.strategy.type\' is "RollingUpdate" in a Worker (got "Recreate")',
      'Deployment mailer (workloads/misfits.yaml#3) stays a typed k8s object, not a Worker: \'spec.template.spec.serviceAccountName\' names a ServiceAccount '
      + 'that is not in the input (a Worker creates the one it runs as; migrate that one with it) (got "mailer")',
      'CronJob hourly (workloads/misfits.yaml#4) stays a typed k8s object, not a ScheduledJob: \'spec.schedule\' must have 5 fields '
      + '(minute hour day-of-month month day-of-week), it has 1 (write macros such as @daily as "0 0 * * *") (got "@hourly")',
      'CronJob report (workloads/misfits.yaml#5) stays a typed k8s object, not a ScheduledJob: '
      + '\'spec.jobTemplate.spec.template.spec.restartPolicy\' is "Never" in a ScheduledJob (got "OnFailure")',
      'CronJob sweep (workloads/misfits.yaml#6) stays a typed k8s object, not a ScheduledJob: '
      + '\'spec.startingDeadlineSeconds\' is refused by ScheduledJob (\'startingDeadlineSeconds\'): must be a whole number >= 10 (got 5)',
      'Job seed (workloads/misfits.yaml#7) stays a typed k8s object, not a MigrationJob: \'spec.ttlSecondsAfterFinished\' has no MigrationJob prop (got 100)',
      'Deployment relay (workloads/misfits.yaml#8) stays a typed k8s object, not a Worker: '
      + '\'spec.minAvailable\' of PodDisruptionBudget relay (workloads/misfits.yaml#9) has no Worker prop (got 1)',
      'Deployment crawler (workloads/misfits.yaml#10) stays a typed k8s object, not a Worker: \'spec.template.spec.containers[0].env\' refers to other variables '
      + 'with $(…) and a Worker sorts env by name, so a reference may no longer resolve (got ["URL_BASE","API"])',
    ]);
    for (const name of ['mailer', 'hourly', 'report', 'sweep', 'seed', 'relay', 'crawler']) expect(byName(loose, name).changes).toEqual([]);
    expect(byName(loose, 'shop').changes).toEqual([]);
  });

  test('GIVEN --strict WHEN migrated THEN the constructs plus rendered patches reproduce the input exactly', () => {
    expect(strict.exact).toBe(true);
    expect(strict.added).toEqual([]);
    expect(strict.objects.filter(o => !o.className.startsWith('k8s.')).map(o => `${o.name} → ${o.className}`)).toEqual([
      'nightly → ScheduledJob', 'db-migrate → MigrationJob', 'shop → Worker', 'mailer → Worker', 'report → ScheduledJob', 'seed → MigrationJob',
      'crawler → Worker', 'thumbnailer → Worker', 'thumbnailer → Autoscaler', 'queue → Worker',
    ]);
    // What the construct has no prop for comes back through a patch
    expect(strict.code).toContain('RenderedPatch.of(deploymentShop.deployment)\n');
    expect(strict.code).toContain("  .replace('/spec/strategy/type', 'Recreate')\n");
    expect(strict.code).toContain("  .add('/spec/ttlSecondsAfterFinished', 100);");
    expect(strict.code).toContain("  .replace('/spec/jobTemplate/spec/template/spec/restartPolicy', 'OnFailure')\n");
  });

  test('GIVEN --strict WHEN a construct refuses a value or adds an object THEN it stays a typed k8s object, and the note names file, field and value', () => {
    expect(workloadNotes(strict)).toEqual([
      'Deployment indexer (workloads/misfits.yaml#2) stays a typed k8s object, not a Worker: '
      + '\'spec.replicas\' is 2 or more: a Worker adds a PodDisruptionBudget the input does not have (got 3)',
      workloadNotes(loose)[2],
      workloadNotes(loose)[4],
      'Deployment relay (workloads/misfits.yaml#8) stays a typed k8s object, not a Worker: \'spec.replicas\' makes the Worker render its own '
      + 'PodDisruptionBudget relay, which differs from workloads/misfits.yaml#9 in metadata.labels, spec.maxUnavailable, spec.minAvailable and 4 more (no patch reaches it) (got 2)',
    ]);
  });
});

describe('migrate: a workload named after the app, beside a WebService', () => {
  test('GIVEN a worker named after the app and a WebService WHEN migrated THEN the worker stays typed: its pods would carry the labels the Service selects', () => {
    // GIVEN the app "shop" (its first Deployment, a worker) and a Deployment + Service pair "web"
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-app-worker-'));
    const deployment = (name: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n`
      + `  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: ${name}, image: "ghcr.io/example/${name}:1.0.0"}]}\n`;
    fs.writeFileSync(path.join(dir, 'all.yaml'), `${deployment('shop')}---\n${deployment('web')}---\n`
      + 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n');
    try {
      // WHEN
      const r = migrate(['all.yaml'], { cwd: dir, importFrom: SRC });
      // THEN
      expect(r.objects.map(o => o.className)).toEqual(['k8s.KubeDeployment', 'WebService', 'WebService']);
      expect(r.notes).toContain('Deployment shop (all.yaml#1) stays a typed k8s object, not a Worker: \'metadata.name\' is the app\'s name: '
        + 'a Worker\'s pods would carry the labels the WebService\'s Service selects (migrate with another --app) (got "shop")');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('migrate: what the workload constructs render migrates back to them', () => {
  let dir: string;
  let result: MigrateResult;
  let strictResult: MigrateResult;
  beforeAll(() => {
    // GIVEN the rendered YAML of a Worker, a ScheduledJob and a MigrationJob with pod extras
    const app = new GitOpsApp({ validate: false });
    const chart = new AppChart(new Environment(app, 'dev', { namespace: 'shop' }), 'shop');
    const image = ImageRef.parse('ghcr.io/example/shop:1.4.2');
    new Worker(chart, 'queue', {
      name: 'queue',
      image,
      replicas: 2,
      args: ['work'],
      healthCheck: HealthCheck.http('/healthz', 8080),
      ports: [{ name: 'http', port: 8080 }],
      env: { A: 'a', B: EnvValue.fromSecretKey('db', 'password') },
      envFrom: [EnvFromSource.secret('shop-env')],
      volumes: [PodVolume.emptyDir('cache', { sizeLimit: '256Mi' })],
      mounts: [{ volume: 'cache', path: '/cache' }],
      initContainers: [{ name: 'init', image, args: ['init'] }],
      sidecars: [{ name: 'proxy', image, healthCheck: HealthCheck.tcp(9901) }],
      serviceAccount: { name: 'queue', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/queue' } },
      labels: { team: 'a' },
    });
    new Worker(chart, 'poller', { name: 'poller', image, healthCheck: HealthCheck.none('polls; no endpoint') });
    new Worker(chart, 'scratch', {
      name: 'scratch',
      image,
      healthCheck: HealthCheck.tcp(7000),
      runAsUser: 2000,
      writableTmp: false,
      volumes: [PodVolume.emptyDir('tmp', { sizeLimit: '1Gi', memory: true })],
      mounts: [{ volume: 'tmp', path: '/tmp' }],
    });
    new ScheduledJob(chart, 'nightly', { name: 'nightly', image, schedule: '0 3 * * *', concurrencyPolicy: ConcurrencyPolicy.REPLACE, args: ['cleanup'] });
    new MigrationJob(chart, 'migrate', { name: 'migrate', image, deletePolicy: HookDeletePolicy.HOOK_FAILED, args: ['migrate'] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-roundtrip-'));
    for (const [file, text] of app.render()) {
      if (!file.endsWith('kustomization.yaml')) fs.writeFileSync(path.join(dir, path.basename(file)), text);
    }
    // WHEN it is migrated, without and with --strict
    result = migrate(['.'], { cwd: dir, importFrom: SRC, app: 'shop' });
    strictResult = migrate(['.'], { cwd: dir, importFrom: SRC, app: 'shop', strict: true });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('THEN each object becomes its construct and renders back identical', () => {
    expect(result.objects.map(o => `${o.kind} ${o.name} → ${o.className}`).sort()).toEqual([
      'CronJob nightly → ScheduledJob', 'Deployment poller → Worker', 'Deployment queue → Worker', 'Deployment scratch → Worker',
      'Job migrate → MigrationJob', 'PodDisruptionBudget queue → Worker', 'ServiceAccount queue → Worker',
    ]);
    expect(result.notes).toEqual([]);
    expect(result.exact).toBe(true);
    // The waiver's reason comes back; the writable /tmp is the default again, and a /tmp of the pod's own stays its volume
    expect(result.code).toContain("healthCheck: HealthCheck.none('polls; no endpoint')");
    expect(result.code.match(/writableTmp: false/g)).toHaveLength(1);
    expect(result.code).toContain("  volumes: [PodVolume.emptyDir('tmp', { sizeLimit: '1024Mi', memory: true })],\n  writableTmp: false,\n  runAsUser: 2000,\n");
  });

  test('THEN with --strict the same constructs need no patch: nothing differs to undo', () => {
    expect(strictResult.objects.map(o => o.className)).toEqual(result.objects.map(o => o.className));
    expect(strictResult.exact).toBe(true);
    expect(strictResult.code).not.toContain('RenderedPatch');
    expect(strictResult.code.replace(/^\/\/ Migrated by .*\n/, '')).toBe(result.code.replace(/^\/\/ Migrated by .*\n/, '').replace(/, with its secure defaults \(see the differences migrate printed\)/g, ''));
  });
});

describe('migrate: bad input', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function problems(files: Record<string, string>, paths = Object.keys(files)): string {
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
    try {
      migrate(paths, { cwd: dir, importFrom: SRC });
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as Error).message;
    }
    throw new Error('expected a ValidationError');
  }

  test('unparseable YAML names the file and document', () => {
    expect(problems({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nfoo: [\n' }))
      .toMatch(/^\[a\.yaml\] 'document 2' is not valid YAML: /);
  });

  test('missing apiVersion and kind', () => {
    expect(problems({ 'a.yaml': 'metadata: {name: a}\n' })).toBe("[a.yaml] 'document 1' has no 'apiVersion'\n[a.yaml] 'document 1' has no 'kind'");
  });

  test('duplicates name both documents', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n';
    expect(problems({ 'a.yaml': `${cm}---\n${cm}` })).toBe("[a.yaml] 'document 2' duplicates a.yaml document 1: both are ConfigMap \"a\"");
  });

  test('unsupported kustomization fields and remote resources', () => {
    expect(problems({ 'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches: []\nresources: [https://example.com/x.yaml]\n' }))
      .toBe("[kustomization.yaml] 'patches' is not supported by migrate (only resources, namespace and images are); render it first with \"kubectl kustomize . > all.yaml\" and migrate that\n"
        + "[kustomization.yaml] 'resources[0]' must be a local file or folder (remote bases cannot be migrated) (got \"https://example.com/x.yaml\")");
  });

  test('GIVEN a file over the size limit WHEN migrated THEN it is refused unread, naming it', () => {
    fs.writeFileSync(path.join(dir, 'big.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: "${'x'.repeat(2048)}"}\n`);
    expect(() => migrate(['big.yaml'], { cwd: dir, importFrom: SRC, yamlLimits: { maxBytes: 1024 } }))
      .toThrow(/^\[big\.yaml\] is 0\.0 MiB, more than the 0\.0 MiB a YAML input may be \(got 2\d\d\d\)$/);
  });

  test('GIVEN a file nested deeper than the limit WHEN migrated THEN it is refused, naming it', () => {
    fs.writeFileSync(path.join(dir, 'deep.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: ${'['.repeat(50)}${']'.repeat(50)}}\n`);
    expect(() => migrate(['deep.yaml'], { cwd: dir, importFrom: SRC, yamlLimits: { maxDepth: 20 } })).toThrow(/^\[deep\.yaml\] 'document 1' nests collections more than 20 deep$/);
  });

  test('a missing path', () => {
    expect(problems({}, ['nope.yaml'])).toBe('[nope.yaml] does not exist');
  });

  test('GIVEN a plaintext Secret (data and stringData) WHEN migrated THEN it is refused, naming file, document, object and keys', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {password: c3VwZXJzZWNyZXQ=}\nstringData: {token: tok-123}\n';
    expect(problems({ 'a.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n${secret}` }))
      .toBe('[a.yaml] \'document 2\' is a plaintext Secret "db" (data: password; stringData: token): migrate never writes secret values into source. '
        + 'Keep the values in a secret manager and declare an ExternalSecret, or seal them with kubeseal and migrate the SealedSecret; '
        + 'then migrate the other files without this one');
  });

  test('GIVEN a plaintext Secret inside a List WHEN migrated THEN it is refused too', () => {
    expect(problems({ 'l.yaml': 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {k: v}}\nmetadata: {name: l}\n' }))
      .toContain("[l.yaml] 'document 1 items[0]' is a plaintext Secret \"s\" (stringData: k)");
  });

  test('GIVEN a Secret without values (e.g. filled by a controller) WHEN migrated THEN it is migrated', () => {
    fs.writeFileSync(path.join(dir, 's.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\n');
    expect(migrate(['s.yaml'], { cwd: dir, importFrom: SRC }).objects.map(o => o.className)).toEqual(['k8s.KubeSecret']);
  });

  test('--env argocd with Argo CD Applications in the input', () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: {}\n');
    expect(() => migrate(['a.yaml'], { cwd: dir, importFrom: SRC, env: 'argocd' }))
      .toThrow('[--env] must not be "argocd" when the input has Argo CD Applications: they are rendered to the argocd/ folder (got "argocd")');
  });
});

describe('migrate command', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-cli-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function cli(...args: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(args, { out: t => { out += t; }, err: t => { err += t; }, cwd: dir, env: {}, isTTY: false });
    return { code, out, err };
  }

  test('writes --out, refuses to overwrite it without --force', async () => {
    const seed = path.join(FIXTURES, 'seed-001');
    const first = await cli('migrate', seed, '--out', 'src/main.ts', '--import-from', SRC);
    expect(first.code).toBe(0);
    expect(first.out).toContain('Wrote src/main.ts (2 objects, app argocdnodejs, env dev).');
    const written = fs.readFileSync(path.join(dir, 'src/main.ts'), 'utf8');
    expect(written).toContain("new WebService(chart, 'argocdnodejs', {");
    expect(written.split('\n').slice(1).join('\n')).toBe(results.get('seed-001')!.code.split('\n').slice(1).join('\n'));
    const again = await cli('migrate', seed, '--out', 'src/main.ts');
    expect(again.code).toBe(2);
    expect(again.err).toBe('error: [src/main.ts] exists already; pass --force to overwrite it\n');
    expect((await cli('migrate', seed, '--out', 'src/main.ts', '--force', '--import-from', SRC)).code).toBe(0);
  });

  test('bad input exits 2 and writes nothing', async () => {
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'kind: X\n');
    const r = await cli('migrate', 'bad.yaml', '--out', 'out.ts');
    expect(r.code).toBe(2);
    expect(r.err).toContain("[bad.yaml] 'document 1' has no 'apiVersion'");
    expect(fs.existsSync(path.join(dir, 'out.ts'))).toBe(false);
  });

  test('GIVEN an alias bomb in the input WHEN migrated THEN exit 2 naming the file and document, no stack trace, nothing written', async () => {
    // GIVEN: ten levels of ten aliases each: 10^10 nodes once expanded
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 9; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    fs.writeFileSync(path.join(dir, 'bomb.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n  ${levels.join('\n  ')}\n`);
    // WHEN
    const r = await cli('migrate', 'bomb.yaml', '--out', 'out.ts');
    // THEN
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: \[bomb\.yaml\] 'document 1' its aliases expand to \d+ nodes, more than the 10000 allowed: an alias bomb\? Write the repeated values out \(got \d+\)\n$/);
    expect(r.err).not.toContain('    at ');
    expect(fs.existsSync(path.join(dir, 'out.ts'))).toBe(false);
  });

  test('GIVEN a plaintext Secret WHEN migrated (--out, --json, stdout) THEN exit 2, no value in stdout, stderr or any file', async () => {
    // GIVEN values that are easy to spot, plain and base64-encoded
    const values = ['hunter2-plain', Buffer.from('hunter2-encoded').toString('base64'), 'hunter2-encoded'];
    fs.writeFileSync(path.join(dir, 'secret.yaml'), `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {password: ${values[1]}}\nstringData: {token: ${values[0]}}\n`);
    for (const args of [['--out', 'out.ts'], ['--json'], []]) {
      // WHEN
      const r = await cli('migrate', 'secret.yaml', '--import-from', SRC, ...args);
      // THEN
      expect(r.code).toBe(2);
      expect(r.err).toContain("error: [secret.yaml] 'document 1' is a plaintext Secret \"db\" (data: password; stringData: token)");
      expect(r.err).not.toContain('    at ');
      for (const v of values) expect(`${r.out}${r.err}`).not.toContain(v);
    }
    expect(fs.readdirSync(dir)).toEqual(['secret.yaml']);
  });

  test('--json prints objects and their changes; without --out the code goes to stdout', async () => {
    const json = JSON.parse((await cli('migrate', path.join(FIXTURES, 'seed-002'), '--json', '--import-from', SRC)).out);
    expect(json.exact).toBe(false);
    expect(json.objects[0]).toMatchObject({ kind: 'Application', name: 'python-api', as: 'ArgoApplication' });
    expect(json.objects[0].changes).toContainEqual({ op: 'changed', field: 'spec.source.path', pointer: '/spec/source/path', from: '.', to: 'dev/python-api' });
    const plain = await cli('migrate', path.join(FIXTURES, 'seed-002'), '--import-from', SRC);
    expect(plain.out).toContain("new ArgoApplication(argocd, 'application-python-api', {");
    expect(plain.err).toContain('note: Application python-api: spec.source.path "." → "dev/python-api"');
    expect(plain.err).toContain('  ~ spec.source.path: "." → "dev/python-api"');
    expect(plain.err).toContain('The differences above are what the cluster would see change.');
    const strict = await cli('migrate', path.join(FIXTURES, 'seed-002'), '--strict', '--import-from', SRC);
    expect(strict.err).toContain('The rendered objects equal the input exactly.');
    const seed = await cli('migrate', path.join(FIXTURES, 'seed-001'), '--import-from', SRC);
    expect(seed.err).toContain('The generated app keeps the validation gate on, and the rendered tree passes it.');
    const seedStrict = await cli('migrate', path.join(FIXTURES, 'seed-001'), '--strict', '--import-from', SRC);
    expect(seedStrict.err).toMatch(/The generated app keeps the validation gate on: its synth refuses these \d+ problem\(s\) until they are fixed:\n  \[dev\/argocdnodejs\//);
  });
});
