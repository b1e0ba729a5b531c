import { describe, expect, it } from "vitest";
import {
  balancedScore,
  type Candidate,
  perInvocationMetric,
} from "../../../../../functions/tuner/core/strategies.js";

const c = (power: number, cost: number, duration: number): Candidate => ({ power, cost, duration });

describe("balancedScore", () => {
  it("minimises the normalised sum: weight·cost/maxCost + (1−weight)·duration/maxDuration", () => {
    // score = 0.5·cost/4e-6 + 0.5·duration/400
    expect(balancedScore(c(512, 1.5e-6, 90), 4e-6, 400, 0.5)).toBeCloseTo(0.5 * 0.375 + 0.5 * 0.225, 12);
  });

  it("with weight 1 is cost alone, with weight 0 duration alone", () => {
    expect(balancedScore(c(512, 2e-6, 100), 4e-6, 400, 1)).toBe(0.5);
    expect(balancedScore(c(512, 2e-6, 100), 4e-6, 400, 0)).toBe(0.25);
  });

  it("is 0 when both maxima are 0", () => {
    expect(balancedScore(c(128, 0, 0), 0, 0, 0.5)).toBe(0);
  });
});

describe("perInvocationMetric", () => {
  const costs = [1e-6, 2e-6];
  const durations = [10, 30];
  const scale = { maxCost: 2e-6, maxDuration: 20, balancedWeight: 0.5 };

  it("is the cost of each invocation for cost and its duration for speed", () => {
    expect(perInvocationMetric("cost", 128, costs, durations, scale)).toEqual(costs);
    expect(perInvocationMetric("speed", 128, costs, durations, scale)).toEqual(durations);
  });

  it("is each invocation's balanced score, normalised by the run's largest averages", () => {
    expect(perInvocationMetric("balanced", 128, costs, durations, scale)).toEqual([
      0.5 * 0.5 + 0.5 * 0.5,
      0.5 * 1 + 0.5 * 1.5,
    ]);
  });
});
