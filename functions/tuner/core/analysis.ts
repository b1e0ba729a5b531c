// The analyzer's pure core: measurements in; statistics, the decision, the recommendation and run cost out.
import { chartUrl } from "./chart.js";
import { type Choice, decide, describePValue, EQUIVALENCE_ALPHA, type MetricSamples } from "./decision.js";
import { detectDrift, driftWarning, withoutDrift } from "./drift.js";
import { NoFeasiblePowerError } from "./errors.js";
import {
  describeReason,
  failedInvocations,
  type InfeasibleReason,
  infeasibleReasons,
  isClearlyInfeasible,
  memoryFloorMb,
} from "./feasibility.js";
import type { TuningInput } from "./input.js";
import type { Analysis, Decision, PowerStats, Recommendation, StopReason, TuningOutput } from "./output.js";
import { permutationTest } from "./permutation-tests.js";
import { costPerInvocation, durationCost, PRICES_TAKEN_ON, pricesForRegion } from "./pricing.js";
import { invocationsPerPower, roundInvocations } from "./rounds.js";
import { executionCost, tunerComputeCost } from "./run-cost.js";
import { bootstrapTrimmedMeanCi, mean, percentile, standardDeviation, trimmedMean } from "./stats.js";
import { perInvocationMetric } from "./strategies.js";
import type { PowerSamples, TuningContext } from "./types.js";
import { DEFAULT_VISUALIZATION_URL, visualizationUrl } from "./visualization.js";

export type {
  Analysis,
  Decision,
  PowerPValue,
  PowerStats,
  Recommendation,
  SamplingSummary,
  StopReason,
  TuningOutput,
} from "./output.js";

export interface AnalyzeOptions {
  seed?: number;
  /** The lambda-power-tuning.show page (or a copy) of stateMachine.visualization. @default DEFAULT_VISUALIZATION_URL */
  visualizationUrl?: string;
  /** USD the tuner's executors and analyzers used before this analysis (the initializer's is in the context). */
  tunerComputeUsd?: number;
  /** Why measuring stopped, in a code and in words. @default every power got num (a dry run: one) invocations */
  stop?: { reason: StopReason; text: string };
}

/** The execution's output: stats only when the input asked for them (includeOutputResults). */
export function finalOutput(analysis: Analysis, includeOutputResults: boolean): TuningOutput {
  const { stats, ...rest } = analysis;
  if (includeOutputResults) return { ...rest, stats };
  if (!rest.comparison) return rest;
  // The second target's stats follow the same rule as the first's.
  const { stats: _secondStats, ...second } = rest.comparison.second;
  return { ...rest, comparison: { ...rest.comparison, second } };
}

function nullableMean(values: number[]): number | null {
  return values.length === 0 ? null : mean(values);
}

/** The trimming of the point estimates, the intervals and the tests alike (a dry run's one value stays). */
export function discardFor(input: Pick<TuningInput, "dryRun" | "discardTopBottom">): number {
  return input.dryRun ? 0 : input.discardTopBottom;
}

/**
 * The durations a run compares. Warm runs: REPORT's Duration (a version's first, cold invocation shows its
 * Init Duration in `cold`). onlyColdStarts: every invocation is a cold start and its latency is the point, so
 * Init Duration (and a SnapStart Restore Duration) is added, as the reference tool does.
 */
export function measuredSamples(
  input: Pick<TuningInput, "onlyColdStarts">,
  samples: PowerSamples,
): PowerSamples {
  if (!input.onlyColdStarts) return samples;
  return { ...samples, durationMs: samples.durationMs.map((d, i) => d + (samples.initMs[i] ?? 0)) };
}

/** Why a power is infeasible (empty when it is not). */
export function infeasibilityOf(
  input: Pick<TuningInput, "maxErrorRate">,
  samples: PowerSamples,
): InfeasibleReason[] {
  return infeasibleReasons(samples.errors, samples.durationMs.length, input.maxErrorRate);
}

/** No more invocations can make the power feasible: it is not measured again. */
export function clearlyInfeasible(input: Pick<TuningInput, "maxErrorRate">, samples: PowerSamples): boolean {
  return isClearlyInfeasible(samples.errors, samples.durationMs.length, input.maxErrorRate);
}

/** Cost per invocation of each of a power's invocations, USD. */
function costsOf(context: TuningContext, samples: PowerSamples): number[] {
  const { prices } = pricesForRegion(context.target.region);
  return samples.billedMs.map((billed) =>
    costPerInvocation(samples.power, billed, prices, context.target.architecture),
  );
}

/**
 * Every power's per-invocation values of the strategy's metric, ascending by power, with the rounds' common
 * factor (machine-wide drift) taken out: what the decision tests.
 */
function metricSamplesOf(
  input: TuningInput,
  priced: readonly { samples: PowerSamples; costs: number[] }[],
): MetricSamples[] {
  const discard = discardFor(input);
  const scale = {
    maxCost: Math.max(...priced.map((p) => trimmedMean(p.costs, discard))),
    maxDuration: Math.max(...priced.map((p) => trimmedMean(p.samples.durationMs, discard))),
    balancedWeight: input.balancedWeight,
  };
  const { roundFactors } = detectDrift(priced.map((p) => p.samples));
  return priced.map(({ samples, costs }) => ({
    power: samples.power,
    values: withoutDrift(
      perInvocationMetric(input.strategy, samples.power, costs, samples.durationMs, scale),
      samples.perRound,
      roundFactors,
    ),
  }));
}

/** Each power's measured samples (as the run compares them) and per-invocation costs, ascending by power. */
export function pricedSamples(context: TuningContext, samples: readonly PowerSamples[]) {
  return priceAll(context, samples);
}

function priceAll(context: TuningContext, samples: readonly PowerSamples[]) {
  const sorted = [...samples].sort((a, b) => a.power - b.power);
  if (sorted.length === 0) throw new RangeError("analyze needs the measurements of at least one power value");
  return sorted.map((s) => ({ samples: measuredSamples(context.input, s), costs: costsOf(context, s) }));
}

/**
 * The decision rule on the measurements so far (what adaptive sampling checks after every round), over the
 * feasible powers only; undefined while none is.
 */
export function decideOn(
  context: TuningContext,
  samples: readonly PowerSamples[],
  seed = 42,
): Choice | undefined {
  const priced = priceAll(context, samples).filter(
    (p) => p.samples.durationMs.length > 0 && infeasibilityOf(context.input, p.samples).length === 0,
  );
  if (priced.length === 0) return undefined;
  return decide(metricSamplesOf(context.input, priced), {
    discardTopBottom: discardFor(context.input),
    seed,
    equivalenceMargin: context.input.equivalenceMargin,
  });
}

/** USD of every invocation of the target so far. */
export function targetCostSoFar(context: TuningContext, samples: readonly PowerSamples[]): number {
  return samples.reduce((sum, s) => sum + costsOf(context, s).reduce((a, c) => a + c, 0), 0);
}

function powerStats(
  context: TuningContext,
  samples: PowerSamples,
  costs: number[],
  seed: number,
  feasible: boolean,
): PowerStats {
  const discard = discardFor(context.input);
  const { prices } = pricesForRegion(context.target.region);
  const coldIdx = samples.initMs.map((init, i) => (init > 0 ? i : -1)).filter((i) => i >= 0);
  const warmIdx = samples.initMs.map((init, i) => (init > 0 ? -1 : i)).filter((i) => i >= 0);
  const pick = (arr: number[], idx: number[]) => idx.map((i) => arr[i] as number);
  const costUsd = trimmedMean(costs, discard);
  const averageMs = trimmedMean(samples.durationMs, discard);
  const invocations = samples.durationMs.length;
  return {
    power: samples.power,
    value: samples.power,
    averagePrice: durationCost(
      samples.power,
      trimmedMean(samples.billedMs, discard),
      prices,
      context.target.architecture,
    ),
    averageDuration: averageMs,
    invocations,
    averageMs,
    p50Ms: percentile(samples.durationMs, 50),
    p90Ms: percentile(samples.durationMs, 90),
    p99Ms: percentile(samples.durationMs, 99),
    stdDevMs: standardDeviation(samples.durationMs),
    ci95Ms: bootstrapTrimmedMeanCi(samples.durationMs, discard, seed + samples.power),
    costUsd,
    costCi95Usd: bootstrapTrimmedMeanCi(costs, discard, seed + samples.power + 1),
    monthlyCostUsd: costUsd * context.input.monthlyInvocations,
    cold: {
      count: coldIdx.length,
      averageMs: nullableMean(pick(samples.durationMs, coldIdx)),
      averageInitMs: nullableMean(pick(samples.initMs, coldIdx)),
    },
    warm: { count: warmIdx.length, averageMs: nullableMean(pick(samples.durationMs, warmIdx)) },
    maxMemoryUsedMb: Math.max(0, ...samples.maxMemoryUsedMb),
    allowedErrors: samples.allowedErrors,
    feasible,
    errorRate: invocations > 0 ? failedInvocations(samples.errors) / invocations : 0,
    errors: samples.errors,
  };
}

const mb = (power: number) => `${power} MB`;

/** "the current 512 MB is indistinguishable from 256 MB at 95 % (p = 0.41)": why a tie changes nothing. */
function tieReason(current: number, choice: Choice): string {
  const chosen = choice.chosenPower;
  const p = (power: number) => describePValue(choice.verdicts.find((v) => v.power === power)?.pValue ?? 1);
  const evidence =
    choice.bestPower === chosen
      ? p(current)
      : choice.bestPower === current
        ? p(chosen)
        : `both indistinguishable from the best, ${mb(choice.bestPower)}: ${p(current)} and ${p(chosen)}`;
  const verdict = choice.verdicts.find((v) => v.power === current);
  if (verdict?.withinMargin && verdict.pValue <= EQUIVALENCE_ALPHA && choice.bestPower !== current)
    return `the current ${mb(current)} is within the equivalence margin of the best, ${mb(choice.bestPower)} (${p(current)}): nothing is switched on a difference too small to act on`;
  return `the current ${mb(current)} is indistinguishable from ${mb(chosen)} at 95 % (${evidence}): nothing is switched on a difference the run could not resolve`;
}

interface RecommendationInputs {
  context: TuningContext;
  stats: PowerStats[];
  choice: Choice;
  metric: MetricSamples[];
  discard: number;
  seed: number;
  infeasiblePowers: number[];
  memoryFloorMb: number | null;
}

function recommend(inputs: RecommendationInputs): Recommendation {
  const { context, stats, choice, metric, discard, seed, infeasiblePowers } = inputs;
  const { input, target } = context;
  const currentPower = target.originalMemoryMb;
  // The verdicts hold the feasible powers only: a current memory that failed is no baseline to compare with.
  const currentInfeasible = infeasiblePowers.includes(currentPower);
  const chosen = choice.chosenPower;
  const estimate = (power: number) => choice.verdicts.find((v) => v.power === power)?.estimate;
  const costOf = (power: number) => stats.find((s) => s.power === power)?.costUsd;
  const currentEstimate = estimate(currentPower);
  const currentMeasured = currentEstimate !== undefined;
  const currentTied = choice.equivalentPowers.includes(currentPower);
  let savingPercent: number | null = null;
  let monthlySavingUsd: number | null = null;
  let significant = currentInfeasible;
  let directPValue: number | null = null;
  if (currentMeasured) {
    const chosenEstimate = estimate(chosen) ?? currentEstimate;
    savingPercent = currentEstimate > 0 ? ((currentEstimate - chosenEstimate) / currentEstimate) * 100 : 0;
    monthlySavingUsd = ((costOf(currentPower) ?? 0) - (costOf(chosen) ?? 0)) * input.monthlyInvocations;
    if (!currentTied && chosen !== currentPower) {
      // Outside the tie means worse than the best; switching needs the chosen power itself to beat it.
      const values = (power: number) => metric.find((m) => m.power === power)?.values ?? [];
      directPValue = permutationTest(values(currentPower), values(chosen), discard, seed);
      significant = chosenEstimate < currentEstimate && directPValue <= EQUIVALENCE_ALPHA;
    }
  }

  let decision: Decision = "keep";
  let reason: string;
  if (input.dryRun) reason = "dry run: nothing is applied";
  else if (currentInfeasible && !input.autoOptimize && input.approval !== "manual")
    reason = `the current ${mb(currentPower)} is infeasible (its invocations failed): ${mb(chosen)} is only reported, autoOptimize is off`;
  else if (currentInfeasible) {
    decision = input.approval === "manual" ? "pending" : "apply";
    reason = `the current ${mb(currentPower)} is infeasible (its invocations failed): ${mb(chosen)} ${decision === "pending" ? "awaits approval" : "is applied"}`;
  } else if (chosen === currentPower) reason = `the current ${mb(currentPower)} is already the choice`;
  else if (currentTied) reason = tieReason(currentPower, choice);
  // Manual approval asks for the choice to be applied once approved, so it needs no autoOptimize.
  else if (!input.autoOptimize && input.approval !== "manual")
    reason = "autoOptimize is off: the choice is only reported";
  else if (input.minImprovement > 0 && !currentMeasured)
    reason = `the current ${mb(currentPower)} was not measured, so minImprovement cannot be checked; add it to powerValues`;
  else if (currentMeasured && !significant)
    reason = `${mb(chosen)} does not beat the current ${mb(currentPower)} at 95 % (${describePValue(directPValue ?? 1)}): nothing is switched on a difference the run could not resolve`;
  else if (input.minImprovement > 0 && (savingPercent ?? 0) < input.minImprovement * 100)
    reason = `the choice improves by ${(savingPercent ?? 0).toFixed(2)} %, below minImprovement ${(input.minImprovement * 100).toFixed(2)} %`;
  else {
    decision = input.approval === "manual" ? "pending" : "apply";
    reason =
      decision === "pending"
        ? `approval is manual: ${mb(chosen)} awaits approval`
        : `${mb(chosen)} is applied`;
  }

  return {
    currentPower,
    winnerPower: chosen,
    strategy: input.strategy,
    bestPower: choice.bestPower,
    equivalentPowers: choice.equivalentPowers,
    equivalenceMargin: context.input.equivalenceMargin,
    pValues: choice.verdicts.map((v) => ({ power: v.power, pValue: v.pValue })),
    confidence: input.dryRun ? null : choice.confidence,
    weakestExclusion: choice.weakestExclusion,
    savingPercent,
    monthlySavingUsd,
    significant,
    decision,
    reason,
    applied: "no",
    infeasiblePowers,
    memoryFloorMb: inputs.memoryFloorMb,
  };
}

/** Rounds measured, and how many powers (executor tasks) each one measured. */
export function powersPerRound(samples: readonly PowerSamples[]): number[] {
  const rounds = Math.max(0, ...samples.map((s) => s.perRound.length));
  return Array.from({ length: rounds }, (_, r) => samples.filter((s) => (s.perRound[r] ?? 0) > 0).length);
}

function defaultStop(input: TuningInput): { reason: StopReason; text: string } {
  if (input.dryRun) return { reason: "dry-run", text: "a dry run invokes each power once" };
  return { reason: "num", text: `every power got num ${invocationsPerPower(input)} invocations` };
}

/** What the output says of an infeasible power: its failures, and whether it was stopped early. */
function infeasibleWarning(input: TuningInput, samples: PowerSamples, reasons: InfeasibleReason[]): string {
  const invocations = samples.durationMs.length;
  const why = reasons.map((r) => describeReason(r, invocations)).join("; ");
  const first = samples.errors.find((e) => e.message !== "")?.message;
  const stopped =
    invocations < invocationsPerPower(input)
      ? `; no more invocations were made at it once it was clearly infeasible${samples.stoppedEarly ? ` (${samples.stoppedEarly})` : ""}`
      : "";
  return `${mb(samples.power)} is infeasible: ${why}${first ? ` — "${first}"` : ""}; it is excluded from the choice${stopped}`;
}

function floorWarning(floor: number, peakMb: number, smallestFeasible: number): string {
  return `memory floor: ${mb(floor)} (the most memory a feasible power used, ${mb(peakMb)}, plus 10 % headroom, and above every power that ran out of memory); the least feasible power measured is ${mb(smallestFeasible)}`;
}

export function analyze(
  context: TuningContext,
  samples: readonly PowerSamples[],
  options: AnalyzeOptions = {},
): Analysis {
  const { input, target } = context;
  const seed = options.seed ?? 42;
  const { prices, warning } = pricesForRegion(target.region);
  // What the input check ignored or changed comes first: it says what the run measured.
  const warnings = [...input.warnings, ...(warning ? [warning] : [])];
  const priced = priceAll(context, samples);
  const sorted = priced.map((p) => p.samples);
  const reasons = new Map(sorted.map((s) => [s.power, infeasibilityOf(input, s)]));
  const isFeasible = (s: PowerSamples) => (reasons.get(s.power) ?? []).length === 0;
  const feasiblePriced = priced.filter((p) => isFeasible(p.samples));
  const feasible = feasiblePriced.map((p) => p.samples);
  if (feasible.length === 0) {
    throw new NoFeasiblePowerError(
      sorted.map((s) => {
        const why = (reasons.get(s.power) ?? []).map((r) => describeReason(r, s.durationMs.length));
        const first = s.errors.find((e) => e.message !== "")?.message;
        return `${mb(s.power)}: ${why.join(", ")}${first ? ` ("${first}")` : ""}`;
      }),
    );
  }
  const infeasiblePowers = sorted.filter((s) => !isFeasible(s)).map((s) => s.power);
  const httpErrors = sorted.reduce((sum, s) => sum + s.httpErrorResponses, 0);
  if (httpErrors > 0) {
    const total = sorted.reduce((sum, s) => sum + s.durationMs.length, 0);
    warnings.push(
      `${httpErrors} of ${total} invocations answered with an HTTP error (statusCode ≥ 400 in the response): those measure the error path; check the payload`,
    );
  }
  for (const s of sorted) {
    if (!isFeasible(s)) warnings.push(infeasibleWarning(input, s, reasons.get(s.power) ?? []));
  }
  let floor: number | null = null;
  if (infeasiblePowers.length > 0) {
    const peak = Math.max(0, ...feasible.flatMap((s) => s.maxMemoryUsedMb));
    const outOfMemory = sorted
      .filter((s) => s.errors.some((e) => e.kind === "outOfMemory" && e.count > 0))
      .map((s) => s.power);
    floor = memoryFloorMb(peak, outOfMemory);
    warnings.push(floorWarning(floor, peak, feasible[0]?.power ?? 0));
  }
  const discard = discardFor(input);
  const stats = priced.map(({ samples: s, costs }) => powerStats(context, s, costs, seed, isFeasible(s)));
  const feasibleStats = stats.filter((s) => s.feasible);
  const metric = metricSamplesOf(input, feasiblePriced);
  const choice = decide(metric, {
    discardTopBottom: discard,
    seed,
    equivalenceMargin: input.equivalenceMargin,
  });
  const recommendation = recommend({
    context,
    stats,
    choice,
    metric,
    discard,
    seed,
    infeasiblePowers,
    memoryFloorMb: floor,
  });
  // Drift compares rounds over the powers that ran; a failing power's durations say how it failed.
  const drift = detectDrift(feasible);
  const driftNote = driftWarning(drift);
  if (driftNote) warnings.push(driftNote);

  const targetCost = priced.reduce((sum, p) => sum + p.costs.reduce((a, c) => a + c, 0), 0);
  const tunerCost = tunerComputeCost([context.compute], prices) + (options.tunerComputeUsd ?? 0);
  const chosenStats = stats.find((s) => s.power === choice.chosenPower) as PowerStats;
  const rounds = powersPerRound(sorted);
  const stop = options.stop ?? defaultStop(input);

  return {
    power: choice.chosenPower,
    cost: chosenStats.costUsd,
    duration: chosenStats.averageMs,
    stateMachine: {
      executionCost: executionCost(rounds, prices),
      lambdaCost: targetCost + tunerCost,
      visualization: visualizationUrl(
        options.visualizationUrl ?? DEFAULT_VISUALIZATION_URL,
        feasibleStats.map((s) => ({
          power: s.value,
          durationMs: s.averageDuration,
          costUsd: s.averagePrice,
        })),
      ),
      quickchartUrl: chartUrl(
        feasibleStats.map((s) => ({
          power: s.power,
          duration: s.averageMs,
          cost: s.costUsd,
          durationInterval: s.ci95Ms,
          costInterval: s.costCi95Usd,
        })),
      ),
    },
    recommendation,
    sampling: {
      mode: input.num === "auto" ? "auto" : "fixed",
      rounds: rounds.length,
      roundInvocations: roundInvocations(input),
      maxInvocations: invocationsPerPower(input),
      ...(input.maxCostUsd !== undefined ? { maxCostUsd: input.maxCostUsd } : {}),
      invocations: sorted.map((s) => ({
        power: s.power,
        count: s.durationMs.length,
        lastRound: s.perRound.reduce((last, count, r) => (count > 0 ? r + 1 : last), 0),
      })),
      spentUsd: targetCost,
      stop: stop.reason,
      stoppedBecause: stop.text,
      drift,
    },
    prices: { region: target.region, architecture: target.architecture, takenOn: PRICES_TAKEN_ON },
    dryRun: input.dryRun,
    warnings,
    stats,
  };
}
