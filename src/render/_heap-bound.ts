import * as v8 from 'v8';
import * as vm from 'vm';

/** Charts between two looks at the heap (a look costs a few microseconds). */
const EVERY = 128;

/** Heap growth (bytes) since the last collection that has the render collect its garbage. */
const GROWTH = 64 * 2 ** 20;

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

/**
 * Keeps a long render's heap near its live size. A render builds and drops
 * each chart's objects; V8 moves many of them to the old generation (its
 * allocation sites also made the tree's long-lived objects) and lets that
 * generation grow to several times the live heap before a full collection,
 * so a render of thousands of apps would peak at hundreds of MiB of garbage.
 * Every `EVERY` charts, if the heap has grown by `GROWTH` since the last
 * collection, this collects (tens of milliseconds each time; an app of a
 * few hundred apps never grows that much, so it never pays).
 */
export class HeapBound {
  private charts = 0;
  private base = v8.getHeapStatistics().used_heap_size;

  /** Called once per rendered chart. */
  public tick(): void {
    if (++this.charts % EVERY !== 0) return;
    const used = v8.getHeapStatistics().used_heap_size;
    if (used - this.base < GROWTH) return;
    const gc = fullCollection();
    if (!gc) return;
    gc();
    this.base = v8.getHeapStatistics().used_heap_size;
  }
}
