/**
 * A deterministic pseudo-random generator (a linear congruential one): the
 * same `seed` gives the same sequence on every run, so generated test inputs
 * are the same everywhere. Returns a function giving an integer in [0, n).
 */
export function seededRandom(seed: number): (n: number) => number {
  let x = seed;
  return n => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}
