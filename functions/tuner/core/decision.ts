// The decision rule: which powers the run cannot tell apart from the best, and the one chosen among them.
// Pure and deterministic: the same samples (the invocations in any order, each power's i-th value still beside
// the others' i-th) and seed give the same answer.
import { nearlyEqual, permutationTest } from "./permutation-tests.js";
import { trimmedMean } from "./stats.js";

/** A power whose p-value against the best is at or below this is told apart from it (95 %). */
export const EQUIVALENCE_ALPHA = 0.05;

/**
 * One power's per-invocation values of the strategy's metric (lower is better), in payload-sequence order:
 * the i-th value of every power came from the same, i-th payload, so the test pairs them.
 */
export interface MetricSamples {
  power: number;
  values: readonly number[];
}

export interface PowerVerdict {
  power: number;
  /** Trimmed mean of the metric. */
  estimate: number;
  /** Two-sided permutation p-value (paired when the pairs can resolve) of the difference from the best; 1 for the best itself. */
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
  /**
   * How firmly the chosen power is inside the tie: the one-sided p-value of "worse than `power` by the margin
   * or more", against the best (against the runner-up when the chosen is the best). At or below
   * EQUIVALENCE_ALPHA the run shows it within the margin, so more data would not exclude it; a high p-value
   * from a few noisy invocations shows nothing. Null when only one power was measured.
   */
  chosenInclusion: { power: number; pValue: number } | null;
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

/** A seed per pair of powers, independent of the order the samples came in. */
function pairSeed(seed: number, power: number, best: number): number {
  return (Math.imul(seed, 2654435761) + Math.imul(power, 40503) + best) >>> 0;
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
        : permutationTest(
            s.values,
            best.values,
            options.discardTopBottom,
            pairSeed(seed, s.power, best.power),
            options.permutations,
          );
    // Non-inferiority by the margin: the power's values less the margin, tested against the best's. It is
    // excluded only when, so shifted, it is still worse and the test tells them apart; a difference near the
    // margin itself then ties in every run instead of flipping between runs at the margin's edge.
    const shifted = lessMargin(s, best, margin);
    const exclusionPValue =
      s.power === best.power || margin === 0
        ? pValue
        : shifted.estimate <= best.estimate
          ? 1
          : permutationTest(
              shifted.values,
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
  const chosen = estimates.find((s) => s.power === chosenPower) ?? best;
  // Against the best; the best itself against the runner-up (the first lowest estimate of the others).
  let rival = chosen === best ? undefined : best;
  if (chosen === best) {
    for (const s of estimates) if (s !== best && (!rival || s.estimate < rival.estimate)) rival = s;
  }
  return {
    bestPower: best.power,
    chosenPower,
    equivalentPowers,
    verdicts,
    weakestExclusion,
    confidence: weakestExclusion ? 1 - weakestExclusion.pValue : 1,
    chosenInclusion: rival
      ? {
          power: rival.power,
          pValue: nonInferiorityPValue(
            chosen,
            rival,
            margin,
            options,
            pairSeed(seed, chosen.power, rival.power),
          ),
        }
      : null,
  };
}

/** An estimate and its values. */
type Estimated = { values: readonly number[]; estimate: number };

/** a's values and estimate less the margin, a fraction of b's estimate: what the margin's tests compare with b. */
function lessMargin(a: Estimated, b: Estimated, margin: number): Estimated {
  const allowance = margin * Math.abs(b.estimate);
  return { values: a.values.map((v) => v - allowance), estimate: a.estimate - allowance };
}

/**
 * One-sided p-value of "a is worse than b by the margin or more": a less the margin, tested against b; half the
 * two-sided p-value when the shifted estimate falls below b's, since the sign flips and relabelings are
 * symmetric; 1 when it does not.
 */
function nonInferiorityPValue(
  a: Estimated,
  b: Estimated,
  margin: number,
  options: DecideOptions,
  seed: number,
): number {
  const shifted = lessMargin(a, b, margin);
  if (shifted.estimate >= b.estimate) return 1;
  return (
    permutationTest(
      shifted.values,
      b.values,
      options.discardTopBottom,
      seed ^ 0x27d4eb2f,
      options.permutations,
    ) / 2
  );
}

/** A p-value as people read it: "p = 0.412", or "p < 0.001". */
export function describePValue(pValue: number): string {
  return pValue < 0.001 ? "p < 0.001" : `p = ${pValue.toFixed(3)}`;
}
