import { describe, expect, it } from "vitest";
import {
  DRIFT_THRESHOLD,
  detectDrift,
  driftWarning,
  withoutDrift,
} from "../../../../../functions/tuner/core/drift.js";
import type { PowerSamples } from "../../../../../functions/tuner/core/types.js";
import { powerSamplesOf } from "../../../../support/synthetic-samples.js";

/** A power measured in rounds of `per` invocations, each round at the given level (ms), ±1 ms. */
function rounds(power: number, levels: number[], per = 10): PowerSamples {
  const durationMs = levels.flatMap((level) => Array.from({ length: per }, (_, i) => level + (i % 3) - 1));
  return powerSamplesOf(power, durationMs, { perRound: levels.map(() => per), memoryMb: 64 });
}

describe("detectDrift", () => {
  it("reports every power slowing down together in one round", () => {
    const report = detectDrift([rounds(128, [100, 100, 200, 100]), rounds(512, [25, 25, 50, 25])]);
    expect(report.detected).toBe(true);
    expect(report.spreadPercent).toBeGreaterThan(90);
    expect(report.roundFactors[2]).toBeGreaterThan(1.5);
    expect(driftWarning(report)).toMatch(/machine-wide drift.*by up to \d+ %/);
  });

  it("does not call one power's own change drift, nor a change below the threshold", () => {
    expect(detectDrift([rounds(128, [100, 100, 200, 100]), rounds(512, [25, 25, 25, 25])]).detected).toBe(
      false,
    );
    const small = 1 + DRIFT_THRESHOLD / 2;
    const report = detectDrift([rounds(128, [100, 100 * small]), rounds(512, [25, 25 * small])]);
    expect(report.detected).toBe(false);
    expect(driftWarning(report)).toBeUndefined();
  });

  it("leaves the first of three or more rounds out: it carries warm-up, not drift", () => {
    const warmUp = detectDrift([rounds(128, [150, 100, 100, 100]), rounds(512, [40, 25, 25, 25])]);
    expect(warmUp.roundFactors[0]).toBeGreaterThan(1.4);
    expect(warmUp.detected).toBe(false);
    const later = detectDrift([rounds(128, [150, 100, 150, 100]), rounds(512, [40, 25, 40, 25])]);
    expect(later.detected).toBe(true);
  });

  it("calls rounds that get faster and stay faster a warm-up, not drift, and warns of each in its own words", () => {
    const warmUp = detectDrift([rounds(128, [150, 130, 100, 100, 100]), rounds(512, [40, 33, 25, 25, 25])]);
    expect(warmUp).toMatchObject({ detected: false, warmUp: true });
    expect(driftWarning(warmUp)).toMatch(/^warm-up: .*by up to \d+ %/);
    // Slower in the middle, or slower again at the end: drift.
    const middle = detectDrift([rounds(128, [100, 100, 150, 100, 100]), rounds(512, [25, 25, 38, 25, 25])]);
    expect(middle).toMatchObject({ detected: true, warmUp: false });
    const back = detectDrift([rounds(128, [150, 130, 100, 100, 125]), rounds(512, [40, 33, 25, 25, 32])]);
    expect(back).toMatchObject({ detected: true, warmUp: false });
    expect(driftWarning(back)).toMatch(/^machine-wide drift/);
  });

  it("skips rounds a power sat out or measured too little to have a median", () => {
    const sparse = { ...rounds(128, [100, 200]), perRound: [10, 0, 10] };
    const report = detectDrift([sparse, rounds(512, [25, 25, 50])]);
    expect(report.roundFactors[1]).toBeNull();
    expect(detectDrift([rounds(128, [100, 200], 2), rounds(512, [25, 50], 2)]).detected).toBe(false);
  });

  it("has nothing to compare with one round", () => {
    expect(detectDrift([rounds(128, [100]), rounds(512, [25])])).toMatchObject({
      spreadPercent: 0,
      detected: false,
    });
  });
});

describe("withoutDrift", () => {
  it("divides each value by its round's common factor, and leaves a round without one as it was", () => {
    expect(withoutDrift([10, 12, 20, 24, 11], [2, 2, 1], [1, 2, null])).toEqual([10, 12, 10, 12, 11]);
  });

  it("takes a machine-wide slowdown out of every power alike, so their ratio is what is left", () => {
    const samples = [rounds(128, [100, 100, 200, 100]), rounds(512, [25, 25, 50, 25])];
    const { roundFactors } = detectDrift(samples);
    const [slow, fast] = samples.map((s) => withoutDrift(s.durationMs, s.perRound, roundFactors));
    expect(Math.max(...(slow as number[]))).toBeLessThanOrEqual(101);
    expect(Math.max(...(fast as number[]))).toBeLessThanOrEqual(26);
  });
});
