// The local Step Functions service through @aws-sdk/client-sfn: the input limit, the context object's input,
// and the status-change events it sends to the events bus.
import { join } from "node:path";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  InvalidExecutionInput,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusEvent } from "../../../../local/events/event.js";
import { createStepFunctionsService } from "../../../../local/stepfunctions/index.js";
import { type CloudSlice, CREDENTIALS, LOCAL_FIXTURES, REGION, startCloudSlice } from "../support.js";

let cloud: CloudSlice;
let sfn: SFNClient;
const events: BusEvent[] = [];
let echoMachine: string;
let slowMachine: string;
let timingOutMachine: string;

beforeAll(async () => {
  cloud = await startCloudSlice((url) => ({
    states: createStepFunctionsService({ lambdaEndpoint: url, onStatusChange: (e) => events.push(e) }),
  }));
  const double = cloud.addFunction("double", join(LOCAL_FIXTURES, "double"));
  sfn = new SFNClient({ endpoint: cloud.url, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  const create = async (name: string, definition: object) => {
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name,
        definition: JSON.stringify(definition),
        roleArn: "arn:aws:iam::000000000000:role/sfn",
      }),
    );
    return created.stateMachineArn ?? "";
  };
  // The tuner's first state: any JSON input, put under one key.
  echoMachine = await create("echo", {
    StartAt: "Read",
    States: { Read: { Type: "Pass", Parameters: { "input.$": "$$.Execution.Input" }, End: true } },
  });
  slowMachine = await create("slow", {
    StartAt: "Wait",
    States: { Wait: { Type: "Wait", Seconds: 30, End: true } },
  });
  timingOutMachine = await create("times-out", {
    StartAt: "Work",
    TimeoutSeconds: 1,
    States: {
      Work: { Type: "Task", Resource: double, Next: "Wait" },
      Wait: { Type: "Wait", Seconds: 30, End: true },
    },
  });
});

afterAll(async () => {
  sfn?.destroy();
  await cloud?.close();
});

async function waitForEnd(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== "RUNNING") return described;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const eventsOf = (executionArn: string) =>
  events.filter((e) => e.detail.executionArn === executionArn).map((e) => e.detail.status);

describe("StartExecution's input", () => {
  it("refuses an input over 256 KiB of UTF-8 with InvalidExecutionInput, as AWS does", async () => {
    const padding = (bytes: number) => JSON.stringify({ pad: "x".repeat(bytes - 10) });
    expect(Buffer.byteLength(padding(300_000))).toBe(300_000);
    const refused = await sfn
      .send(new StartExecutionCommand({ stateMachineArn: echoMachine, input: padding(300_000) }))
      .catch((error: Error) => error);
    expect(refused).toBeInstanceOf(InvalidExecutionInput);
    expect((refused as Error).message).toContain(
      "300000 bytes is over Step Functions' limit of 262144 bytes",
    );
    // Characters count by their UTF-8 bytes: 90,000 × "€" is 270,000 bytes.
    const euros = await sfn
      .send(
        new StartExecutionCommand({
          stateMachineArn: echoMachine,
          input: JSON.stringify("€".repeat(90_000)),
        }),
      )
      .catch((error: Error) => error);
    expect(euros).toBeInstanceOf(InvalidExecutionInput);
  });

  it("accepts an input of exactly 256 KiB", async () => {
    const input = JSON.stringify({ pad: "x".repeat(262_144 - 10) });
    expect(Buffer.byteLength(input)).toBe(262_144);
    const { executionArn = "" } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: echoMachine, input }),
    );
    expect((await waitForEnd(executionArn)).status).toBe("SUCCEEDED");
  });

  it.each([["[1,2]"], ['"abc"'], ["42"], ["null"]])(
    "gives the context object's Execution.Input as given: %s",
    async (input) => {
      const { executionArn = "" } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: echoMachine, input }),
      );
      const ended = await waitForEnd(executionArn);
      expect(ended.status).toBe("SUCCEEDED");
      expect(JSON.parse(ended.output ?? "")).toEqual({ input: JSON.parse(input) });
    },
  );
});

describe("status-change events", () => {
  it("sends RUNNING, then SUCCEEDED, with the execution's fields as Step Functions sends them", async () => {
    const { executionArn = "" } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: echoMachine, name: "events-ok", input: '{"a":1}' }),
    );
    await waitForEnd(executionArn);
    expect(eventsOf(executionArn)).toEqual(["RUNNING", "SUCCEEDED"]);
    const succeeded = events.find(
      (e) => e.detail.executionArn === executionArn && e.detail.status === "SUCCEEDED",
    );
    expect(succeeded).toMatchObject({
      version: "0",
      source: "aws.states",
      "detail-type": "Step Functions Execution Status Change",
      account: "000000000000",
      region: "us-east-1",
      resources: [executionArn],
      detail: {
        stateMachineArn: echoMachine,
        name: "events-ok",
        input: '{"a":1}',
        output: '{"input":{"a":1}}',
        error: null,
      },
    });
    expect(succeeded?.detail.stopDate).toBeGreaterThanOrEqual(succeeded?.detail.startDate as number);
  });

  it("sends ABORTED once when an execution is stopped", async () => {
    const { executionArn = "" } = await sfn.send(new StartExecutionCommand({ stateMachineArn: slowMachine }));
    await sfn.send(new StopExecutionCommand({ executionArn, error: "Stopped", cause: "by a test" }));
    await waitForEnd(executionArn);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(eventsOf(executionArn)).toEqual(["RUNNING", "ABORTED"]);
    const aborted = events.find(
      (e) => e.detail.executionArn === executionArn && e.detail.status === "ABORTED",
    );
    expect(aborted?.detail).toMatchObject({ error: "Stopped", cause: "by a test" });
  });

  it("sends TIMED_OUT when an execution outlives its TimeoutSeconds", async () => {
    const { executionArn = "" } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: timingOutMachine, input: '{"value":2}' }),
    );
    expect((await waitForEnd(executionArn)).status).toBe("TIMED_OUT");
    expect(eventsOf(executionArn)).toEqual(["RUNNING", "TIMED_OUT"]);
  });
});
