import { containersOf, podTemplateOf } from './_pod';
import { K8sObject, PolicyRule, RuleHit } from './_rule';

/** Names that say "this is a credential" (kube-linter's env-var-secret looks for the same words). */
const SECRET_NAME = /secret|passw(?:or)?d|token|api[_-]?key|private[_-]?key|credential/i;
/** Names that point at a credential rather than hold one. */
const REFERENCE_NAME = /_(?:FILE|PATH|DIR|NAME|URL|URI|REF)$/i;

/** No credential-looking environment variable with a literal value. */
export const noSecretInEnv: PolicyRule = {
  id: 'no-secret-in-env',
  severity: 'error',
  rationale: 'A literal credential in an env var is in git, in the rendered branch and in `kubectl get -o yaml` for everyone who can read the workload.',
  check({ object }) {
    const pod = podTemplateOf(object);
    if (!pod) return [];
    const hits: RuleHit[] = [];
    for (const { container, path } of containersOf(pod)) {
      if (!Array.isArray(container.env)) continue;
      container.env.forEach((e: K8sObject, i: number) => {
        const name = e?.name;
        const value = e?.value;
        if (typeof name !== 'string' || !SECRET_NAME.test(name) || REFERENCE_NAME.test(name)) return;
        if (typeof value !== 'string' || value === '' || value.startsWith('/') || value.includes('$(')) return;
        hits.push({
          field: `${path}.env[${i}].value`,
          message: `sets ${name} to a literal value, which looks like a credential: use valueFrom.secretKeyRef to a Secret from a SealedSecret or ExternalSecret`,
        });
      });
    }
    return hits;
  },
};
