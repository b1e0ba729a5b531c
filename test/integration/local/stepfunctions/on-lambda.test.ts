import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LambdaClient, PutFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidDefinition,
  InvalidExecutionInput,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStepFunctionsService } from "../../../../local/stepfunctions/index.js";
import { type CloudSlice, CREDENTIALS, LOCAL_FIXTURES, REGION, startCloudSlice } from "../support.js";

let cloud: CloudSlice;
let sfn: SFNClient;
let dataDir: string;
let doubleArn: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "powertune-sfn-"));
  cloud = await startCloudSlice((url) => ({
    states: createStepFunctionsService({ dataDir, lambdaEndpoint: url }),
  }));
  doubleArn = cloud.addFunction("double", join(LOCAL_FIXTURES, "double"));
  sfn = new SFNClient({ endpoint: cloud.url, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  sfn?.destroy();
  await cloud?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A CDK-style Map over items whose Lambda task uses the function ARN (LambdaInvoke with payloadResponseOnly). */
function mapDefinition(functionArn: string): string {
  return JSON.stringify({
    StartAt: "Prepare",
    States: {
      Prepare: { Type: "Pass", Next: "ForEachValue" },
      ForEachValue: {
        Type: "Map",
        ItemsPath: "$.values",
        ItemSelector: { "value.$": "$$.Map.Item.Value", "fail.$": "$.fail" },
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: "Double",
          States: { Double: { Type: "Task", Resource: functionArn, End: true } },
        },
        End: true,
      },
    },
  });
}

async function waitForEnd(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== "RUNNING") return described;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function createMachine(name: string, definition: string): Promise<string> {
  const created = await sfn.send(
    new CreateStateMachineCommand({ name, definition, roleArn: "arn:aws:iam::000000000000:role/sfn" }),
  );
  return created.stateMachineArn as string;
}

describe("local Step Functions through @aws-sdk/client-sfn", () => {
  it("runs a Map of Lambda tasks on the local Lambda service and reports its history", async () => {
    const machineArn = await createMachine("doubler", mapDefinition(doubleArn));
    expect(machineArn).toBe("arn:aws:states:us-east-1:000000000000:stateMachine:doubler");
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: "run-1",
        input: JSON.stringify({ values: [1, 2, 3], fail: false }),
      }),
    );
    const done = await waitForEnd(started.executionArn as string);
    expect(done.status).toBe("SUCCEEDED");
    expect(JSON.parse(done.output ?? "null")).toEqual([{ value: 2 }, { value: 4 }, { value: 6 }]);

    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
    const types = history.events?.map((e) => e.type) ?? [];
    expect(types[0]).toBe("ExecutionStarted");
    expect(types.at(-1)).toBe("ExecutionSucceeded");
    expect(types.filter((t) => t === "TaskStateEntered")).toHaveLength(3);
    expect(types.filter((t) => t === "MapIterationSucceeded")).toHaveLength(3);
    expect(history.events?.find((e) => e.type === "MapStateEntered")?.stateEnteredEventDetails?.name).toBe(
      "ForEachValue",
    );

    const written = JSON.parse(await readFile(join(dataDir, "executions", "run-1.json"), "utf8"));
    expect(written).toMatchObject({ status: "SUCCEEDED", name: "run-1", stateMachineArn: machineArn });
  });

  it("fails the execution with the function's error name and cause when a task throws", async () => {
    const machineArn = await createMachine("doubler-failing", mapDefinition(doubleArn));
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        input: JSON.stringify({ values: [5], fail: true }),
      }),
    );
    const done = await waitForEnd(started.executionArn as string);
    expect(done.status).toBe("FAILED");
    expect(done.error).toBe("DoublingFailedError");
    expect(done.cause).toContain("cannot double 5");
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
    const failed = history.events?.find((e) => e.type === "ExecutionFailed");
    expect(failed?.executionFailedEventDetails?.error).toBe("DoublingFailedError");
    expect(history.events?.some((e) => e.type === "TaskFailed")).toBe(true);
  });

  it("bridges the optimized lambda:invoke integration with Catch on the function's error", async () => {
    const definition = JSON.stringify({
      StartAt: "Invoke",
      States: {
        Invoke: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: doubleArn, "Payload.$": "$" },
          Catch: [{ ErrorEquals: ["DoublingFailedError"], ResultPath: "$.caught", Next: "Recovered" }],
          End: true,
        },
        Recovered: { Type: "Pass", End: true },
      },
    });
    const machineArn = await createMachine("optimized", definition);
    const ok = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, input: JSON.stringify({ value: 21 }) }),
    );
    const okDone = await waitForEnd(ok.executionArn as string);
    expect(JSON.parse(okDone.output ?? "{}")).toMatchObject({ Payload: { value: 42 }, StatusCode: 200 });

    const bad = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        input: JSON.stringify({ value: 1, fail: true }),
      }),
    );
    const badDone = await waitForEnd(bad.executionArn as string);
    expect(badDone.status).toBe("SUCCEEDED");
    expect(JSON.parse(badDone.output ?? "{}").caught.Error).toBe("DoublingFailedError");
  });

  it("names a throttled invoke Lambda.TooManyRequestsException so Retry and Catch match it", async () => {
    const throttledArn = cloud.addFunction("throttled", join(LOCAL_FIXTURES, "double"));
    const lambda = new LambdaClient({ endpoint: cloud.url, region: REGION, credentials: CREDENTIALS });
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "throttled", ReservedConcurrentExecutions: 0 }),
    );
    lambda.destroy();
    const definition = JSON.stringify({
      StartAt: "Call",
      States: {
        Call: {
          Type: "Task",
          Resource: throttledArn,
          Retry: [{ ErrorEquals: ["Lambda.TooManyRequestsException"], IntervalSeconds: 1, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.caught", Next: "GaveUp" }],
          End: true,
        },
        GaveUp: { Type: "Pass", End: true },
      },
    });
    const machineArn = await createMachine("throttled-caller", definition);
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, input: JSON.stringify({ value: 1 }) }),
    );
    const done = await waitForEnd(started.executionArn as string);
    expect(done.status).toBe("SUCCEEDED");
    expect(JSON.parse(done.output ?? "{}").caught.Error).toBe("Lambda.TooManyRequestsException");
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
    // One attempt plus one retry, each a failed task.
    expect(history.events?.filter((e) => e.type === "TaskFailed")).toHaveLength(2);
  });

  it("stops a running execution and records the abort with its cause", async () => {
    const definition = JSON.stringify({
      StartAt: "Hold",
      States: { Hold: { Type: "Wait", Seconds: 30, End: true } },
    });
    const machineArn = await createMachine("holder", definition);
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: "held" }));
    await sfn.send(
      new StopExecutionCommand({
        executionArn: started.executionArn,
        error: "UserStop",
        cause: "stopped by test",
      }),
    );
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(described.status).toBe("ABORTED");
    expect(described.cause).toBe("stopped by test");
    const listed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: "ABORTED" }),
    );
    expect(listed.executions?.map((e) => e.name)).toEqual(["held"]);
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
    expect(history.events?.filter((e) => e.type === "ExecutionAborted")).toHaveLength(1);
  });

  it("manages state machines: describe, update, list, delete", async () => {
    const first = JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } });
    const machineArn = await createMachine("managed", first);
    const second = JSON.stringify({ StartAt: "B", States: { B: { Type: "Pass", Result: 1, End: true } } });
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: machineArn, definition: second }));
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn }));
    expect(described.definition).toBe(second);
    expect(described.status).toBe("ACTIVE");
    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.name)).toContain("managed");
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: machineArn }));
    await expect(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it("raises Step Functions' own exception classes for bad requests", async () => {
    await expect(
      sfn.send(
        new CreateStateMachineCommand({
          name: "broken",
          definition: '{"StartAt":"Missing","States":{}}',
          roleArn: "r",
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidDefinition);
    const machineArn = await createMachine(
      "strict",
      JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }),
    );
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, input: "{not json" })),
    ).rejects.toBeInstanceOf(InvalidExecutionInput);
    await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: "once", input: "{}" }));
    await expect(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: machineArn, name: "once", input: '{"other":1}' }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: "arn:aws:states:us-east-1:000000000000:execution:strict:never-started",
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:absent",
        }),
      ),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });
});
