// The shapes of a run's output (and of a comparison's part of it), apart from the code that computes them, so
// that the analysis, the comparison and the sampling state can all name them without importing each other.
import type { DriftReport } from "./drift.js";
import type { ErrorTally } from "./feasibility.js";
import type { Architecture } from "./pricing.js";
import type { ConfidenceInterval } from "./stats.js";
import type { Strategy } from "./strategies.js";
import type { ComparisonKind } from "./types.js";

export interface PowerStats {
  power: number;
  /** The reference tool's name for power, MB. */
  value: number;
  /**
   * The reference tool's averagePrice, with its meaning: USD per invocation for duration only, the trimmed mean
   * billed ms rounded up once × the per-ms price at this memory; no request price (costUsd has it).
   */
  averagePrice: number;
  /** The reference tool's averageDuration: averageMs, ms. */
  averageDuration: number;
  /** Every invocation made at this power, failed ones included. */
  invocations: number;
  /**
   * Trimmed mean duration, ms: REPORT's Duration; with onlyColdStarts, Duration + Init Duration (+ Restore
   * Duration), as every other duration of that run.
   */
  averageMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  stdDevMs: number;
  /** Bootstrap 95 % CI of the trimmed mean duration (averageMs), ms. */
  ci95Ms: ConfidenceInterval;
  /** Trimmed mean cost per invocation, USD. */
  costUsd: number;
  /** Bootstrap 95 % CI of the trimmed mean cost per invocation (costUsd), USD. */
  costCi95Usd: ConfidenceInterval;
  /** costUsd × monthlyInvocations, USD per month. */
  monthlyCostUsd: number;
  cold: { count: number; averageMs: number | null; averageInitMs: number | null };
  warm: { count: number; averageMs: number | null };
  maxMemoryUsedMb: number;
  allowedErrors: number;
  /** Its failures are within the thresholds: the power may be chosen. */
  feasible: boolean;
  /** Failed invocations (allowed or not) ÷ invocations, 0–1. */
  errorRate: number;
  /** The failed invocations by error type. */
  errors: ErrorTally[];
}

export type Decision = "apply" | "pending" | "keep";

export interface PowerPValue {
  power: number;
  pValue: number;
}

export interface Recommendation {
  currentPower: number;
  /** The chosen power: the output's `power`. */
  winnerPower: number;
  strategy: Strategy;
  /** The power with the best trimmed mean of the strategy's metric. */
  bestPower: number;
  /**
   * The powers not shown worse than the best at 95 % (by more than equivalenceMargin, when one is set), ascending;
   * winnerPower is the least of them.
   */
  equivalentPowers: number[];
  /** The input's equivalenceMargin the tie was drawn with (a fraction of the best's metric). */
  equivalenceMargin?: number;
  /** Per power, the two-sided permutation p-value of its difference from the best on the metric (1 for it). */
  pValues: PowerPValue[];
  /**
   * 1 − the largest p-value among the powers below the chosen one (each excluded at 95 %); 1 when no smaller
   * power was measured; null in a dry run, whose single invocations resolve nothing.
   */
  confidence: number | null;
  /** The smaller power whose exclusion was weakest, or null. */
  weakestExclusion: PowerPValue | null;
  /** How much better the chosen power is on the strategy's metric, percent (null if the current memory was not measured). */
  savingPercent: number | null;
  monthlySavingUsd: number | null;
  /**
   * The current memory was measured, is told apart from the best at 95 %, and the chosen power beats it at
   * 95 % in a direct test: only then may the run switch away from it.
   */
  significant: boolean;
  decision: Decision;
  reason: string;
  applied: "yes" | "no" | "pending";
  appliedTo?: string;
  /** Powers excluded from the choice because their invocations failed too often (see stats[].errors), ascending. */
  infeasiblePowers: number[];
  /**
   * With infeasible powers: the least memory the run's evidence allows (the most Max Memory Used at a feasible
   * power + 10 %, above every power that ran out of memory), MB; null when every power was feasible.
   */
  memoryFloorMb: number | null;
}

/** Why measuring stopped. */
export type StopReason = "num" | "dry-run" | "separated" | "max-invocations" | "max-cost";

export interface SamplingSummary {
  /** fixed: num invocations per power; auto: adaptive sampling. */
  mode: "fixed" | "auto";
  rounds: number;
  /** Invocations per power in one round, at most. */
  roundInvocations: number;
  /** Per power: num, or with num "auto" the most it may get (maxInvocations). */
  maxInvocations: number;
  maxCostUsd?: number;
  /** Per power, ascending: the invocations it got and the last round it was measured in. */
  invocations: { power: number; count: number; lastRound: number }[];
  /** USD of all the target's invocations. */
  spentUsd: number;
  stop: StopReason;
  stoppedBecause: string;
  drift: DriftReport;
}

export interface TuningOutput {
  /** The chosen power, MB. */
  power: number;
  /** USD per invocation at the chosen power. */
  cost: number;
  /** ms at the chosen power. */
  duration: number;
  stateMachine: {
    executionCost: number;
    lambdaCost: number;
    /**
     * The reference tool's visualization: its lambda-power-tuning.show page (or the stack's visualizationURL),
     * the feasible powers' value, averageDuration and averagePrice in the URL's fragment.
     */
    visualization: string;
    /** The same powers on a quickchart.io chart (costUsd, with 95 % bands): its query string carries the data. */
    quickchartUrl: string;
  };
  recommendation: Recommendation;
  sampling: SamplingSummary;
  stats?: PowerStats[];
  prices: { region: string; architecture: string; takenOn: string };
  dryRun: boolean;
  warnings: string[];
  /** With compareWith or architectures: the second target, and per power which of the two is faster and cheaper. */
  comparison?: Comparison;
}

/** The analyzer's result: the output plus the statistics the optimizer publishes as metrics. */
export interface Analysis extends TuningOutput {
  stats: PowerStats[];
}

export interface ComparedSide {
  /** Trimmed mean duration, ms; null when the power has no measurement on this target. */
  averageMs: number | null;
  /** Trimmed mean cost per invocation, USD; null likewise. */
  costUsd: number | null;
  invocations: number;
  /** Its failures are within maxErrorRate. */
  feasible: boolean;
}

/** Which of the two targets wins on one metric at one power. */
export interface MetricVerdict {
  /** The label of the target with the lower trimmed mean; null when they are equal or either is unusable. */
  winner: string | null;
  /** How much lower the winner's trimmed mean is, percent of the other's. */
  byPercent: number | null;
  /** second ÷ first. */
  ratio: number | null;
  /** Two-sided permutation p-value of the difference (the decision's test); null when not tested. */
  pValue: number | null;
  /** The difference is resolved at 95 % (pValue ≤ 0.05): noise cannot flip the winner. */
  significant: boolean;
}

export interface PowerComparison {
  /** MB */
  power: number;
  first: ComparedSide;
  second: ComparedSide;
  /** On duration (ms). */
  faster: MetricVerdict;
  /** On cost per invocation (USD). */
  cheaper: MetricVerdict;
}

export interface ComparedTargetSummary {
  label: string;
  functionArn: string;
  architecture: Architecture;
}

export interface Comparison {
  kind: ComparisonKind;
  first: ComparedTargetSummary;
  second: ComparedTargetSummary & {
    /** The tuner created it for this run from lambdaARN's code, and deleted it at the end. */
    temporaryCopy: boolean;
    /** The second target's own choice under the run's strategy (null when none of its powers is feasible), MB. */
    power: number | null;
    /** USD per invocation at that power. */
    cost: number | null;
    /** ms at that power. */
    duration: number | null;
    /** Its powers indistinguishable from its best at 95 %. */
    equivalentPowers: number[];
    /** USD of its invocations (the first target's are sampling.spentUsd). */
    spentUsd: number;
    /** Its per-power statistics, as stats[] is for the first (in the output only with includeOutputResults). */
    stats?: PowerStats[];
  };
  /** Every power either target was measured at, ascending. */
  powers: PowerComparison[];
  /** One line: where each target is faster and cheaper, and how many of those differences are resolved. */
  summary: string;
  /**
   * The reference UI's compare view: `#p1;d1;c1;p2;d2;c2;legend1;legend2` (each target's feasible powers,
   * averageDuration and averagePrice), on the stack's visualizationURL.
   */
  visualization: string;
  /** Both targets' duration and cost on one quickchart.io chart. */
  quickchartUrl: string;
}
