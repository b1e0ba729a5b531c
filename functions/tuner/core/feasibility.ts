// Failed invocations as data: what kind of failure an error is, each power's tally of them, and when a power is
// infeasible (its failures above the run's thresholds), or clearly so (no further invocation can change that).

/**
 * timeout: the function ran out of time (Sandbox.Timedout, "Task timed out after …"); outOfMemory: it ran out
 * of memory (Runtime.OutOfMemory, or a runtime killed at its memory limit); runtimeExit: the runtime process
 * exited otherwise (Runtime.ExitError); handlerError: anything else the function reported (a thrown error).
 */
export type ErrorKind = "timeout" | "outOfMemory" | "runtimeExit" | "handlerError";

export const ERROR_KINDS: readonly ErrorKind[] = ["timeout", "outOfMemory", "runtimeExit", "handlerError"];

/** Per kind, the largest share of a power's invocations (0–1) that may fail with an allowed error. */
export type MaxErrorRates = Record<ErrorKind, number>;

/**
 * A timeout, a lack of memory or a crash says the power cannot run the function: one is enough. A thrown error
 * the user allowed is part of what the function does (a 404 path, say) until it is most of what it does.
 */
export const DEFAULT_MAX_ERROR_RATES: Readonly<MaxErrorRates> = {
  timeout: 0,
  outOfMemory: 0,
  runtimeExit: 0,
  handlerError: 0.5,
};

/** A power is clearly infeasible once "its true error rate is at most the threshold" is rejected at 99 %. */
export const CLEAR_INFEASIBILITY = 0.01;

/** Error messages are kept to this many characters: they travel between states and into reports. */
export const MESSAGE_CHARS = 120;

/**
 * Error types a power's tally names one by one. Tallies travel between states (the state-size estimate allows
 * for them): a further type of a kind already tallied counts under that tally's name.
 */
export const MAX_TALLIES_PER_POWER = 3;

/** One kind of failure at one power: how many invocations failed with it, and the first one's message. */
export interface ErrorTally {
  errorType: string;
  kind: ErrorKind;
  /** Listed in allowedExceptions: the invocation is measured like any other, and counts against maxErrorRate. */
  allowed: boolean;
  count: number;
  message: string;
}

export type InvocationError = Omit<ErrorTally, "count">;

/** What the REPORT line says of the failed invocation's memory, when it was found. */
export interface MemoryReport {
  memorySizeMb: number;
  maxMemoryUsedMb: number;
}

/** The kind of a function error, from its errorType, its message and its REPORT line. */
export function classifyError(errorType: string, message: string, report?: MemoryReport): ErrorKind {
  // Runtimes older than the Sandbox.Timedout type report a timeout with a message only.
  if (errorType === "Sandbox.Timedout" || errorType === "Runtime.InitTimeout") return "timeout";
  if (/Task timed out after/.test(message)) return "timeout";
  if (errorType === "Runtime.OutOfMemory") return "outOfMemory";
  if (errorType === "Runtime.ExitError") {
    // Lambda often reports a runtime its memory limit killed as "signal: killed" with Max Memory Used at the limit.
    const atLimit =
      report !== undefined && report.memorySizeMb > 0 && report.maxMemoryUsedMb >= report.memorySizeMb;
    return atLimit ? "outOfMemory" : "runtimeExit";
  }
  return "handlerError";
}

/** One line of at most MESSAGE_CHARS, without the "RequestId: … Error: " prefix Lambda's own errors carry. */
export function shortMessage(message: string): string {
  const flat = message
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^RequestId: [0-9a-fA-F-]+ Error: /, "");
  return flat.length > MESSAGE_CHARS ? `${flat.slice(0, MESSAGE_CHARS - 1)}…` : flat;
}

/**
 * Adds `more` to `tallies` (a new list): same errorType, kind and allowed add up. Only the first tally keeps a
 * message (the one the warnings quote). Past MAX_TALLIES_PER_POWER types, a new type adds to the first tally of
 * its kind and allowedness (what feasibility judges by); only a kind not tallied yet gets a tally of its own.
 */
export function addTallies(tallies: readonly ErrorTally[], more: readonly ErrorTally[]): ErrorTally[] {
  const result = tallies.map((t) => ({ ...t }));
  for (const m of more) {
    const sameKind = (t: ErrorTally) => t.kind === m.kind && t.allowed === m.allowed;
    const same =
      result.find((t) => t.errorType === m.errorType && sameKind(t)) ??
      (result.length >= MAX_TALLIES_PER_POWER ? result.find(sameKind) : undefined);
    if (same) same.count += m.count;
    else result.push({ ...m, message: result.some((t) => t.message !== "") ? "" : m.message });
  }
  return result;
}

/** Invocations that failed, allowed or not. */
export function failedInvocations(tallies: readonly ErrorTally[]): number {
  return tallies.reduce((sum, t) => sum + t.count, 0);
}

/** P(X ≥ k) for X ~ Binomial(n, p): how likely k or more failures of n are if each fails with probability p. */
export function binomialTailAtLeast(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let logChoose = 0;
  // log C(n, i) built up from i = 0, then the terms i = k … n summed in log space.
  const terms: number[] = [];
  for (let i = 0; i <= n; i++) {
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
    if (i >= k) terms.push(logChoose + i * Math.log(p) + (n - i) * Math.log(1 - p));
  }
  const top = Math.max(...terms);
  return Math.min(1, Math.exp(top) * terms.reduce((sum, t) => sum + Math.exp(t - top), 0));
}

/** One reason a power is infeasible, in words ("10 of 10 invocations ran out of memory (Runtime.OutOfMemory) …"). */
export interface InfeasibleReason {
  kind: ErrorKind;
  errorTypes: string[];
  count: number;
  allowed: boolean;
  /** The threshold the failures are above: 0 for errors not in allowedExceptions. */
  threshold: number;
}

const KIND_WORDS: Record<ErrorKind, string> = {
  timeout: "timed out",
  outOfMemory: "ran out of memory",
  runtimeExit: "exited the runtime",
  handlerError: "failed",
};

export function describeReason(reason: InfeasibleReason, invocations: number): string {
  const limit = reason.allowed
    ? `allowed, but above maxErrorRate.${reason.kind} ${reason.threshold}`
    : "not in allowedExceptions";
  return `${reason.count} of ${invocations} invocations ${KIND_WORDS[reason.kind]} (${reason.errorTypes.join(", ")}; ${limit})`;
}

/**
 * Why a power with these failures out of `invocations` is infeasible; empty when it is feasible. Any error not
 * in allowedExceptions makes it so; allowed errors of a kind do when their share is above that kind's rate.
 */
export function infeasibleReasons(
  tallies: readonly ErrorTally[],
  invocations: number,
  rates: Readonly<MaxErrorRates>,
): InfeasibleReason[] {
  const reasons: InfeasibleReason[] = [];
  for (const allowed of [false, true]) {
    for (const kind of ERROR_KINDS) {
      const matching = tallies.filter((t) => t.kind === kind && t.allowed === allowed && t.count > 0);
      const count = failedInvocations(matching);
      if (count === 0) continue;
      const threshold = allowed ? rates[kind] : 0;
      if (count / Math.max(1, invocations) <= threshold) continue;
      reasons.push({ kind, errorTypes: matching.map((t) => t.errorType), count, allowed, threshold });
    }
  }
  return reasons;
}

/**
 * More invocations cannot make the power feasible (at 99 %): an error not in allowedExceptions, or allowed
 * errors of a kind too many for its rate to be at or below the threshold (a one-sided binomial test). With a
 * threshold of 0, one failure is enough. The executor and the round planner stop invoking such a power.
 */
export function isClearlyInfeasible(
  tallies: readonly ErrorTally[],
  invocations: number,
  rates: Readonly<MaxErrorRates>,
): boolean {
  if (tallies.some((t) => !t.allowed && t.count > 0)) return true;
  return ERROR_KINDS.some((kind) => {
    const count = failedInvocations(tallies.filter((t) => t.kind === kind));
    return count > 0 && binomialTailAtLeast(count, invocations, rates[kind]) <= CLEAR_INFEASIBILITY;
  });
}

/** Headroom over the most memory a feasible power used, for the suggested floor, percent. */
export const MEMORY_HEADROOM_PERCENT = 10;

/** Lambda's least memory, MB. */
const LAMBDA_MIN_MEMORY_MB = 128;

/**
 * The least memory the run's evidence allows: the most Max Memory Used at a feasible power plus 10 % headroom,
 * rounded up to the MB, and above every power that ran out of memory; at least 128 MB.
 */
export function memoryFloorMb(
  peakFeasibleMemoryUsedMb: number,
  outOfMemoryPowers: readonly number[],
): number {
  return Math.max(
    LAMBDA_MIN_MEMORY_MB,
    // In whole percent: 210 × 1.1 is 231.00000000000003 in floating point.
    Math.ceil((peakFeasibleMemoryUsedMb * (100 + MEMORY_HEADROOM_PERCENT)) / 100),
    ...outOfMemoryPowers.map((power) => power + 1),
  );
}
