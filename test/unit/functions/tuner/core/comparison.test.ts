import { describe, expect, it } from "vitest";
import { analyze, finalOutput } from "../../../../../functions/tuner/core/analysis.js";
import {
  analyzeComparison,
  comparePowers,
  describePowerComparison,
  secondTargetContext,
} from "../../../../../functions/tuner/core/comparison.js";
import { InvalidTuningInputError } from "../../../../../functions/tuner/core/errors.js";
import { estimatedStateBytes, validateTuningInput } from "../../../../../functions/tuner/core/input.js";
import { advanceSampling, startSampling } from "../../../../../functions/tuner/core/sampling.js";
import type {
  ComparisonContext,
  Measurements,
  PowerSamples,
  TuningContext,
} from "../../../../../functions/tuner/core/types.js";
import {
  compareVisualizationUrl,
  DEFAULT_VISUALIZATION_URL,
  decodeCompareVisualization,
} from "../../../../../functions/tuner/core/visualization.js";
import { contextFor, measurementsOf, runRounds } from "../../../../support/sampling-loop.js";
import { powerSamplesOf } from "../../../../support/synthetic-samples.js";

const FIRST = "arn:aws:lambda:us-east-1:000000000000:function:first";
const SECOND = "arn:aws:lambda:us-east-1:000000000000:function:second";

function context(input: Record<string, unknown> = {}, kind: "functions" | "architectures" = "functions") {
  const parsed = validateTuningInput(
    {
      lambdaARN: FIRST,
      num: 10,
      powerValues: [512, 1024],
      ...(kind === "functions" ? { compareWith: SECOND } : { architectures: ["x86_64", "arm64"] }),
      ...input,
    },
    [],
  );
  const comparison: ComparisonContext =
    kind === "functions"
      ? {
          kind,
          firstLabel: "first",
          second: {
            functionArn: SECOND,
            functionName: "second",
            region: "us-east-1",
            architecture: "x86_64",
            originalMemoryMb: 256,
            label: "second",
          },
        }
      : {
          kind,
          firstLabel: "x86_64",
          second: {
            functionArn: `${FIRST}-pt-arm64`,
            functionName: "first-pt-arm64",
            region: "us-east-1",
            architecture: "arm64",
            originalMemoryMb: 256,
            label: "arm64",
            copyOf: FIRST,
          },
        };
  const tuning: TuningContext = {
    runId: "run-1",
    startedAt: "2025-01-01T00:00:00.000Z",
    input: parsed,
    target: {
      functionArn: FIRST,
      functionName: "first",
      region: "us-east-1",
      architecture: "x86_64",
      originalMemoryMb: 256,
    },
    comparison,
    compute: { elapsedMs: 100, memoryMb: 256 },
  };
  return tuning;
}

/** Durations around `base` ms with a little spread, all warm. */
function samples(power: number, base: number, count = 10): PowerSamples {
  return powerSamplesOf(
    power,
    Array.from({ length: count }, (_, i) => base + (i % 5) * 0.5),
  );
}

describe("comparePowers", () => {
  it("names the faster and cheaper target per power, by how much, and resolves a twofold difference", () => {
    const powers = comparePowers(
      context(),
      [samples(512, 40), samples(1024, 20)],
      [samples(512, 80), samples(1024, 40)],
    );
    expect(powers.map((p) => p.power)).toEqual([512, 1024]);
    for (const p of powers) {
      expect(p.faster.winner).toBe("first");
      expect(p.faster.significant).toBe(true);
      expect(p.faster.pValue).toBeLessThanOrEqual(0.05);
      expect(p.faster.ratio).toBeCloseTo(2, 1);
      expect(p.faster.byPercent).toBeGreaterThan(45);
      expect(p.faster.byPercent).toBeLessThan(55);
      expect(p.cheaper.winner).toBe("first");
      expect(p.cheaper.significant).toBe(true);
    }
    expect(describePowerComparison(powers[0] as (typeof powers)[number])).toMatch(
      /^512 MB: first faster by \d+\.\d % \(p < 0\.001\); first cheaper by/,
    );
  });

  it("does not resolve a difference within the noise", () => {
    const noisy = (power: number, shift: number): PowerSamples => {
      const durationMs = [30, 42, 35, 48, 31, 45, 38, 33, 47, 40].map((d) => d + shift);
      return { ...samples(power, 0), durationMs, billedMs: durationMs.map((d) => Math.ceil(d)) };
    };
    const [p] = comparePowers(context({ powerValues: [512] }), [noisy(512, 0)], [noisy(512, 0.5)]);
    expect(p?.faster.winner).toBe("first");
    expect(p?.faster.significant).toBe(false);
    expect(p?.faster.pValue).toBeGreaterThan(0.05);
    expect(describePowerComparison(p as NonNullable<typeof p>)).toContain("not resolved at 95 %");
  });

  it("prices the copy on its own architecture: the same durations cost less on arm64", () => {
    const [p] = comparePowers(
      context({ powerValues: [512] }, "architectures"),
      [samples(512, 40)],
      [samples(512, 40)],
    );
    expect(p?.faster.winner).toBeNull();
    expect(p?.cheaper.winner).toBe("arm64");
    expect(p?.cheaper.significant).toBe(true);
    // arm64's duration price is 20 % lower; the request price, the same on both, dilutes that.
    expect(p?.cheaper.ratio).toBeLessThan(0.9);
    expect(p?.cheaper.ratio).toBeGreaterThan(0.75);
  });

  it("gives no verdict at a power that failed on one side", () => {
    const failing: PowerSamples = {
      ...samples(512, 40),
      errors: [{ errorType: "Boom", kind: "handlerError", allowed: false, count: 10, message: "boom" }],
    };
    const [p] = comparePowers(context({ powerValues: [512] }), [samples(512, 40)], [failing]);
    expect(p?.second.feasible).toBe(false);
    expect(p?.faster).toEqual({
      winner: null,
      byPercent: null,
      ratio: null,
      pValue: null,
      significant: false,
    });
  });
});

describe("analyzeComparison", () => {
  const tuning = context({ includeOutputResults: false });
  const first = [samples(512, 40), samples(1024, 20)];
  const second = [samples(512, 80), samples(1024, 40)];
  const analysis = analyzeComparison(tuning, first, second);

  it("keeps the first target's output as a run without a comparison has it, and adds comparison", () => {
    expect(analysis.power).toBe(512);
    expect(analysis.stats.map((s) => s.power)).toEqual([512, 1024]);
    expect(analysis.comparison?.second).toMatchObject({
      label: "second",
      functionArn: SECOND,
      temporaryCopy: false,
      power: 512,
    });
    expect(analysis.comparison?.summary).toBe(
      "of 2 powers measured on both: first faster at 2 (2 resolved at 95 %), second faster at 0 (0 resolved at 95 %); first cheaper at 2 (2 resolved at 95 %), second cheaper at 0 (0 resolved at 95 %)",
    );
    // Without includeOutputResults, the second target's stats leave the output as the first's do.
    const output = finalOutput(analysis, false);
    expect(output.stats).toBeUndefined();
    expect(output.comparison?.second.stats).toBeUndefined();
    expect(finalOutput(analysis, true).comparison?.second.stats).toHaveLength(2);
  });

  it("counts both targets' invocations in lambdaCost", () => {
    const alone = analyze(tuning, first);
    expect(analysis.stateMachine.lambdaCost - alone.stateMachine.lambdaCost).toBeCloseTo(
      analysis.comparison?.second.spentUsd ?? 0,
      15,
    );
    expect(analysis.comparison?.second.spentUsd).toBeGreaterThan(0);
  });

  it("puts both targets' figures in the reference UI's compare fragment, exactly", () => {
    const decoded = decodeCompareVisualization(analysis.comparison?.visualization ?? "");
    const figures = (stats: typeof analysis.stats) =>
      stats.map((s) => ({
        power: s.value,
        durationMs: Math.fround(s.averageDuration),
        costUsd: Math.fround(s.averagePrice),
      }));
    expect(decoded.legends).toEqual(["first", "second"]);
    expect(decoded.first).toEqual(figures(analysis.stats));
    expect(decoded.second).toEqual(figures(analysis.comparison?.second.stats ?? []));
  });

  it("overlays both targets on one quickchart chart", () => {
    const url = new URL(analysis.comparison?.quickchartUrl ?? "");
    const config = JSON.parse(url.searchParams.get("c") ?? "{}") as {
      data: { labels: string[]; datasets: { label: string; data: (number | null)[] }[] };
    };
    expect(config.data.labels).toEqual(["512 MB", "1024 MB"]);
    expect(config.data.datasets.map((d) => d.label)).toEqual([
      "first duration (ms)",
      "second duration (ms)",
      "first cost per invocation (USD)",
      "second cost per invocation (USD)",
    ]);
  });
});

describe("the compare URL", () => {
  it("matches the reference UI's format: p1;d1;c1;p2;d2;c2;legend1;legend2", () => {
    // The research notes' worked example (x86 vs arm64), from the reference's encoder.
    const url = compareVisualizationUrl(
      DEFAULT_VISUALIZATION_URL,
      [
        { power: 128, durationMs: 100.5, costUsd: 2.1e-7 },
        { power: 256, durationMs: 50.25, costUsd: 2.2e-7 },
      ],
      [
        { power: 128, durationMs: 80, costUsd: 1.7e-7 },
        { power: 256, durationMs: 40, costUsd: 1.8e-7 },
      ],
      ["x86_64", "arm64"],
    );
    expect(url).toBe(
      "https://lambda-power-tuning.show/#gAAAAQ==;AADJQgAASUI=;XHxhNCQ5bDQ=;gAAAAQ==;AACgQgAAIEI=;P4k2NAZGQTQ=;x86_64;arm64",
    );
  });

  it("encodes legends so a ; or space in a name cannot split the fragment", () => {
    const url = compareVisualizationUrl(DEFAULT_VISUALIZATION_URL, [], [], ["JS x86", "a;b"]);
    expect(url.split("#")[1]?.split(";")).toHaveLength(8);
    expect(decodeCompareVisualization(url).legends).toEqual(["JS x86", "a;b"]);
  });
});

describe("sampling a comparison", () => {
  const roundOf = (tasks: { power: number; num: number; compared?: true }[], base: number) =>
    tasks.map(
      (task): Measurements => ({
        power: task.power,
        durationMs: Array.from({ length: task.num }, () => (task.compared ? 2 * base : base)),
        billedMs: Array.from({ length: task.num }, () => (task.compared ? 2 * base : base)),
        initMs: Array.from({ length: task.num }, () => 0),
        maxMemoryUsedMb: Array.from({ length: task.num }, () => 60),
        allowedErrors: 0,
        errors: [],
        ...(task.compared ? { compared: true as const } : {}),
        compute: { elapsedMs: 10, memoryMb: 256 },
      }),
    );

  it("interleaves the two targets power by power in every round, and finishes with the comparison", () => {
    const tuning = context({ num: 20 });
    const first = startSampling(tuning);
    expect(first.tasks.map((t) => [t.power, t.lambdaARN])).toEqual([
      [512, FIRST],
      [512, SECOND],
      [1024, FIRST],
      [1024, SECOND],
    ]);
    const second = advanceSampling(tuning, first, roundOf(first.tasks, 30));
    expect(second.done).toBe(false);
    expect(second.tasks).toHaveLength(4);
    expect(second.tasks.map((t) => t.offset)).toEqual([10, 10, 10, 10]);
    const last = advanceSampling(tuning, second, roundOf(second.tasks, 30));
    expect(last.done).toBe(true);
    expect(last.secondSamples?.map((s) => s.durationMs.length)).toEqual([20, 20]);
    expect(last.analysis?.comparison?.powers.every((p) => p.faster.winner === "first")).toBe(true);
  });

  it("with num auto, measures the second target at the powers the first one is measured at", () => {
    const tuning = context({ num: "auto", maxInvocations: 40, powerValues: [256, 512, 1024] });
    // 256 MB clearly slowest and dearest per ms of work: it drops out; the others stay in contention.
    const { rounds, sampling } = runRounds(tuning, (task) => {
      const base = task.power === 256 ? 400 : 100;
      const durations = Array.from({ length: task.num }, (_, i) => base + (i % 3));
      return {
        ...measurementsOf(task, task.compared ? durations.map((d) => d * 2) : durations),
        ...(task.compared ? { compared: true as const } : {}),
      };
    });
    expect(sampling.done).toBe(true);
    for (const tasks of rounds) {
      const powersOf = (second: boolean) =>
        tasks.filter((t) => (t.compared === true) === second).map((t) => t.power);
      expect(powersOf(true)).toEqual(powersOf(false));
    }
    expect(rounds.length).toBeGreaterThan(1);
  });

  it("analyses the second target on its own function, architecture and memory", () => {
    const second = secondTargetContext(context({}, "architectures"));
    expect(second.target).toEqual({
      functionArn: `${FIRST}-pt-arm64`,
      functionName: "first-pt-arm64",
      region: "us-east-1",
      architecture: "arm64",
      originalMemoryMb: 256,
    });
    expect(second.comparison).toBeUndefined();
  });
});

describe("comparison input", () => {
  const problems = (input: Record<string, unknown>) => {
    try {
      validateTuningInput({ lambdaARN: FIRST, num: 10, powerValues: [512], ...input }, []);
      return [];
    } catch (error) {
      if (!(error instanceof InvalidTuningInputError)) throw error;
      return error.problems.map((p) => p.field);
    }
  };

  it("accepts compareWith or architectures", () => {
    expect(problems({ compareWith: SECOND })).toEqual([]);
    expect(problems({ architectures: ["arm64", "x86_64"] })).toEqual([]);
  });

  it("refuses what a comparison cannot do, naming the field", () => {
    expect(problems({ compareWith: FIRST })).toEqual(["compareWith"]);
    expect(problems({ compareWith: `${SECOND}:1` })).toEqual(["compareWith"]);
    expect(problems({ compareWith: SECOND, architectures: ["x86_64", "arm64"] })).toEqual(["architectures"]);
    expect(problems({ architectures: ["arm64", "arm64"] })).toEqual(["architectures"]);
    expect(problems({ architectures: ["x86_64"] })).toEqual(["architectures"]);
    expect(problems({ architectures: ["x86_64", "riscv"] })).toEqual(["architectures[1]"]);
    expect(problems({ compareWith: SECOND, autoOptimize: true })).toEqual(["autoOptimize"]);
    expect(problems({ architectures: ["x86_64", "arm64"], approval: "manual" })).toEqual(["approval"]);
  });

  it("counts both targets in the state-size limit", () => {
    // num 910 fits six powers of one target (docs/tuner.md); a comparison fits 411.
    const six = [128, 256, 512, 1024, 1536, 3008];
    expect(problems({ num: 910, powerValues: six })).toEqual([]);
    expect(problems({ num: 411, powerValues: six, compareWith: SECOND })).toEqual([]);
    expect(problems({ num: 412, powerValues: six, compareWith: SECOND })).toEqual(["num"]);
  });
});

describe("the state size of a comparison", () => {
  it("is covered by the estimate for twice the powers, with long durations, cold starts and a payload", () => {
    const POWERS = [10235, 10236, 10237, 10238, 10239, 10240];
    const payload = { some: "payload", list: "x".repeat(2_000) };
    const base = contextFor(
      { num: 100, powerValues: POWERS, payload, onlyColdStarts: true, compareWith: SECOND },
      10240,
    );
    const tuning: TuningContext = { ...base, comparison: context().comparison as ComparisonContext };
    const { sampling, largestStateBytes } = runRounds(tuning, (task) => ({
      ...measurementsOf(task, Array(task.num).fill(12345.67)),
      initMs: Array(task.num).fill(1234.56),
      maxMemoryUsedMb: Array(task.num).fill(10240),
      ...(task.compared ? { compared: true as const } : {}),
    }));
    expect(sampling.analysis?.comparison?.powers).toHaveLength(6);
    expect(estimatedStateBytes(12, 100, payload, true)).toBeGreaterThanOrEqual(largestStateBytes);
  });
});
