import * as v8 from 'v8';
import { HeapBound } from '../../src/render/_heap-bound';

const MiB = 2 ** 20;
const used = () => v8.getHeapStatistics().used_heap_size;

/** 32 MiB in V8's large-object space, dropped at once: only a full collection frees it. */
function dropLargeGarbage(): void {
  let big: number[] | undefined = new Array(4_000_000).fill(1.5);
  expect(big.length).toBe(4_000_000);
  big = undefined;
}

/** A full collection: a bound asking no growth collects at every look. */
const collect = () => new HeapBound({ every: 1, growth: 0, floor: 0 }).tick();

describe('HeapBound', () => {
  beforeEach(collect);

  test('GIVEN a heap grown by more than the growth WHEN the look comes THEN it collects the garbage', () => {
    // GIVEN
    const bound = new HeapBound({ every: 2, growth: 16 * MiB, floor: 0 });
    dropLargeGarbage();
    const before = used();
    // WHEN
    bound.tick();
    bound.tick();
    // THEN
    expect(used()).toBeLessThan(before - 24 * MiB);
  });

  test('GIVEN a heap under the floor WHEN the look comes THEN nothing is collected', () => {
    // GIVEN
    const bound = new HeapBound({ every: 1, growth: 16 * MiB, floor: 64 * 1024 * MiB });
    dropLargeGarbage();
    const before = used();
    // WHEN
    bound.tick();
    // THEN
    expect(used()).toBeGreaterThan(before - 24 * MiB);
  });

  test('GIVEN less growth than asked WHEN a light step looks THEN nothing is collected, but a heavy step collects at a quarter of it', () => {
    // GIVEN
    const bound = new HeapBound({ every: 4, growth: 96 * MiB, floor: 0 });
    dropLargeGarbage();
    const before = used();
    // WHEN a light step
    for (let i = 0; i < 4; i++) bound.tick();
    // THEN
    expect(used()).toBeGreaterThan(before - 24 * MiB);
    // WHEN a step weighing `every` (32 MiB of garbage is over a quarter of 96)
    bound.tick(4);
    // THEN
    expect(used()).toBeLessThan(before - 24 * MiB);
  });
});
