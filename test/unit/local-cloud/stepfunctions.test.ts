import { describe, expect, it } from "vitest";
import "../../../local/stepfunctions/promise-with-resolvers.js";
import { toHistoryEvent } from "../../../local/stepfunctions/history.js";
import { collectTaskStates, LAMBDA_INVOKE_INTEGRATION } from "../../../local/stepfunctions/lambda-bridge.js";

describe("Step Functions history mapping", () => {
  it("names state events after the state type, as Step Functions does", () => {
    const entered = toHistoryEvent({
      type: "StateEntered",
      timestamp: 1_000,
      state: { name: "Initializer", type: "Task", input: { a: 1 } },
    });
    expect(entered).toEqual({
      timestamp: new Date(1_000),
      type: "TaskStateEntered",
      stateEnteredEventDetails: { name: "Initializer", input: '{"a":1}' },
    });
  });

  it("keeps a failure's error name and a string cause", () => {
    const failed = toHistoryEvent({
      type: "ExecutionFailed",
      timestamp: 0,
      Error: "PowerValueFailedError",
      Cause: "512 MB failed",
    });
    expect(failed?.executionFailedEventDetails).toEqual({
      error: "PowerValueFailedError",
      cause: "512 MB failed",
    });
  });

  it("reports Map iterations with the Map state's name and the iteration index", () => {
    const iteration = toHistoryEvent({
      type: "MapIterationSucceeded",
      timestamp: 0,
      index: 2,
      parentState: { name: "Branching", type: "Map", input: [] },
    });
    expect(iteration).toMatchObject({
      type: "MapIterationSucceeded",
      mapIterationSucceededEventDetails: { name: "Branching", index: 2 },
    });
  });

  it("drops retry and catch events, which Step Functions does not list on their own", () => {
    expect(
      toHistoryEvent({
        type: "StateCaught",
        timestamp: 0,
        state: { name: "X", type: "Task", input: null },
        catch: { catcher: { ErrorEquals: ["States.ALL"], Next: "Y" } },
      }),
    ).toBeUndefined();
  });
});

describe("Lambda task discovery", () => {
  it("finds Task states inside Map processors and Parallel branches", () => {
    const tasks = collectTaskStates({
      Init: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:init" },
      Fan: {
        Type: "Map",
        ItemProcessor: { States: { Exec: { Type: "Task", Resource: LAMBDA_INVOKE_INTEGRATION } } },
      },
      Both: { Type: "Parallel", Branches: [{ States: { Left: { Type: "Task", Resource: "arn:x" } } }] },
      Done: { Type: "Succeed" },
    });
    expect([...tasks.keys()].sort()).toEqual(["Exec", "Init", "Left"]);
    expect(tasks.get("Exec")).toBe(LAMBDA_INVOKE_INTEGRATION);
  });
});

describe("Promise.withResolvers", () => {
  it("is available for aws-local-stepfunctions on every supported Node", async () => {
    const { promise, resolve } = (
      Promise as unknown as { withResolvers<T>(): { promise: Promise<T>; resolve(v: T): void } }
    ).withResolvers<number>();
    resolve(7);
    await expect(promise).resolves.toBe(7);
  });
});
