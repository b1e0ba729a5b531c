import { describe, expect, it } from "vitest";
import {
  costPerInvocation,
  DEFAULT_REGION_PRICES,
  PRICES_TAKEN_ON,
  pricesForRegion,
  REGION_PRICES,
} from "../../../../../functions/tuner/core/pricing.js";
import {
  countStateTransitions,
  executionCost,
  tunerComputeCost,
} from "../../../../../functions/tuner/core/run-cost.js";

describe("price table", () => {
  it("records the date it was taken", () => {
    expect(PRICES_TAKEN_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("has x86_64 and arm64 prices, arm64 cheaper, in several regions", () => {
    expect(Object.keys(REGION_PRICES).length).toBeGreaterThanOrEqual(10);
    for (const prices of Object.values(REGION_PRICES)) {
      expect(prices.gbSecond.arm64).toBeLessThan(prices.gbSecond.x86_64);
      expect(prices.request).toBeGreaterThan(0);
      expect(prices.stateTransition).toBeGreaterThan(0);
    }
  });

  it("uses the listed prices for a known region without a warning", () => {
    const lookup = pricesForRegion("af-south-1");
    expect(lookup.warning).toBeUndefined();
    expect(lookup.prices.gbSecond.x86_64).toBe(0.0000221);
  });

  it("falls back to the default with a warning naming an unknown region", () => {
    const lookup = pricesForRegion("xx-moon-1");
    expect(lookup.prices).toBe(DEFAULT_REGION_PRICES);
    expect(lookup.warning).toContain("xx-moon-1");
  });
});

describe("costPerInvocation", () => {
  const us = pricesForRegion("us-east-1").prices;

  it("1024 MB for 1000 ms on x86_64 costs one GB-second plus one request", () => {
    expect(costPerInvocation(1024, 1000, us, "x86_64")).toBeCloseTo(0.0000166667 + 0.0000002, 15);
  });

  it("128 MB for 100 ms on arm64", () => {
    expect(costPerInvocation(128, 100, us, "arm64")).toBeCloseTo(0.1 * 0.125 * 0.0000133334 + 0.0000002, 15);
  });

  it("rounds billed ms up to a whole ms", () => {
    expect(costPerInvocation(1024, 1.2, us, "x86_64")).toBe(costPerInvocation(1024, 2, us, "x86_64"));
  });

  it("costs more in af-south-1 than in us-east-1", () => {
    const af = pricesForRegion("af-south-1").prices;
    expect(costPerInvocation(512, 50, af, "arm64")).toBeGreaterThan(costPerInvocation(512, 50, us, "arm64"));
  });

  it("is just the request price for 0 ms", () => {
    expect(costPerInvocation(512, 0, us, "x86_64")).toBe(us.request);
  });
});

describe("cost of the run", () => {
  const us = pricesForRegion("us-east-1").prices;
  it("counts 4 transitions, plus 3 per round and 2 per power measured in it", () => {
    // One round of 6 powers: ReadInput, Initializer, Map, 6 × (iteration + Executor), Analyzer, Choice,
    // Optimizer, Succeed.
    expect(countStateTransitions([6])).toBe(19);
    // Rounds that measure fewer powers (adaptive sampling) cost less.
    expect(countStateTransitions([6, 6, 2])).toBe(4 + 15 + 15 + 7);
    expect(executionCost([6], us)).toBeCloseTo(19 * 0.000025, 12);
  });
  it("prices the tuner's own compute on arm64", () => {
    const cost = tunerComputeCost(
      [
        { elapsedMs: 1000, memoryMb: 1024 },
        { elapsedMs: 500, memoryMb: 2048 },
      ],
      us,
    );
    expect(cost).toBeCloseTo(2 * (0.0000133334 + 0.0000002), 14);
  });
});
