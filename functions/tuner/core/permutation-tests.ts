// The decision's tests of two powers' per-invocation values (or two targets' at one power). The values are in
// payload-sequence order: the i-th invocation of every power got the i-th payload, in the same round. Paired,
// the test takes out what a pair shares, which payload it was (a weighted mix of GETs, PUTs and scans varies
// far more than the memory does) and roughly the moment; so it is paired once the pairs can resolve a
// difference, and two-sample below that (a small num, where sign flips of a few pairs cannot reach 95 %).
import { seededRandom } from "./stats.js";

/** Relabelings or sign flips per test: the p-value's Monte Carlo error near 0.05 is then about ±0.005. */
export const PERMUTATIONS = 2000;

/**
 * The paired test is used when its smallest possible p-value (every kept difference of one sign) is at most
 * this: a tenth of 0.05, so that pairing never costs the test the power to resolve.
 */
export const PAIRED_SMALLEST_P = 0.005;

// Costs are sums of float products; treat values within a relative 1e-9 as equal so ties are real ties.
export function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** `value / error`, or, when the error is 0 (every value alike), 0 for no difference and ±∞ for one. */
function studentized(value: number, error: number, noDifference: boolean): number {
  if (error > 0) return value / error;
  if (noDifference) return 0;
  return value > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

/**
 * (count + 1) / (permutations + 1), counting the draws whose |statistic| reaches the observed |statistic|.
 * Float sums in another order may differ in the last bits: those count as reaching it.
 */
function permutationPValue(observed: number, permutations: number, draw: () => number): number {
  let asExtreme = 0;
  for (let r = 0; r < permutations; r++) {
    const statistic = Math.abs(draw());
    if (statistic >= observed || (Number.isFinite(observed) && nearlyEqual(statistic, observed))) asExtreme++;
  }
  return (asExtreme + 1) / (permutations + 1);
}

/** Running sums of one group's values met in ascending order, for its trimmed mean and winsorized variance. */
interface GroupSums {
  seen: number;
  sum: number;
  squares: number;
  low: number;
  high: number;
}

const LABEL_A = 0;
const LABEL_B = 1;

/**
 * Yuen's statistic: the difference of the trimmed means over the standard error of that difference, each
 * group's error from its winsorized variance. `sorted` is the pooled values ascending, `labels` says which
 * group each belongs to; one pass, no sorting.
 */
function yuenStatistic(
  sorted: Float64Array,
  labels: Uint8Array,
  n: readonly [number, number],
  drop: readonly [number, number],
): number {
  const groups: [GroupSums, GroupSums] = [
    { seen: 0, sum: 0, squares: 0, low: 0, high: 0 },
    { seen: 0, sum: 0, squares: 0, low: 0, high: 0 },
  ];
  for (let i = 0; i < sorted.length; i++) {
    const label = labels[i] as 0 | 1;
    const group = groups[label];
    const rank = group.seen++;
    const value = sorted[i] as number;
    const k = drop[label];
    if (rank === k) group.low = value;
    if (rank === n[label] - k - 1) group.high = value;
    if (rank >= k && rank < n[label] - k) {
      group.sum += value;
      group.squares += value * value;
    }
  }
  const part = (label: 0 | 1) => {
    const g = groups[label];
    const size = n[label];
    const k = drop[label];
    const kept = size - 2 * k;
    const winsorizedSum = g.sum + k * (g.low + g.high);
    const winsorizedSquares = g.squares + k * (g.low * g.low + g.high * g.high);
    const variance = Math.max(0, (winsorizedSquares - (winsorizedSum * winsorizedSum) / size) / (size - 1));
    return { mean: g.sum / kept, error: ((size - 1) * variance) / (kept * (kept - 1)) };
  };
  const a = part(LABEL_A);
  const b = part(LABEL_B);
  const difference = a.mean - b.mean;
  return studentized(difference, Math.sqrt(a.error + b.error), nearlyEqual(a.mean, b.mean));
}

/**
 * Two-sided permutation test of the difference between the trimmed means of `a` and `b`, studentized (Yuen):
 * the share of random relabelings of the pooled values whose |statistic| reaches the observed one.
 * Returns 1 when a group keeps fewer than 2 values after trimming, since nothing can then be resolved.
 */
export function trimmedMeanPermutationTest(
  a: readonly number[],
  b: readonly number[],
  discardTopBottom: number,
  seed = 42,
  permutations = PERMUTATIONS,
): number {
  const n: [number, number] = [a.length, b.length];
  const drop: [number, number] = [Math.floor(n[0] * discardTopBottom), Math.floor(n[1] * discardTopBottom)];
  if (n[0] - 2 * drop[0] < 2 || n[1] - 2 * drop[1] < 2) return 1;
  const pooled = [
    ...a.map((value) => ({ value, label: LABEL_A })),
    ...b.map((value) => ({ value, label: LABEL_B })),
  ].sort((x, y) => x.value - y.value || x.label - y.label);
  // Centred on the pooled median: sums of squares of values like 2e-7 USD ± 1e-9 keep their precision.
  const centre = pooled[Math.floor(pooled.length / 2)]?.value ?? 0;
  const sorted = Float64Array.from(pooled, (p) => p.value - centre);
  const observed = Math.abs(
    yuenStatistic(
      sorted,
      Uint8Array.from(pooled, (p) => p.label),
      n,
      drop,
    ),
  );
  // Relabelings start from a fixed arrangement, so they depend only on the sorted values, not input order.
  const labels = new Uint8Array(sorted.length).fill(LABEL_B, n[0]);
  const random = seededRandom(seed);
  return permutationPValue(observed, permutations, () => {
    for (let i = labels.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = labels[i] as number;
      labels[i] = labels[j] as number;
      labels[j] = swap;
    }
    return yuenStatistic(sorted, labels, n, drop);
  });
}

/**
 * The one-sample Yuen (Tukey–McLaughlin) statistic of `sorted` (ascending): their trimmed mean over its
 * standard error from the winsorized variance.
 */
function trimmedMeanStatistic(values: Float64Array, drop: number): number {
  const n = values.length;
  const kept = n - 2 * drop;
  const low = values[drop] as number;
  const high = values[n - drop - 1] as number;
  let sum = 0;
  let squares = 0;
  for (let i = drop; i < n - drop; i++) {
    const v = values[i] as number;
    sum += v;
    squares += v * v;
  }
  const mean = sum / kept;
  const winsorizedSum = sum + drop * (low + high);
  const winsorizedSquares = squares + drop * (low * low + high * high);
  const variance = Math.max(0, (winsorizedSquares - (winsorizedSum * winsorizedSum) / n) / (n - 1));
  return studentized(mean, Math.sqrt(variance) / ((kept / n) * Math.sqrt(n)), mean === 0);
}

/**
 * Two-sided paired permutation test of a − b: the pairs are a[i] and b[i] for every i both have; under "no
 * difference" each pair's difference is as likely to have either sign, so the p-value is the share of random
 * sign flips whose |statistic| reaches the observed one. Returns 1 when fewer than two pairs remain after
 * trimming, since nothing can then be resolved. The differences are put in ascending order before the seeded
 * flips, so reordering the pairs (the invocations) changes nothing.
 */
export function pairedPermutationTest(
  a: readonly number[],
  b: readonly number[],
  discardTopBottom: number,
  seed = 42,
  permutations = PERMUTATIONS,
): number {
  const n = Math.min(a.length, b.length);
  const drop = Math.floor(n * discardTopBottom);
  if (n - 2 * drop < 2) return 1;
  const differences = Float64Array.from({ length: n }, (_, i) => (a[i] as number) - (b[i] as number)).sort();
  const observed = Math.abs(trimmedMeanStatistic(differences, drop));
  // A flip changes signs, never magnitudes: with the differences ordered by magnitude once, each flipped
  // sample comes out sorted in one pass (the negatives by falling magnitude, then the rest by rising), the
  // same array a sort would give, at O(n) per flip instead of O(n log n).
  const byMagnitude = Uint32Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => Math.abs(differences[i] as number) - Math.abs(differences[j] as number),
  );
  const random = seededRandom(seed);
  const signed = new Float64Array(n);
  const flipped = new Float64Array(n);
  const isNegative = (v: number) => v < 0 || Object.is(v, -0);
  return permutationPValue(observed, permutations, () => {
    for (let i = 0; i < n; i++) {
      const d = differences[i] as number;
      signed[i] = random() < 0.5 ? -d : d;
    }
    let k = 0;
    for (let m = n - 1; m >= 0; m--) {
      const v = signed[byMagnitude[m] as number] as number;
      if (isNegative(v)) flipped[k++] = v;
    }
    for (let m = 0; m < n; m++) {
      const v = signed[byMagnitude[m] as number] as number;
      if (!isNegative(v)) flipped[k++] = v;
    }
    return trimmedMeanStatistic(flipped, drop);
  });
}

/**
 * The smallest p-value a paired sign-flip test of n pairs, `drop` trimmed from each end, can give: the share of
 * flips that leave every kept difference with one sign, 2 · Σ_{j ≤ drop} C(n, j) / 2ⁿ.
 */
export function smallestPairedPValue(n: number, drop: number): number {
  let term = 2 ** -n; // C(n, 0) / 2ⁿ
  let sum = term;
  for (let j = 1; j <= drop; j++) {
    term = (term * (n - j + 1)) / j;
    sum += term;
  }
  return Math.min(1, 2 * sum);
}

/** Whether `permutationTest` pairs n pairs under this trimming. */
export function isPaired(n: number, discardTopBottom: number): boolean {
  return smallestPairedPValue(n, Math.floor(n * discardTopBottom)) <= PAIRED_SMALLEST_P;
}

/**
 * Two-sided p-value of the difference between the trimmed means of `a` and `b`: paired (their common length in
 * pairs) when the pairs can resolve, else two-sample. Seeded; reordering the invocations (the pairs together)
 * changes nothing.
 */
export function permutationTest(
  a: readonly number[],
  b: readonly number[],
  discardTopBottom: number,
  seed = 42,
  permutations = PERMUTATIONS,
): number {
  return isPaired(Math.min(a.length, b.length), discardTopBottom)
    ? pairedPermutationTest(a, b, discardTopBottom, seed, permutations)
    : trimmedMeanPermutationTest(a, b, discardTopBottom, seed, permutations);
}
