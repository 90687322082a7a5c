import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/** One JSON Patch (RFC 6902) operation of a `RenderedPatch`. */
export interface RenderedPatchOperation {
  readonly op: 'add' | 'replace' | 'remove';
  /** A JSON pointer into the rendered object (`/spec/trafficDistribution`). */
  readonly path: string;
  readonly value?: unknown;
}

const PATCHES = new WeakMap<ApiObject, RenderedPatchOperation[]>();

/**
 * JSON patches applied to an object's final rendered JSON, after cdk8s-plus
 * has converted its props. The constructs are built on cdk8s-plus-28, whose
 * typed props drop fields that newer Kubernetes versions added (a cdk8s
 * `addJsonPatch` on a cdk8s-plus object is applied before that conversion, so
 * such a field silently disappears). A rendered patch is applied last, so
 * the field reaches the YAML; validate it against the cluster's version
 * (`kubernetesVersion` of the gate, `validate --kubernetes-version`).
 *
 * ```ts
 * RenderedPatch.of(web.service).add('/spec/trafficDistribution', 'PreferClose'); // Kubernetes 1.31+
 * ```
 */
export class RenderedPatch {
  /** The rendered patches of `scope`: an `ApiObject`, or a construct whose default child is one (a cdk8s-plus resource). */
  public static of(scope: IConstruct): RenderedPatch {
    return new RenderedPatch(ApiObject.of(scope));
  }

  /** The patches recorded for `obj`, in the order they were added (for the renderer). */
  public static patchesOf(obj: ApiObject): readonly RenderedPatchOperation[] {
    return PATCHES.get(obj) ?? [];
  }

  private constructor(private readonly obj: ApiObject) {}

  /** Adds (or, inside an array, inserts) `value` at the JSON pointer `path`. */
  public add(path: string, value: unknown): this {
    return this.push({ op: 'add', path, value });
  }

  /** Replaces the value at `path`, which must exist. */
  public replace(path: string, value: unknown): this {
    return this.push({ op: 'replace', path, value });
  }

  /** Removes the value at `path`, which must exist. */
  public remove(path: string): this {
    return this.push({ op: 'remove', path });
  }

  private push(patch: RenderedPatchOperation): this {
    const list = PATCHES.get(this.obj) ?? [];
    list.push(patch);
    PATCHES.set(this.obj, list);
    return this;
  }
}
