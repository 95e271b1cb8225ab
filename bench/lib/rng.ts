/**
 * Seeded pseudo-random numbers, so every run sends the same data and the same requests.
 * mulberry32 for the stream; `rngFor(seed, ...keys)` derives an independent stream per key
 * (entity index, request sequence number), so the value of request n does not depend on which
 * connection happened to send it.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Normal with the given mean and standard deviation (Box–Muller). */
  gauss(mean: number, sd: number): number;
}

/** Mixes 32-bit integers into one seed (a murmur3-style finaliser per key). */
function mix(seed: number, keys: readonly number[]): number {
  let h = seed >>> 0;
  for (const k of keys) {
    h = Math.imul(h ^ (k >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + next() * (hi - lo),
    gauss: (mean, sd) => {
      const u = 1 - next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/** An independent stream for (seed, keys…). */
export function rngFor(seed: number, ...keys: number[]): Rng {
  return mulberry32(mix(seed, keys));
}
