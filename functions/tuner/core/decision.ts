// The decision rule: which powers the run cannot tell apart from the best, and the one chosen among them.
// Pure and deterministic: the same samples (in any order) and seed give the same answer.
import { seededRandom, trimmedMean } from "./stats.js";

/** A power whose p-value against the best is at or below this is told apart from it (95 %). */
export const EQUIVALENCE_ALPHA = 0.05;

/** Permutations per test: the p-value's Monte Carlo error near 0.05 is then about ±0.005. */
export const PERMUTATIONS = 2000;

/** One power's per-invocation values of the strategy's metric (lower is better). */
export interface MetricSamples {
  power: number;
  values: readonly number[];
}

export interface PowerVerdict {
  power: number;
  /** Trimmed mean of the metric. */
  estimate: number;
  /** Two-sided permutation p-value of the difference from the best; 1 for the best itself. */
  pValue: number;
  /**
   * Told apart from the best, but not shown worse than it by more than the equivalence margin at 95 %: a
   * difference too small to act on, or one the run cannot place beyond the margin.
   */
  withinMargin: boolean;
  /**
   * The p-value that decided exclusion: `pValue` without a margin; with one, that of the test of the difference
   * less the margin (a power is excluded only when it is worse than the best by more than the margin).
   */
  exclusionPValue: number;
  /** Ties with the best: not shown worse than it (by more than the margin, if any) at 95 %. */
  equivalent: boolean;
}

export interface Choice {
  /** The lowest trimmed mean of the metric (ties → the smaller power). */
  bestPower: number;
  /** The least memory among the powers indistinguishable from the best. */
  chosenPower: number;
  /** Every power indistinguishable from the best, ascending; it always holds the best and the chosen. */
  equivalentPowers: number[];
  /** One per power, ascending. */
  verdicts: PowerVerdict[];
  /**
   * The smaller power whose exclusion was weakest: the largest p-value among the powers below the chosen one
   * (each one ≤ EQUIVALENCE_ALPHA, or it would have been chosen). Null when no smaller power was measured.
   */
  weakestExclusion: { power: number; pValue: number } | null;
  /** 1 − weakestExclusion.pValue; 1 when the chosen power is the smallest measured. */
  confidence: number;
}

export interface DecideOptions {
  /** Fraction trimmed from each end, as for the point estimate (discardTopBottom). */
  discardTopBottom: number;
  seed?: number;
  permutations?: number;
  /**
   * A power ties with the best unless the run shows it worse by more than this fraction of the best's
   * estimate (at 95 %): a real but small difference would otherwise be resolved in one run and not in the
   * next, and the choice would flip between them. 0 (the default here) leaves the plain test to decide.
   */
  equivalenceMargin?: number;
}

// Costs are sums of float products; treat values within a relative 1e-9 as equal so ties are real ties.
function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** A seed per pair of powers, independent of the order the samples came in. */
function pairSeed(seed: number, power: number, best: number): number {
  return (Math.imul(seed, 2654435761) + Math.imul(power, 40503) + best) >>> 0;
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
  const error = Math.sqrt(a.error + b.error);
  if (error > 0) return difference / error;
  if (nearlyEqual(a.mean, b.mean)) return 0;
  return difference > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
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
  let asExtreme = 0;
  for (let r = 0; r < permutations; r++) {
    for (let i = labels.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = labels[i] as number;
      labels[i] = labels[j] as number;
      labels[j] = swap;
    }
    const statistic = Math.abs(yuenStatistic(sorted, labels, n, drop));
    // Float sums in another order may differ in the last bits: count those as reaching the observed value.
    if (statistic >= observed || (Number.isFinite(observed) && nearlyEqual(statistic, observed))) asExtreme++;
  }
  return (asExtreme + 1) / (permutations + 1);
}

/**
 * The decision rule, the same for every strategy (its metric is per invocation, lower is better): test each
 * power against the best on that metric; the powers not shown worse than it at 95 % (by more than the
 * equivalence margin, when one is given) tie; the least memory in the tie is chosen (for speed: the least
 * memory among those tied for fastest).
 */
export function decide(samples: readonly MetricSamples[], options: DecideOptions): Choice {
  if (samples.length === 0) throw new RangeError("decide needs the samples of at least one power value");
  const seed = options.seed ?? 42;
  const margin = options.equivalenceMargin ?? 0;
  const ascending = [...samples].sort((x, y) => x.power - y.power);
  const estimates = ascending.map((s) => ({
    power: s.power,
    values: s.values,
    estimate: trimmedMean(s.values, options.discardTopBottom),
  }));
  let best = estimates[0] as (typeof estimates)[number];
  for (const candidate of estimates) {
    if (candidate.estimate < best.estimate && !nearlyEqual(candidate.estimate, best.estimate))
      best = candidate;
  }
  const verdicts: PowerVerdict[] = estimates.map((s) => {
    const pValue =
      s.power === best.power
        ? 1
        : trimmedMeanPermutationTest(
            s.values,
            best.values,
            options.discardTopBottom,
            pairSeed(seed, s.power, best.power),
            options.permutations,
          );
    // Non-inferiority by the margin: the power's values less the margin, tested against the best's. It is
    // excluded only when, so shifted, it is still worse and the test tells them apart; a difference near the
    // margin itself then ties in every run instead of flipping between runs at the margin's edge.
    const allowance = margin * Math.abs(best.estimate);
    const shifted = s.values.map((v) => v - allowance);
    const exclusionPValue =
      s.power === best.power || margin === 0
        ? pValue
        : s.estimate - allowance <= best.estimate
          ? 1
          : trimmedMeanPermutationTest(
              shifted,
              best.values,
              options.discardTopBottom,
              pairSeed(seed, s.power, best.power) ^ 0x5bd1e995,
              options.permutations,
            );
    const equivalent = exclusionPValue > EQUIVALENCE_ALPHA;
    return {
      power: s.power,
      estimate: s.estimate,
      pValue,
      withinMargin: equivalent && pValue <= EQUIVALENCE_ALPHA,
      exclusionPValue,
      equivalent,
    };
  });
  const equivalentPowers = verdicts.filter((v) => v.equivalent).map((v) => v.power);
  const chosenPower = equivalentPowers[0] ?? best.power;
  let weakestExclusion: Choice["weakestExclusion"] = null;
  for (const v of verdicts) {
    if (v.power < chosenPower && (!weakestExclusion || v.exclusionPValue > weakestExclusion.pValue)) {
      weakestExclusion = { power: v.power, pValue: v.exclusionPValue };
    }
  }
  return {
    bestPower: best.power,
    chosenPower,
    equivalentPowers,
    verdicts,
    weakestExclusion,
    confidence: weakestExclusion ? 1 - weakestExclusion.pValue : 1,
  };
}

/** A p-value as people read it: "p = 0.412", or "p < 0.001". */
export function describePValue(pValue: number): string {
  return pValue < 0.001 ? "p < 0.001" : `p = ${pValue.toFixed(3)}`;
}
