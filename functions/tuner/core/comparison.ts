// Comparing two targets measured in the same run (two functions, or one function's code on both
// architectures): per power, which one is faster and which cheaper, by how much, and whether the run resolved
// the difference. The test is the decision's own (permutationTest: both targets' i-th invocations got
// the same payload), on the same trimming.
import {
  type Analysis,
  type AnalyzeOptions,
  analyze,
  discardFor,
  infeasibilityOf,
  type PowerStats,
  powersPerRound,
  pricedSamples,
  targetCostSoFar,
} from "./analysis.js";
import { compareChartUrl } from "./chart.js";
import { describePValue, EQUIVALENCE_ALPHA } from "./decision.js";
import { NoFeasiblePowerError } from "./errors.js";
import type { ComparedSide, Comparison, MetricVerdict, PowerComparison } from "./output.js";
import { permutationTest } from "./permutation-tests.js";
import { pricesForRegion } from "./pricing.js";
import { executionCost } from "./run-cost.js";
import { trimmedMean } from "./stats.js";
import type { PowerSamples, TuningContext } from "./types.js";
import { compareVisualizationUrl, DEFAULT_VISUALIZATION_URL } from "./visualization.js";

/** One target at one power, as the comparison reads it. */
export type {
  ComparedSide,
  ComparedTargetSummary,
  Comparison,
  MetricVerdict,
  PowerComparison,
} from "./output.js";

/** The labels of the two targets: architectures, or the functions' names (their ARNs when the names match). */
export function comparisonLabels(context: TuningContext): [string, string] {
  const comparison = context.comparison;
  if (!comparison) throw new RangeError("comparisonLabels needs a run with a comparison");
  return [comparison.firstLabel, comparison.second.label];
}

function verdict(
  labels: readonly [string, string],
  first: readonly number[] | undefined,
  second: readonly number[] | undefined,
  discard: number,
  seed: number,
): MetricVerdict {
  const none = { winner: null, byPercent: null, ratio: null, pValue: null, significant: false };
  if (!first || !second || first.length === 0 || second.length === 0) return none;
  const a = trimmedMean(first, discard);
  const b = trimmedMean(second, discard);
  const pValue = permutationTest(first, second, discard, seed);
  const ratio = a > 0 ? b / a : null;
  if (a === b) return { winner: null, byPercent: 0, ratio, pValue, significant: false };
  const [winner, low, high] = a < b ? [labels[0], a, b] : [labels[1], b, a];
  return {
    winner,
    byPercent: high > 0 ? ((high - low) / high) * 100 : null,
    ratio,
    pValue,
    significant: pValue <= EQUIVALENCE_ALPHA,
  };
}

/** The per-power comparison of two targets' samples (pure: the same samples and seed give the same answer). */
export function comparePowers(
  context: TuningContext,
  firstSamples: readonly PowerSamples[],
  secondSamples: readonly PowerSamples[],
  seed = 42,
): PowerComparison[] {
  const comparison = context.comparison;
  if (!comparison) throw new RangeError("comparePowers needs a run with a comparison");
  const labels = comparisonLabels(context);
  const discard = discardFor(context.input);
  const secondContext = secondTargetContext(context);
  const priced = (ctx: TuningContext, list: readonly PowerSamples[]) =>
    list.length === 0 ? [] : pricedSamples(ctx, list);
  const first = priced(context, firstSamples);
  const second = priced(secondContext, secondSamples);
  const powers = [...new Set([...first, ...second].map((p) => p.samples.power))].sort((x, y) => x - y);
  return powers.map((power) => {
    const a = first.find((p) => p.samples.power === power);
    const b = second.find((p) => p.samples.power === power);
    const side = (p: typeof a): ComparedSide => {
      const n = p?.samples.durationMs.length ?? 0;
      return {
        averageMs: p && n > 0 ? trimmedMean(p.samples.durationMs, discard) : null,
        costUsd: p && n > 0 ? trimmedMean(p.costs, discard) : null,
        invocations: n,
        feasible: p !== undefined && n > 0 && infeasibilityOf(context.input, p.samples).length === 0,
      };
    };
    const firstSide = side(a);
    const secondSide = side(b);
    // A power that failed on either side measures how it fails, not how fast it runs: no verdict.
    const usable = firstSide.feasible && secondSide.feasible;
    // One seed per power and metric, the same whichever order the powers come in.
    const powerSeed = (metric: number) =>
      (Math.imul(seed, 2654435761) + Math.imul(power, 40503) + metric) >>> 0;
    return {
      power,
      first: firstSide,
      second: secondSide,
      faster: verdict(
        labels,
        usable ? a?.samples.durationMs : undefined,
        usable ? b?.samples.durationMs : undefined,
        discard,
        powerSeed(1),
      ),
      cheaper: verdict(
        labels,
        usable ? a?.costs : undefined,
        usable ? b?.costs : undefined,
        discard,
        powerSeed(2),
      ),
    };
  });
}

/** The context the second target is analysed in: its own function, architecture (prices) and region. */
export function secondTargetContext(context: TuningContext): TuningContext {
  const comparison = context.comparison;
  if (!comparison) throw new RangeError("secondTargetContext needs a run with a comparison");
  const { label: _label, copyOf: _copyOf, ...target } = comparison.second;
  const { comparison: _comparison, ...rest } = context;
  return { ...rest, target };
}

/** "arm64 is faster at 2 of 3 powers (2 resolved at 95 %) and cheaper at 3 (3 resolved)". */
export function summarize(labels: readonly [string, string], powers: readonly PowerComparison[]): string {
  const compared = powers.filter((p) => p.first.feasible && p.second.feasible);
  if (compared.length === 0)
    return `no power was feasible on both ${labels[0]} and ${labels[1]}: nothing to compare`;
  const part = (metric: "faster" | "cheaper") =>
    labels
      .map((label) => {
        const wins = compared.filter((p) => p[metric].winner === label);
        const resolved = wins.filter((p) => p[metric].significant).length;
        return `${label} ${metric} at ${wins.length} (${resolved} resolved at 95 %)`;
      })
      .join(", ");
  return `of ${compared.length} powers measured on both: ${part("faster")}; ${part("cheaper")}`;
}

/** Per-power lines a report prints: "512 MB: arm64 faster by 12.3 % (p < 0.001), cheaper by 30.1 % (p < 0.001)". */
export function describePowerComparison(p: PowerComparison): string {
  const say = (metric: MetricVerdict, word: string) => {
    if (metric.pValue === null) return `${word}: not compared (infeasible or not measured on one side)`;
    if (metric.winner === null) return `${word}: equal`;
    const how = metric.significant ? "" : ", not resolved at 95 %";
    return `${metric.winner} ${word} by ${(metric.byPercent ?? 0).toFixed(1)} % (${describePValue(metric.pValue)}${how})`;
  };
  return `${p.power} MB: ${say(p.faster, "faster")}; ${say(p.cheaper, "cheaper")}`;
}

/**
 * The analysis of a comparison run: the first target's analysis as a run without a comparison has it (its
 * output fields unchanged), with the run's costs counting both targets, and `comparison` added.
 */
export function analyzeComparison(
  context: TuningContext,
  firstSamples: readonly PowerSamples[],
  secondSamples: readonly PowerSamples[],
  options: AnalyzeOptions = {},
): Analysis {
  const comparison = context.comparison;
  if (!comparison) throw new RangeError("analyzeComparison needs a run with a comparison");
  const seed = options.seed ?? 42;
  const labels = comparisonLabels(context);
  const analysis = analyze(context, firstSamples, options);
  const secondContext = secondTargetContext(context);
  const warnings = [...analysis.warnings];
  let secondAnalysis: Analysis | undefined;
  try {
    secondAnalysis = analyze(secondContext, secondSamples, {
      seed,
      ...(options.visualizationUrl ? { visualizationUrl: options.visualizationUrl } : {}),
    });
    for (const w of secondAnalysis.warnings) {
      if (!warnings.includes(w)) warnings.push(`${labels[1]}: ${w}`);
    }
  } catch (error) {
    if (!(error instanceof NoFeasiblePowerError)) throw error;
    warnings.push(`${labels[1]}: no power is feasible (${error.message})`);
  }
  const powers = comparePowers(context, firstSamples, secondSamples, seed);
  const secondSpent = targetCostSoFar(secondContext, secondSamples);
  const { prices } = pricesForRegion(context.target.region);
  // Every Map item of both targets is a state transition pair: count the rounds over both.
  const rounds = powersPerRound([...firstSamples, ...secondSamples]);
  const point = (s: PowerStats) => ({
    power: s.value,
    durationMs: s.averageDuration,
    costUsd: s.averagePrice,
  });
  const chartPoint = (s: PowerStats) => ({
    power: s.power,
    duration: s.averageMs,
    cost: s.costUsd,
    durationInterval: s.ci95Ms,
    costInterval: s.costCi95Usd,
  });
  const firstFeasible = analysis.stats.filter((s) => s.feasible);
  const secondFeasible = (secondAnalysis?.stats ?? []).filter((s) => s.feasible);
  const result: Comparison = {
    kind: comparison.kind,
    first: {
      label: labels[0],
      functionArn: context.target.functionArn,
      architecture: context.target.architecture,
    },
    second: {
      label: labels[1],
      functionArn: comparison.second.functionArn,
      architecture: comparison.second.architecture,
      temporaryCopy: comparison.second.copyOf !== undefined,
      power: secondAnalysis?.power ?? null,
      cost: secondAnalysis?.cost ?? null,
      duration: secondAnalysis?.duration ?? null,
      equivalentPowers: secondAnalysis?.recommendation.equivalentPowers ?? [],
      spentUsd: secondSpent,
      ...(secondAnalysis ? { stats: secondAnalysis.stats } : {}),
    },
    powers,
    summary: summarize(labels, powers),
    visualization: compareVisualizationUrl(
      options.visualizationUrl ?? DEFAULT_VISUALIZATION_URL,
      firstFeasible.map(point),
      secondFeasible.map(point),
      labels,
    ),
    quickchartUrl: compareChartUrl(
      { label: labels[0], points: firstFeasible.map(chartPoint) },
      { label: labels[1], points: secondFeasible.map(chartPoint) },
    ),
  };
  return {
    ...analysis,
    stateMachine: {
      ...analysis.stateMachine,
      executionCost: executionCost(rounds, prices),
      lambdaCost: analysis.stateMachine.lambdaCost + secondSpent,
    },
    warnings,
    comparison: result,
  };
}
