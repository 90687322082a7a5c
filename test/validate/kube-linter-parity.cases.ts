import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Finding } from '../../src/validate/finding';
import { validateTree } from '../../src/validate/validate-tree';
import { toYaml } from '../../src/yaml';
import { sharedDir } from '../support/tools';

/**
 * Agreement with kube-linter (stackrox/kube-linter v0.8.3) on its own check
 * fixtures, `../shared/peer-suites/kube-linter/`, for the checks our policy
 * overlaps. Which objects kube-linter flags comes from its e2e test
 * `e2etests/bats-tests.sh` (messages and counts) and, where the messages do not
 * name the object, from the check templates and the fixtures' own
 * `fire`/`dont-fire` names. An object agrees unless kube-linter flags it and
 * none of our overlapping rules does (stricter is fine, weaker is a bug).
 */
interface PeerCheck {
  /** Fixture file. */
  readonly file: string;
  /** Our rules that cover kube-linter's check. */
  readonly rules: readonly string[];
  /** Indexes (document order) of the objects kube-linter flags. */
  readonly flagged: readonly number[];
  /** When set, only our findings whose field matches count (the same reason, not any reason). */
  readonly field?: RegExp;
}

const PROBE_PORT = (probe: string) => new RegExp(`${probe}\\.(httpGet|tcpSocket|grpc)\\.port$`);

const CHECKS: readonly PeerCheck[] = [
  { file: 'dangling-service.yml', rules: ['service-selector'], flagged: [3, 5] },
  { file: 'docker-sock.yml', rules: ['no-host-path'], flagged: [2, 3] },
  { file: 'drop-net-raw-capability.yml', rules: ['drop-all-capabilities'], flagged: [2, 3] },
  { file: 'duplicate-env-var.yaml', rules: ['env-unique'], flagged: [0, 1] },
  { file: 'env-var-secret.yml', rules: ['no-secret-in-env'], flagged: [2, 3] },
  { file: 'host-ipc.yml', rules: ['no-host-namespaces'], flagged: [2, 3] },
  { file: 'host-network.yml', rules: ['no-host-namespaces'], flagged: [2, 3] },
  { file: 'host-pid.yml', rules: ['no-host-namespaces'], flagged: [2, 3] },
  { file: 'latest-tag.yml', rules: ['image-pinned'], flagged: [2, 3] },
  { file: 'liveness-port.yml', rules: ['liveness-probe'], flagged: [0, 1], field: PROBE_PORT('livenessProbe') },
  { file: 'no-anti-affinity.yml', rules: ['spread-for-replicas'], flagged: [2, 3, 6] },
  { file: 'no-liveness-probe.yml', rules: ['liveness-probe'], flagged: [2, 3] },
  { file: 'no-read-only-root-fs.yml', rules: ['read-only-root-filesystem'], flagged: [2, 3] },
  { file: 'no-readiness-probe.yml', rules: ['readiness-probe'], flagged: [2, 3] },
  { file: 'pdb-max-unavailable.yaml', rules: ['pdb-allows-eviction'], flagged: [1] },
  // every PDB: each matched Deployment's replicas (or its HPA's minReplicas, or its
  // KEDA ScaledObject's minReplicaCount) is 1, not above minAvailable 1
  { file: 'pdb-min-available.yaml', rules: ['pdb-allows-eviction'], flagged: [0, 2, 5] },
  { file: 'pdb-unhealthy-pod-eviction-policy.yaml', rules: ['pdb-unhealthy-eviction'], flagged: [0] },
  { file: 'privilege-escalation-container.yml', rules: ['no-privilege-escalation'], flagged: [2, 3] },
  { file: 'privileged-container.yml', rules: ['not-privileged'], flagged: [2, 3] },
  { file: 'readiness-port.yml', rules: ['readiness-probe'], flagged: [0], field: PROBE_PORT('readinessProbe') },
  { file: 'run-as-non-root.yml', rules: ['run-as-non-root'], flagged: [2, 3] },
  { file: 'sensitive-host-mounts.yml', rules: ['no-host-path'], flagged: [0, 1] },
  { file: 'unset-cpu-requirements.yml', rules: ['container-resources'], flagged: [0, 1] },
  { file: 'unset-memory-requirements.yml', rules: ['container-resources'], flagged: [0, 1] },
  { file: 'writable-host-mount.yml', rules: ['no-host-path'], flagged: [0, 1] },
];

/** Agreement reached so far: a floor, raise it when the policy catches more. */
const AGREEMENT_FLOOR = 93;

interface ObjectResult { readonly check: PeerCheck; readonly index: number; readonly id: string; readonly peer: boolean; readonly ours: boolean }

function compare(dir: string): ObjectResult[] {
  const results: ObjectResult[] = [];
  for (const check of CHECKS) {
    const docs = parseAllDocuments(fs.readFileSync(path.join(dir, check.file), 'utf8'))
      .map(d => d.toJS())
      .filter(o => o !== null && typeof o === 'object');
    // one folder per fixture, one object per file, as a rendered tree lays them out
    const folder = `kube-linter/${check.file.replace(/\.ya?ml$/, '')}`;
    const tree = new Map<string, string>();
    docs.forEach((o, i) => tree.set(`${folder}/object-${i}.yaml`, toYaml(o)));
    const findings: readonly Finding[] = validateTree(tree).findings;
    docs.forEach((o, i) => {
      const ours = findings.some(f => f.file === `${folder}/object-${i}.yaml` && check.rules.includes(f.rule)
        && (!check.field || check.field.test(f.field ?? '')));
      results.push({ check, index: i, id: `${check.file}#${i} ${o.kind}/${o.metadata?.name ?? '-'}`, peer: check.flagged.includes(i), ours });
    });
  }
  return results;
}

const shared = sharedDir();
const dir = shared && path.join(shared, 'peer-suites', 'kube-linter');

(dir ? describe : describe.skip)('policy agrees with kube-linter on its fixtures', () => {
  let results: ObjectResult[];
  beforeAll(() => { results = compare(dir!); });

  test('the fixtures are the ones SHA256SUMS lists', () => {
    // GIVEN the checksums shipped with the fixtures
    const sums = fs.readFileSync(path.join(dir!, 'SHA256SUMS'), 'utf8').trim().split('\n').map(l => l.split(/\s+/));
    // THEN every fixture this test reads is listed and unchanged
    for (const { file } of CHECKS) {
      const listed = sums.find(([, f]) => f === file);
      expect(listed?.[0]).toBe(createHash('sha256').update(fs.readFileSync(path.join(dir!, file))).digest('hex'));
    }
  });

  test(`at least ${AGREEMENT_FLOOR} objects agree, and every object kube-linter flags is flagged`, () => {
    // WHEN every fixture is validated
    const missed = results.filter(r => r.peer && !r.ours).map(r => `${r.id} (kube-linter flags it; none of ${r.check.rules.join(', ')} does)`);
    const agree = results.length - missed.length;
    const stricter = results.filter(r => !r.peer && r.ours).length;
    // eslint-disable-next-line no-console
    console.log(`kube-linter parity: ${agree} of ${results.length} objects agree; ${results.filter(r => r.peer).length} flagged by kube-linter; ${stricter} flagged only by us (stricter)`);
    // THEN agreement never drops below the floor, and the misses are named
    expect(missed).toEqual([]);
    expect(agree).toBeGreaterThanOrEqual(AGREEMENT_FLOOR);
  });

  test('objects kube-linter passes on the overlapping port and PDB checks pass ours too', () => {
    // GIVEN the fixtures' "dont-fire" objects for checks where we are not stricter by design
    const exact = ['pdb-max-unavailable.yaml', 'pdb-min-available.yaml', 'pdb-unhealthy-pod-eviction-policy.yaml', 'env-var-secret.yml', 'dangling-service.yml'];
    // THEN none of them is flagged by the overlapping rule
    const extra = results.filter(r => exact.includes(r.check.file) && !r.peer && r.ours).map(r => r.id);
    expect(extra).toEqual([]);
  });
});
