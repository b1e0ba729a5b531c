// Live progress of a tuning execution, reduced from its Step Functions history (the same on AWS and locally).
import type { HistoryEvent } from "@aws-sdk/client-sfn";

export type IterationStatus = "running" | "succeeded" | "failed";

export interface ExecutionProgress {
  /** States entered so far, in order, each once (the rounds' states repeat). */
  statesEntered: string[];
  /** The state entered last. */
  current: string | undefined;
  /** Rounds started so far: each round is one run of the Map state. */
  round: number;
  /** The current round's Map iteration index → status; iteration i measures the round's i-th power value. */
  iterations: Map<number, IterationStatus>;
  finished: "succeeded" | "failed" | "aborted" | "timed-out" | undefined;
  failure?: { error: string; cause: string };
}

export function emptyProgress(): ExecutionProgress {
  return { statesEntered: [], current: undefined, round: 0, iterations: new Map(), finished: undefined };
}

/** Folds history events (oldest first) into the progress; events already seen must not be passed twice. */
export function applyHistoryEvents(progress: ExecutionProgress, events: HistoryEvent[]): ExecutionProgress {
  for (const event of events) {
    const entered = event.stateEnteredEventDetails?.name;
    if (entered !== undefined && event.type?.endsWith("StateEntered")) {
      if (!progress.statesEntered.includes(entered)) progress.statesEntered.push(entered);
      progress.current = entered;
    }
    if (event.type === "MapStateEntered") {
      progress.round++;
      progress.iterations.clear();
    }
    const index =
      event.mapIterationStartedEventDetails?.index ??
      event.mapIterationSucceededEventDetails?.index ??
      event.mapIterationFailedEventDetails?.index;
    if (index !== undefined) {
      if (event.type === "MapIterationStarted") progress.iterations.set(index, "running");
      if (event.type === "MapIterationSucceeded") progress.iterations.set(index, "succeeded");
      if (event.type === "MapIterationFailed") progress.iterations.set(index, "failed");
    }
    switch (event.type) {
      case "ExecutionSucceeded":
        progress.finished = "succeeded";
        break;
      case "ExecutionFailed":
        progress.finished = "failed";
        progress.failure = {
          error: event.executionFailedEventDetails?.error ?? "States.TaskFailed",
          cause: event.executionFailedEventDetails?.cause ?? "",
        };
        break;
      case "ExecutionAborted":
        progress.finished = "aborted";
        break;
      case "ExecutionTimedOut":
        progress.finished = "timed-out";
        break;
    }
  }
  return progress;
}

/** Sums finished invocations per power from counts keyed by the qualifier invoked (`RAM512`, `RAM512-3`). */
export function invocationsPerPower(
  counts: Record<string, number>,
  baseline: Record<string, number> = {},
): Map<number, number> {
  const perPower = new Map<number, number>();
  for (const [qualifier, count] of Object.entries(counts)) {
    const power = /^RAM(\d+)(?:-\d+)?$/.exec(qualifier)?.[1];
    if (power === undefined) continue;
    const done = count - (baseline[qualifier] ?? 0);
    if (done > 0) perPower.set(Number(power), (perPower.get(Number(power)) ?? 0) + done);
  }
  return perPower;
}

export interface InvocationProgress {
  /** Finished invocations per power, MB → count. */
  done: Map<number, number>;
  /** Invocations each power gets in all (num), or at most (maxInvocations with num "auto"). */
  num: number;
}

/** One status line: "12.3 s  round 2  Executor  powers 3/6 done (128 MB 20/50 ✓  256 MB 13/50  512 MB ·)". */
export function renderProgressLine(
  progress: ExecutionProgress,
  powers: number[],
  elapsedMs: number,
  invocations?: InvocationProgress,
): string {
  const elapsed = `${(elapsedMs / 1000).toFixed(1)} s`;
  const state = `${progress.round > 0 ? `round ${progress.round}  ` : ""}${progress.current ?? "starting"}`;
  if (progress.iterations.size === 0) return `${elapsed.padStart(8)}  ${state}`;
  const done = [...progress.iterations.values()].filter((status) => status === "succeeded").length;
  const marks = powers.map((power, i) => {
    const status = progress.iterations.get(i);
    const count = invocations?.done.get(power);
    const tally =
      invocations && count !== undefined ? `${Math.min(count, invocations.num)}/${invocations.num}` : "";
    if (status === "succeeded") return `${power} MB ${tally ? `${tally} ` : ""}✓`;
    if (status === "failed") return `${power} MB ✗`;
    if (status === "running" && tally) return `${power} MB ${tally}`;
    return `${power} MB ${status === "running" ? "…" : "·"}`;
  });
  return `${elapsed.padStart(8)}  ${state}  powers ${done}/${powers.length} done (${marks.join("  ")})`;
}
