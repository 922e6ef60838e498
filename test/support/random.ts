/** Deterministic pseudo-random numbers in [0, 1), so that a failing randomized test can be replayed from its seed. */
export function seededRandom(seed: number): { next(): number; pick<T>(values: readonly T[]): T } {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  return { next, pick: (values) => values[Math.floor(next() * values.length)]! };
}
