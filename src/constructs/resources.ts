import { Problem } from '../errors';

/** CPU and memory requests and limits of a container (Kubernetes quantities). */
export interface ResourceRequirements {
  /**
   * CPU request, e.g. `100m` or `0.5`.
   *
   * @default '100m'
   */
  readonly cpuRequest?: string;
  /**
   * CPU limit.
   *
   * @default '500m'
   */
  readonly cpuLimit?: string;
  /**
   * Memory request, e.g. `128Mi`.
   *
   * @default '128Mi'
   */
  readonly memoryRequest?: string;
  /**
   * Memory limit.
   *
   * @default '256Mi'
   */
  readonly memoryLimit?: string;
}

/** The defaults: small, bounded, always set (requests and limits). */
export const DEFAULT_RESOURCES: Required<ResourceRequirements> = {
  cpuRequest: '100m',
  cpuLimit: '500m',
  memoryRequest: '128Mi',
  memoryLimit: '256Mi',
};

const CPU = /^(\d+m|\d+(\.\d{1,3})?)$/;
const MEMORY = /^[1-9]\d*(Ki|Mi|Gi|Ti)$/;

/** Merges layers of resource settings (later wins) over the defaults and checks them. */
export function resolveResources(path: string, field: string, ...layers: (ResourceRequirements | undefined)[]): {
  resources: Required<ResourceRequirements>;
  problems: Problem[];
} {
  const resources = { ...DEFAULT_RESOURCES };
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer ?? {})) {
      if (v !== undefined) (resources as Record<string, unknown>)[k] = v;
    }
  }
  const problems: Problem[] = [];
  for (const key of ['cpuRequest', 'cpuLimit'] as const) {
    const v = resources[key] as unknown;
    if (typeof v !== 'string' || !CPU.test(v)) {
      problems.push({ path, field: `${field}.${key}`, message: 'must be a CPU quantity such as "250m" or "0.5"', value: v });
    }
  }
  for (const key of ['memoryRequest', 'memoryLimit'] as const) {
    const v = resources[key] as unknown;
    if (typeof v !== 'string' || !MEMORY.test(v)) {
      problems.push({ path, field: `${field}.${key}`, message: 'must be a memory quantity in Ki, Mi, Gi or Ti, such as "128Mi" or "1Gi"', value: v });
    }
  }
  if (!problems.length) {
    if (cpuMillis(resources.cpuRequest) > cpuMillis(resources.cpuLimit)) {
      problems.push({ path, field: `${field}.cpuRequest`, message: `must not exceed the CPU limit ${resources.cpuLimit}`, value: resources.cpuRequest });
    }
    if (memoryBytes(resources.memoryRequest) > memoryBytes(resources.memoryLimit)) {
      problems.push({ path, field: `${field}.memoryRequest`, message: `must not exceed the memory limit ${resources.memoryLimit}`, value: resources.memoryRequest });
    }
  }
  return { resources, problems };
}

function cpuMillis(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

const UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

function memoryBytes(q: string): number {
  const m = /^(\d+)(\D*)$/.exec(q)!;
  return Number(m[1]) * UNITS[m[2]];
}
