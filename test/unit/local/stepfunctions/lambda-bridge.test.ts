import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, describe, expect, it } from "vitest";
import "../../../../local/stepfunctions/promise-with-resolvers.js";
import { toHistoryEvent } from "../../../../local/stepfunctions/history.js";
import {
  collectTaskStates,
  LAMBDA_INVOKE_INTEGRATION,
} from "../../../../local/stepfunctions/lambda-bridge.js";
import {
  compileDefinition,
  executionInput,
  runOutcome,
  startRun,
} from "../../../../local/stepfunctions/runner.js";

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

const RUN_IDENTITY = {
  executionArn: "arn:aws:states:us-east-1:000000000000:execution:m:e",
  executionName: "e",
  stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:m",
  stateMachineName: "m",
};

describe("the state machine runner", () => {
  // Never reached: no test here invokes a function.
  const lambda = new LambdaClient({ region: "us-east-1", endpoint: "http://127.0.0.1:9", maxAttempts: 1 });
  afterAll(() => lambda.destroy());
  const identity = RUN_IDENTITY;
  const run = (definition: object, input = {}) =>
    runOutcome(startRun(compileDefinition(JSON.stringify(definition)), input, identity, lambda));

  it("refuses a definition that is not JSON as InvalidDefinition, keeping the parse error as the cause", () => {
    expect(() => compileDefinition("{not json")).toThrow(
      expect.objectContaining({ name: "InvalidDefinition", cause: expect.any(SyntaxError) }),
    );
    expect(() => compileDefinition('{"StartAt":"Missing","States":{}}')).toThrow(
      expect.objectContaining({ name: "InvalidDefinition" }),
    );
  });

  it("reads an absent execution input as {}, and refuses input that is not JSON text", () => {
    expect(executionInput(undefined)).toEqual({ text: "{}", value: {} });
    expect(() => executionInput("{oops")).toThrow(expect.objectContaining({ name: "InvalidExecutionInput" }));
  });

  it("gives the run the context object Step Functions fills in", async () => {
    const outcome = await run({
      StartAt: "Who",
      States: {
        Who: {
          Type: "Pass",
          Parameters: { "name.$": "$$.Execution.Name", "machine.$": "$$.StateMachine.Id" },
          End: true,
        },
      },
    });
    expect(outcome).toEqual({
      status: "SUCCEEDED",
      output: JSON.stringify({ name: "e", machine: identity.stateMachineArn }),
    });
  });

  it("reports a Fail state's error and cause as the execution's", async () => {
    const outcome = await run({
      StartAt: "Fail",
      States: { Fail: { Type: "Fail", Error: "PowerValueFailedError", Cause: "512 MB failed" } },
    });
    expect(outcome).toEqual({ status: "FAILED", error: "PowerValueFailedError", cause: "512 MB failed" });
  });

  it("fails a lambda:invoke task without a FunctionName with States.Runtime, naming the state", async () => {
    const outcome = await run({
      StartAt: "Invoke",
      States: {
        Invoke: { Type: "Task", Resource: LAMBDA_INVOKE_INTEGRATION, Parameters: { Payload: {} }, End: true },
      },
    });
    expect(outcome).toMatchObject({ status: "FAILED", error: "States.Runtime" });
    expect(outcome.cause).toContain("Invoke: Parameters.FunctionName is required");
  });
});

describe("a Lambda task whose connection is reset (the fault injected by a server that drops every request)", () => {
  it("fails as Lambda.SdkClientException, which a Retry on that name retries, as on AWS", async () => {
    let requests = 0;
    const server = createServer((req) => {
      requests++;
      req.socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const lambda = new LambdaClient({
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    });
    try {
      const definition = {
        StartAt: "Call",
        States: {
          Call: {
            Type: "Task",
            Resource: "arn:aws:lambda:us-east-1:000000000000:function:anything",
            Retry: [{ ErrorEquals: ["Lambda.SdkClientException"], IntervalSeconds: 1, MaxAttempts: 1 }],
            Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.caught", Next: "GaveUp" }],
            End: true,
          },
          GaveUp: { Type: "Pass", End: true },
        },
      };
      const outcome = await runOutcome(
        startRun(compileDefinition(JSON.stringify(definition)), {}, RUN_IDENTITY, lambda),
      );
      expect(outcome.status).toBe("SUCCEEDED");
      expect(JSON.parse(outcome.output ?? "{}").caught.Error).toBe("Lambda.SdkClientException");
      expect(requests).toBe(2);
    } finally {
      lambda.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
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
