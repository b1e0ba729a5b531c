// Choosing the winning power value by strategy.

export type Strategy = "cost" | "speed" | "balanced";

/** What a strategy needs to know of one power value. */
export interface Candidate {
  power: number;
  /** USD per invocation. */
  cost: number;
  /** ms (trimmed mean). */
  duration: number;
}

// Costs are sums of float products; treat values within a relative 1e-9 as equal so ties are real ties.
function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function compareBy(...keys: ((c: Candidate) => number)[]) {
  return (a: Candidate, b: Candidate): number => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      if (!nearlyEqual(x, y)) return x - y;
    }
    return a.power - b.power;
  };
}

/** weight·cost/maxCost + (1−weight)·duration/maxDuration (lower is better), as in the original tool. */
export function balancedScore(
  candidate: Candidate,
  maxCost: number,
  maxDuration: number,
  weight: number,
): number {
  const costPart = maxCost > 0 ? candidate.cost / maxCost : 0;
  const durationPart = maxDuration > 0 ? candidate.duration / maxDuration : 0;
  return weight * costPart + (1 - weight) * durationPart;
}

/**
 * The winner: cost → cheapest (ties: faster, then smaller power); speed → fastest (ties: cheaper, then smaller
 * power); balanced → lowest balanced score (ties: cheaper, then smaller power).
 */
export function pickWinner(
  candidates: readonly Candidate[],
  strategy: Strategy,
  balancedWeight = 0.5,
): Candidate {
  if (candidates.length === 0) throw new RangeError("pickWinner needs at least one power value");
  const maxCost = Math.max(...candidates.map((c) => c.cost));
  const maxDuration = Math.max(...candidates.map((c) => c.duration));
  const order =
    strategy === "cost"
      ? compareBy(
          (c) => c.cost,
          (c) => c.duration,
        )
      : strategy === "speed"
        ? compareBy(
            (c) => c.duration,
            (c) => c.cost,
          )
        : compareBy(
            (c) => balancedScore(c, maxCost, maxDuration, balancedWeight),
            (c) => c.cost,
          );
  return [...candidates].sort(order)[0] as Candidate;
}
