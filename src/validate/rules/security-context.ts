import { ContainerAt, containersOf, PodTemplate, podTemplateOf } from './_pod';
import { PolicyRule, RuleContext, RuleHit } from './_rule';

type ContainerCheck = (c: ContainerAt, pod: PodTemplate) => RuleHit | undefined;

function perContainer(id: string, rationale: string, check: ContainerCheck): PolicyRule {
  return {
    id,
    severity: 'error',
    rationale,
    check({ object }: RuleContext) {
      const pod = podTemplateOf(object);
      if (!pod) return [];
      return containersOf(pod).map(c => check(c, pod)).filter((h): h is RuleHit => h !== undefined);
    },
  };
}

/** Containers run as a non-root user. */
export const runAsNonRoot = perContainer('run-as-non-root',
  'A process running as root in a container is one kernel bug away from root on the node.',
  (c, pod) => {
    const sc = c.container.securityContext ?? {};
    const psc = pod.spec.securityContext ?? {};
    const user = sc.runAsUser ?? psc.runAsUser;
    if (user === 0) {
      const where = sc.runAsUser !== undefined ? `${c.path}.securityContext.runAsUser` : `${pod.path}.securityContext.runAsUser`;
      return { field: where, message: 'runs the container as root (uid 0): use a non-zero uid such as 10001', value: 0 };
    }
    const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    if (nonRoot !== true && !(typeof user === 'number' && user > 0)) {
      return { field: `${c.path}.securityContext.runAsNonRoot`, message: 'is not true (here or in the pod securityContext) and no non-zero runAsUser is set: the image may run as root', value: nonRoot };
    }
    return undefined;
  });

/** Containers set allowPrivilegeEscalation: false. */
export const noPrivilegeEscalation = perContainer('no-privilege-escalation',
  'setuid binaries and file capabilities let a process gain more privileges than it started with.',
  c => {
    const v = c.container.securityContext?.allowPrivilegeEscalation;
    return v === false ? undefined : { field: `${c.path}.securityContext.allowPrivilegeEscalation`, message: 'must be false', value: v };
  });

/** Containers are not privileged. */
export const notPrivileged = perContainer('not-privileged',
  'A privileged container has every capability and all host devices: it is root on the node.',
  c => {
    const v = c.container.securityContext?.privileged;
    return v === true ? { field: `${c.path}.securityContext.privileged`, message: 'must not be true', value: v } : undefined;
  });

/** Containers have a read-only root filesystem. */
export const readOnlyRootFilesystem = perContainer('read-only-root-filesystem',
  'A writable root filesystem lets an attacker drop tools and persist; mount an emptyDir where the app needs to write.',
  c => {
    const v = c.container.securityContext?.readOnlyRootFilesystem;
    return v === true ? undefined : { field: `${c.path}.securityContext.readOnlyRootFilesystem`, message: 'must be true (mount an emptyDir for paths the app writes)', value: v };
  });

/** Containers drop ALL capabilities (and may add back only what they need). */
export const dropAllCapabilities = perContainer('drop-all-capabilities',
  'The default capability set (NET_RAW, CHOWN, SETUID, ...) is more than almost any app needs.',
  c => {
    const drop = c.container.securityContext?.capabilities?.drop;
    const ok = Array.isArray(drop) && drop.some(d => typeof d === 'string' && d.toUpperCase() === 'ALL');
    return ok ? undefined : { field: `${c.path}.securityContext.capabilities.drop`, message: 'must include "ALL"', value: drop };
  });

/** Containers run under the RuntimeDefault (or a Localhost) seccomp profile. */
export const seccompRuntimeDefault = perContainer('seccomp-runtime-default',
  'Without a seccomp profile every syscall is allowed, including the ones container escapes use.',
  (c, pod) => {
    const own = c.container.securityContext?.seccompProfile?.type;
    const type = own ?? pod.spec.securityContext?.seccompProfile?.type;
    if (type === 'RuntimeDefault' || type === 'Localhost') return undefined;
    const field = own !== undefined ? `${c.path}.securityContext.seccompProfile.type` : `${pod.path}.securityContext.seccompProfile.type`;
    return { field, message: 'must be RuntimeDefault (or Localhost), here or in the pod securityContext', value: type };
  });
