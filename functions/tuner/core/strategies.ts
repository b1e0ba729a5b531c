// The strategies' metrics: what "best" means for cost, speed and balanced, per invocation.

export type Strategy = "cost" | "speed" | "balanced";

/** What a strategy needs to know of one invocation (or of one power's averages). */
export interface Candidate {
  power: number;
  /** USD per invocation. */
  cost: number;
  /** ms */
  duration: number;
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

/** The unit of a strategy's metric, for people. */
export const METRIC_NAMES: Record<Strategy, string> = {
  cost: "cost per invocation (USD)",
  speed: "duration (ms)",
  balanced: "balanced score",
};

export interface MetricScale {
  /** The largest average cost per invocation among the powers, USD (balanced normalizes by it). */
  maxCost: number;
  /** The largest average duration among the powers, ms. */
  maxDuration: number;
  balancedWeight: number;
}

/**
 * One power's per-invocation values of the strategy's metric (lower is better): the cost, the duration, or
 * the balanced score of each invocation, normalized by the run's largest averages as the original tool does.
 */
export function perInvocationMetric(
  strategy: Strategy,
  power: number,
  costs: readonly number[],
  durations: readonly number[],
  scale: MetricScale,
): number[] {
  if (strategy === "cost") return [...costs];
  if (strategy === "speed") return [...durations];
  return durations.map((duration, i) =>
    balancedScore(
      { power, cost: costs[i] ?? 0, duration },
      scale.maxCost,
      scale.maxDuration,
      scale.balancedWeight,
    ),
  );
}
