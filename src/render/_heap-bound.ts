import * as v8 from 'v8';
import * as vm from 'vm';

let collect: (() => void) | null | undefined;

/**
 * V8's full collection, as `--expose-gc` gives it (exposed for the one
 * lookup and hidden again, as Jest's leak detector does), or `null` where
 * the flags cannot be set.
 */
function fullCollection(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    const exposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
    if (!exposed) v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    if (!exposed) v8.setFlagsFromString('--no-expose-gc');
    collect = typeof gc === 'function' ? gc : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Options of `HeapBound`. */
export interface HeapBoundOptions {
  /** Steps between two looks at the heap (a look costs a few microseconds). */
  readonly every: number;
  /** Heap growth (bytes) since the last collection that has the next look collect. */
  readonly growth: number;
  /** Heap size (bytes) under which nothing is collected (a small app's heap is left to V8). */
  readonly floor: number;
}

/**
 * Keeps a long loop's heap near its live size. A render builds and drops
 * each chart's objects; V8 moves many of them to the old generation (their
 * allocation sites also made the tree's long-lived objects) and lets that
 * generation grow to several times the live heap before a full collection,
 * so a render of thousands of apps would peak at hundreds of MiB of garbage
 * (and so would the gate's worker thread, checking what it is handed).
 * Every `every` steps, if the heap holds more than `floor` and has grown by
 * `growth` since the last collection, this collects (≈ 100 ms each time
 * with 150 MB live; an app of a thousand apps stays under the floor and
 * never pays).
 */
export class HeapBound {
  private steps = 0;
  private base = v8.getHeapStatistics().used_heap_size;

  constructor(private readonly options: HeapBoundOptions) {}

  /**
   * Called before each step (e.g. a chart to render) with its weight (e.g.
   * its objects). A step that weighs `every` or more is looked before with a
   * quarter of the growth: what it allocates adds to the garbage already there.
   */
  public tick(weight = 1): void {
    this.steps += weight;
    if (this.steps < this.options.every) return;
    this.steps = 0;
    const used = v8.getHeapStatistics().used_heap_size;
    if (used < this.options.floor) return;
    if (used - this.base < (weight >= this.options.every ? this.options.growth / 4 : this.options.growth)) return;
    const gc = fullCollection();
    if (!gc) return;
    gc();
    this.base = v8.getHeapStatistics().used_heap_size;
  }
}
