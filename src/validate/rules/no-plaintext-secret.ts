import { PolicyRule, RuleHit } from './_rule';

/** No Secret with data on the branch: it is readable by anyone who can read git. */
export const noPlaintextSecret: PolicyRule = {
  id: 'no-plaintext-secret',
  severity: 'error',
  rationale: 'base64 is not encryption: a Secret on the branch is readable by everyone with access to the repository.',
  check({ object }) {
    if (object.kind !== 'Secret' || object.apiVersion !== 'v1') return [];
    const hits: RuleHit[] = [];
    for (const key of ['data', 'stringData']) {
      const v = object[key];
      if (v && typeof v === 'object' && Object.keys(v).length > 0) {
        hits.push({
          field: key,
          message: `holds ${Object.keys(v).length} plaintext key(s) (${Object.keys(v).sort().join(', ')}): commit a SealedSecret (Sealed Secrets) or an ExternalSecret (External Secrets Operator) instead`,
        });
      }
    }
    return hits;
  },
};
