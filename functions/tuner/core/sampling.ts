// Measuring in rounds: what the next round measures, and when measuring stops (fixed num or adaptive).

import { aliasName } from "./aliases.js";
import {
  type Analysis,
  analyze,
  clearlyInfeasible,
  decideOn,
  infeasibilityOf,
  type StopReason,
  targetCostSoFar,
} from "./analysis.js";
import { analyzeComparison, secondTargetContext } from "./comparison.js";
import type { Choice } from "./decision.js";
import { addTallies } from "./feasibility.js";
import { runPayload } from "./payloads.js";
import { pricesForRegion } from "./pricing.js";
import { invocationsPerPower, roundInvocations } from "./rounds.js";
import { tunerComputeCost } from "./run-cost.js";
import { targetAccess } from "./target-arn.js";
import type { ExecutorTask, Measurements, PowerSamples, RoundChoice, TuningContext } from "./types.js";

/**
 * A power whose exclusion p-value is at or below this clearly cannot win (shown worse than the best, by more
 * than the equivalence margin, at 99 %): it is not measured.
 */
export const CLEAR_EXCLUSION = 0.01;
/**
 * The chosen power is clearly in the tie when the run shows it within the equivalence margin of the best (of
 * the runner-up, when it is the best) at this level: a one-sided non-inferiority test, not merely a failure to
 * exclude it, which a few noisy invocations give for a power that more data would exclude.
 */
export const CLEAR_INCLUSION = 0.05;
/** Rounds in a row the choice must be the same and separated before an adaptive run stops. */
export const SETTLE_ROUNDS = 2;

const mb = (power: number) => `${power} MB`;

/** One power's slice of a round: invocations `offset` … `offset + count − 1` of its sequence. */
export function executorTask(
  context: TuningContext,
  power: number,
  offset: number,
  count: number,
  second = false,
): ExecutorTask {
  const { input } = context;
  const payload = runPayload(input.payload, input.dryRun);
  const secondTarget = second ? context.comparison?.second : undefined;
  if (second && !secondTarget) throw new RangeError("a task for a second target needs a comparison");
  return {
    lambdaARN: (secondTarget ?? context.target).functionArn,
    access: targetAccess(
      (secondTarget ?? context.target).functionArn,
      context.runId,
      (secondTarget ?? context.target).roleArn,
    ),
    power,
    qualifiers: input.onlyColdStarts
      ? Array.from({ length: count }, (_, i) => aliasName(power, offset + i))
      : [aliasName(power)],
    num: count,
    offset,
    sequenceLength: invocationsPerPower(input),
    ...(payload !== undefined ? { payload } : {}),
    // The executor reads the object itself (the only function that may), and spreads it as it would `payload`.
    ...(input.payloadS3 !== undefined
      ? {
          payloadS3: {
            url: input.payloadS3,
            dryRun: input.dryRun,
            countField: input.num === "auto" ? ("maxInvocations" as const) : ("num" as const),
          },
        }
      : {}),
    parallelInvocation: input.parallelInvocation,
    sleepBetweenRunsMs: input.sleepBetweenRunsMs,
    ...(input.preProcessorARN ? { preProcessorARN: input.preProcessorARN } : {}),
    ...(input.postProcessorARN ? { postProcessorARN: input.postProcessorARN } : {}),
    allowedExceptions: input.allowedExceptions,
    maxErrorRate: input.maxErrorRate,
    disablePayloadLogs: input.disablePayloadLogs,
    invokeMode: context.target.invokeMode ?? "BUFFERED",
    ...(secondTarget ? { compared: true as const } : {}),
  };
}

/**
 * A round's tasks: each power of the first target, followed at once by the same power of the second one, so
 * the two share every round (and, with a Map concurrency limit, every moment) and drift touches both alike.
 */
function roundTasks(first: readonly ExecutorTask[], second: readonly ExecutorTask[]): ExecutorTask[] {
  const powers = [...new Set([...first, ...second].map((t) => t.power))].sort((a, b) => a - b);
  return powers.flatMap((power) => [
    ...first.filter((t) => t.power === power),
    ...second.filter((t) => t.power === power),
  ]);
}

function emptySamples(power: number): PowerSamples {
  return {
    power,
    durationMs: [],
    billedMs: [],
    initMs: [],
    maxMemoryUsedMb: [],
    allowedErrors: 0,
    httpErrorResponses: 0,
    errors: [],
    perRound: [],
  };
}

/** The first round: every power value, from the start of its payload sequence. */
export function startSampling(context: TuningContext): SamplingState {
  const { input } = context;
  const count = roundInvocations(input);
  const first = input.powerValues.map((power) => executorTask(context, power, 0, count));
  const second = context.comparison
    ? input.powerValues.map((power) => executorTask(context, power, 0, count, true))
    : [];
  return {
    round: 0,
    tasks: roundTasks(first, second),
    samples: input.powerValues.map(emptySamples),
    ...(context.comparison ? { secondSamples: input.powerValues.map(emptySamples) } : {}),
    choices: [],
    tunerComputeUsd: 0,
    done: false,
  };
}

/** Appends one round's measurements to each power's samples; a power the round did not measure gets a 0. */
export function mergeRound(
  samples: readonly PowerSamples[],
  results: readonly Measurements[],
): PowerSamples[] {
  for (const result of results) {
    if (!samples.some((s) => s.power === result.power)) {
      throw new RangeError(
        `the round measured ${mb(result.power)}, which is not among the run's power values`,
      );
    }
  }
  return samples.map((s) => {
    const r = results.find((m) => m.power === s.power);
    if (!r) return { ...s, perRound: [...s.perRound, 0] };
    const stoppedEarly = r.stoppedEarly ?? s.stoppedEarly;
    return {
      power: s.power,
      durationMs: [...s.durationMs, ...r.durationMs],
      billedMs: [...s.billedMs, ...r.billedMs],
      initMs: [...s.initMs, ...r.initMs],
      maxMemoryUsedMb: [...s.maxMemoryUsedMb, ...r.maxMemoryUsedMb],
      allowedErrors: s.allowedErrors + r.allowedErrors,
      httpErrorResponses: s.httpErrorResponses + (r.httpErrorResponses ?? 0),
      errors: addTallies(s.errors, r.errors),
      ...(stoppedEarly ? { stoppedEarly } : {}),
      perRound: [...s.perRound, r.durationMs.length],
    };
  });
}

/**
 * The choice cannot flip on a little more data: every smaller power is excluded at 99 % (none is near
 * rejoining the tie), and the chosen power is shown within the margin of the best, or, being the best, of the
 * runner-up (one-sided p at or below CLEAR_INCLUSION), so that more data would not exclude it either.
 */
export function isSeparated(choice: Choice): boolean {
  const smallerExcluded = choice.verdicts.every(
    (v) => v.power >= choice.chosenPower || v.exclusionPValue <= CLEAR_EXCLUSION,
  );
  const chosenInside = (choice.chosenInclusion?.pValue ?? 0) <= CLEAR_INCLUSION;
  return smallerExcluded && chosenInside;
}

export interface AdvanceOptions {
  seed?: number;
  /** The page of stateMachine.visualization. @default DEFAULT_VISUALIZATION_URL */
  visualizationUrl?: string;
}

/**
 * After a round: merge its measurements, then either plan the next round or finish with the analysis.
 * Fixed num: every power is measured until it has num invocations. num "auto": after each round the decision
 * rule runs on everything so far; powers that clearly cannot win sit out; the run stops once the choice was
 * separated SETTLE_ROUNDS rounds in a row, once every contender has maxInvocations, or before a round that
 * would pass maxCostUsd. Either way, a power whose failures make it clearly infeasible is not invoked again,
 * and the decision rule compares the feasible powers only.
 */
export function advanceSampling(
  context: TuningContext,
  state: SamplingState,
  results: readonly Measurements[],
  options: AdvanceOptions = {},
): SamplingState {
  const { input } = context;
  const seed = options.seed ?? 42;
  const round = state.round + 1;
  const samples = mergeRound(
    state.samples,
    results.filter((r) => !r.compared),
  );
  const comparing = context.comparison !== undefined;
  const secondSamples = comparing
    ? mergeRound(
        state.secondSamples ?? input.powerValues.map(emptySamples),
        results.filter((r) => r.compared),
      )
    : undefined;
  const { prices } = pricesForRegion(context.target.region);
  const tunerComputeUsd =
    state.tunerComputeUsd +
    tunerComputeCost(
      results.map((r) => r.compute),
      prices,
    );
  const perPower = invocationsPerPower(input);
  const size = roundInvocations(input);
  const countIn = (list: readonly PowerSamples[] | undefined, power: number) =>
    list?.find((s) => s.power === power)?.durationMs.length ?? 0;
  const countOf = (power: number) => countIn(samples, power);
  const sliceOf = (power: number) => Math.min(size, perPower - countOf(power));
  const secondMeasurable = (power: number) => {
    const s = secondSamples?.find((x) => x.power === power);
    return s !== undefined && s.durationMs.length < perPower && !clearlyInfeasible(input, s);
  };
  // The second target follows the first: each power the first measures next, the second measures too
  // (unless it has its invocations already, or is clearly infeasible there); with a fixed num, a power the
  // first has finished still goes on for the second until it has num.
  const plan = (powers: number[], choices: RoundChoice[], secondOnly: number[] = []): SamplingState => {
    const secondPowers = [...powers, ...secondOnly].filter(secondMeasurable);
    const secondTask = (power: number) => {
      const offset = countIn(secondSamples, power);
      return executorTask(context, power, offset, Math.min(size, perPower - offset), true);
    };
    return {
      round,
      tasks: roundTasks(
        powers.map((power) => executorTask(context, power, countOf(power), sliceOf(power))),
        secondPowers.map(secondTask),
      ),
      samples,
      ...(secondSamples ? { secondSamples } : {}),
      choices,
      tunerComputeUsd,
      done: false,
    };
  };
  const finish = (choices: RoundChoice[], stop?: { reason: StopReason; text: string }): SamplingState => {
    const analyzeOptions = {
      seed,
      tunerComputeUsd,
      ...(stop ? { stop } : {}),
      ...(options.visualizationUrl ? { visualizationUrl: options.visualizationUrl } : {}),
    };
    return {
      round,
      tasks: [],
      samples,
      ...(secondSamples ? { secondSamples } : {}),
      choices,
      tunerComputeUsd,
      done: true,
      analysis: secondSamples
        ? analyzeComparison(context, samples, secondSamples, analyzeOptions)
        : analyze(context, samples, analyzeOptions),
    };
  };
  const measurable = (s: PowerSamples) => countOf(s.power) < perPower && !clearlyInfeasible(input, s);

  if (input.num !== "auto" || input.dryRun) {
    const unfinished = samples.filter(measurable).map((s) => s.power);
    const secondUnfinished = input.powerValues.filter((p) => !unfinished.includes(p) && secondMeasurable(p));
    return unfinished.length > 0 || secondUnfinished.length > 0
      ? plan(unfinished, [], secondUnfinished)
      : finish([]);
  }

  // Powers above a threshold but not clearly so: measured on, outside the decision until they are feasible.
  const undecided = samples
    .filter((s) => infeasibilityOf(input, s).length > 0 && measurable(s))
    .map((s) => s.power);
  const choice = decideOn(context, samples, seed);
  if (!choice) {
    return undecided.length > 0 ? plan(undecided, state.choices) : finish(state.choices); // the analysis fails: no power value is feasible
  }
  const chosen = choice.chosenPower;
  const choices = [...state.choices, { round, chosenPower: chosen, separated: isSeparated(choice) }];
  const recent = choices.slice(-SETTLE_ROUNDS);
  if (recent.length === SETTLE_ROUNDS && recent.every((c) => c.separated && c.chosenPower === chosen)) {
    const versus = choice.chosenInclusion
      ? `shown within the margin of ${mb(choice.chosenInclusion.power)} at 95 %`
      : "the only power measured";
    return finish(choices, {
      reason: "separated",
      text: `the choice, ${mb(chosen)}, was separated ${SETTLE_ROUNDS} rounds in a row: every smaller power excluded at 99 % and ${mb(chosen)} ${versus}`,
    });
  }
  const open = choice.verdicts
    .filter((v) => v.exclusionPValue > CLEAR_EXCLUSION && countOf(v.power) < perPower)
    .map((v) => v.power);
  const toMeasure = [...open, ...undecided].sort((a, b) => a - b);
  if (open.length === 0) {
    return finish(choices, {
      reason: "max-invocations",
      text: `every power still in contention reached maxInvocations ${perPower} before the choice was separated ${SETTLE_ROUNDS} rounds in a row`,
    });
  }
  if (input.maxCostUsd !== undefined) {
    // A comparison's budget covers both targets: the second's spend so far, and its share of the next round.
    const secondSpent = secondSamples ? targetCostSoFar(secondTargetContext(context), secondSamples) : 0;
    const spent = targetCostSoFar(context, samples) + secondSpent;
    const averageCost = (power: number) =>
      targetCostSoFar(
        context,
        samples.filter((s) => s.power === power),
      ) / Math.max(1, countOf(power));
    const firstNext = toMeasure.reduce((sum, power) => sum + sliceOf(power) * averageCost(power), 0);
    const firstSpent = spent - secondSpent;
    const nextRound = firstSpent > 0 ? firstNext * (1 + secondSpent / firstSpent) : firstNext;
    if (spent + nextRound > input.maxCostUsd) {
      return finish(choices, {
        reason: "max-cost",
        text: `another round (about ${nextRound.toPrecision(3)} USD) would take the target's invocations past maxCostUsd ${input.maxCostUsd} USD (spent ${spent.toPrecision(3)} USD)`,
      });
    }
  }
  return plan(toMeasure, choices);
}

/** Where measuring stands, kept at `$.sampling`: the initializer starts it, the analyzer advances it. */
export interface SamplingState {
  /** Rounds measured so far. */
  round: number;
  /** The next round's tasks, one per power still measured; empty once measuring is over. */
  tasks: ExecutorTask[];
  /** Everything measured so far, one entry per power value, ascending. */
  samples: PowerSamples[];
  /** The same for a comparison's second target. */
  secondSamples?: PowerSamples[];
  /** The choice after each round (num "auto" only). */
  choices: RoundChoice[];
  /** USD the executors and analyzers used so far (the initializer's own compute is in the context). */
  tunerComputeUsd: number;
  /** No round is left: the state machine moves on to the optimizer. */
  done: boolean;
  /** The run's analysis, once done. */
  analysis?: Analysis;
}

/** The initializer's result: the whole state of the run from then on. */
export interface InitializerResult {
  tuning: TuningContext;
  sampling: SamplingState;
}
