// Shapes passed between the states of the tuning state machine.
import type { TuningInput } from "./input.js";
import type { Architecture } from "./pricing.js";

/** Wall time and memory of one tuner function invocation, for lambdaCost. */
export interface TunerCompute {
  /** ms */
  elapsedMs: number;
  /** MB */
  memoryMb: number;
}

/** One Map item: everything the executor needs to measure one power value. */
export interface ExecutorTask {
  lambdaARN: string;
  power: number;
  /** Alias names to invoke: one, or one per invocation with onlyColdStarts. */
  qualifiers: string[];
  num: number;
  payload?: unknown;
  parallelInvocation: boolean;
  sleepBetweenRunsMs: number;
  preProcessorARN?: string;
  postProcessorARN?: string;
  allowedExceptions: string[];
  disablePayloadLogs: boolean;
}

/** The executor's result: raw per-invocation numbers, index-aligned (ms and MB). */
export interface Measurements {
  power: number;
  durationMs: number[];
  billedMs: number[];
  /** Init Duration (+ Restore Duration for SnapStart); 0 for a warm start. */
  initMs: number[];
  maxMemoryUsedMb: number[];
  /** Invocations that failed with an allowed exception (still measured). */
  allowedErrors: number;
  /** Responses shaped like an API Gateway proxy result with statusCode ≥ 400: measured, but error answers. */
  httpErrorResponses?: number;
  compute: TunerCompute;
}

export interface TargetSnapshot {
  functionArn: string;
  functionName: string;
  region: string;
  architecture: Architecture;
  /** $LATEST memory before the run, MB. */
  originalMemoryMb: number;
}

/** The initializer's result, kept at `$.tuning` for the rest of the run. */
export interface TuningContext {
  runId: string;
  startedAt: string;
  input: TuningInput;
  target: TargetSnapshot;
  executorTasks: ExecutorTask[];
  compute: TunerCompute;
}
