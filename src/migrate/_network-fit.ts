import { ConstructFit, FitContext, constructFit, shapeProblem, extraField, isInteger, isObject, namespaceProblem, sameLabels } from './_construct-fit';
import { SourceObject } from './_load';
import { Code, literal, str } from './_ts';
import { checkSubdomain } from '../constructs/_hosts';
import { DEFAULT_DENY_POLICY } from '../constructs/_network';

const NAME_LABEL = 'kubernetes.io/metadata.name';
const ALLOW_DNS = 'allow-dns';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** The DNS egress policy `NetworkIsolation` renders with `denyEgress` (its spec, as JSON). */
const ALLOW_DNS_SPEC = {
  podSelector: {},
  policyTypes: ['Egress'],
  egress: [{
    to: [{ namespaceSelector: { matchLabels: { [NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  }],
};

function sameJson(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown => (Array.isArray(v) ? v.map(canon)
    : isObject(v) ? Object.fromEntries(Object.keys(v).sort().map(k => [k, canon(v[k])])) : v);
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

/**
 * Whether a NetworkPolicy is what a network construct renders:
 * `NetworkIsolation` (the namespace's `default-deny`, with `allow-dns` when
 * egress is denied too) or `NetworkAccess` (ingress to the pods of a WebService or Worker
 * from namespaces and from the program's other workloads, on one port per rule). Returns the fit, or why not.
 */
export function fitNetworkPolicy(j: Record<string, any>, index: number, ctx: FitContext, where = ''): ConstructFit | string {
  const name = j.metadata?.name;
  const why = (reason: string) => `NetworkPolicy ${name}${where ? ` (${where})` : ''} stays a typed k8s object, not a NetworkIsolation or NetworkAccess: ${reason}`;
  if (j.apiVersion !== 'networking.k8s.io/v1') return why(`apiVersion ${j.apiVersion}`);

  const shape = shapeProblem(j, true);
  if (shape) return why(shape); const s = j.spec;
  const problem = extraField(j, ['apiVersion', 'kind', 'metadata', 'spec'], 'object')
    ?? extraField(j.metadata, ['name', 'namespace', 'labels'], 'metadata')
    ?? extraField(s, ['podSelector', 'policyTypes', 'ingress', 'egress'], 'spec')
    ?? extraField(s?.podSelector, ['matchLabels'], 'spec.podSelector')
    ?? namespaceProblem(j, ctx.namespace);
  if (problem) return why(problem);
  const selectsAll = isObject(s.podSelector) && Object.keys(s.podSelector.matchLabels ?? {}).length === 0;
  if (selectsAll) return fitIsolation(j, index, ctx, why);
  return fitAccess(j, ctx, why);
}

function fitIsolation(j: Record<string, any>, index: number, ctx: FitContext, why: (r: string) => string): ConstructFit | string {
  const s = j.spec;
  const name = j.metadata.name;
  if (name === ALLOW_DNS) return why(`it is the DNS egress policy of NetworkIsolation only beside a ${DEFAULT_DENY_POLICY} policy denying egress`);
  if (name !== DEFAULT_DENY_POLICY) return why(`it selects every pod, and NetworkIsolation's policy is named ${DEFAULT_DENY_POLICY}`);
  if (s.ingress !== undefined || s.egress !== undefined) return why('a default-deny policy has no ingress or egress rules');
  const types = JSON.stringify(s.policyTypes ?? ['Ingress']);
  if (types !== '["Ingress"]' && types !== '["Ingress","Egress"]') return why(`spec.policyTypes ${types} (NetworkIsolation denies ["Ingress"] or ["Ingress","Egress"])`);
  if (ctx.app === 'network-policy') return why('the app is named network-policy, the folder NetworkIsolation renders to');
  const denyEgress = types !== '["Ingress"]';
  const also: { index: number; name: string }[] = [];
  if (denyEgress) {
    const dns = ctx.objects.findIndex((o: SourceObject, i) => i !== index && o.json.kind === 'NetworkPolicy' && o.json.metadata?.name === ALLOW_DNS
      && (o.json.metadata.namespace ?? ctx.namespace) === ctx.namespace);
    const d = ctx.objects[dns]?.json;
    if (!d) return why(`it denies egress, and NetworkIsolation then renders an ${ALLOW_DNS} policy the input does not have`);
    if (extraField(d, ['apiVersion', 'kind', 'metadata', 'spec'], 'object') || extraField(d.metadata, ['name', 'namespace', 'labels'], 'metadata')
      || d.apiVersion !== 'networking.k8s.io/v1' || !sameJson(d.spec, ALLOW_DNS_SPEC)) {
      return why(`it denies egress, and its ${ALLOW_DNS} policy is not the one NetworkIsolation renders (DNS to kube-dns in kube-system on port 53)`);
    }
    also.push({ index: dns, name: ALLOW_DNS });
  }
  return constructFit({
    className: 'NetworkIsolation',
    scope: 'env',
    props: denyEgress ? { denyEgress: true } : {},
    also,
    comments: ['The namespace\'s default-deny policy, in its own folder <env>/network-policy/ (synced by Argo CD like an app).'],
  });
}

function fitAccess(j: Record<string, any>, ctx: FitContext, why: (r: string) => string): ConstructFit | string {
  const s = j.spec;
  const name = j.metadata.name;
  const target = ctx.workloads.find(w => sameLabels(s.podSelector?.matchLabels, w.selector));
  if (!target) return why(`spec.podSelector ${JSON.stringify(s.podSelector)} selects the pods of no WebService or Worker here (NetworkAccess allows traffic into one)`);
  if (s.egress !== undefined || JSON.stringify(s.policyTypes ?? ['Ingress']) !== '["Ingress"]') return why('it has egress rules or policyTypes other than ["Ingress"] (NetworkAccess allows ingress)');
  if (checkSubdomain('', '', name)) return why('the name is not a DNS-1123 subdomain');
  const calls: string[] = [];
  const refs = new Set([target.variable]);
  const egress = new Set<string>();
  const rules = s.ingress ?? [];
  if (!Array.isArray(rules)) return why('spec.ingress is not a list');
  for (const [i, r] of rules.entries()) {
    const f = `spec.ingress[${i}]`;
    const rp = extraField(r ?? null, ['from', 'ports'], f);
    if (rp) return why(rp);
    if (!Array.isArray(r.from) || r.from.length !== 1) return why(`${f}.from does not name exactly one peer (NetworkAccess writes one per rule)`);
    const peer = r.from[0];
    const pp = extraField(peer ?? null, ['namespaceSelector', 'podSelector'], `${f}.from[0]`)
      ?? extraField(peer?.namespaceSelector, ['matchLabels'], `${f}.from[0].namespaceSelector`) ?? extraField(peer?.podSelector, ['matchLabels'], `${f}.from[0].podSelector`);
    if (pp) return why(pp);
    let call: string;
    if (peer.podSelector !== undefined) {
      // The pods of a workload of this program (same namespace): allowFrom(workload).
      const from = ctx.workloads.find(w => sameLabels(peer.podSelector.matchLabels, w.selector));
      if (peer.namespaceSelector !== undefined || !from) {
        return why(`${f}.from[0] ${JSON.stringify(peer)} is not the pods of a WebService or Worker here (NetworkAccess allows workloads of the program and namespaces)`);
      }
      call = `.allowFrom(${from.variable}`;
      refs.add(from.variable);
      // What allowFrom renders on the client's side when the namespace denies egress.
      egress.add(`${from.name}-to-${ctx.app}${target.name === ctx.app ? '' : `-${target.name}`}`);
    } else {
      const labels = peer.namespaceSelector?.matchLabels ?? {};
      const ns = labels[NAME_LABEL];
      if (Object.keys(labels).length !== 1 || typeof ns !== 'string' || !DNS_LABEL.test(ns)) {
        return why(`${f}.from[0].namespaceSelector does not select one namespace by ${NAME_LABEL}`);
      }
      call = `.allowFromNamespace(${str(ns)}`;
    }
    let port: number | undefined;
    if (r.ports !== undefined) {
      if (!Array.isArray(r.ports) || r.ports.length !== 1) return why(`${f}.ports does not list exactly one port (NetworkAccess writes one per rule)`);
      const p = r.ports[0];
      const portProblem = extraField(p ?? null, ['port', 'protocol'], `${f}.ports[0]`);
      if (portProblem) return why(portProblem);
      if (!isInteger(p.port, 1, 65535) || (p.protocol !== undefined && p.protocol !== 'TCP')) return why(`${f}.ports[0] ${JSON.stringify(p)} is not a numbered TCP port`);
      port = p.port;
    }
    calls.push(`${call}${port !== undefined ? `, ${literal({ port })}` : ''})`);
  }
  return constructFit({
    className: 'NetworkAccess',
    props: { ...(name !== `${target.name}-allow` ? { name } : {}), target: new Code(target.variable) },
    calls,
    target: target.variable,
    refs: [...refs],
    egressPolicies: [...egress],
  });
}
