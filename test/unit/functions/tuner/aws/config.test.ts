import { describe, expect, it } from "vitest";
import { readTunerConfig } from "../../../../../functions/tuner/aws/config.js";
import { DEFAULT_POWER_VALUES } from "../../../../../functions/tuner/core/index.js";

describe("readTunerConfig", () => {
  it("falls back on the tuner's default power values when DEFAULT_POWER_VALUES is not set", () => {
    const config = readTunerConfig({ HISTORY_TABLE: "history" });
    expect(config.defaultPowerValues).toEqual(DEFAULT_POWER_VALUES);
    expect(config).toMatchObject({ lockTtlSeconds: 7200, memoryMb: 128, metricsNamespace: "PowerTuning" });
  });

  it("takes the power values the stack sets", () => {
    expect(
      readTunerConfig({ HISTORY_TABLE: "history", DEFAULT_POWER_VALUES: "[256,1024]" }).defaultPowerValues,
    ).toEqual([256, 1024]);
  });

  it("refuses power values that are not a JSON list of whole MB, naming the variable", () => {
    for (const value of ["not json", "[128.5]", '{"a":1}']) {
      expect(() => readTunerConfig({ HISTORY_TABLE: "history", DEFAULT_POWER_VALUES: value })).toThrow(
        /Environment variable DEFAULT_POWER_VALUES/,
      );
    }
  });

  it("refuses a missing HISTORY_TABLE, naming it", () => {
    expect(() => readTunerConfig({})).toThrow(/Environment variable HISTORY_TABLE: is required/);
  });
});
