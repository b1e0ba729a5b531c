import { describe, expect, it } from "vitest";
import { analyze, finalOutput } from "../../../../../functions/tuner/core/analysis.js";
import { decide } from "../../../../../functions/tuner/core/decision.js";
import { NoFeasiblePowerError } from "../../../../../functions/tuner/core/errors.js";
import type { ErrorTally } from "../../../../../functions/tuner/core/feasibility.js";
import { validateTuningInput } from "../../../../../functions/tuner/core/input.js";
import { pricesForRegion } from "../../../../../functions/tuner/core/pricing.js";
import { trimmedMean } from "../../../../../functions/tuner/core/stats.js";
import type { PowerSamples, TuningContext } from "../../../../../functions/tuner/core/types.js";
import { decodeVisualization } from "../../../../../functions/tuner/core/visualization.js";
import { noisySamples, powerSamplesOf } from "../../../../support/synthetic-samples.js";

const ARN = "arn:aws:lambda:us-east-1:000000000000:function:f";

function context(
  input: Record<string, unknown>,
  region = "us-east-1",
  originalMemoryMb = 128,
): TuningContext {
  const parsed = validateTuningInput({ lambdaARN: ARN, num: 10, powerValues: [128, 1024], ...input }, []);
  return {
    runId: "run-1",
    startedAt: "2025-01-01T00:00:00.000Z",
    input: parsed,
    target: { functionArn: ARN, functionName: "f", region, architecture: "x86_64", originalMemoryMb },
    compute: { elapsedMs: 100, memoryMb: 256 },
  };
}

// 128 MB: ~100 ms (cheap), 1024 MB: ~20 ms (faster, dearer); the first invocation of each is a cold start.
function measured(power: number, base: number): PowerSamples {
  const durationMs = Array.from({ length: 10 }, (_, i) => base + (i % 3));
  return fromDurations(power, durationMs);
}

function fromDurations(power: number, durationMs: number[], perRound = [durationMs.length]): PowerSamples {
  return powerSamplesOf(power, durationMs, { perRound, coldInitMs: 150 });
}
const data = [measured(128, 100), measured(1024, 20)];

describe("analyze", () => {
  it("picks the cheapest with cost and the fastest with speed", () => {
    expect(analyze(context({ strategy: "cost" }), data).power).toBe(128);
    expect(analyze(context({ strategy: "speed" }), data).power).toBe(1024);
  });

  it("computes per-power statistics with a cold/warm split and the monthly projection", () => {
    const stats = analyze(context({ monthlyInvocations: 1000 }), data).stats;
    const s128 = stats.find((s) => s.power === 128);
    expect(s128).toMatchObject({
      invocations: 10,
      p50Ms: 101,
      cold: { count: 1, averageInitMs: 150 },
      warm: { count: 9 },
    });
    expect(s128?.monthlyCostUsd).toBeCloseTo((s128?.costUsd ?? 0) * 1000, 15);
    expect(s128?.ci95Ms.low).toBeLessThanOrEqual(s128?.averageMs ?? 0);
  });

  it("is deterministic (seeded bootstrap)", () => {
    expect(analyze(context({}), data)).toEqual(analyze(context({}), data));
  });

  it("recommends applying a significant speed-up with autoOptimize, pending with manual approval", () => {
    const auto = analyze(context({ strategy: "speed", autoOptimize: true, minImprovement: 0.1 }), data);
    expect(auto.recommendation).toMatchObject({
      currentPower: 128,
      winnerPower: 1024,
      significant: true,
      decision: "apply",
    });
    expect(auto.recommendation.savingPercent).toBeGreaterThan(70);
    const manual = analyze(context({ strategy: "speed", autoOptimize: true, approval: "manual" }), data);
    expect(manual.recommendation.decision).toBe("pending");
    // Manual approval is itself the request to apply once approved: autoOptimize is not needed.
    const manualOnly = analyze(context({ strategy: "speed", approval: "manual" }), data);
    expect(manualOnly.recommendation.decision).toBe("pending");
  });

  it("keeps the current memory when the improvement is below minImprovement", () => {
    const result = analyze(context({ strategy: "speed", autoOptimize: true, minImprovement: 0.95 }), data);
    expect(result.recommendation.decision).toBe("keep");
    expect(result.recommendation.reason).toContain("minImprovement");
  });

  it("keeps when the current memory was not measured and minImprovement is set", () => {
    const result = analyze(
      context({ strategy: "speed", autoOptimize: true, minImprovement: 0.1 }, "us-east-1", 256),
      data,
    );
    expect(result.recommendation).toMatchObject({ savingPercent: null, decision: "keep" });
  });

  it("only reports without autoOptimize and in a dry run", () => {
    expect(analyze(context({ strategy: "speed" }), data).recommendation.decision).toBe("keep");
    expect(
      analyze(context({ strategy: "speed", autoOptimize: true, dryRun: true }), data).recommendation.reason,
    ).toContain("dry run");
  });

  it("warns when invocations answered with HTTP errors, and not otherwise", () => {
    const withErrors = data.map((m, i) => (i === 0 ? { ...m, httpErrorResponses: 3 } : m));
    const total = data.reduce((sum, m) => sum + m.durationMs.length, 0);
    const warned = analyze(context({}), withErrors);
    expect(warned.warnings.join("\n")).toContain(`3 of ${total} invocations answered with an HTTP error`);
    expect(analyze(context({}), data).warnings.join("\n")).not.toContain("HTTP error");
  });

  it("warns about a region missing from the price table", () => {
    expect(analyze(context({}, "xx-moon-1"), data).warnings[0]).toContain("xx-moon-1");
    expect(analyze(context({}), data).warnings).toEqual([]);
  });

  it("puts what the input check ignored or changed first in the warnings", () => {
    const out = analyze(context({ powervalues: [512], balancedWeight: 2 }, "xx-moon-1"), data);
    expect(out.warnings.slice(0, 2)).toEqual([
      'unknown input field "powervalues" ignored; did you mean "powerValues"?',
      "balancedWeight 2 is outside 0–1: 1 is used, as in the reference tool",
    ]);
    expect(out.warnings[2]).toContain("xx-moon-1");
  });

  it("reports the run's own cost: transitions and Lambda compute", () => {
    const out = analyze(context({}), data);
    // One round of two powers: ReadInput, Initializer, Map, 2 × (iteration + Executor), Analyzer, Choice,
    // Optimizer, Succeed.
    expect(out.stateMachine.executionCost).toBeCloseTo(11 * 0.000025, 12);
    expect(out.stateMachine.lambdaCost).toBeGreaterThan(0);
    expect(out.stateMachine.visualization).toMatch(/^https:\/\/lambda-power-tuning\.show\/#/);
    expect(out.stateMachine.quickchartUrl).toMatch(/^https:\/\/quickchart\.io\/chart\?/);
  });

  it("gives each power's interval of the trimmed mean duration and cost, around its estimate", () => {
    for (const s of analyze(context({}), data).stats) {
      expect(s.ci95Ms.low).toBeLessThanOrEqual(s.averageMs);
      expect(s.ci95Ms.high).toBeGreaterThanOrEqual(s.averageMs);
      expect(s.costCi95Usd.low).toBeLessThanOrEqual(s.costUsd);
      expect(s.costCi95Usd.high).toBeGreaterThanOrEqual(s.costUsd);
    }
  });

  it("names how it measured: rounds, invocations per power and why it stopped", () => {
    const out = analyze(context({}), data);
    expect(out.sampling).toMatchObject({
      mode: "fixed",
      rounds: 1,
      maxInvocations: 10,
      invocations: [
        { power: 128, count: 10, lastRound: 1 },
        { power: 1024, count: 10, lastRound: 1 },
      ],
      stop: "num",
      drift: { detected: false },
    });
    expect(out.sampling.stoppedBecause).toContain("num 10");
  });

  it("puts stats in the final output only with includeOutputResults", () => {
    const analysis = analyze(context({}), data);
    expect(finalOutput(analysis, false)).not.toHaveProperty("stats");
    expect(finalOutput(analysis, true).stats).toHaveLength(2);
  });
});

describe("analyze: the decision and what may be applied", () => {
  const tied = (seed: number) => [
    fromDurations(128, noisySamples({ mean: 200, relativeSd: 0.05 }, 30, seed)),
    fromDurations(256, noisySamples({ mean: 100, relativeSd: 0.1 }, 30, seed + 1)),
    fromDurations(512, noisySamples({ mean: 50.5, relativeSd: 0.1 }, 30, seed + 2)),
  ];
  // With speed, 256 MB is clearly slower; 512 MB alone is the fastest.
  it("names the tie, its p-values and the confidence; the output's power is the chosen one", () => {
    const out = analyze(context({ strategy: "cost", powerValues: [128, 256, 512] }), tied(1));
    const r = out.recommendation;
    expect(r.equivalentPowers).toContain(r.winnerPower);
    expect(r.winnerPower).toBe(Math.min(...r.equivalentPowers));
    expect(out.power).toBe(r.winnerPower);
    expect(r.pValues.map((p) => p.power)).toEqual([128, 256, 512]);
    expect(r.pValues.find((p) => p.power === r.bestPower)?.pValue).toBe(1);
    expect(r.confidence).not.toBeNull();
  });

  it("keeps the current memory when it is in the tie, whatever minImprovement says", () => {
    // Costs: 256 MB × 100 ms and 512 MB × 50.5 ms are one noise apart; 128 MB × 200 ms as well. The current
    // memory, 512 MB, is in the tie, so nothing is switched even though a smaller power is chosen.
    for (const minImprovement of [0, 0.01]) {
      const out = analyze(
        context(
          { strategy: "cost", powerValues: [128, 256, 512], autoOptimize: true, minImprovement },
          "us-east-1",
          512,
        ),
        tied(1),
      );
      const r = out.recommendation;
      expect(r.equivalentPowers).toContain(512);
      expect(r.winnerPower).toBeLessThan(512);
      expect(r).toMatchObject({ decision: "keep", significant: false });
      expect(r.reason).toContain(`the current 512 MB is indistinguishable from ${r.winnerPower} MB`);
    }
  });

  it("switches only when the chosen power beats the current one at 95 %", () => {
    const out = analyze(
      context({ strategy: "speed", powerValues: [128, 256, 512], autoOptimize: true }, "us-east-1", 128),
      tied(2),
    );
    expect(out.recommendation).toMatchObject({ winnerPower: 512, significant: true, decision: "apply" });
  });

  it("does not switch to a tied power that the current one, outside the tie, is not resolved from", () => {
    // 1024 MB: 10 ms, very steady (the best); 2048 MB: 10.2 ms, as steady, so told apart from it; 512 MB: 10.5 ms
    // but so noisy that it ties with the best, and it is not resolved from 2048 MB either. No equivalence
    // margin: 2048 MB's 2 % would fall within the default one.
    const steady = (mean: number, seed: number) => noisySamples({ mean, relativeSd: 0.002 }, 30, seed);
    const samples = [
      fromDurations(512, noisySamples({ mean: 10.5, relativeSd: 0.5 }, 30, 5)),
      fromDurations(1024, steady(10, 6)),
      fromDurations(2048, steady(10.2, 7)),
    ];
    const out = analyze(
      context(
        { strategy: "speed", powerValues: [512, 1024, 2048], autoOptimize: true, equivalenceMargin: 0 },
        "us-east-1",
        2048,
      ),
      samples,
    );
    const r = out.recommendation;
    expect(r.equivalentPowers).toEqual([512, 1024]);
    expect(r).toMatchObject({ winnerPower: 512, significant: false, decision: "keep" });
    expect(r.reason).toContain("does not beat the current 2048 MB at 95 %");
  });

  it("ties a power within the input's equivalenceMargin of the best, and names the margin", () => {
    const steady = (mean: number, seed: number) => noisySamples({ mean, relativeSd: 0.002 }, 30, seed);
    const samples = [fromDurations(1024, steady(10, 6)), fromDurations(2048, steady(10.2, 7))];
    const input = { strategy: "speed" as const, powerValues: [1024, 2048] };
    const byDefault = analyze(context(input), samples).recommendation;
    expect(byDefault).toMatchObject({
      bestPower: 1024,
      equivalentPowers: [1024, 2048],
      equivalenceMargin: 0.05,
    });
    const strict = analyze(context({ ...input, equivalenceMargin: 0 }), samples).recommendation;
    expect(strict.equivalentPowers).toEqual([1024]);
  });

  it("warns when every power's durations move together between rounds", () => {
    const twoRounds = (power: number, base: number, second: number) =>
      fromDurations(
        power,
        [
          ...Array.from({ length: 10 }, (_, i) => base + (i % 3)),
          ...Array.from({ length: 10 }, (_, i) => second + (i % 3)),
        ],
        [10, 10],
      );
    const drifted = analyze(context({ num: 20 }), [twoRounds(128, 100, 200), twoRounds(1024, 20, 40)]);
    expect(drifted.sampling.drift.detected).toBe(true);
    expect(drifted.warnings.join("\n")).toContain("machine-wide drift");
    const steady = analyze(context({ num: 20 }), [twoRounds(128, 100, 101), twoRounds(1024, 20, 41)]);
    expect(steady.sampling.drift.detected).toBe(false);
    expect(steady.warnings.join("\n")).not.toContain("drift");
  });

  it("takes the rounds' common drift out before testing: at num 20, a power 14 % slower is told apart in 100 of 100 noisy runs", () => {
    // Two interleaved rounds (num 20: too few pairs to pair, so the two-sample test decides); in each run one
    // round, at random, finds the whole machine 1.3–2× as slow.
    const rounds = 2;
    const per = 10;
    const input = { strategy: "speed" as const, powerValues: [512, 1024], num: rounds * per };
    let resolved = 0;
    let resolvedWithDriftLeftIn = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const slowRound = seed % rounds;
      const factor = 1.3 + (seed % 8) / 10;
      const level = (power: number, mean: number) =>
        fromDurations(
          power,
          Array.from({ length: rounds }, (_, r) =>
            noisySamples(
              { mean: mean * (r === slowRound ? factor : 1), relativeSd: 0.04 },
              per,
              seed * 31 + r + power,
            ),
          ).flat(),
          Array.from({ length: rounds }, () => per),
        );
      const samples = [level(512, 10), level(1024, 8.8)];
      if (analyze(context(input), samples).recommendation.equivalentPowers.join() === "1024") resolved++;
      const leftIn = decide(
        samples.map((s) => ({ power: s.power, values: s.durationMs })),
        { discardTopBottom: 0.2, equivalenceMargin: 0.05 },
      );
      if (leftIn.equivalentPowers.join() === "1024") resolvedWithDriftLeftIn++;
    }
    expect(resolved).toBe(100);
    // The same data with the drift left in widens each power's spread: the test resolves fewer of the runs.
    expect(resolvedWithDriftLeftIn).toBeLessThan(90);
  });

  it("resolves nothing in a dry run: no confidence, nothing applied", () => {
    const one = (power: number, ms: number) => fromDurations(power, [ms]);
    const out = analyze(context({ dryRun: true, autoOptimize: true }), [one(128, 100), one(1024, 20)]);
    expect(out.recommendation).toMatchObject({
      confidence: null,
      decision: "keep",
      equivalentPowers: [128, 1024],
    });
    expect(out.sampling.stop).toBe("dry-run");
  });
});

describe("analyze: the reference tool's stats keys and visualization", () => {
  it("emits value, averagePrice and averageDuration beside power, costUsd and averageMs, with the reference's meanings", () => {
    const out = analyze(context({ discardTopBottom: 0.2 }), data);
    const { prices } = pricesForRegion("us-east-1");
    for (const s of out.stats) {
      const billed = data.find((d) => d.power === s.power)?.billedMs ?? [];
      expect(s.value).toBe(s.power);
      expect(s.averageDuration).toBe(s.averageMs);
      // The reference: ceil(trimmed mean billed ms) × the per-ms price at this memory, no request price.
      const perMs = (prices.gbSecond.x86_64 * (s.power / 1024)) / 1000;
      expect(s.averagePrice).toBeCloseTo(Math.ceil(trimmedMean(billed, 0.2)) * perMs, 18);
      // costUsd adds the request price; it rounds each invocation up, averagePrice their mean once.
      expect(Math.abs(s.costUsd - s.averagePrice - prices.request)).toBeLessThanOrEqual(perMs);
    }
  });

  it("puts the feasible powers' value, averageDuration and averagePrice in the visualization's fragment", () => {
    const out = analyze(context({}), data, { visualizationUrl: "https://charts.example.com/power/" });
    expect(out.stateMachine.visualization.startsWith("https://charts.example.com/power/#")).toBe(true);
    expect(decodeVisualization(out.stateMachine.visualization)).toEqual(
      out.stats.map((s) => ({
        power: s.value,
        durationMs: Math.fround(s.averageDuration),
        costUsd: Math.fround(s.averagePrice),
      })),
    );
  });

  it("with onlyColdStarts, adds Init Duration to every duration and trims nothing, as the reference does", () => {
    const cold = (power: number, base: number): PowerSamples => ({
      ...fromDurations(
        power,
        Array.from({ length: 10 }, (_, i) => base + i),
      ),
      initMs: Array.from({ length: 10 }, (_, i) => 150 + i),
    });
    const input = { onlyColdStarts: true, discardTopBottom: 0.3 };
    const ctx = context(input);
    expect(ctx.input.discardTopBottom).toBe(0);
    const out = analyze(ctx, [cold(128, 100), cold(1024, 20)]);
    const s128 = out.stats.find((s) => s.power === 128);
    // mean of (100 + i) + (150 + i), i = 0 … 9: nothing trimmed.
    expect(s128?.averageMs).toBeCloseTo(259, 9);
    expect(s128?.averageDuration).toBe(s128?.averageMs);
    expect(s128?.cold).toMatchObject({ count: 10, averageInitMs: 154.5 });
    expect(out.duration).toBe(out.stats.find((s) => s.power === out.power)?.averageMs);
  });
});

describe("analyze: infeasible powers", () => {
  const failing = (power: number, ms: number, error: Partial<ErrorTally>, count = 10): PowerSamples => ({
    ...fromDurations(
      power,
      Array.from({ length: count }, () => ms),
    ),
    maxMemoryUsedMb: Array.from({ length: count }, () => power),
    errors: [
      {
        errorType: "Sandbox.Timedout",
        kind: "timeout",
        allowed: true,
        count,
        message: "Task timed out after 3.00 seconds",
        ...error,
      },
    ],
    allowedErrors: error.allowed === false ? 0 : count,
  });
  const ok = (power: number, base: number, memory = 90): PowerSamples => ({
    ...measured(power, base),
    maxMemoryUsedMb: Array.from({ length: 10 }, () => memory),
  });
  const three = (first: PowerSamples) => [first, ok(512, 1083), ok(1024, 540)];
  const ctx = (input: Record<string, unknown> = {}, current = 1024) =>
    context({ powerValues: [128, 512, 1024], strategy: "cost", ...input }, "us-east-1", current);

  it("never lets a power whose invocations all failed with an allowed error win (the issue's timeout case)", () => {
    // 10 timeouts at 3,000 ms × 128 MB are cheaper than 1,083 ms × 512 MB: the old analysis chose 128 MB.
    const out = analyze(ctx({ allowedExceptions: ["Sandbox.Timedout"] }), three(failing(128, 3000, {})));
    expect(out.power).not.toBe(128);
    expect([512, 1024]).toContain(out.power);
    expect(out.recommendation.infeasiblePowers).toEqual([128]);
    expect(out.recommendation.pValues.map((p) => p.power)).toEqual([512, 1024]);
    const s128 = out.stats.find((s) => s.power === 128);
    expect(s128).toMatchObject({ feasible: false, errorRate: 1, invocations: 10 });
    expect(s128?.errors.map((e) => [e.errorType, e.kind, e.count])).toEqual([
      ["Sandbox.Timedout", "timeout", 10],
    ]);
    expect(out.stats.filter((s) => s.feasible).map((s) => s.power)).toEqual([512, 1024]);
    const warning = out.warnings.find((w) => w.startsWith("128 MB is infeasible")) ?? "";
    expect(warning).toContain(
      "10 of 10 invocations timed out (Sandbox.Timedout; allowed, but above maxErrorRate.timeout 0)",
    );
    expect(warning).toContain("excluded from the choice");
    expect(decodeVisualization(out.stateMachine.visualization).map((p) => p.power)).toEqual([512, 1024]);
  });

  it("excludes a power that threw in most invocations even with the type allowed, and one that ran out of memory", () => {
    const thrown = analyze(
      ctx({ allowedExceptions: ["InventoryMismatchError"] }),
      three(failing(128, 5, { errorType: "InventoryMismatchError", kind: "handlerError", message: "x" })),
    );
    expect(thrown.recommendation.infeasiblePowers).toEqual([128]);
    expect(thrown.power).not.toBe(128);
    const killed = analyze(
      ctx(),
      three(failing(128, 400, { errorType: "Runtime.OutOfMemory", kind: "outOfMemory", allowed: false }, 1)),
    );
    expect(killed.recommendation.infeasiblePowers).toEqual([128]);
    expect(killed.warnings.join("\n")).toContain(
      "1 of 1 invocations ran out of memory (Runtime.OutOfMemory; not in allowedExceptions)",
    );
  });

  it("suggests a memory floor from the most memory a feasible power used, in the output and the warnings", () => {
    const samples = [
      failing(128, 400, { errorType: "Runtime.OutOfMemory", kind: "outOfMemory", allowed: false }, 1),
      ok(512, 1083, 210),
      ok(1024, 540, 205),
    ];
    const out = analyze(ctx(), samples);
    expect(out.recommendation.memoryFloorMb).toBe(231);
    expect(out.warnings.join("\n")).toContain(
      "memory floor: 231 MB (the most memory a feasible power used, 210 MB, plus 10 % headroom",
    );
    expect(out.warnings.join("\n")).toContain("the least feasible power measured is 512 MB");
    expect(analyze(ctx(), [ok(128, 100), ok(512, 30)]).recommendation.memoryFloorMb).toBeNull();
  });

  it("keeps a power whose allowed errors stay within maxErrorRate, and reports its error rate", () => {
    const notFound: ErrorTally = {
      errorType: "NotFound",
      kind: "handlerError",
      allowed: true,
      count: 3,
      message: "no such item",
    };
    const some = { ...ok(128, 100), errors: [notFound] };
    const out = analyze(ctx({ allowedExceptions: ["NotFound"] }), three(some));
    expect(out.recommendation.infeasiblePowers).toEqual([]);
    expect(out.stats.find((s) => s.power === 128)).toMatchObject({ feasible: true, errorRate: 0.3 });
    const strict = analyze(ctx({ allowedExceptions: ["NotFound"], maxErrorRate: 0.2 }), three(some));
    expect(strict.recommendation.infeasiblePowers).toEqual([128]);
  });

  it("switches away from a current memory that is infeasible, with nothing to compare it with", () => {
    const out = analyze(
      ctx({ autoOptimize: true, minImprovement: 0.1 }, 128),
      three(failing(128, 3000, {}, 1)),
    );
    expect(out.recommendation).toMatchObject({
      currentPower: 128,
      significant: true,
      savingPercent: null,
      decision: "apply",
    });
    expect(out.recommendation.reason).toBe(
      `the current 128 MB is infeasible (its invocations failed): ${out.power} MB is applied`,
    );
  });

  it("fails the run, naming every power's failures, when no power is feasible", () => {
    const all = [
      failing(128, 3000, { allowed: false }, 1),
      failing(
        512,
        3,
        { errorType: "InventoryMismatchError", kind: "handlerError", allowed: false, message: "found 2" },
        1,
      ),
    ];
    expect(() => analyze(ctx({ powerValues: [128, 512] }), all)).toThrow(NoFeasiblePowerError);
    expect(() => analyze(ctx({ powerValues: [128, 512] }), all)).toThrow(
      /No power value is feasible: 128 MB: 1 of 1 invocations timed out \(Sandbox\.Timedout; not in allowedExceptions\).*512 MB: 1 of 1 invocations failed \(InventoryMismatchError; not in allowedExceptions\) \("found 2"\)/,
    );
  });
});
