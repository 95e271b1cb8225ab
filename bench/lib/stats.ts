/** Small statistics over latency samples (milliseconds). */

/** Nearest-rank percentile of an ascending-sorted array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface LatencySummary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Summarises the first `n` samples (sorted in place). */
export function summarise(samples: Float64Array, n: number): LatencySummary {
  const s = samples.subarray(0, n).sort();
  let sum = 0;
  for (const v of s) sum += v;
  return {
    n,
    mean: n > 0 ? sum / n : Number.NaN,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: n > 0 ? s[n - 1]! : Number.NaN,
  };
}
