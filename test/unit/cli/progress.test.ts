import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import {
  applyHistoryEvents,
  emptyProgress,
  invocationsPerPower,
  renderProgressLine,
} from "../../../cli/progress.js";

const at = new Date(0);
const events: HistoryEvent[] = [
  { id: 1, timestamp: at, type: "ExecutionStarted" },
  { id: 2, timestamp: at, type: "TaskStateEntered", stateEnteredEventDetails: { name: "Initializer" } },
  { id: 3, timestamp: at, type: "MapStateEntered", stateEnteredEventDetails: { name: "Measure each power" } },
  {
    id: 4,
    timestamp: at,
    type: "MapIterationStarted",
    mapIterationStartedEventDetails: { name: "m", index: 0 },
  },
  {
    id: 5,
    timestamp: at,
    type: "MapIterationStarted",
    mapIterationStartedEventDetails: { name: "m", index: 1 },
  },
  { id: 6, timestamp: at, type: "TaskStateEntered", stateEnteredEventDetails: { name: "Executor" } },
  {
    id: 7,
    timestamp: at,
    type: "MapIterationSucceeded",
    mapIterationSucceededEventDetails: { name: "m", index: 1 },
  },
];

describe("execution progress", () => {
  it("tracks the states entered once each and the status of every Map iteration", () => {
    const progress = applyHistoryEvents(emptyProgress(), events);
    expect(progress.statesEntered).toEqual(["Initializer", "Measure each power", "Executor"]);
    expect(progress).toMatchObject({ current: "Executor", round: 1 });
    expect([...progress.iterations.entries()]).toEqual([
      [0, "running"],
      [1, "succeeded"],
    ]);
    expect(progress.finished).toBeUndefined();
  });

  it("renders elapsed seconds, the current state and per-power marks", () => {
    const progress = applyHistoryEvents(emptyProgress(), events);
    expect(renderProgressLine(progress, [128, 256, 512], 12_345)).toBe(
      "  12.3 s  round 1  Executor  powers 1/3 done (128 MB …  256 MB ✓  512 MB ·)",
    );
    expect(renderProgressLine(emptyProgress(), [128], 0)).toBe("   0.0 s  starting");
  });

  it("starts each round's iterations afresh, and names the state entered last even when it repeats", () => {
    const progress = applyHistoryEvents(emptyProgress(), events);
    applyHistoryEvents(progress, [
      {
        id: 8,
        timestamp: at,
        type: "MapStateExited",
        stateExitedEventDetails: { name: "Measure each power" },
      },
      { id: 9, timestamp: at, type: "TaskStateEntered", stateEnteredEventDetails: { name: "Analyzer" } },
      {
        id: 10,
        timestamp: at,
        type: "ChoiceStateEntered",
        stateEnteredEventDetails: { name: "AnotherRound" },
      },
      {
        id: 11,
        timestamp: at,
        type: "MapStateEntered",
        stateEnteredEventDetails: { name: "Measure each power" },
      },
      {
        id: 12,
        timestamp: at,
        type: "MapIterationStarted",
        mapIterationStartedEventDetails: { name: "m", index: 0 },
      },
    ]);
    expect(progress).toMatchObject({ round: 2, current: "Measure each power" });
    expect([...progress.iterations.entries()]).toEqual([[0, "running"]]);
    expect(renderProgressLine(progress, [256], 5000)).toBe(
      "   5.0 s  round 2  Measure each power  powers 0/1 done (256 MB …)",
    );
  });

  it("records how an execution ended, with the error and cause of a failure", () => {
    const failed = applyHistoryEvents(emptyProgress(), [
      {
        id: 9,
        timestamp: at,
        type: "ExecutionFailed",
        executionFailedEventDetails: { error: "InvalidTuningInputError", cause: "num: must be at least 5" },
      },
    ]);
    expect(failed.finished).toBe("failed");
    expect(failed.failure).toEqual({ error: "InvalidTuningInputError", cause: "num: must be at least 5" });
    expect(
      applyHistoryEvents(emptyProgress(), [{ id: 1, timestamp: at, type: "ExecutionSucceeded" }]).finished,
    ).toBe("succeeded");
    expect(
      applyHistoryEvents(emptyProgress(), [{ id: 1, timestamp: at, type: "ExecutionAborted" }]).finished,
    ).toBe("aborted");
  });
});

describe("per-power invocation progress", () => {
  it("sums counts by power from RAM<power> and cold-start RAM<power>-<n> aliases, less a baseline", () => {
    const counts = { RAM128: 30, "RAM256-1": 1, "RAM256-2": 1, $LATEST: 9, prod: 4 };
    expect([...invocationsPerPower(counts, { RAM128: 10 }).entries()]).toEqual([
      [128, 20],
      [256, 2],
    ]);
  });

  it("shows done/num for running powers", () => {
    const progress = applyHistoryEvents(emptyProgress(), events);
    const line = renderProgressLine(progress, [128, 256, 512], 1000, { done: new Map([[128, 23]]), num: 50 });
    expect(line).toContain("128 MB 23/50");
    expect(line).toContain("256 MB ✓");
    const counted = renderProgressLine(progress, [128, 256, 512], 1000, {
      done: new Map([[256, 20]]),
      num: 50,
    });
    expect(counted).toContain("256 MB 20/50 ✓");
  });
});
