import { podTemplateOf } from './_pod';
import { K8sObject, PolicyRule, RuleHit } from './_rule';

/** Pods do not share the node's network, PID or IPC namespace. */
export const noHostNamespaces: PolicyRule = {
  id: 'no-host-namespaces',
  severity: 'error',
  rationale: 'Host namespaces expose the node\'s network stack, processes and shared memory to the pod.',
  check({ object }) {
    const pod = podTemplateOf(object);
    if (!pod) return [];
    return (['hostNetwork', 'hostPID', 'hostIPC'] as const)
      .filter(k => pod.spec[k] === true)
      .map(k => ({ field: `${pod.path}.${k}`, message: 'must not be true', value: true }));
  },
};

/** Pods mount no hostPath volume. */
export const noHostPath: PolicyRule = {
  id: 'no-host-path',
  severity: 'error',
  rationale: 'A hostPath volume reads or writes the node\'s filesystem, bypassing every container boundary.',
  check({ object }) {
    const pod = podTemplateOf(object);
    if (!pod || !Array.isArray(pod.spec.volumes)) return [];
    const hits: RuleHit[] = [];
    pod.spec.volumes.forEach((v: K8sObject, i: number) => {
      if (v && v.hostPath) hits.push({ field: `${pod.path}.volumes[${i}].hostPath`, message: `mounts the node path ${JSON.stringify(v.hostPath.path)}: use a PersistentVolumeClaim, emptyDir or ConfigMap`, value: v.hostPath.path });
    });
    return hits;
  },
};

/** Pods do not mount a service account token unless they need one. */
export const noAutomountToken: PolicyRule = {
  id: 'no-automount-token',
  severity: 'error',
  rationale: 'A mounted token lets anyone who gets into the container call the Kubernetes API as the pod.',
  check({ object }) {
    const pod = podTemplateOf(object);
    if (!pod) return [];
    const v = pod.spec.automountServiceAccountToken;
    return v === false ? [] : [{
      field: `${pod.path}.automountServiceAccountToken`,
      message: 'must be false unless the app calls the Kubernetes API (then waive the rule with a reason)',
      value: v,
    }];
  },
};
