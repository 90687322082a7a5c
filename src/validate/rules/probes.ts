import { ContainerAt, containersOf, podTemplateOf } from './_pod';
import { K8sObject, PolicyRule, RuleContext, RuleHit } from './_rule';

function probeRule(id: 'readiness-probe' | 'liveness-probe', key: 'readinessProbe' | 'livenessProbe', rationale: string): PolicyRule {
  return {
    id,
    severity: 'error',
    rationale,
    check({ object }: RuleContext) {
      const pod = podTemplateOf(object);
      if (!pod || pod.batch) return [];
      const hits: RuleHit[] = [];
      for (const c of containersOf(pod)) {
        if (c.init) continue;
        const probe = c.container[key];
        if (!probe || typeof probe !== 'object') {
          hits.push({ field: `${c.path}.${key}`, message: `is not set: add a ${key === 'readinessProbe' ? 'readiness' : 'liveness'} probe (httpGet or tcpSocket on the container's port)` });
          continue;
        }
        const mismatch = portMismatch(c, probe);
        if (mismatch) hits.push({ field: `${c.path}.${key}.${mismatch.field}`, message: mismatch.message, value: mismatch.value });
      }
      return hits;
    },
  };
}

/**
 * Where an httpGet/tcpSocket/grpc probe targets a port the container does not
 * declare (a named port must always be declared; a number only when the
 * container lists ports), or a UDP port, which these probes cannot reach.
 */
function portMismatch(c: ContainerAt, probe: K8sObject): { field: string; message: string; value: unknown } | undefined {
  const ports: K8sObject[] = Array.isArray(c.container.ports) ? c.container.ports : [];
  for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
    const port = probe[handler]?.port;
    if (port === undefined) continue;
    if (ports.length === 0) {
      if (typeof port === 'string') return { field: `${handler}.port`, message: 'names a port the container does not declare (it declares none)', value: port };
      continue;
    }
    const target = ports.find(p => p.containerPort === port || (typeof port === 'string' && p.name === port));
    if (!target) {
      const declared = ports.map(p => (p.name ? `${p.name}=${p.containerPort}` : String(p.containerPort))).join(', ');
      return { field: `${handler}.port`, message: `is not one of the container's ports (${declared}): the probe checks nothing the app serves`, value: port };
    }
    if (target.protocol === 'UDP') {
      return { field: `${handler}.port`, message: 'is a UDP port: an httpGet, tcpSocket or grpc probe needs a TCP port', value: port };
    }
  }
  return undefined;
}

/** Long-running containers have a readiness probe on their port. */
export const readinessProbe = probeRule('readiness-probe', 'readinessProbe',
  'Without a readiness probe a pod gets traffic before it can serve, and rollouts do not wait for it.');

/** Long-running containers have a liveness probe on their port. */
export const livenessProbe = probeRule('liveness-probe', 'livenessProbe',
  'Without a liveness probe a hung process is never restarted.');
