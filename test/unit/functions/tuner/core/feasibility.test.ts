import { describe, expect, it } from "vitest";
import {
  addTallies,
  binomialTailAtLeast,
  classifyError,
  DEFAULT_MAX_ERROR_RATES,
  type ErrorTally,
  infeasibleReasons,
  isClearlyInfeasible,
  memoryFloorMb,
  shortMessage,
} from "../../../../../functions/tuner/core/feasibility.js";

const tally = (over: Partial<ErrorTally>): ErrorTally => ({
  errorType: "BoomError",
  kind: "handlerError",
  allowed: false,
  count: 1,
  message: "boom",
  ...over,
});

describe("classifyError", () => {
  it("tells timeouts, lack of memory, runtime exits and thrown errors apart", () => {
    expect(classifyError("Sandbox.Timedout", "RequestId: x Error: Task timed out after 1.00 seconds")).toBe(
      "timeout",
    );
    // Older runtimes: no errorType, only the message.
    expect(classifyError("Unhandled", "2024-01-01T00:00:00Z x Task timed out after 3.00 seconds")).toBe(
      "timeout",
    );
    expect(classifyError("Runtime.InitTimeout", "Init phase timed out")).toBe("timeout");
    expect(classifyError("Runtime.OutOfMemory", "Runtime exited with error: signal: killed")).toBe(
      "outOfMemory",
    );
    const killed = "RequestId: x Error: Runtime exited with error: signal: killed";
    expect(classifyError("Runtime.ExitError", killed, { memorySizeMb: 128, maxMemoryUsedMb: 128 })).toBe(
      "outOfMemory",
    );
    expect(classifyError("Runtime.ExitError", killed, { memorySizeMb: 512, maxMemoryUsedMb: 80 })).toBe(
      "runtimeExit",
    );
    expect(classifyError("InventoryMismatchError", "expected 3 items, found 2")).toBe("handlerError");
    expect(classifyError("Runtime.ImportModuleError", "Cannot find module")).toBe("handlerError");
  });
});

describe("tallies", () => {
  it("adds up the same type, kind and allowedness, keeping only the first tally's first message", () => {
    const merged = addTallies(
      [tally({ count: 2 })],
      [tally({ count: 3, message: "later" }), tally({ allowed: true }), tally({ errorType: "Other" })],
    );
    expect(merged.map((t) => [t.errorType, t.allowed, t.count, t.message])).toEqual([
      ["BoomError", false, 5, "boom"],
      ["BoomError", true, 1, ""],
      ["Other", false, 1, ""],
    ]);
  });

  it("names at most three error types a power: a fourth of a kind counts under the first of that kind", () => {
    const types = ["A", "B", "C", "D", "E"].map((errorType) => tally({ errorType, allowed: true }));
    const merged = addTallies([], [...types, tally({ errorType: "Sandbox.Timedout", kind: "timeout" })]);
    expect(merged.map((t) => [t.errorType, t.kind, t.count])).toEqual([
      ["A", "handlerError", 3],
      ["B", "handlerError", 1],
      ["C", "handlerError", 1],
      // A kind not tallied yet still gets its own: feasibility judges by kind.
      ["Sandbox.Timedout", "timeout", 1],
    ]);
  });

  it("shortens long messages to one line", () => {
    const short = shortMessage(`line one\n${"x".repeat(500)}`);
    expect(short).toHaveLength(120);
    expect(short.startsWith("line one x")).toBe(true);
    expect(short.endsWith("…")).toBe(true);
    expect(
      shortMessage(
        "RequestId: 5d49e5a4-5560-4b1d-aac7-c82a356fc4ed Error: Runtime exited with error: signal: killed",
      ),
    ).toBe("Runtime exited with error: signal: killed");
  });
});

describe("binomialTailAtLeast", () => {
  it("is P(X ≥ k) of a binomial, exact at the edges", () => {
    expect(binomialTailAtLeast(0, 10, 0.3)).toBe(1);
    expect(binomialTailAtLeast(11, 10, 0.3)).toBe(0);
    expect(binomialTailAtLeast(1, 10, 0)).toBe(0);
    expect(binomialTailAtLeast(10, 10, 0.5)).toBeCloseTo(1 / 1024, 12);
    // P(X ≥ 8 | 10, 0.5) = (45 + 10 + 1) / 1024
    expect(binomialTailAtLeast(8, 10, 0.5)).toBeCloseTo(56 / 1024, 12);
    expect(binomialTailAtLeast(600, 1000, 0.5)).toBeLessThan(1e-9);
  });
});

describe("feasibility", () => {
  const rates = DEFAULT_MAX_ERROR_RATES;

  it("makes a power infeasible for any error not in allowedExceptions", () => {
    expect(infeasibleReasons([tally({ count: 1 })], 10, rates)).toEqual([
      { kind: "handlerError", errorTypes: ["BoomError"], count: 1, allowed: false, threshold: 0 },
    ]);
    expect(isClearlyInfeasible([tally({ count: 1 })], 1, rates)).toBe(true);
  });

  it("allows a timeout or lack of memory of none by default, even when its type is allowed", () => {
    const timedOut = [tally({ errorType: "Sandbox.Timedout", kind: "timeout", allowed: true })];
    expect(infeasibleReasons(timedOut, 10, rates)).toMatchObject([{ kind: "timeout", threshold: 0 }]);
    expect(isClearlyInfeasible(timedOut, 1, rates)).toBe(true);
    const killed = [tally({ errorType: "Runtime.OutOfMemory", kind: "outOfMemory", allowed: true })];
    expect(isClearlyInfeasible(killed, 1, rates)).toBe(true);
    expect(infeasibleReasons(timedOut, 10, { ...rates, timeout: 0.1 })).toEqual([]);
  });

  it("allows allowed thrown errors up to half the invocations by default", () => {
    const allowed = (count: number) => [tally({ allowed: true, count })];
    expect(infeasibleReasons(allowed(5), 10, rates)).toEqual([]);
    expect(infeasibleReasons(allowed(6), 10, rates)).toMatchObject([
      { kind: "handlerError", threshold: 0.5 },
    ]);
    expect(infeasibleReasons(allowed(10), 10, rates)).toHaveLength(1);
  });

  it("calls a power clearly infeasible only when more invocations could not bring its rate down (99 %)", () => {
    const allowed = (count: number) => [tally({ allowed: true, count })];
    expect(isClearlyInfeasible(allowed(6), 10, rates)).toBe(false);
    expect(isClearlyInfeasible(allowed(6), 6, rates)).toBe(false);
    expect(isClearlyInfeasible(allowed(7), 7, rates)).toBe(true);
    expect(isClearlyInfeasible(allowed(10), 10, rates)).toBe(true);
    expect(isClearlyInfeasible([], 10, rates)).toBe(false);
  });

  it("suggests a floor 10 % above the most memory used, and above every power that ran out of memory", () => {
    expect(memoryFloorMb(210, [128])).toBe(231);
    expect(memoryFloorMb(60, [])).toBe(128);
    expect(memoryFloorMb(60, [256])).toBe(257);
  });
});
