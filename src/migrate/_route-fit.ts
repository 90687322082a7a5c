import { ConstructFit, FitContext, WebServiceTarget, constructFit, extraField, isObject, namespaceProblem, shapeProblem } from './_construct-fit';
import { Code, str } from './_ts';
import { checkHostname, checkSubdomain } from '../constructs/_hosts';

const ISSUERS: Record<string, string> = {
  'cert-manager.io/cluster-issuer': 'IssuerKind.CLUSTER_ISSUER',
  'cert-manager.io/issuer': 'IssuerKind.ISSUER',
};
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The reason an object is not a route to the program's WebService, or undefined if it is. */
function backendProblem(web: WebServiceTarget | undefined, service: unknown, kindName: string): string | undefined {
  if (!web) return `its backend Service ${JSON.stringify(service)} is not a WebService here (${kindName} routes to a WebService)`;
  if (service !== web.serviceName) return `it routes to Service ${JSON.stringify(service)}, not to the WebService's ${web.serviceName}`;
  if (web.serviceName !== web.name) return `the WebService's Service keeps its input name ${web.serviceName} through a patch, and ${kindName} would route to ${web.name}`;
  return undefined;
}

function hostProblem(hosts: readonly unknown[], field: (i: number) => string): string | undefined {
  for (const [i, h] of hosts.entries()) {
    const p = checkHostname('', field(i), h);
    if (p) return `${p.field} ${JSON.stringify(h)} ${p.message}`;
  }
  return undefined;
}

/**
 * Whether an Ingress (networking.k8s.io/v1) is what `IngressRoute` renders
 * for the program's WebService: every rule one host with the same paths to
 * the WebService's Service port, TLS for every host from one Secret (and a
 * cert-manager issuer annotation). Returns the fit, or why not.
 */
export function fitIngress(j: Record<string, any>, ctx: FitContext, where = ''): ConstructFit | string {
  const name = j.metadata?.name;
  const why = (reason: string) => `Ingress ${name}${where ? ` (${where})` : ''} stays a typed k8s object, not an IngressRoute: ${reason}`;
  if (j.apiVersion !== 'networking.k8s.io/v1') return why(`apiVersion ${j.apiVersion} (IngressRoute writes networking.k8s.io/v1)`);

  const shape = shapeProblem(j, true);
  if (shape) return why(shape); const s = j.spec;
  const problem = extraField(j, ['apiVersion', 'kind', 'metadata', 'spec'], 'object')
    ?? extraField(j.metadata, ['name', 'namespace', 'labels', 'annotations'], 'metadata')
    ?? extraField(s, ['ingressClassName', 'tls', 'rules'], 'spec')
    ?? namespaceProblem(j, ctx.namespace);
  if (problem) return why(problem);
  const nameProblem = checkSubdomain('', 'name', name);
  if (nameProblem) return why(`the name ${nameProblem.message}`);
  const rules = s?.rules;
  if (!Array.isArray(rules) || !rules.length) return why('spec.rules is empty (IngressRoute routes host names)');
  const hosts: string[] = [];
  let paths: string[] | undefined;
  let pathType: string | undefined;
  let service: unknown;
  for (const [i, r] of rules.entries()) {
    const rp = extraField(r ?? null, ['host', 'http'], `spec.rules[${i}]`) ?? extraField(r?.http, ['paths'], `spec.rules[${i}].http`);
    if (rp) return why(rp);
    if (r.host === undefined) return why(`spec.rules[${i}] has no host (IngressRoute routes host names)`);
    hosts.push(r.host);
    const ps = r.http?.paths;
    if (!Array.isArray(ps) || !ps.length) return why(`spec.rules[${i}].http.paths is empty`);
    const these: string[] = [];
    for (const [k, p] of ps.entries()) {
      const f = `spec.rules[${i}].http.paths[${k}]`;
      const pp = extraField(p ?? null, ['path', 'pathType', 'backend'], f) ?? extraField(p?.backend, ['service'], `${f}.backend`)
        ?? extraField(p?.backend?.service, ['name', 'port'], `${f}.backend.service`) ?? extraField(p?.backend?.service?.port, ['number', 'name'], `${f}.backend.service.port`);
      if (pp) return why(pp);
      if (typeof p.path !== 'string' || !p.path.startsWith('/') || /[\s?#]/.test(p.path)) return why(`${f}.path ${JSON.stringify(p.path)} is not an HTTP path`);
      if (p.pathType !== 'Prefix' && p.pathType !== 'Exact') return why(`${f}.pathType ${JSON.stringify(p.pathType)} (IngressRoute writes Prefix or Exact)`);
      if (pathType !== undefined && p.pathType !== pathType) return why(`${f}.pathType ${p.pathType} differs from the others (${pathType}); IngressRoute has one pathType`);
      pathType = p.pathType;
      if (service !== undefined && p.backend?.service?.name !== service) return why(`${f} routes to another Service (${JSON.stringify(p.backend?.service?.name)})`);
      service = p.backend?.service?.name;
      const port = p.backend?.service?.port;
      if (ctx.web && !(port?.number === ctx.web.servicePort || (port?.name !== undefined && port.name === ctx.web.servicePortName))) {
        return why(`${f}.backend.service.port ${JSON.stringify(port)} is not the WebService's Service port ${ctx.web.servicePort}`);
      }
      these.push(p.path);
    }
    if (paths !== undefined && JSON.stringify(paths) !== JSON.stringify(these)) return why(`spec.rules[${i}] has other paths than spec.rules[0] (IngressRoute routes the same paths on every host)`);
    paths = these;
  }
  const backend = backendProblem(ctx.web, service, 'IngressRoute');
  if (backend) return why(backend);
  const hp = hostProblem(hosts, i => `spec.rules[${i}].host`);
  if (hp) return why(hp);
  if (s.ingressClassName !== undefined && checkSubdomain('', '', s.ingressClassName)) return why(`spec.ingressClassName ${JSON.stringify(s.ingressClassName)} is not a DNS-1123 subdomain`);

  const annotations: Record<string, string> = { ...(isObject(j.metadata.annotations) ? j.metadata.annotations : {}) };
  if (Object.values(annotations).some(v => typeof v !== 'string')) return why('metadata.annotations has a value that is not a string');
  const issuers = Object.keys(annotations).filter(k => k in ISSUERS);
  if (issuers.length > 1) return why('metadata.annotations names both a cert-manager issuer and a cluster issuer');
  let tls: Code | undefined;
  let certificate: CertificateMatch | undefined;
  const uses = new Set<string>();
  if (s.tls !== undefined) {
    if (!Array.isArray(s.tls) || s.tls.length !== 1) return why('spec.tls has more than one entry (IngressRoute has one certificate for every host)');
    const t = s.tls[0];
    const tp = extraField(t ?? null, ['hosts', 'secretName'], 'spec.tls[0]');
    if (tp) return why(tp);
    if (JSON.stringify(t.hosts) !== JSON.stringify(hosts)) return why(`spec.tls[0].hosts ${JSON.stringify(t.hosts)} are not the rules' hosts ${JSON.stringify(hosts)} (IngressRoute's TLS covers every host)`);
    if (checkSubdomain('', '', t.secretName)) return why(`spec.tls[0].secretName ${JSON.stringify(t.secretName)} is not a DNS-1123 subdomain`);
    uses.add('RouteTls');
    if (issuers.length) {
      const annotation = issuers[0];
      const issuer = annotations[annotation];
      if (checkSubdomain('', '', issuer)) return why(`metadata.annotations["${annotation}"] ${JSON.stringify(issuer)} is not a DNS-1123 subdomain`);
      delete annotations[annotation];
      const options: string[] = [];
      if (ISSUERS[annotation] !== 'IssuerKind.CLUSTER_ISSUER') {
        options.push(`kind: ${ISSUERS[annotation]}`);
        uses.add('IssuerKind');
      }
      if (t.secretName !== `${name}-tls`) options.push(`secretName: ${str(t.secretName)}`);
      tls = new Code(`RouteTls.fromIssuer(${str(issuer)}${options.length ? `, { ${options.join(', ')} }` : ''})`);
    } else {
      certificate = certificateFor(name, hosts, t.secretName, ctx);
      if (certificate) {
        const options = ['certificate: true'];
        if (certificate.kind === 'Issuer') {
          options.unshift('kind: IssuerKind.ISSUER');
          uses.add('IssuerKind');
        }
        if (t.secretName !== `${name}-tls`) options.push(`secretName: ${str(t.secretName)}`);
        tls = new Code(`RouteTls.fromIssuer(${str(certificate.issuer)}, { ${options.join(', ')} })`);
      } else {
        tls = new Code(`RouteTls.fromSecret(${str(t.secretName)})`);
      }
    }
  }
  if (pathType === 'Exact') uses.add('IngressPathType');
  const props: Record<string, unknown> = {
    ...(name !== ctx.web!.name ? { name } : {}),
    backend: new Code(ctx.web!.variable),
    hosts,
    ...(JSON.stringify(paths) !== '["/"]' ? { paths } : {}),
    ...(pathType === 'Exact' ? { pathType: new Code('IngressPathType.EXACT') } : {}),
    ...(s.ingressClassName !== undefined ? { className: s.ingressClassName } : {}),
    ...(tls ? { tls } : {}),
    ...(Object.keys(annotations).length ? { annotations } : {}),
    controllerNamespace: null,
  };
  return constructFit({
    className: 'IngressRoute',
    uses: [...uses],
    props,
    target: ctx.web!.variable,
    also: certificate ? [{ index: certificate.index, name }] : [],
    comments: [
      ...(certificate ? [`It renders the cert-manager Certificate ${name} too (certificate: true).`] : []),
      'controllerNamespace: null renders no NetworkPolicy for the ingress controller (the input has none); name its namespace once the namespace denies ingress by default.',
    ],
  });
}

interface CertificateMatch {
  readonly index: number;
  readonly issuer: string;
  readonly kind: 'Issuer' | 'ClusterIssuer';
}

/**
 * The cert-manager `Certificate` IngressRoute renders with
 * `RouteTls.fromIssuer(…, { certificate: true })`, if the input has it: named
 * like the Ingress, for its hosts (in order), stored in its TLS Secret.
 */
function certificateFor(name: string, hosts: readonly string[], secretName: string, ctx: FitContext): CertificateMatch | undefined {
  const index = ctx.objects.findIndex(o => o.json.kind === 'Certificate' && o.json.metadata?.name === name);
  const c = ctx.objects[index]?.json;
  if (!c || c.apiVersion !== 'cert-manager.io/v1' || namespaceProblem(c, ctx.namespace)) return undefined;
  const ref = c.spec?.issuerRef;
  if (extraField(c, ['apiVersion', 'kind', 'metadata', 'spec'], '') || extraField(c.metadata, ['name', 'namespace', 'labels'], '')
    || extraField(c.spec, ['secretName', 'dnsNames', 'issuerRef'], '') || extraField(ref, ['group', 'kind', 'name'], '')) return undefined;
  if (c.spec.secretName !== secretName || JSON.stringify(c.spec.dnsNames) !== JSON.stringify(hosts)) return undefined;
  // cert-manager's defaults: group cert-manager.io, kind Issuer.
  const kind = ref?.kind ?? 'Issuer';
  if ((ref?.group ?? 'cert-manager.io') !== 'cert-manager.io' || (kind !== 'Issuer' && kind !== 'ClusterIssuer') || checkSubdomain('', '', ref?.name)) return undefined;
  return { index, issuer: ref.name, kind };
}

/**
 * Whether an HTTPRoute (gateway.networking.k8s.io/v1) is what
 * `GatewayHttpRoute` renders for the program's WebService: one parent
 * Gateway, one rule of path matches of one type, one backend (the
 * WebService's Service port). Returns the fit, or why not.
 */
export function fitHttpRoute(j: Record<string, any>, ctx: FitContext, where = ''): ConstructFit | string {
  const name = j.metadata?.name;
  const why = (reason: string) => `HTTPRoute ${name}${where ? ` (${where})` : ''} stays a plain ApiObject, not a GatewayHttpRoute: ${reason}`;
  if (j.apiVersion !== `${GATEWAY_GROUP}/v1`) return why(`apiVersion ${j.apiVersion} (GatewayHttpRoute writes ${GATEWAY_GROUP}/v1)`);

  const shape = shapeProblem(j, true);
  if (shape) return why(shape); const s = j.spec;
  const problem = extraField(j, ['apiVersion', 'kind', 'metadata', 'spec'], 'object')
    ?? extraField(j.metadata, ['name', 'namespace', 'labels'], 'metadata')
    ?? extraField(s, ['parentRefs', 'hostnames', 'rules'], 'spec')
    ?? namespaceProblem(j, ctx.namespace);
  if (problem) return why(problem);
  const nameProblem = checkSubdomain('', 'name', name);
  if (nameProblem) return why(`the name ${nameProblem.message}`);
  if (!Array.isArray(s?.parentRefs) || s.parentRefs.length !== 1) return why('spec.parentRefs does not name exactly one Gateway');
  const parent = s.parentRefs[0];
  const pp = extraField(parent ?? null, ['group', 'kind', 'name', 'namespace', 'sectionName'], 'spec.parentRefs[0]');
  if (pp) return why(pp);
  if ((parent.group !== undefined && parent.group !== GATEWAY_GROUP) || (parent.kind !== undefined && parent.kind !== 'Gateway')) return why('spec.parentRefs[0] is not a Gateway');
  if (checkSubdomain('', '', parent.name)) return why(`spec.parentRefs[0].name ${JSON.stringify(parent.name)} is not a DNS-1123 subdomain`);
  if (parent.sectionName !== undefined && checkSubdomain('', '', parent.sectionName)) return why(`spec.parentRefs[0].sectionName ${JSON.stringify(parent.sectionName)} is not a DNS-1123 subdomain`);
  if (parent.namespace !== undefined && (typeof parent.namespace !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(parent.namespace))) {
    return why(`spec.parentRefs[0].namespace ${JSON.stringify(parent.namespace)} is not a DNS-1123 label`);
  }
  const hostnames: unknown[] = s.hostnames ?? [];
  if (!Array.isArray(hostnames)) return why('spec.hostnames is not a list');
  const hp = hostProblem(hostnames, i => `spec.hostnames[${i}]`);
  if (hp) return why(hp);
  if (!Array.isArray(s.rules) || s.rules.length !== 1) return why('spec.rules does not have exactly one rule (GatewayHttpRoute writes one)');
  const rule = s.rules[0];
  const rp = extraField(rule ?? null, ['matches', 'backendRefs'], 'spec.rules[0]');
  if (rp) return why(rp);
  const paths: string[] = [];
  let match: string | undefined;
  for (const [i, m] of (Array.isArray(rule.matches) ? rule.matches : []).entries()) {
    const f = `spec.rules[0].matches[${i}]`;
    const mp = extraField(m ?? null, ['path'], f) ?? extraField(m?.path, ['type', 'value'], `${f}.path`);
    if (mp) return why(mp);
    const type = m.path?.type ?? 'PathPrefix';
    const value = m.path?.value ?? '/';
    if (type !== 'PathPrefix' && type !== 'Exact') return why(`${f}.path.type ${JSON.stringify(type)} (GatewayHttpRoute writes PathPrefix or Exact)`);
    if (match !== undefined && type !== match) return why(`${f}.path.type ${type} differs from the others (${match}); GatewayHttpRoute has one`);
    match = type;
    if (typeof value !== 'string' || !value.startsWith('/') || /[\s?#]/.test(value)) return why(`${f}.path.value ${JSON.stringify(value)} is not an HTTP path`);
    paths.push(value);
  }
  if (rule.matches !== undefined && !Array.isArray(rule.matches)) return why('spec.rules[0].matches is not a list');
  const refs = rule.backendRefs;
  if (!Array.isArray(refs) || refs.length !== 1) return why('spec.rules[0].backendRefs does not name exactly one backend');
  const bp = extraField(refs[0] ?? null, ['group', 'kind', 'name', 'port'], 'spec.rules[0].backendRefs[0]');
  if (bp) return why(bp);
  if ((refs[0].group !== undefined && refs[0].group !== '') || (refs[0].kind !== undefined && refs[0].kind !== 'Service')) return why('spec.rules[0].backendRefs[0] is not a Service');
  const backend = backendProblem(ctx.web, refs[0].name, 'GatewayHttpRoute');
  if (backend) return why(backend);
  if (refs[0].port !== ctx.web!.servicePort) return why(`spec.rules[0].backendRefs[0].port ${JSON.stringify(refs[0].port)} is not the WebService's Service port ${ctx.web!.servicePort}`);
  const gateway = {
    name: parent.name,
    ...(parent.namespace !== undefined ? { namespace: parent.namespace } : {}),
    ...(parent.sectionName !== undefined ? { sectionName: parent.sectionName } : {}),
  };
  const props: Record<string, unknown> = {
    ...(name !== ctx.web!.name ? { name } : {}),
    backend: new Code(ctx.web!.variable),
    gateway,
    ...(hostnames.length ? { hostnames } : {}),
    ...(paths.length && JSON.stringify(paths) !== '["/"]' ? { paths } : {}),
    ...(match === 'Exact' ? { pathMatch: new Code('HttpPathMatch.EXACT') } : {}),
    allowFromGateway: false,
  };
  return constructFit({
    className: 'GatewayHttpRoute',
    uses: match === 'Exact' ? ['HttpPathMatch'] : [],
    props,
    target: ctx.web!.variable,
    comments: ['allowFromGateway: false renders no NetworkPolicy for the Gateway (the input has none); switch it on once the namespace denies ingress by default.'],
  });
}
