/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: a small, fast PRNG; the same seed gives the same sequence. Without a seed, Math.random. */
export function createRandom(seed?: number): Random {
  if (seed === undefined) return Math.random;
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Uniform between half and one and a half times the mean (0 when the mean is 0). */
export function aroundMean(random: Random, mean: number): number {
  return mean * (0.5 + random());
}

/** Picks a key with probability proportional to its weight. */
export function pickWeighted<K extends string>(random: Random, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  let last: K | undefined;
  for (const [key, w] of entries) {
    if (w <= 0) continue;
    last = key;
    if (r < w) return key;
    r -= w;
  }
  if (last === undefined) throw new Error('pickWeighted needs at least one positive weight');
  return last;
}
