// The crud function's weekly tuning input: what PowerTuner's schedule rule sends, and what `powertune input`
// prints for a deployed app. One definition, so the CI's tuning and the weekly one cannot drift apart.
import { DEFAULT_POWER_VALUES } from "../functions/tuner/core/index.js";
import { crudTuningPayload, type WeightedPayload } from "./sample-data.js";

/** Invocations per power of the weekly tuning: the weights of its payload total this. */
export const CRUD_TUNING_NUM = 50;

export interface CrudTuningInput {
  lambdaARN: string;
  powerValues: number[];
  num: number;
  strategy: "balanced";
  payload: WeightedPayload[];
}

/**
 * The weekly tuning of the crud function: every default power (or `powerValues`), 50 invocations each of
 * the read-heavy payload, strategy balanced. It reports only; approval settings are added by the caller.
 *
 * @param target the crud function's ARN and its table's name (the payload's dispatcher reads name the table)
 */
export function crudTuningInput(
  target: { functionArn: string; tableName: string },
  powerValues: readonly number[] = DEFAULT_POWER_VALUES,
): CrudTuningInput {
  return {
    lambdaARN: target.functionArn,
    powerValues: [...powerValues],
    num: CRUD_TUNING_NUM,
    strategy: "balanced",
    payload: crudTuningPayload(target.tableName),
  };
}
