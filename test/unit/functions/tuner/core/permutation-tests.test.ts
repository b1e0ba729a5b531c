import { describe, expect, it } from "vitest";
import { EQUIVALENCE_ALPHA } from "../../../../../functions/tuner/core/decision.js";
import {
  isPaired,
  PAIRED_SMALLEST_P,
  pairedPermutationTest,
  permutationTest,
  smallestPairedPValue,
  trimmedMeanPermutationTest,
} from "../../../../../functions/tuner/core/permutation-tests.js";
import { seededRandom } from "../../../../../functions/tuner/core/stats.js";
import { noisySamples, normalDraws, shuffled } from "../../../../support/synthetic-samples.js";

const TRIM = 0.2;

describe("trimmedMeanPermutationTest (two-sample)", () => {
  const a = noisySamples({ mean: 10, relativeSd: 0.1 }, 20, 1);
  const b = noisySamples({ mean: 20, relativeSd: 0.1 }, 20, 2);

  it("gives the smallest possible p-value to samples far apart, and a large one to a sample against itself", () => {
    expect(trimmedMeanPermutationTest(a, b, TRIM)).toBe(1 / 2001);
    expect(trimmedMeanPermutationTest(a, [...a], TRIM)).toBeGreaterThan(0.9);
  });

  it("depends on the values only, not on their order, and is the same for the same seed", () => {
    const other = noisySamples({ mean: 10.5, relativeSd: 0.1 }, 20, 3);
    const p = trimmedMeanPermutationTest(a, other, TRIM, 7);
    expect(p).toBeGreaterThan(0.001);
    for (let seed = 0; seed < 5; seed++) {
      expect(trimmedMeanPermutationTest(shuffled(a, seed), shuffled(other, seed + 50), TRIM, 7)).toBe(p);
    }
  });

  it("resolves nothing when trimming leaves fewer than two values", () => {
    expect(trimmedMeanPermutationTest([1], [100], 0)).toBe(1);
    expect(trimmedMeanPermutationTest([1, 2, 3], [100, 200, 300], 0.4)).toBe(1);
  });

  it("handles ties and constant samples (billed milliseconds are whole numbers)", () => {
    expect(trimmedMeanPermutationTest([5, 5, 5, 5, 5], [5, 5, 5, 5, 5], 0)).toBe(1);
    expect(trimmedMeanPermutationTest(Array(10).fill(5), Array(10).fill(6), 0)).toBeLessThan(0.001);
    // Trimmed, a relabeling that moves two values of each group hides them: about 2.3 % of relabelings.
    const trimmed = trimmedMeanPermutationTest(Array(10).fill(5), Array(10).fill(6), TRIM);
    expect(trimmed).toBeGreaterThan(0.01);
    expect(trimmed).toBeLessThan(EQUIVALENCE_ALPHA);
  });

  it("rejects a true null about 5 % of the time, even with unequal variances and sizes (studentized)", () => {
    let rejected = 0;
    const trials = 300;
    for (let seed = 1; seed <= trials; seed++) {
      const small = noisySamples({ mean: 1, relativeSd: 0.05 }, 10, seed);
      const large = noisySamples({ mean: 1, relativeSd: 0.3 }, 40, seed + 1000);
      if (trimmedMeanPermutationTest(small, large, TRIM, seed) <= EQUIVALENCE_ALPHA) rejected++;
    }
    expect(rejected / trials).toBeLessThan(0.1);
  });
});

/**
 * Two powers measured on the same weighted payload list: each invocation's duration is its payload's own
 * cost (a 5:1 spread between payloads) × the power's speed, with 5 % noise of its own. Pairs share the payload.
 */
function onPayloadMix(n: number, ratio: number, seed: number): { fast: number[]; slow: number[] } {
  const random = seededRandom(seed);
  const z = normalDraws(seed + 1);
  const payloadCost = Array.from({ length: n }, () => 1 + 4 * random());
  const measure = (speed: number) => payloadCost.map((c) => c * speed * (1 + 0.05 * z()));
  return { fast: measure(1), slow: measure(ratio) };
}

/** `values` with their i-th entries reordered by one permutation (the pairs stay together). */
function jointlyShuffled(lists: number[][], seed: number): number[][] {
  const order = shuffled(
    Array.from({ length: lists[0]?.length ?? 0 }, (_, i) => i),
    seed,
  );
  return lists.map((list) => order.map((i) => list[i] as number));
}

describe("pairedPermutationTest", () => {
  it("resolves a 10 % difference that the payload mix hides from the two-sample test", () => {
    let paired = 0;
    let twoSample = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const { fast, slow } = onPayloadMix(50, 1.1, seed);
      if (pairedPermutationTest(slow, fast, TRIM, seed) <= EQUIVALENCE_ALPHA) paired++;
      if (trimmedMeanPermutationTest(slow, fast, TRIM, seed) <= EQUIVALENCE_ALPHA) twoSample++;
    }
    expect(paired).toBe(50);
    expect(twoSample).toBeLessThan(25);
  });

  it("rejects a true null about 5 % of the time on the payload mix", () => {
    let rejected = 0;
    const trials = 300;
    for (let seed = 1; seed <= trials; seed++) {
      const { fast, slow } = onPayloadMix(30, 1, seed);
      if (pairedPermutationTest(slow, fast, TRIM, seed) <= EQUIVALENCE_ALPHA) rejected++;
    }
    expect(rejected / trials).toBeLessThan(0.1);
    expect(rejected).toBeGreaterThan(0);
  });

  it("gives the same p-value when the invocations are reordered together, and pairs only what both have", () => {
    const { fast, slow } = onPayloadMix(40, 1.03, 9);
    const p = pairedPermutationTest(slow, fast, TRIM, 7);
    for (let seed = 0; seed < 5; seed++) {
      const [s, f] = jointlyShuffled([slow, fast], seed);
      expect(pairedPermutationTest(s as number[], f as number[], TRIM, 7)).toBe(p);
    }
    expect(pairedPermutationTest([...slow, 1e6, 1e6], fast, TRIM, 7)).toBe(p);
  });

  it("gives p = 1 to identical pairs and resolves nothing with fewer than two kept pairs", () => {
    expect(pairedPermutationTest([5, 6, 7, 8], [5, 6, 7, 8], 0)).toBe(1);
    expect(pairedPermutationTest([1, 2, 3], [100, 200, 300], 0.4)).toBe(1);
  });
});

describe("permutationTest: paired once the pairs can resolve", () => {
  it("knows the smallest p-value sign flips can reach: every kept difference of one sign", () => {
    expect(smallestPairedPValue(10, 0)).toBeCloseTo(2 / 1024, 12);
    expect(smallestPairedPValue(10, 2)).toBeCloseTo((2 * (1 + 10 + 45)) / 1024, 12);
    // A constant difference, trimmed like that, reaches exactly that p-value (within Monte Carlo error).
    const p = pairedPermutationTest(Array(10).fill(6), Array(10).fill(5), TRIM, 3, 20_000);
    expect(p).toBeGreaterThan(smallestPairedPValue(10, 2) - 0.01);
    expect(p).toBeLessThan(smallestPairedPValue(10, 2) + 0.01);
  });

  it("is two-sample for a small num under the default trimming, paired from about 30 pairs", () => {
    expect(isPaired(5, TRIM)).toBe(false);
    expect(isPaired(10, TRIM)).toBe(false);
    expect(isPaired(20, TRIM)).toBe(false);
    expect(isPaired(30, TRIM)).toBe(true);
    expect(isPaired(50, TRIM)).toBe(true);
    expect(isPaired(10, 0)).toBe(true);
    expect(smallestPairedPValue(30, 6)).toBeLessThanOrEqual(PAIRED_SMALLEST_P);
  });

  it("so a constant 1 ms difference over 10 trimmed invocations is still resolved, as the two-sample test does", () => {
    const p = permutationTest(Array(10).fill(6), Array(10).fill(5), TRIM);
    expect(p).toBe(trimmedMeanPermutationTest(Array(10).fill(6), Array(10).fill(5), TRIM));
    expect(p).toBeLessThan(EQUIVALENCE_ALPHA);
    const { fast, slow } = onPayloadMix(50, 1.1, 4);
    expect(permutationTest(slow, fast, TRIM, 4)).toBe(pairedPermutationTest(slow, fast, TRIM, 4));
  });
});
