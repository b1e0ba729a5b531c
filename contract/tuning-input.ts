// The crud function's weekly tuning input: what PowerTuner's schedule rule sends, and what `powertune input`
// prints for a deployed app. One definition, so the CI's tuning and the weekly one cannot drift apart.
import { DEFAULT_POWER_VALUES } from "../functions/tuner/core/index.js";
import { crudTuningPayload, type WeightedPayload } from "./sample-data.js";

/** Invocations per power of the weekly tuning: the weights of its payload total this. */
export const CRUD_TUNING_NUM = 50;

/**
 * The pause between one power's invocations, ms: an API's requests arrive with gaps between them, and measured
 * back to back a warm environment keeps its caches, which made the crud function's invocations at 1024 and
 * 1536 MB 18–20 % cheaper in CPU when tuned alone than beside the other powers (docs/benchmarks.md, "Local
 * tune").
 * Spaced, every invocation starts as a request in service does, whatever else runs.
 */
export const CRUD_TUNING_SLEEP_MS = 30;

export interface CrudTuningInput {
  lambdaARN: string;
  powerValues: number[];
  num: number;
  sleepBetweenRunsMs: number;
  strategy: "balanced";
  payload: WeightedPayload[];
  /** Present only when the winner is applied at the end of the run. */
  autoOptimize?: true;
  /** Present only when the recommendation waits in TuningHistory for `powertune approve`. */
  approval?: "manual";
}

/** What a run does with its recommendation beyond reporting it: the tuner input's own two fields. */
export interface TuningDecisionSettings {
  /** "manual": the recommendation waits in TuningHistory for `powertune approve` or `deny`. @default "auto" */
  approval?: "auto" | "manual";
  /** Apply the winner at the end of the run. @default false */
  autoOptimize?: boolean;
}

/**
 * The weekly tuning of the crud function: every default power (or `powerValues`), 50 invocations each of
 * the read-heavy payload, 30 ms apart, strategy balanced. It reports only, unless `decision` says otherwise; the fields
 * are added only when they differ from the tuner's defaults, so a report-only input stays as short as before.
 *
 * @param target the crud function's ARN and its table's name (the payload's dispatcher reads name the table)
 */
export function crudTuningInput(
  target: { functionArn: string; tableName: string },
  powerValues: readonly number[] = DEFAULT_POWER_VALUES,
  decision: TuningDecisionSettings = {},
): CrudTuningInput {
  return {
    lambdaARN: target.functionArn,
    powerValues: [...powerValues],
    num: CRUD_TUNING_NUM,
    sleepBetweenRunsMs: CRUD_TUNING_SLEEP_MS,
    strategy: "balanced",
    payload: crudTuningPayload(target.tableName),
    ...(decision.autoOptimize ? { autoOptimize: true as const } : {}),
    ...(decision.approval === "manual" ? { approval: "manual" as const } : {}),
  };
}
