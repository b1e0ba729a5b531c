import { describe, expect, it } from "vitest";
import { analyze, finalOutput } from "../../../../functions/tuner/core/analysis.js";
import { validateTuningInput } from "../../../../functions/tuner/core/input.js";
import type { Measurements, TuningContext } from "../../../../functions/tuner/core/types.js";

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
    executorTasks: [],
    compute: { elapsedMs: 100, memoryMb: 256 },
  };
}

// 128 MB: ~100 ms (cheap), 1024 MB: ~20 ms (faster, dearer); the first invocation of each is a cold start.
function measured(power: number, base: number): Measurements {
  const durationMs = Array.from({ length: 10 }, (_, i) => base + (i % 3));
  return {
    power,
    durationMs,
    billedMs: durationMs.map((d) => Math.ceil(d)),
    initMs: durationMs.map((_, i) => (i === 0 ? 150 : 0)),
    maxMemoryUsedMb: durationMs.map(() => 60),
    allowedErrors: 0,
    compute: { elapsedMs: 500, memoryMb: 256 },
  };
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

  it("reports the run's own cost: transitions and Lambda compute", () => {
    const out = analyze(context({}), data);
    expect(out.stateMachine.executionCost).toBeCloseTo(9 * 0.000025, 12);
    expect(out.stateMachine.lambdaCost).toBeGreaterThan(0);
    expect(out.stateMachine.visualization).toMatch(/^https:\/\/quickchart\.io\/chart\?/);
  });

  it("puts stats in the final output only with includeOutputResults", () => {
    const analysis = analyze(context({}), data);
    expect(finalOutput(analysis, false)).not.toHaveProperty("stats");
    expect(finalOutput(analysis, true).stats).toHaveLength(2);
  });
});
