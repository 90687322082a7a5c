import { IConstruct, Node } from 'constructs';

const DEFERRED = Symbol.for('cdk8s-gitops.deferredParts');

/** An object a construct's deferred parts will render, as the checks before the render need to know it. */
export interface DeferredObject {
  /** Construct path of the ApiObject the build will add. */
  readonly path: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** `metadata.namespace` (the chart's namespace, as cdk8s sets it). */
  readonly namespace?: string;
}

/**
 * Child constructs that are built only when something looks at them.
 *
 * A workload keeps its props and checks in the tree and builds its
 * cdk8s-plus objects (a Deployment is a dozen constructs and ≈ 10 KB of
 * heap) on first look: any walk through the construct API
 * (`node.children`, so `node.findAll()`, `Chart.toJson()` and
 * `Testing.synth()`; `node.tryFindChild`, so `node.defaultChild` and
 * `ApiObject.of`; `node.tryRemoveChild`) or an accessor of the owner builds
 * them for good. The renderer alone builds them for one chart at a time
 * (`buildForRender`) and drops them after (`release`), so a tree of
 * thousands of apps never holds every app's objects at once. What the build
 * runs must depend only on the owner's state, so every build renders the same.
 */
export class DeferredParts {
  /** The deferred parts of `c`, if it has any. */
  public static of(c: IConstruct): DeferredParts | undefined {
    return (c as { [DEFERRED]?: DeferredParts })[DEFERRED];
  }

  private state: 'pending' | 'building' | 'transient' | 'built' = 'pending';
  private ids: string[] = [];
  private readonly builds: (() => void)[] = [];

  /**
   * @param host the construct the parts are children of
   * @param release forgets the host's references to the parts (after a render's build)
   * @param objects the ApiObjects the build adds, known without building
   */
  constructor(
    private readonly host: IConstruct,
    private readonly release_: () => void,
    private readonly objects: () => DeferredObject[],
  ) {
    Object.defineProperty(host, DEFERRED, { value: this });
    const node = host.node;
    const proto = Object.getPrototypeOf(node) as Node;
    Object.defineProperty(node, 'children', {
      configurable: true,
      get: () => {
        this.ensure();
        return Reflect.get(proto, 'children', node);
      },
    });
    node.tryFindChild = id => {
      this.ensure();
      return proto.tryFindChild.call(node, id);
    };
    node.tryRemoveChild = id => {
      this.ensure();
      return proto.tryRemoveChild.call(node, id);
    };
  }

  /** Adds a step to the build (steps run in the order added). */
  public add(build: () => void): void {
    if (this.state !== 'pending') throw new Error(`${this.host.node.path}: parts added after they were built`);
    this.builds.push(build);
  }

  /** True while the parts are not built (neither for good nor for a render). */
  public get pending(): boolean {
    return this.state === 'pending';
  }

  /** Builds the parts for good, unless they are (a render's build then stays). */
  public ensure(): void {
    if (this.state === 'pending') this.build();
    if (this.state === 'transient') this.state = 'built';
  }

  /** Builds the parts for a render: true if it did, and `release` must drop them after. */
  public buildForRender(): boolean {
    if (this.state !== 'pending') return false;
    this.build();
    this.state = 'transient';
    return true;
  }

  /** Drops the parts a `buildForRender` built (not if something looked at them since). */
  public release(): void {
    if (this.state !== 'transient') return;
    const proto = Object.getPrototypeOf(this.host.node) as Node;
    for (const id of this.ids) proto.tryRemoveChild.call(this.host.node, id);
    this.ids = [];
    this.release_();
    this.state = 'pending';
  }

  /** The ApiObjects the parts render (built or not). */
  public renderedObjects(): DeferredObject[] {
    return this.objects();
  }

  private build(): void {
    this.state = 'building';
    const before = new Set(rawChildren(this.host).map(c => c.node.id));
    try {
      for (const step of this.builds) step();
    } finally {
      this.ids = rawChildren(this.host).map(c => c.node.id).filter(id => !before.has(id));
      this.state = 'built';
    }
  }
}

/** The children of `c`, without building deferred parts (those not built are not listed). */
export function rawChildren(c: IConstruct): IConstruct[] {
  const node = c.node;
  return DEFERRED in c ? Reflect.get(Object.getPrototypeOf(node), 'children', node) : node.children;
}

/**
 * Every construct under `root` (itself first), in `node.findAll()`'s
 * pre-order, without building deferred parts: the library's own walks
 * (validations, the Argo CD wiring) use it so they do not build every app's
 * objects at once.
 */
export function walkTree(root: IConstruct): IConstruct[] {
  const out: IConstruct[] = [];
  const visit = (c: IConstruct) => {
    out.push(c);
    for (const child of rawChildren(c)) visit(child);
  };
  visit(root);
  return out;
}
