import { describe, expect, it } from "vitest";
import {
  bootstrapTrimmedMeanCi,
  mean,
  percentile,
  seededRandom,
  standardDeviation,
  trimmedMean,
} from "../../../../../functions/tuner/core/stats.js";

describe("trimmedMean", () => {
  it("drops floor(n × 0.2) from each end of 10 values", () => {
    // sorted: 1..10, drop 2 each side → 3..8 → mean 5.5; the outlier 1000 is discarded
    expect(trimmedMean([1000, 2, 3, 4, 5, 6, 7, 8, 9, 1], 0.2)).toBe(5.5);
  });

  it("drops nothing when n × discard < 1 (n = 4, 0.2)", () => {
    expect(trimmedMean([1, 2, 3, 10], 0.2)).toBe(4);
  });

  it("keeps one value with n = 1 and the maximum discard", () => {
    expect(trimmedMean([7], 0.4)).toBe(7);
  });

  it("keeps the middle with n = 5 and 0.4 (drops 2 each side)", () => {
    expect(trimmedMean([50, 1, 3, 2, 40], 0.4)).toBe(3);
  });

  it("keeps 2 of 2 with 0.4 (floor(0.8) = 0)", () => {
    expect(trimmedMean([2, 4], 0.4)).toBe(3);
  });

  it("is the plain mean with discard 0", () => {
    expect(trimmedMean([1, 2, 3, 100], 0)).toBe(26.5);
  });

  it("returns NaN for no values", () => {
    expect(trimmedMean([], 0.2)).toBeNaN();
  });

  it("does not reorder its input", () => {
    const values = [3, 1, 2];
    trimmedMean(values, 0.2);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("percentile (nearest rank)", () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  it("p50, p90, p99 of 1..100", () => {
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 90)).toBe(90);
    expect(percentile(values, 99)).toBe(99);
  });
  it("p99 of 5 values is the maximum", () => {
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
  });
  it("p0 is the minimum", () => {
    expect(percentile([5, 1, 4], 0)).toBe(1);
  });
  it("NaN for no values", () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("mean and standardDeviation", () => {
  it("sample standard deviation", () => {
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138, 3);
    expect(mean([2, 4])).toBe(3);
  });
  it("is 0 for one value and NaN for none", () => {
    expect(standardDeviation([3])).toBe(0);
    expect(standardDeviation([])).toBeNaN();
  });
});

describe("bootstrapTrimmedMeanCi", () => {
  const values = [10, 12, 11, 13, 9, 10, 14, 12, 11, 10, 30, 9];

  it("is deterministic with a seed", () => {
    expect(bootstrapTrimmedMeanCi(values, 0.2, 7)).toEqual(bootstrapTrimmedMeanCi(values, 0.2, 7));
  });

  it("differs with another seed but stays around the estimate it belongs to", () => {
    for (const discard of [0, 0.2]) {
      const a = bootstrapTrimmedMeanCi(values, discard, 1);
      const b = bootstrapTrimmedMeanCi(values, discard, 2);
      expect(a).not.toEqual(b);
      const estimate = trimmedMean(values, discard);
      for (const ci of [a, b]) {
        expect(ci.low).toBeLessThan(estimate);
        expect(ci.high).toBeGreaterThan(estimate);
        expect(ci.low).toBeGreaterThanOrEqual(9);
        expect(ci.high).toBeLessThanOrEqual(30);
      }
    }
  });

  it("trims each resample: the outlier 30 widens the plain mean's interval, not the trimmed mean's", () => {
    const width = (ci: { low: number; high: number }) => ci.high - ci.low;
    expect(width(bootstrapTrimmedMeanCi(values, 0.2))).toBeLessThan(width(bootstrapTrimmedMeanCi(values, 0)));
    expect(bootstrapTrimmedMeanCi(values, 0.2).high).toBeLessThan(bootstrapTrimmedMeanCi(values, 0).high);
  });

  it("collapses to the value when all values are equal", () => {
    expect(bootstrapTrimmedMeanCi([5, 5, 5, 5], 0.2)).toEqual({ low: 5, high: 5 });
  });

  it("is NaN for no values", () => {
    expect(bootstrapTrimmedMeanCi([], 0.2).low).toBeNaN();
  });

  it("narrows with more samples", () => {
    const random = seededRandom(3);
    const small = Array.from({ length: 10 }, () => random() * 100);
    const large = Array.from({ length: 1000 }, () => random() * 100);
    const width = (ci: { low: number; high: number }) => ci.high - ci.low;
    expect(width(bootstrapTrimmedMeanCi(large, 0.2))).toBeLessThan(width(bootstrapTrimmedMeanCi(small, 0.2)));
  });
});

describe("seededRandom", () => {
  it("yields the same sequence for the same seed, in [0, 1)", () => {
    const a = seededRandom(99);
    const b = seededRandom(99);
    for (let i = 0; i < 50; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
