// Lambda's concurrency limits: a function with reserved concurrency is held to it; the others share what
// the reservations leave of the account's limit.

import { InvalidParameterValueError, TooManyRequestsError } from "./errors.js";
import type { FunctionRecord } from "./types.js";

/** Throws Lambda's 429 when one more invocation of `record` would go over its limit. */
export function assertConcurrencyAvailable(
  functions: Iterable<FunctionRecord>,
  record: FunctionRecord,
  accountConcurrency: number,
): void {
  if (record.reservedConcurrency !== undefined) {
    if (record.inFlight >= record.reservedConcurrency) {
      throw new TooManyRequestsError("Rate Exceeded.", "ReservedFunctionConcurrentInvocationLimitExceeded");
    }
    return;
  }
  let reserved = 0;
  let unreservedInFlight = 0;
  for (const fn of functions) {
    if (fn.reservedConcurrency !== undefined) reserved += fn.reservedConcurrency;
    else unreservedInFlight += fn.inFlight;
  }
  if (unreservedInFlight >= accountConcurrency - reserved) {
    throw new TooManyRequestsError("Rate Exceeded.", "ConcurrentInvocationLimitExceeded");
  }
}

/** A PutFunctionConcurrency value: a whole number that fits beside the other functions' reservations. */
export function validateReservedConcurrency(
  functions: Iterable<FunctionRecord>,
  record: FunctionRecord,
  reserved: unknown,
  accountConcurrency: number,
): number {
  if (typeof reserved !== "number" || !Number.isInteger(reserved) || reserved < 0) {
    throw new InvalidParameterValueError(
      `ReservedConcurrentExecutions ${String(reserved)} is invalid: use a whole number ≥ 0.`,
    );
  }
  let othersReserved = 0;
  for (const other of functions) {
    if (other !== record) othersReserved += other.reservedConcurrency ?? 0;
  }
  if (othersReserved + reserved > accountConcurrency) {
    throw new InvalidParameterValueError(
      `ReservedConcurrentExecutions ${reserved} exceeds the account's unreserved concurrency (${accountConcurrency - othersReserved}): lower it or raise accountConcurrency.`,
    );
  }
  return reserved;
}
