// Descriptive statistics for per-invocation measurements. Pure and deterministic (seeded bootstrap).

function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * The original tool's trimming rule: sort, then drop floor(n × discardTopBottom) values from each end and
 * average the rest. With discardTopBottom ≤ 0.4 at least one value always remains.
 */
export function trimmedMean(values: readonly number[], discardTopBottom: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = sortedCopy(values);
  const drop = Math.floor(sorted.length * discardTopBottom);
  return mean(sorted.slice(drop, sorted.length - drop));
}

/** Nearest-rank percentile (p in 0–100): the smallest value with at least p % of values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = sortedCopy(values);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function standardDeviation(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  if (values.length === 1) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

/** mulberry32: a tiny seeded PRNG, so confidence intervals are reproducible run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ConfidenceInterval {
  low: number;
  high: number;
}

/**
 * Percentile-bootstrap 95 % confidence interval of the trimmed mean (the point estimate the tuner reports):
 * resample with replacement `resamples` times, trim each resample like `trimmedMean`, take the 2.5th and
 * 97.5th percentiles. With discardTopBottom 0 it is the interval of the plain mean.
 */
export function bootstrapTrimmedMeanCi(
  values: readonly number[],
  discardTopBottom: number,
  seed = 42,
  resamples = 1000,
): ConfidenceInterval {
  if (values.length === 0) return { low: Number.NaN, high: Number.NaN };
  const sorted = sortedCopy(values);
  const n = sorted.length;
  const drop = Math.floor(n * discardTopBottom);
  const kept = n - 2 * drop;
  const random = seededRandom(seed);
  const counts = new Uint32Array(n);
  const means = new Array<number>(resamples);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const drawn = Math.floor(random() * n);
      counts[drawn] = (counts[drawn] ?? 0) + 1;
    }
    // Drawing indices into the sorted values makes each resample sorted already: walk it in order and keep
    // the draws ranked drop … n − drop − 1, in O(n) instead of a sort per resample.
    let seen = 0;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const count = counts[j] as number;
      if (count === 0) continue;
      const from = Math.max(seen, drop);
      const to = Math.min(seen + count, n - drop);
      if (to > from) sum += (to - from) * (sorted[j] as number);
      seen += count;
    }
    means[r] = sum / kept;
  }
  means.sort((a, b) => a - b);
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))] as number;
  return { low: at(0.025), high: at(0.975) };
}
