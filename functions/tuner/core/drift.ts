// Machine-wide drift across rounds: every power getting slower (or faster) together from one round to another.
// Interleaved rounds keep the comparison between powers fair under such drift; this says that it happened.
import { percentile } from "./stats.js";
import type { PowerSamples } from "./types.js";

/** Drift above this share between the fastest and the slowest round is reported. */
export const DRIFT_THRESHOLD = 0.2;

/** A round's median needs this many of a power's invocations to count. */
const MIN_ROUND_INVOCATIONS = 3;

export interface DriftReport {
  /**
   * Per round, the common factor: the median over powers of (the power's median duration in that round ÷ its
   * median over all its rounds' medians). Null for a round with fewer than two powers to compare.
   */
  roundFactors: (number | null)[];
  /**
   * Largest factor ÷ smallest factor − 1, percent (0 with fewer than two rounds), over the rounds after the
   * first when there are three or more (the first carries warm-up).
   */
  spreadPercent: number;
  /**
   * The spread is above DRIFT_THRESHOLD, every power moved the same way between those two rounds, and it is not
   * a warm-up.
   */
  detected: boolean;
  /**
   * The same, but shaped like a warm-up: the slowest compared round comes before the fastest, and no round
   * after it climbs back past halfway between the two. Every fresh version's first invocations run slower
   * (JIT, cold caches), on Lambda too, often for more than one round.
   */
  warmUp: boolean;
}

const median = (values: readonly number[]) => percentile(values, 50);

/** Each power's median duration per round (null where it had too few invocations), over `rounds` rounds. */
function roundMedians(samples: PowerSamples, rounds: number): (number | null)[] {
  const medians: (number | null)[] = [];
  let start = 0;
  for (let r = 0; r < rounds; r++) {
    const count = samples.perRound[r] ?? 0;
    const slice = samples.durationMs.slice(start, start + count);
    medians.push(slice.length >= MIN_ROUND_INVOCATIONS ? median(slice) : null);
    start += count;
  }
  return medians;
}

export function detectDrift(samples: readonly PowerSamples[]): DriftReport {
  const rounds = Math.max(0, ...samples.map((s) => s.perRound.length));
  // Each power's level per round, relative to its own typical round, so powers of any speed compare.
  const levels = samples.map((s) => {
    const medians = roundMedians(s, rounds);
    const present = medians.filter((m): m is number => m !== null);
    const typical = present.length >= 2 ? median(present) : Number.NaN;
    return medians.map((m) => (m !== null && typical > 0 ? m / typical : null));
  });
  const roundFactors = Array.from({ length: rounds }, (_, r) => {
    const here = levels.map((l) => l[r]).filter((v): v is number => v !== null && v !== undefined);
    return here.length >= 2 ? median(here) : null;
  });
  // The first round carries each version's warm-up (its cold start, the JIT, cold caches): with three rounds
  // or more it is left out of the comparison, or every run would report "drift" that is only warm-up.
  const firstCompared = rounds >= 3 ? 1 : 0;
  let high = -1;
  let low = -1;
  roundFactors.forEach((factor, r) => {
    if (factor === null || r < firstCompared) return;
    if (high < 0 || factor > (roundFactors[high] as number)) high = r;
    if (low < 0 || factor < (roundFactors[low] as number)) low = r;
  });
  if (high < 0 || high === low) return { roundFactors, spreadPercent: 0, detected: false, warmUp: false };
  const slowest = roundFactors[high] as number;
  const fastest = roundFactors[low] as number;
  const spread = slowest / fastest - 1;
  // "Together": every power measured in both rounds was slower in the slow one.
  const together = levels.every((l) => {
    const slow = l[high];
    const fast = l[low];
    return slow === null || fast === null || slow === undefined || fast === undefined || slow > fast;
  });
  const moved = spread > DRIFT_THRESHOLD && together;
  const halfway = (slowest + fastest) / 2;
  const settled =
    high < low && roundFactors.slice(high + 1).every((factor) => factor === null || factor < halfway);
  return {
    roundFactors,
    spreadPercent: spread * 100,
    detected: moved && !settled,
    warmUp: moved && settled,
  };
}

/** The output's warning for a detected drift or a long warm-up. */
export function driftWarning(report: DriftReport): string | undefined {
  const factors = report.roundFactors.map((f) => (f === null ? "–" : f.toFixed(2))).join(", ");
  if (report.warmUp)
    return `warm-up: every power's durations fell together over the first rounds, by up to ${report.spreadPercent.toFixed(0)} % (round factors ${factors}), as fresh versions warm up (JIT, caches) on Lambda too; the rounds interleave the powers, so their comparison holds, and the averages include the warm-up`;
  if (!report.detected) return undefined;
  return `machine-wide drift: every power's durations moved together between rounds, by up to ${report.spreadPercent.toFixed(0)} % (round factors ${factors}; warm-up or load on the machine or a shared dependency); the rounds interleave the powers, so their comparison holds, but absolute durations and costs are uncertain`;
}

/**
 * A power's per-invocation values with the rounds' common factor taken out: each value divided by its round's
 * factor (values index-aligned with the durations, round after round as `perRound` counts them). A round
 * without a factor keeps its values. The rounds interleave the powers, so drift moves every power alike; left
 * in, it widens each power's spread and the test resolves less than the run measured.
 */
export function withoutDrift(
  values: readonly number[],
  perRound: readonly number[],
  roundFactors: readonly (number | null)[],
): number[] {
  const adjusted: number[] = [];
  let index = 0;
  perRound.forEach((count, round) => {
    const factor = roundFactors[round] ?? null;
    for (let k = 0; k < count && index < values.length; k++, index++) {
      const value = values[index] as number;
      adjusted.push(factor !== null && factor > 0 ? value / factor : value);
    }
  });
  // Values beyond what perRound counts (none in a well-formed run) keep their level.
  for (; index < values.length; index++) adjusted.push(values[index] as number);
  return adjusted;
}
