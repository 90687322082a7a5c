import { createHash } from 'crypto';
import * as fs from 'fs';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { envFromAll, envFromKey, mountAll, volumeName } from './_consume';
import { DeferredObject, DeferredParts } from './_deferred';
import { checkSubdomain } from './_hosts';
import { AppChart } from './app-chart';
import { addProblemValidation } from './problem-validation';
import { appObjectLabels } from './targets';
import { Workload } from './workload';
import { Problem } from '../errors';

/** Argo CD sync option that deletes an object only after the rest of the sync is applied and healthy. */
export const PRUNE_LAST = 'PruneLast=true';

/** Props of `HashedConfigMap`. */
export interface HashedConfigMapProps {
  /**
   * Name before the hash suffix (`<name>-<hash>`).
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Keys and their literal values.
   *
   * @default - none
   */
  readonly data?: Record<string, string>;
  /**
   * Keys and the local files (read at construction) that become their values.
   *
   * @default - none
   */
  readonly files?: Record<string, string>;
}

const KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * The name suffix kustomize's `configMapGenerator` gives a ConfigMap with
 * `data`: the first 10 hex digits of the SHA-256 of
 * `{"data":…,"kind":"ConfigMap","name":""}` (Go `json.Marshal`; kustomize 5
 * hashes the generated object before it is named), with 0, 1, 3, a, e
 * mapped to g, h, k, m, t. Tested against `kubectl kustomize`.
 */
export function kustomizeConfigMapHash(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const json = goJson({ data: sorted, kind: 'ConfigMap', name: '' });
  const hex = createHash('sha256').update(json, 'utf8').digest('hex').slice(0, 10);
  return hex.replace(/[013ae]/g, c => ({ 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' } as Record<string, string>)[c]);
}

/** JSON as Go's `encoding/json` writes it (HTML characters and U+2028/9 escaped). */
function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[<>&\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\\b/g, '\\u0008').replace(/\\f/g, '\\u000c');
}

/**
 * A ConfigMap from literals and files whose name ends in a hash of its
 * content (as kustomize's generator): a change renames it, which changes
 * the pod template of every workload that uses it, so the pods roll. The
 * old ConfigMap carries `argocd.argoproj.io/sync-options: PruneLast=true`:
 * Argo CD deletes it only after the rest of the sync (the new pods) is
 * healthy. Consume it with `envFrom`, `env` or `mount` (one call each).
 */
export class HashedConfigMap extends Construct {
  /** The ConfigMap (built on first use or at render, as a workload's objects: see `Workload`). */
  public get configMap(): kplus.k8s.KubeConfigMap {
    this.parts.ensure();
    return this._configMap!;
  }

  private _configMap?: kplus.k8s.KubeConfigMap;
  private readonly parts: DeferredParts;
  /** The rendered name, `<name>-<hash>`. */
  public readonly name: string;
  /** The keys and values (files already read). */
  public readonly data: Readonly<Record<string, string>>;

  private readonly baseName: string;

  constructor(scope: Construct, id: string, props: HashedConfigMapProps = {}) {
    super(scope, id);
    const where = this.node.path;
    const chart = AppChart.of(this);
    this.baseName = props.name ?? id;
    const problems: Problem[] = [];
    const push = (p: Problem | undefined) => p && problems.push(p);
    push(checkSubdomain(where, 'name', this.baseName));
    if (typeof this.baseName === 'string' && this.baseName.length > 242) {
      problems.push({ path: where, field: 'name', message: 'must be at most 242 characters (the hash suffix adds 11)', value: this.baseName });
    }
    const data: Record<string, string> = {};
    const add = (field: string, key: string, value: unknown) => {
      if (!KEY.test(key) || key === '.' || key === '..' || key.length > 253) {
        problems.push({ path: where, field: `${field}.${key}`, message: 'is not a valid ConfigMap key: a file name of letters, digits, "-", "_" and "." (not "." or "..", at most 253)', value: key });
      }
      if (key in data) problems.push({ path: where, field: `${field}.${key}`, message: 'is given both as a literal and as a file', value: key });
      if (typeof value !== 'string') problems.push({ path: where, field: `${field}.${key}`, message: `must be a string (quote it: "${String(value)}")`, value });
      data[key] = String(value);
    };
    for (const [k, v] of Object.entries(props.data ?? {})) add('data', k, v);
    for (const [k, file] of Object.entries(props.files ?? {})) {
      let text: string | undefined;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        problems.push({ path: where, field: `files.${k}`, message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, value: file });
      }
      if (text !== undefined) add('files', k, text);
    }
    if (Object.keys(data).length === 0) problems.push({ path: where, field: 'data', message: 'and files are both empty: a ConfigMap needs at least one key' });
    addProblemValidation(this, () => problems);

    this.data = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
    this.name = `${this.baseName}-${kustomizeConfigMapHash(this.data)}`;
    const labels = appObjectLabels(chart);
    this.parts = new DeferredParts(this);
    this.parts.add(() => {
      this._configMap = new kplus.k8s.KubeConfigMap(this, 'Resource', {
        metadata: {
          name: this.name,
          labels,
          // Pods of the previous rollout still mount the old ConfigMap: delete it
          // only after the new pods are healthy (the end of the sync).
          annotations: { 'argocd.argoproj.io/sync-options': PRUNE_LAST },
        },
        data: { ...this.data },
      });
    });
  }

  /** @internal */
  public _releaseParts(): void {
    this._configMap = undefined;
  }

  /** @internal */
  public _renderedObjects(): DeferredObject[] {
    return [{ path: `${this.node.path}/Resource`, apiVersion: 'v1', kind: 'ConfigMap', name: this.name, namespace: AppChart.of(this).namespace }];
  }

  /** Every key as an environment variable of the workload's main container (`envFrom`). */
  public envFrom(workload: Workload): void {
    envFromAll(workload, { kind: 'configMap', name: this.name });
  }

  /** One key as the environment variable `variable` of the workload's main container. */
  public env(workload: Workload, variable: string, key: string): void {
    if (!(key in this.data)) {
      addProblemValidation(this, () => [{ path: this.node.path, field: 'key', message: `is not a key of the ConfigMap (it has ${Object.keys(this.data).join(', ') || 'none'})`, value: key }]);
    }
    envFromKey(workload, { kind: 'configMap', name: this.name }, variable, key);
  }

  /** Every key as a read-only file under `path` in the workload's main container. */
  public mount(workload: Workload, path: string): void {
    // The volume keeps its name across content changes (only the ConfigMap's name changes).
    mountAll(workload, { kind: 'configMap', name: this.name }, path, volumeName('config', this.baseName));
  }
}
