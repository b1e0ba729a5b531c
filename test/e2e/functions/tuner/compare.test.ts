import { GetFunctionConfigurationCommand, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { StopExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import type { TuningOutput } from "../../../../functions/tuner/core/index.js";
import { decodeCompareVisualization, decodeVisualization } from "../../../../functions/tuner/core/index.js";
import {
  createFixtureFunction,
  createTarget,
  ended,
  enteredState,
  eventually,
  leftovers,
  startTuning,
  type TunerCloud,
  useTunerCloud,
} from "./support.js";

useTunerCloud("powertune-compare-", (cloud) => {
  t = cloud;
});
const MEMORY_MB = 256;
const nothingLeft = { aliases: [], versions: [], memoryMb: MEMORY_MB, locked: false };
let t: TunerCloud;

/** The tuning-target fixture with WORK_FACTOR set: the same code doing `factor` times the work. */
function createWorker(name: string, factor: number): Promise<string> {
  return createFixtureFunction(t, name, {
    fixture: "tuning-target",
    memoryMb: MEMORY_MB,
    environment: { WORK_FACTOR: String(factor) },
  });
}

async function exists(functionArn: string): Promise<boolean> {
  try {
    await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

const copyOf = (functionArn: string, architecture: string) => `${functionArn}-pt-${architecture}`;

/** What the compare fragment must hold: each target's feasible powers, averageDuration and averagePrice. */
const figures = (
  stats: { value: number; averageDuration: number; averagePrice: number; feasible: boolean }[],
) =>
  stats
    .filter((s) => s.feasible)
    .map((s) => ({
      power: s.value,
      durationMs: Math.fround(s.averageDuration),
      costUsd: Math.fround(s.averagePrice),
    }));

describe("comparing two functions in one run", () => {
  it("tells a function doing twice the work apart at every power, and leaves both as they were", async () => {
    const single = await createWorker("compare-single", 1);
    const double = await createWorker("compare-double", 2);
    const execution = await ended(
      t,
      await startTuning(t, {
        lambdaARN: single,
        compareWith: double,
        // 20 a power: a busy machine's occasional slow invocation cannot hide a twofold difference.
        num: 20,
        powerValues: [512, 1024],
        payload: { rounds: 1000 },
        includeOutputResults: true,
      }),
    );
    expect(execution.status, execution.cause).toBe("SUCCEEDED");
    const output = JSON.parse(execution.output ?? "{}") as TuningOutput;
    // The first target's fields are a run's without a comparison.
    expect([512, 1024]).toContain(output.power);
    expect(output.stats?.map((s) => s.power)).toEqual([512, 1024]);
    expect(decodeVisualization(output.stateMachine.visualization).map((p) => p.power)).toEqual([512, 1024]);
    const comparison = output.comparison;
    expect(comparison?.kind).toBe("functions");
    expect(comparison?.first).toMatchObject({ label: "compare-single", functionArn: single });
    expect(comparison?.second).toMatchObject({
      label: "compare-double",
      functionArn: double,
      temporaryCopy: false,
    });
    expect(comparison?.powers.map((p) => p.power)).toEqual([512, 1024]);
    for (const p of comparison?.powers ?? []) {
      expect(p.first.invocations).toBe(20);
      expect(p.second.invocations).toBe(20);
      expect(p.faster).toMatchObject({ winner: "compare-single", significant: true });
      expect(p.cheaper).toMatchObject({ winner: "compare-single", significant: true });
      // The ratio of the trimmed means, second ÷ first, is the verdict's own figure.
      expect(p.faster.ratio).toBeCloseTo((p.second.averageMs ?? 0) / (p.first.averageMs ?? 1), 9);
      const firstStats = output.stats?.find((s) => s.power === p.power);
      expect(p.first.averageMs).toBeCloseTo(firstStats?.averageMs ?? Number.NaN, 6);
    }
    // The reference UI's compare fragment decodes to exactly the run's figures of both targets.
    const decoded = decodeCompareVisualization(comparison?.visualization ?? "");
    expect(decoded.legends).toEqual(["compare-single", "compare-double"]);
    expect(decoded.first).toEqual(figures(output.stats ?? []));
    expect(decoded.second).toEqual(figures(comparison?.second.stats ?? []));
    expect(comparison?.quickchartUrl).toContain("compare-double");
    // What this machine measured, for the record (no assertion on timings).
    console.info(
      comparison?.powers.map((p) => `${p.power} MB: ${p.first.averageMs} ms vs ${p.second.averageMs} ms`),
    );
    // Both functions' invocations count in the run's cost.
    expect(output.stateMachine.lambdaCost).toBeGreaterThan(
      output.sampling.spentUsd + (comparison?.second.spentUsd ?? 0),
    );
    expect(await leftovers(t, single)).toEqual(nothingLeft);
    expect(await leftovers(t, double)).toEqual(nothingLeft);
  }, 240_000);

  it("stopped while measuring: both functions are as they were and neither stays locked", async () => {
    const first = await createWorker("compare-stopped-a", 1);
    const second = await createWorker("compare-stopped-b", 2);
    const executionArn = await startTuning(t, {
      lambdaARN: first,
      compareWith: second,
      num: 30,
      powerValues: [128, 256, 512],
      payload: { rounds: 4000 },
    });
    await enteredState(t, executionArn, "Round");
    expect((await leftovers(t, second)).locked).toBe(true);
    await t.sfn.send(new StopExecutionCommand({ executionArn }));
    await eventually("the stopped comparison of two functions to be undone", async () => {
      const left = [await leftovers(t, first), await leftovers(t, second)];
      return left.every((l) => JSON.stringify(l) === JSON.stringify(nothingLeft)) ? true : undefined;
    });
  }, 240_000);

  it("refuses autoOptimize with a comparison, naming the field", async () => {
    const a = await createTarget(t, "compare-refused-a", MEMORY_MB);
    const b = await createTarget(t, "compare-refused-b", MEMORY_MB);
    const execution = await ended(
      t,
      await startTuning(t, { lambdaARN: a, compareWith: b, num: 5, powerValues: [512], autoOptimize: true }),
    );
    expect(execution.status).toBe("FAILED");
    expect(execution.error).toBe("InvalidTuningInputError");
    expect(execution.cause).toContain("autoOptimize");
    expect(await leftovers(t, a)).toEqual(nothingLeft);
    expect(await leftovers(t, b)).toEqual(nothingLeft);
  }, 120_000);
});

describe("comparing one function on both architectures", () => {
  it("measures a temporary arm64 copy beside the x86_64 function, and deletes it", async () => {
    const functionArn = await createTarget(t, "compare-arch", MEMORY_MB);
    const execution = await ended(
      t,
      await startTuning(t, {
        lambdaARN: functionArn,
        architectures: ["x86_64", "arm64"],
        num: 5,
        powerValues: [512, 1024],
        payload: { rounds: 200 },
        includeOutputResults: true,
      }),
    );
    expect(execution.status, execution.cause).toBe("SUCCEEDED");
    const output = JSON.parse(execution.output ?? "{}") as TuningOutput;
    expect(output.prices.architecture).toBe("x86_64");
    const comparison = output.comparison;
    expect(comparison?.kind).toBe("architectures");
    expect(comparison?.first).toMatchObject({ label: "x86_64", architecture: "x86_64", functionArn });
    expect(comparison?.second).toMatchObject({
      label: "arm64",
      architecture: "arm64",
      functionArn: copyOf(functionArn, "arm64"),
      temporaryCopy: true,
    });
    for (const p of comparison?.powers ?? []) {
      expect(p.first.invocations).toBe(5);
      expect(p.second.invocations).toBe(5);
      // Whichever is faster here is noise; the verdicts must agree with the figures they come from.
      const fasterIs = (p.first.averageMs ?? 0) < (p.second.averageMs ?? 0) ? "x86_64" : "arm64";
      const cheaperIs = (p.first.costUsd ?? 0) < (p.second.costUsd ?? 0) ? "x86_64" : "arm64";
      expect(p.faster.winner).toBe(fasterIs);
      expect(p.cheaper.winner).toBe(cheaperIs);
      expect(p.faster.pValue).toBeGreaterThan(0);
      expect(p.faster.significant).toBe((p.faster.pValue ?? 1) <= 0.05);
    }
    const decoded = decodeCompareVisualization(comparison?.visualization ?? "");
    expect(decoded.legends).toEqual(["x86_64", "arm64"]);
    expect(decoded.second).toEqual(figures(comparison?.second.stats ?? []));
    expect(await exists(copyOf(functionArn, "arm64"))).toBe(false);
    expect(await leftovers(t, functionArn)).toEqual(nothingLeft);
  }, 240_000);

  it("stopped while measuring: the copy is deleted and the function is as it was", async () => {
    const functionArn = await createTarget(t, "compare-arch-stopped", MEMORY_MB);
    const executionArn = await startTuning(t, {
      lambdaARN: functionArn,
      architectures: ["arm64", "x86_64"],
      num: 30,
      powerValues: [128, 256, 512],
      payload: { rounds: 4000 },
    });
    await enteredState(t, executionArn, "Round");
    expect(await exists(copyOf(functionArn, "arm64"))).toBe(true);
    await t.sfn.send(new StopExecutionCommand({ executionArn }));
    await eventually("the stopped comparison to be undone", async () => {
      const left = await leftovers(t, functionArn);
      const copyLeft = await exists(copyOf(functionArn, "arm64"));
      return JSON.stringify(left) === JSON.stringify(nothingLeft) && !copyLeft ? true : undefined;
    });
  }, 240_000);
});
