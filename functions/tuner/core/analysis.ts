// The analyzer's pure core: measurements in, statistics, winner, recommendation and run cost out.
import { chartUrl } from "./chart.js";
import { costPerInvocation, PRICES_TAKEN_ON, pricesForRegion } from "./pricing.js";
import { executionCost, tunerComputeCost } from "./run-cost.js";
import {
  bootstrapMeanCi,
  type ConfidenceInterval,
  intervalsDisjoint,
  mean,
  percentile,
  standardDeviation,
  trimmedMean,
} from "./stats.js";
import { balancedScore, type Candidate, pickWinner } from "./strategies.js";
import type { Measurements, TunerCompute, TuningContext } from "./types.js";

export interface PowerStats {
  power: number;
  invocations: number;
  /** Trimmed mean duration, ms. */
  averageMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  stdDevMs: number;
  /** Bootstrap 95 % CI of the mean duration, ms. */
  ci95Ms: ConfidenceInterval;
  /** Trimmed mean cost per invocation, USD. */
  costUsd: number;
  /** costUsd × monthlyInvocations, USD per month. */
  monthlyCostUsd: number;
  cold: { count: number; averageMs: number | null; averageInitMs: number | null };
  warm: { count: number; averageMs: number | null };
  maxMemoryUsedMb: number;
  allowedErrors: number;
}

export type Decision = "apply" | "pending" | "keep";

export interface Recommendation {
  currentPower: number;
  winnerPower: number;
  strategy: TuningContext["input"]["strategy"];
  /** How much better the winner is on the strategy's metric, percent (null if the current memory was not measured). */
  savingPercent: number | null;
  monthlySavingUsd: number | null;
  significant: boolean;
  decision: Decision;
  reason: string;
  applied: "yes" | "no" | "pending";
  appliedTo?: string;
}

export interface TuningOutput {
  power: number;
  /** USD per invocation at the winning power. */
  cost: number;
  /** ms at the winning power. */
  duration: number;
  stateMachine: { executionCost: number; lambdaCost: number; visualization: string };
  recommendation: Recommendation;
  stats?: PowerStats[];
  prices: { region: string; architecture: string; takenOn: string };
  dryRun: boolean;
  warnings: string[];
}

/** The analyzer's result: the output plus the statistics the optimizer publishes as metrics. */
export interface Analysis extends TuningOutput {
  stats: PowerStats[];
}

export interface AnalyzeOptions {
  seed?: number;
  /** The analyzer's own compute, added to lambdaCost. */
  analyzerCompute?: TunerCompute;
}

/** The execution's output: stats only when the input asked for them (includeOutputResults). */
export function finalOutput(analysis: Analysis, includeOutputResults: boolean): TuningOutput {
  const { stats, ...rest } = analysis;
  return includeOutputResults ? { ...rest, stats } : rest;
}

function nullableMean(values: number[]): number | null {
  return values.length === 0 ? null : mean(values);
}

export function analyze(
  context: TuningContext,
  measurements: readonly Measurements[],
  options: AnalyzeOptions = {},
): Analysis {
  const { input, target } = context;
  const seed = options.seed ?? 42;
  const { prices, warning } = pricesForRegion(target.region);
  const warnings = warning ? [warning] : [];
  const httpErrors = measurements.reduce((sum, m) => sum + (m.httpErrorResponses ?? 0), 0);
  if (httpErrors > 0) {
    const total = measurements.reduce((sum, m) => sum + m.durationMs.length, 0);
    warnings.push(
      `${httpErrors} of ${total} invocations answered with an HTTP error (statusCode ≥ 400 in the response): those measure the error path; check the payload`,
    );
  }
  const costOf = (power: number, billed: number) =>
    costPerInvocation(power, billed, prices, target.architecture);
  const discard = input.dryRun ? 0 : input.discardTopBottom;

  const sorted = [...measurements].sort((a, b) => a.power - b.power);
  if (sorted.length === 0) throw new RangeError("analyze needs the measurements of at least one power value");
  const perInvocationCosts = new Map<number, number[]>();
  let targetCost = 0;
  const stats: PowerStats[] = sorted.map((m) => {
    const costs = m.billedMs.map((b) => costOf(m.power, b));
    perInvocationCosts.set(m.power, costs);
    targetCost += costs.reduce((s, c) => s + c, 0);
    const coldIdx = m.initMs.map((init, i) => (init > 0 ? i : -1)).filter((i) => i >= 0);
    const warmIdx = m.initMs.map((init, i) => (init > 0 ? -1 : i)).filter((i) => i >= 0);
    const pick = (arr: number[], idx: number[]) => idx.map((i) => arr[i] as number);
    const costUsd = trimmedMean(costs, discard);
    return {
      power: m.power,
      invocations: m.durationMs.length,
      averageMs: trimmedMean(m.durationMs, discard),
      p50Ms: percentile(m.durationMs, 50),
      p90Ms: percentile(m.durationMs, 90),
      p99Ms: percentile(m.durationMs, 99),
      stdDevMs: standardDeviation(m.durationMs),
      ci95Ms: bootstrapMeanCi(m.durationMs, seed + m.power),
      costUsd,
      monthlyCostUsd: costUsd * input.monthlyInvocations,
      cold: {
        count: coldIdx.length,
        averageMs: nullableMean(pick(m.durationMs, coldIdx)),
        averageInitMs: nullableMean(pick(m.initMs, coldIdx)),
      },
      warm: { count: warmIdx.length, averageMs: nullableMean(pick(m.durationMs, warmIdx)) },
      maxMemoryUsedMb: Math.max(0, ...m.maxMemoryUsedMb),
      allowedErrors: m.allowedErrors,
    };
  });

  const candidates: Candidate[] = stats.map((s) => ({
    power: s.power,
    cost: s.costUsd,
    duration: s.averageMs,
  }));
  const winner = pickWinner(candidates, input.strategy, input.balancedWeight);
  const maxCost = Math.max(...candidates.map((c) => c.cost));
  const maxDuration = Math.max(...candidates.map((c) => c.duration));

  // The strategy's metric per invocation, so the winner and the current memory can be compared with CIs.
  const metricSamples = (power: number): number[] => {
    const m = sorted.find((x) => x.power === power);
    const costs = perInvocationCosts.get(power) ?? [];
    if (!m) return [];
    if (input.strategy === "cost") return costs;
    if (input.strategy === "speed") return m.durationMs;
    return m.durationMs.map((d, i) =>
      balancedScore({ power, cost: costs[i] ?? 0, duration: d }, maxCost, maxDuration, input.balancedWeight),
    );
  };
  const metricOf = (c: Candidate) =>
    input.strategy === "cost"
      ? c.cost
      : input.strategy === "speed"
        ? c.duration
        : balancedScore(c, maxCost, maxDuration, input.balancedWeight);

  const currentPower = target.originalMemoryMb;
  const current = candidates.find((c) => c.power === currentPower);
  let savingPercent: number | null = null;
  let monthlySavingUsd: number | null = null;
  let significant = false;
  if (current) {
    const currentMetric = metricOf(current);
    savingPercent = currentMetric > 0 ? ((currentMetric - metricOf(winner)) / currentMetric) * 100 : 0;
    monthlySavingUsd = (current.cost - winner.cost) * input.monthlyInvocations;
    significant =
      winner.power !== currentPower &&
      intervalsDisjoint(
        bootstrapMeanCi(metricSamples(currentPower), seed),
        bootstrapMeanCi(metricSamples(winner.power), seed),
      );
  }

  let decision: Decision = "keep";
  let reason: string;
  if (input.dryRun) reason = "dry run: nothing is applied";
  else if (winner.power === currentPower) reason = `the current ${currentPower} MB is already the best`;
  // Manual approval asks for the winner to be applied once approved, so it needs no autoOptimize.
  else if (!input.autoOptimize && input.approval !== "manual")
    reason = "autoOptimize is off: the winner is only reported";
  else if (input.minImprovement > 0 && savingPercent === null)
    reason = `the current ${currentPower} MB was not measured, so minImprovement cannot be checked; add it to powerValues`;
  else if (input.minImprovement > 0 && (savingPercent ?? 0) < input.minImprovement * 100)
    reason = `the winner improves by ${(savingPercent ?? 0).toFixed(2)} %, below minImprovement ${(input.minImprovement * 100).toFixed(2)} %`;
  else if (input.minImprovement > 0 && !significant)
    reason = "the difference from the current memory is not significant (95 % intervals overlap)";
  else {
    decision = input.approval === "manual" ? "pending" : "apply";
    reason =
      decision === "pending"
        ? `approval is manual: ${winner.power} MB awaits approval`
        : `${winner.power} MB is applied`;
  }

  const compute = [context.compute, ...sorted.map((m) => m.compute)];
  if (options.analyzerCompute) compute.push(options.analyzerCompute);
  const winnerStats = stats.find((s) => s.power === winner.power) as PowerStats;

  return {
    power: winner.power,
    cost: winnerStats.costUsd,
    duration: winnerStats.averageMs,
    stateMachine: {
      executionCost: executionCost(sorted.length, prices),
      lambdaCost: targetCost + tunerComputeCost(compute, prices),
      visualization: chartUrl(stats.map((s) => ({ power: s.power, duration: s.averageMs, cost: s.costUsd }))),
    },
    recommendation: {
      currentPower,
      winnerPower: winner.power,
      strategy: input.strategy,
      savingPercent,
      monthlySavingUsd,
      significant,
      decision,
      reason,
      applied: "no",
    },
    prices: { region: target.region, architecture: target.architecture, takenOn: PRICES_TAKEN_ON },
    dryRun: input.dryRun,
    warnings,
    stats,
  };
}
