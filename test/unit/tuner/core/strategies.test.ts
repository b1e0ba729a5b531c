import { describe, expect, it } from "vitest";
import { balancedScore, type Candidate, pickWinner } from "../../../../functions/tuner/core/strategies.js";

const c = (power: number, cost: number, duration: number): Candidate => ({ power, cost, duration });

describe("pickWinner", () => {
  const candidates = [c(128, 2e-6, 400), c(512, 1.5e-6, 90), c(1024, 2.5e-6, 60), c(2048, 4e-6, 55)];

  it("cost picks the cheapest", () => {
    expect(pickWinner(candidates, "cost").power).toBe(512);
  });

  it("speed picks the fastest", () => {
    expect(pickWinner(candidates, "speed").power).toBe(2048);
  });

  it("cost breaks a tie with the faster one", () => {
    expect(pickWinner([c(128, 1e-6, 100), c(256, 1e-6, 50)], "cost").power).toBe(256);
  });

  it("cost treats float noise as a tie", () => {
    expect(pickWinner([c(128, 1e-6 + 1e-18, 100), c(256, 1e-6, 50)], "cost").power).toBe(256);
  });

  it("speed breaks a tie with the cheaper one", () => {
    expect(pickWinner([c(1024, 3e-6, 50), c(2048, 5e-6, 50)], "speed").power).toBe(1024);
  });

  it("a full tie goes to the smaller power", () => {
    expect(pickWinner([c(512, 1e-6, 50), c(256, 1e-6, 50)], "speed").power).toBe(256);
    expect(pickWinner([c(512, 1e-6, 50), c(256, 1e-6, 50)], "balanced").power).toBe(256);
  });

  it("balanced with weight 1 behaves like cost, weight 0 like speed", () => {
    expect(pickWinner(candidates, "balanced", 1).power).toBe(512);
    expect(pickWinner(candidates, "balanced", 0).power).toBe(2048);
  });

  it("balanced with weight 0.5 minimises the normalised sum", () => {
    // score = 0.5·cost/4e-6 + 0.5·duration/400
    const scores = candidates.map((x) => balancedScore(x, 4e-6, 400, 0.5));
    const best = candidates[scores.indexOf(Math.min(...scores))];
    expect(pickWinner(candidates, "balanced", 0.5).power).toBe(best?.power);
    expect(best?.power).toBe(512);
  });

  it("balanced breaks a score tie with the cheaper one", () => {
    // both score 0.5·1 + 0.5·0.5 = 0.75 and 0.5·0.5 + 0.5·1 = 0.75
    expect(pickWinner([c(128, 2e-6, 50), c(256, 1e-6, 100)], "balanced", 0.5).power).toBe(256);
  });

  it("a single candidate wins every strategy", () => {
    for (const s of ["cost", "speed", "balanced"] as const)
      expect(pickWinner([c(640, 1, 1)], s).power).toBe(640);
  });

  it("refuses an empty list", () => {
    expect(() => pickWinner([], "cost")).toThrow(RangeError);
  });
});

describe("balancedScore", () => {
  it("is 0 when both maxima are 0", () => {
    expect(balancedScore(c(128, 0, 0), 0, 0, 0.5)).toBe(0);
  });
});
