import { describe, expect, it } from "vitest";
import { crudTuningInput, DEFAULT_POWER_VALUES } from "../../../contract/index.js";
import { validateTuningInput } from "../../../functions/tuner/core/index.js";

const target = { functionArn: "arn:aws:lambda:us-east-1:000000000000:function:crud", tableName: "items" };

describe("crudTuningInput", () => {
  it("reports only by default, with neither approval nor autoOptimize in the input", () => {
    const input = crudTuningInput(target);
    expect(Object.keys(input).sort()).toEqual([
      "lambdaARN",
      "num",
      "payload",
      "powerValues",
      "sleepBetweenRunsMs",
      "strategy",
    ]);
    expect(crudTuningInput(target, DEFAULT_POWER_VALUES, { approval: "auto", autoOptimize: false })).toEqual(
      input,
    );
  });

  it("adds what the decision settings ask for, as the tuner reads it", () => {
    const manual = crudTuningInput(target, DEFAULT_POWER_VALUES, { approval: "manual" });
    expect(manual.approval).toBe("manual");
    expect(validateTuningInput(manual, DEFAULT_POWER_VALUES)).toMatchObject({
      approval: "manual",
      autoOptimize: false,
    });
    const auto = crudTuningInput(target, [128, 512], { autoOptimize: true });
    expect(auto).toMatchObject({ autoOptimize: true, powerValues: [128, 512] });
    expect(validateTuningInput(auto, DEFAULT_POWER_VALUES)).toMatchObject({
      approval: "auto",
      autoOptimize: true,
    });
  });
});
