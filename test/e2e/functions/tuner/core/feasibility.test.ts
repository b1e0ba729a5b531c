import { describe, expect, it } from "vitest";
import { decodeVisualization, type TuningOutput } from "../../../../../functions/tuner/core/index.js";
import {
  createFixtureFunction,
  ended,
  leftovers,
  startTuning,
  type TunerCloud,
  useTunerCloud,
} from "../support.js";

useTunerCloud("powertune-feasibility-", (cloud) => {
  t = cloud;
});
const MEMORY_MB = 1024;
const POWERS = [128, 512, 1024];
const nothingLeft = { aliases: [], versions: [], memoryMb: MEMORY_MB, locked: false };
let t: TunerCloud;

/**
 * test/fixtures/functions/small-memory-failures. A timeout of 1 s ends a timed-out invocation soon; the one that
 * runs out of memory gets 30 s, so it fills 128 MB at 128 MB's CPU share before its time is up.
 */
function createTarget(name: string, timeoutS: number): Promise<string> {
  return createFixtureFunction(t, name, { fixture: "small-memory-failures", memoryMb: MEMORY_MB, timeoutS });
}

async function tune(name: string, input: Record<string, unknown>, timeoutS = 1) {
  const lambdaARN = await createTarget(name, timeoutS);
  const execution = await ended(
    t,
    await startTuning(t, { lambdaARN, num: 5, powerValues: POWERS, includeOutputResults: true, ...input }),
  );
  return { lambdaARN, execution };
}

/** What every run with an infeasible 128 MB must say, whatever made it fail. */
function expectInfeasible128(output: TuningOutput, errorType: string, kind: string) {
  expect([512, 1024]).toContain(output.power);
  expect(output.recommendation.infeasiblePowers).toEqual([128]);
  const s128 = output.stats?.find((s) => s.power === 128);
  expect(s128?.feasible).toBe(false);
  expect(s128?.errors.map((e) => [e.errorType, e.kind])).toEqual([[errorType, kind]]);
  expect(s128?.errorRate).toBe(1);
  expect(output.stats?.filter((s) => s.feasible).map((s) => s.power)).toEqual([512, 1024]);
  const warnings = output.warnings.join("\n");
  expect(warnings).toContain(`128 MB is infeasible:`);
  expect(warnings).toContain(errorType);
  expect(warnings).toMatch(/memory floor: \d+ MB/);
  expect(output.recommendation.memoryFloorMb).toBeGreaterThanOrEqual(128);
  // The charts leave the failing power out: its figures say how it failed.
  expect(decodeVisualization(output.stateMachine.visualization).map((p) => p.power)).toEqual([512, 1024]);
}

describe("a power at which the target fails is dropped, and the run goes on with the rest", () => {
  it("runs out of memory at 128 MB: infeasible, invoked once, and the floor comes from Max Memory Used", async () => {
    const { lambdaARN, execution } = await tune("oom-at-128", { payload: { fail: "outOfMemory" } }, 30);
    expect(execution.status, execution.cause).toBe("SUCCEEDED");
    const output = JSON.parse(execution.output ?? "{}") as TuningOutput;
    expectInfeasible128(output, "Runtime.OutOfMemory", "outOfMemory");
    // The executor stopped 128 MB's slice at its first failure; the others got their five.
    expect(output.sampling.invocations.map((i) => [i.power, i.count])).toEqual([
      [128, 1],
      [512, 5],
      [1024, 5],
    ]);
    expect(output.warnings.join("\n")).toContain(
      "no more invocations were made at it once it was clearly infeasible",
    );
    // It held about 150 MB at the feasible powers: the floor is above that, and above 128 MB.
    const peak = Math.max(...(output.stats ?? []).filter((s) => s.feasible).map((s) => s.maxMemoryUsedMb));
    expect(peak).toBeGreaterThan(128);
    expect(output.recommendation.memoryFloorMb).toBe(Math.ceil((peak * 110) / 100));
    expect(await leftovers(t, lambdaARN)).toEqual(nothingLeft);
  }, 180_000);

  it("times out at 128 MB: infeasible, one timeout and not nine more", async () => {
    const { lambdaARN, execution } = await tune("timeout-at-128", { payload: { fail: "timeout" } });
    expect(execution.status, execution.cause).toBe("SUCCEEDED");
    const output = JSON.parse(execution.output ?? "{}") as TuningOutput;
    expectInfeasible128(output, "Sandbox.Timedout", "timeout");
    expect(output.stats?.find((s) => s.power === 128)?.invocations).toBe(1);
    expect(await leftovers(t, lambdaARN)).toEqual(nothingLeft);
  }, 180_000);

  it("throws at 128 MB: infeasible, with the error type named", async () => {
    const { lambdaARN, execution } = await tune("throw-at-128", { payload: { fail: "throw" } });
    expect(execution.status, execution.cause).toBe("SUCCEEDED");
    const output = JSON.parse(execution.output ?? "{}") as TuningOutput;
    expectInfeasible128(output, "InventoryMismatchError", "handlerError");
    expect(output.stats?.find((s) => s.power === 128)?.errors[0]?.message).toBe(
      "expected 3 items, found 2 at 128 MB",
    );
    expect(await leftovers(t, lambdaARN)).toEqual(nothingLeft);
  }, 180_000);

  it("does not let 128 MB win when its thrown error type is allowed: 5 of 5 failed, above maxErrorRate", async () => {
    const { lambdaARN, execution } = await tune("allowed-throw-at-128", {
      payload: { fail: "throw" },
      allowedExceptions: ["InventoryMismatchError"],
      strategy: "cost",
    });
    expect(execution.status, execution.cause).toBe("SUCCEEDED");
    const output = JSON.parse(execution.output ?? "{}") as TuningOutput;
    expectInfeasible128(output, "InventoryMismatchError", "handlerError");
    const s128 = output.stats?.find((s) => s.power === 128);
    // Allowed errors are measured: all five invocations, none of which makes it a choice.
    expect(s128).toMatchObject({ invocations: 5, allowedErrors: 5 });
    expect(output.warnings.join("\n")).toContain(
      "5 of 5 invocations failed (InventoryMismatchError; allowed, but above maxErrorRate.handlerError 0.5)",
    );
    expect(await leftovers(t, lambdaARN)).toEqual(nothingLeft);
  }, 180_000);

  it("fails the run with a clear error when no power is feasible, and cleanup holds", async () => {
    const { lambdaARN, execution } = await tune("throws-everywhere", {
      payload: { fail: "throw", belowMb: 4096 },
    });
    expect(execution.status).toBe("FAILED");
    expect(execution.error).toBe("NoFeasiblePowerError");
    expect(execution.cause).toContain(
      "No power value is feasible: 128 MB: 1 of 1 invocations failed (InventoryMismatchError; not in allowedExceptions)",
    );
    expect(execution.cause).toContain("1024 MB: 1 of 1 invocations failed");
    expect(await leftovers(t, lambdaARN)).toEqual(nothingLeft);
  }, 180_000);
});
