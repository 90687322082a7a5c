import { IConstruct, Node } from 'constructs';

const DEFERRED = Symbol.for('cdk8s-gitops.deferredParts');

/** What a construct with deferred parts does for them. */
export interface DeferredHost extends IConstruct {
  /** Forgets the host's references to the parts (after a render's build). */
  _releaseParts(): void;
  /** The ApiObjects the build adds, known without building. */
  _renderedObjects(): DeferredObject[];
}

type DeferredNode = Node & { [DEFERRED]?: DeferredParts };

/**
 * Per prototype of `Node` (one per copy of `constructs` loaded), the
 * prototype a host's node gets: `children`, `tryFindChild` and
 * `tryRemoveChild` build the parts first. One shared prototype, not
 * functions on each node, keeps the nodes small and their shape shared.
 */
const NODE_PROTOTYPES = new Map<object, object>();

function deferredNodePrototype(proto: Node): object {
  let derived = NODE_PROTOTYPES.get(proto);
  if (!derived) {
    const building = (method: 'tryFindChild' | 'tryRemoveChild'): PropertyDescriptor => ({
      configurable: true,
      writable: true,
      value(this: DeferredNode, id: string) {
        this[DEFERRED]?.ensure();
        return (proto[method] as (this: Node, id: string) => unknown).call(this, id);
      },
    });
    derived = Object.create(proto, {
      children: {
        configurable: true,
        get(this: DeferredNode) {
          this[DEFERRED]?.ensure();
          return Reflect.get(proto, 'children', this);
        },
      },
      tryFindChild: building('tryFindChild'),
      tryRemoveChild: building('tryRemoveChild'),
    }) as object;
    NODE_PROTOTYPES.set(proto, derived);
  }
  return derived;
}

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
 * them for good. The renderer builds them all for good before its first
 * chart when the app is small, else for one chart at a time
 * (`buildForRender`) and drops them after (`release`), so a tree of
 * thousands of apps never holds every app's objects at once. What the build
 * runs must depend only on the owner's state, so every build renders the same.
 */
export class DeferredParts {
  /** The deferred parts of `c`, if it has any. */
  public static of(c: IConstruct): DeferredParts | undefined {
    // Looked up on the node (every node has one of two shapes), not on the construct (one shape per class).
    return (c.node as DeferredNode)[DEFERRED];
  }

  /** `transient`: built for a render, dropped after it. */
  private state: 'pending' | 'building' | 'transient' | 'built' = 'pending';
  private ids: string[] = [];
  private readonly builds: (() => void)[] = [];
  /** The prototype the host's node had (its own `children` and friends). */
  private readonly nodePrototype: Node;

  /** @param host the construct the parts are children of */
  constructor(private readonly host: DeferredHost) {
    const node = host.node;
    this.nodePrototype = Object.getPrototypeOf(node) as Node;
    Object.defineProperty(node, DEFERRED, { value: this });
    Object.setPrototypeOf(node, deferredNodePrototype(this.nodePrototype));
  }

  /** The host's children, without building the parts. */
  public rawChildren(): IConstruct[] {
    return Reflect.get(this.nodePrototype, 'children', this.host.node);
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
    if (this.state === 'pending') this.run(this.builds);
    if (this.state !== 'building') this.state = 'built';
  }

  /** Builds the parts for a render, if needed: true if `release` must drop them after. */
  public buildForRender(): boolean {
    if (this.state !== 'pending') return false;
    this.run(this.builds);
    this.state = 'transient';
    return true;
  }

  /** Drops the parts a `buildForRender` built (not if something looked at them since). */
  public release(): void {
    if (this.state !== 'transient') return;
    for (const id of this.ids) this.nodePrototype.tryRemoveChild.call(this.host.node, id);
    this.ids = [];
    this.host._releaseParts();
    this.state = 'pending';
  }

  /** The ApiObjects the parts render (built or not). */
  public renderedObjects(): DeferredObject[] {
    return this.host._renderedObjects();
  }

  /** Runs `steps`, keeping the ids of the children they add. */
  private run(steps: readonly (() => void)[]): void {
    this.state = 'building';
    const before = new Set(this.rawChildren().map(c => c.node.id));
    try {
      for (const step of steps) step();
    } finally {
      this.ids = this.rawChildren().map(c => c.node.id).filter(id => !before.has(id));
      this.state = 'built';
    }
  }
}

/** The children of `c`, without building deferred parts (those not built are not listed). */
export function rawChildren(c: IConstruct): IConstruct[] {
  const node = c.node as DeferredNode;
  const deferred = node[DEFERRED];
  return deferred ? deferred.rawChildren() : node.children;
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
