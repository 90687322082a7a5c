import { PolicyRule } from './_rule';
import { cronJobConcurrency, hookDeletePolicy } from './batch';
import { containerResources } from './container-resources';
import { pdbAllowsEviction, pdbUnhealthyEviction } from './disruption-budget';
import { envUnique } from './env-unique';
import { externalSecretStore } from './external-secret-store';
import { pdbForReplicas, spreadForReplicas } from './high-availability';
import { noAutomountToken, noHostNamespaces, noHostPath } from './host-access';
import { hpaMinReplicas } from './hpa-min-replicas';
import { imagePinned } from './image-pinned';
import { ingressTls } from './ingress-tls';
import { networkDefaultDeny } from './network-default-deny';
import { noPlaintextSecret } from './no-plaintext-secret';
import { livenessProbe, readinessProbe } from './probes';
import { noSecretInEnv } from './secret-env';
import { dropAllCapabilities, noPrivilegeEscalation, notPrivileged, readOnlyRootFilesystem, runAsNonRoot, seccompRuntimeDefault } from './security-context';
import { serviceSelector } from './service-selector';

export type { AcrossFolders, PolicyRule, RuleContext, RuleHit, K8sObject, TreeObject } from './_rule';

/** The default policy, in documentation order. */
export const POLICY_RULES: readonly PolicyRule[] = [
  imagePinned,
  containerResources,
  readinessProbe,
  livenessProbe,
  runAsNonRoot,
  noPrivilegeEscalation,
  notPrivileged,
  readOnlyRootFilesystem,
  dropAllCapabilities,
  seccompRuntimeDefault,
  noHostNamespaces,
  noHostPath,
  noAutomountToken,
  serviceSelector,
  envUnique,
  noSecretInEnv,
  pdbForReplicas,
  spreadForReplicas,
  pdbAllowsEviction,
  pdbUnhealthyEviction,
  hookDeletePolicy,
  cronJobConcurrency,
  noPlaintextSecret,
  ingressTls,
  hpaMinReplicas,
  networkDefaultDeny,
  externalSecretStore,
];
