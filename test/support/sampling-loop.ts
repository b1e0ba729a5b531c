// Runs the tuner's round loop (Initializer's plan → Map → Analyzer → Choice) in process, with a synthetic
// executor, as the state machine would: for the sampling and state-size tests.
import { validateTuningInput } from "../../functions/tuner/core/input.js";
import { advanceSampling, type SamplingState, startSampling } from "../../functions/tuner/core/sampling.js";
import type { ExecutorTask, Measurements, TuningContext } from "../../functions/tuner/core/types.js";

export const TEST_ARN = "arn:aws:lambda:us-east-1:000000000000:function:target";

export function contextFor(raw: Record<string, unknown>, originalMemoryMb = 128): TuningContext {
  const input = validateTuningInput({ lambdaARN: TEST_ARN, ...raw }, [128, 256, 512]);
  return {
    runId: "00000000-0000-0000-0000-000000000000",
    startedAt: "2026-01-01T00:00:00.000Z",
    input,
    target: {
      functionArn: TEST_ARN,
      functionName: "target",
      region: "us-east-1",
      architecture: "arm64",
      originalMemoryMb,
    },
    compute: { elapsedMs: 1234, memoryMb: 256 },
  };
}

/** Measurements of one task from its durations (ms): billed rounded up, no cold start. */
export function measurementsOf(task: ExecutorTask, durationMs: number[]): Measurements {
  return {
    power: task.power,
    durationMs,
    billedMs: durationMs.map((d) => Math.ceil(d)),
    initMs: durationMs.map(() => 0),
    maxMemoryUsedMb: durationMs.map(() => 64),
    allowedErrors: 0,
    httpErrorResponses: 0,
    errors: [],
    compute: { elapsedMs: 100, memoryMb: 256 },
  };
}

export interface LoopResult {
  sampling: SamplingState;
  /** Every round's tasks, in order. */
  rounds: ExecutorTask[][];
  /** The largest state the loop passed between states (JSON characters): an Analyzer's input or output. */
  largestStateBytes: number;
}

/** Runs rounds until the analyzer says done; `measure` returns one task's measurements in a given round. */
export function runRounds(
  context: TuningContext,
  measure: (task: ExecutorTask, round: number) => Measurements,
): LoopResult {
  let sampling = startSampling(context);
  const rounds: ExecutorTask[][] = [];
  let largest = JSON.stringify({ tuning: context, sampling }).length;
  for (let guard = 0; !sampling.done; guard++) {
    if (guard > 1000) throw new Error("the round loop did not end");
    rounds.push(sampling.tasks);
    const round = sampling.tasks.map((task) => measure(task, rounds.length));
    largest = Math.max(largest, JSON.stringify({ tuning: context, sampling, round }).length);
    sampling = advanceSampling(context, sampling, round);
    largest = Math.max(largest, JSON.stringify({ tuning: context, sampling, round }).length);
  }
  return { sampling, rounds, largestStateBytes: largest };
}
