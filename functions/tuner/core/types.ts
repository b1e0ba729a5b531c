// Shapes passed between the states of the tuning state machine.
import type { ErrorTally, MaxErrorRates } from "./feasibility.js";
import type { ResolvedInvokeMode, TuningInput } from "./input.js";
import type { Architecture } from "./pricing.js";
import type { TargetAccess } from "./target-arn.js";

/** Wall time and memory of one tuner function invocation, for lambdaCost. */
export interface TunerCompute {
  /** ms */
  elapsedMs: number;
  /** MB */
  memoryMb: number;
}

/** One Map item of a round: everything the executor needs to measure one power value's slice of invocations. */
export interface ExecutorTask {
  /** The function, unqualified: the qualifiers below are the tuner's aliases on it. */
  lambdaARN: string;
  /** The Lambda API the function is reached through: its region, and the role to assume in its account. */
  access: TargetAccess;
  power: number;
  /** Alias names to invoke: one for the whole slice, or one per invocation with onlyColdStarts. */
  qualifiers: string[];
  /** Invocations in this slice (one round's). */
  num: number;
  /** Where the slice starts in the power's payload sequence: the invocations the power already had. */
  offset: number;
  /** The whole payload sequence's length: num, maxInvocations with num "auto", 1 in a dry run. */
  sequenceLength: number;
  payload?: unknown;
  /** With the input's payloadS3 (then `payload` is absent): the object the executor reads and spreads. */
  payloadS3?: PayloadS3Task;
  parallelInvocation: boolean;
  sleepBetweenRunsMs: number;
  preProcessorARN?: string;
  postProcessorARN?: string;
  allowedExceptions: string[];
  /** Per error kind, the share of invocations allowed errors may reach before the power is infeasible. */
  maxErrorRate: MaxErrorRates;
  disablePayloadLogs: boolean;
  /** RESPONSE_STREAM: InvokeWithResponseStream, read to the end of the stream; BUFFERED: Invoke. */
  invokeMode: ResolvedInvokeMode;
  /** The slice measures the run's second target (compareWith, or the copy on the other architecture). */
  compared?: true;
}

/** The object an executor task's payload is read from, and what spreading it needs to know of the input. */
export interface PayloadS3Task {
  /** The input's payloadS3, `s3://BUCKET/KEY`. */
  url: string;
  /** A dry run sends a weighted list's first payload, once. */
  dryRun: boolean;
  /** The input field that sets the sequence's length, which a weighted list must fit: num, or maxInvocations. */
  countField: "num" | "maxInvocations";
}

/**
 * The executor's result: raw per-invocation numbers, index-aligned (ms and MB), for every invocation it made,
 * failed ones included (their REPORT lines say what they ran and cost).
 */
export interface Measurements {
  power: number;
  durationMs: number[];
  /** Billed Duration + Billed Restore Duration (SnapStart). */
  billedMs: number[];
  /** Init Duration (+ Restore Duration for SnapStart); 0 for a warm start. */
  initMs: number[];
  maxMemoryUsedMb: number[];
  /** Invocations that failed with an allowed exception. */
  allowedErrors: number;
  /** The slice's failed invocations, allowed or not, by error type. */
  errors: ErrorTally[];
  /** Why the slice ended before its num invocations (the power became clearly infeasible, or time ran short). */
  stoppedEarly?: string;
  /** Responses shaped like an API Gateway proxy result with statusCode ≥ 400: measured, but error answers. */
  httpErrorResponses?: number;
  /** Echoes its task's `compared`: these are the second target's measurements. */
  compared?: true;
  compute: TunerCompute;
}

/** Everything one power was measured with so far, over all rounds, index-aligned (ms and MB). */
export interface PowerSamples {
  power: number;
  durationMs: number[];
  billedMs: number[];
  initMs: number[];
  maxMemoryUsedMb: number[];
  allowedErrors: number;
  httpErrorResponses: number;
  /** Every failed invocation so far, allowed or not, by error type. */
  errors: ErrorTally[];
  /** Why the executor last ended a slice of this power early, if it did. */
  stoppedEarly?: string;
  /** Invocations in each round so far, in round order: 0 for a round this power sat out. */
  perRound: number[];
}

export interface TargetSnapshot {
  /** The function, unqualified (the lock and every change name it). */
  functionArn: string;
  functionName: string;
  region: string;
  architecture: Architecture;
  /** The memory the target served before the run, MB: $LATEST's, or the version's the qualifier resolves to. */
  originalMemoryMb: number;
  /** The input's version or alias, when it named one. */
  qualifier?: string;
  /** The version that qualifier resolved to when the run started (the alias's version, or the version itself). */
  version?: string;
  /** The code the target ran (CodeSha256); with a qualifier, $LATEST's must still be it to publish the winner. */
  codeSha256?: string;
  /** The role assumed in the function's account (the input's targetRoleArn). */
  roleArn?: string;
  /** How the executors invoke it, input's "auto" resolved from its function URL; absent: BUFFERED. */
  invokeMode?: ResolvedInvokeMode;
}

/** What a comparison's two targets are: two functions, or one function's code on both architectures. */
export type ComparisonKind = "functions" | "architectures";

/** The second target of a comparison, measured beside `target` in the same rounds. */
export interface ComparedTarget extends TargetSnapshot {
  /** How the output names it: the function's name, or its architecture. */
  label: string;
  /**
   * The function the tuner created for the run (a copy of lambdaARN on the other architecture), deleted whole
   * when the run ends; absent for compareWith, which is the user's own function.
   */
  copyOf?: string;
}

export interface ComparisonContext {
  kind: ComparisonKind;
  /** How the output names the first target (lambdaARN). */
  firstLabel: string;
  second: ComparedTarget;
}

/** The initializer's run context, kept at `$.tuning` for the rest of the run. */
export interface TuningContext {
  runId: string;
  startedAt: string;
  input: TuningInput;
  target: TargetSnapshot;
  /** With compareWith or architectures: the second target. */
  comparison?: ComparisonContext;
  compute: TunerCompute;
}

/** The choice after one round of an adaptive run, for its stopping rule. */
export interface RoundChoice {
  round: number;
  chosenPower: number;
  /** Every smaller power clearly excluded and the chosen one clearly in the tie (see sampling.ts). */
  separated: boolean;
}
