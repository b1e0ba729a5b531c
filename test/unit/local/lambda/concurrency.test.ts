import { describe, expect, it } from "vitest";
import {
  assertConcurrencyAvailable,
  validateReservedConcurrency,
} from "../../../../local/lambda/concurrency.js";
import { TooManyRequestsError } from "../../../../local/lambda/errors.js";
import type { FunctionRecord } from "../../../../local/lambda/types.js";

function fn(name: string, inFlight: number, reservedConcurrency?: number): FunctionRecord {
  return { name, inFlight, reservedConcurrency } as FunctionRecord;
}

function reason(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as TooManyRequestsError).reason;
  }
}

describe("concurrency limits", () => {
  it("holds a function with reserved concurrency to its reservation", () => {
    const reserved = fn("a", 2, 2);
    expect(reason(() => assertConcurrencyAvailable([reserved], reserved, 50))).toBe(
      "ReservedFunctionConcurrentInvocationLimitExceeded",
    );
    const zero = fn("z", 0, 0);
    expect(() => assertConcurrencyAvailable([zero], zero, 50)).toThrow(TooManyRequestsError);
    const room = fn("b", 1, 2);
    expect(reason(() => assertConcurrencyAvailable([room], room, 50))).toBeUndefined();
  });

  it("lets unreserved functions share what the reservations leave of the account's limit", () => {
    const reserved = fn("r", 0, 6);
    const busy = fn("u1", 3);
    const other = fn("u2", 1);
    const all = [reserved, busy, other];
    expect(reason(() => assertConcurrencyAvailable(all, other, 10))).toBe(
      "ConcurrentInvocationLimitExceeded",
    );
    expect(reason(() => assertConcurrencyAvailable(all, other, 11))).toBeUndefined();
  });

  it("accepts a reservation that fits beside the others and refuses one that does not", () => {
    const a = fn("a", 0, 30);
    const b = fn("b", 0, 5);
    expect(validateReservedConcurrency([a, b], b, 20, 50)).toBe(20);
    expect(() => validateReservedConcurrency([a, b], b, 21, 50)).toThrow(/unreserved concurrency \(20\)/);
    expect(() => validateReservedConcurrency([a, b], b, 1.5, 50)).toThrow(/whole number/);
    expect(() => validateReservedConcurrency([a, b], b, "3", 50)).toThrow(/ReservedConcurrentExecutions 3/);
  });
});
