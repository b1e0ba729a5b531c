// A run whose execution was stopped or timed out: the lock records the execution, the next run asks Step
// Functions about it and takes over, and the stopped-run cleanup undoes the run at once. The Initializer and the
// Optimizer (their factories, with real SDK clients) against the REAL local Lambda service, dynalite and the
// local Step Functions service, whose executions of a small waiting state machine stand for the tuning runs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  GetFunctionConfigurationCommand,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
} from "@aws-sdk/client-lambda";
import {
  CreateStateMachineCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInitializer } from "../../../../functions/initializer/initializer.js";
import { type CleanupResult, createOptimizer } from "../../../../functions/optimizer/optimizer.js";
import { claimLease, cleanupRun, type TunerConfig } from "../../../../functions/tuner/aws/index.js";
import type { TuningContext } from "../../../../functions/tuner/core/index.js";
import { listenOnLoopback } from "../../../../local/shared/http.js";
import {
  createStepFunctionsService,
  type StepFunctionsService,
} from "../../../../local/stepfunctions/index.js";
import { createTable, type RunningDynalite, startDynalite } from "../../../support/dynalite.js";
import { type Harness, startHarness } from "../../local/lambda/support.js";

const ORIGINAL_MEMORY_MB = 192;
const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const retry = { attempts: 4, baseDelayMs: 50, maxWaitSeconds: 30 };

let dataDir: string;
let lambdaHarness: Harness;
let dynalite: RunningDynalite;
let states: StepFunctionsService;
let statesServer: { url: string; close(): Promise<void> };
let sfn: SFNClient;
let ddb: DynamoDBDocumentClient;
let holderMachine: string;
let tableCount = 0;
let config: TunerConfig;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "tuner-stopped-"));
  lambdaHarness = await startHarness({ dataDir, updateTransitionMs: 0 });
  dynalite = await startDynalite();
  states = createStepFunctionsService({});
  statesServer = await listenOnLoopback((req, res) => states.handle(req, res));
  sfn = new SFNClient({ endpoint: statesServer.url, region: "us-east-1", credentials, maxAttempts: 1 });
  ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynalite.endpoint, region: "us-east-1", credentials }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  // An execution that runs until stopped: the tuning run holding the lock.
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name: "holder",
      roleArn: "arn:aws:iam::000000000000:role/sfn",
      definition: JSON.stringify({
        StartAt: "Wait",
        States: { Wait: { Type: "Wait", Seconds: 600, End: true } },
      }),
    }),
  );
  holderMachine = created.stateMachineArn ?? "";
});

afterAll(async () => {
  ddb?.destroy();
  sfn?.destroy();
  await statesServer?.close();
  await states?.close();
  await lambdaHarness?.close();
  await dynalite?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function freshTable(): Promise<TunerConfig> {
  const historyTable = `history${tableCount++}`;
  await createTable(dynalite.endpoint, historyTable, { hash: "pk", range: "sk" });
  config = {
    historyTable,
    defaultPowerValues: [256, 512],
    lockTtlSeconds: 7800,
    memoryMb: 256,
    metricsNamespace: "PowerTuning",
    visualizationUrl: "https://lambda-power-tuning.show/",
    targetRoleArns: [],
  };
  return config;
}

/** The Initializer, answering with the run's context (its result is `{ tuning, sampling }`). */
const initializer = (lockWaitMs = 10_000) => {
  const run = createInitializer({
    lambda: lambdaHarness.client,
    ddb,
    config,
    stepFunctions: sfn,
    retry,
    lockWaitMs,
  });
  return async (event: unknown): Promise<TuningContext> => (await run(event)).tuning;
};
const optimizer = (leaseWaitMs = 10_000) =>
  createOptimizer({
    lambda: lambdaHarness.client,
    ddb,
    cloudwatch: { send: async () => ({}) } as never,
    config,
    stepFunctions: sfn,
    retry,
    leaseWaitMs,
  });

/** An execution of the holder machine, as the state machine would start one for `input`. */
async function startRun(name: string, input: Record<string, unknown>) {
  const { executionArn = "" } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: holderMachine, name, input: JSON.stringify(input) }),
  );
  return { executionArn, event: { input, runId: name, executionArn } };
}

async function createTarget(name: string) {
  await lambdaHarness.create(name, "tuning-target", { MemorySize: ORIGINAL_MEMORY_MB, Timeout: 30 });
  return arn(name);
}

const client = () => lambdaHarness.client;
const memoryOf = async (functionArn: string) =>
  (await client().send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }))).MemorySize;
const aliasNames = async (functionArn: string) =>
  ((await client().send(new ListAliasesCommand({ FunctionName: functionArn }))).Aliases ?? [])
    .map((a) => a.Name)
    .sort();
const versionCount = async (functionArn: string) =>
  (
    (await client().send(new ListVersionsByFunctionCommand({ FunctionName: functionArn }))).Versions ?? []
  ).filter((v) => v.Version !== "$LATEST").length;
const lockOf = async (functionArn: string) =>
  (
    await ddb.send(
      new GetCommand({
        TableName: config.historyTable,
        Key: { pk: `lock#${functionArn}`, sk: "lock" },
        ConsistentRead: true,
      }),
    )
  ).Item;

async function expectNothingLeft(functionArn: string) {
  expect(await aliasNames(functionArn)).toEqual([]);
  expect(await versionCount(functionArn)).toBe(0);
  expect(await memoryOf(functionArn)).toBe(ORIGINAL_MEMORY_MB);
  expect(await lockOf(functionArn)).toBeUndefined();
}

describe("the lock and the holder's execution", () => {
  it("records the holder's execution, and refuses a second run while it is RUNNING, naming it", async () => {
    await freshTable();
    const functionArn = await createTarget("stopped-running");
    const first = await startRun("run-running", { lambdaARN: functionArn, num: 5 });
    const tuning = await initializer()(first.event);
    expect(await lockOf(functionArn)).toMatchObject({
      owner: "run-running",
      executionArn: first.executionArn,
    });
    // The Initializer gave its lease back once its versions were made.
    expect((await lockOf(functionArn))?.busyUntilMs).toBeUndefined();
    const second = await startRun("run-second", { lambdaARN: functionArn, num: 5 });
    await expect(initializer()(second.event)).rejects.toMatchObject({
      name: "TuningInProgressError",
      message: expect.stringContaining(`execution ${first.executionArn} is RUNNING`),
    });
    expect(await aliasNames(functionArn)).toEqual(["RAM256", "RAM512"]);
    await optimizer()({ mode: "cleanup", state: { input: first.event.input, tuning } });
    await expectNothingLeft(functionArn);
  });

  it("takes over at once from a stopped execution: undoes what it left, keeps its original memory", async () => {
    await freshTable();
    const functionArn = await createTarget("stopped-takeover");
    const stopped = await startRun("run-stopped", {
      lambdaARN: functionArn,
      num: 5,
      powerValues: [1024, 2048],
    });
    await initializer()(stopped.event);
    await sfn.send(new StopExecutionCommand({ executionArn: stopped.executionArn }));
    expect(await aliasNames(functionArn)).toEqual(["RAM1024", "RAM2048"]);

    const next = await startRun("run-next", { lambdaARN: functionArn, num: 5, powerValues: [256] });
    const tuning = await initializer()(next.event);
    expect(tuning.target.originalMemoryMb).toBe(ORIGINAL_MEMORY_MB);
    expect(await aliasNames(functionArn)).toEqual(["RAM256"]);
    expect(await versionCount(functionArn)).toBe(1);
    expect(await lockOf(functionArn)).toMatchObject({
      owner: "run-next",
      executionArn: next.executionArn,
      originalMemoryMb: ORIGINAL_MEMORY_MB,
    });
    await optimizer()({ mode: "cleanup", state: { input: next.event.input, tuning } });
    await expectNothingLeft(functionArn);
  });

  it("takes over from an execution Step Functions no longer knows", async () => {
    await freshTable();
    const functionArn = await createTarget("stopped-unknown");
    // What a run left whose execution Step Functions has since forgotten (executions are kept 90 days).
    await initializer()({ lambdaARN: functionArn, num: 5 });
    const gone = "arn:aws:states:us-east-1:000000000000:execution:holder:long-forgotten";
    await ddb.send(
      new PutCommand({
        TableName: config.historyTable,
        Item: { ...(await lockOf(functionArn)), owner: "long-forgotten", executionArn: gone },
      }),
    );
    const next = await startRun("run-after-forgotten", {
      lambdaARN: functionArn,
      num: 5,
      powerValues: [512],
    });
    const tuning = await initializer()(next.event);
    expect(await aliasNames(functionArn)).toEqual(["RAM512"]);
    await optimizer()({ mode: "cleanup", state: { input: next.event.input, tuning } });
    await expectNothingLeft(functionArn);
  });

  it("waits while a stopped run's handler still holds the lease, then tunes once it has undone the run", async () => {
    await freshTable();
    const functionArn = await createTarget("stopped-leased");
    const stopped = await startRun("run-leased", { lambdaARN: functionArn, num: 5 });
    await initializer()(stopped.event);
    await sfn.send(new StopExecutionCommand({ executionArn: stopped.executionArn }));
    // The stopped run's cleanup has started (it holds the lease) and finishes a moment later.
    const lease = Date.now() + 60_000;
    const deps = { lambda: client(), ddb, config, retry };
    const claim = await claimLease(ddb, config.historyTable, functionArn, "run-leased", { untilMs: lease });
    expect(claim.claimed).toBe(true);
    const next = await startRun("run-after-lease", { lambdaARN: functionArn, num: 5, powerValues: [1024] });
    const waiting = initializer()(next.event);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await lockOf(functionArn))?.owner).toBe("run-leased");
    const undone = await cleanupRun(deps, functionArn, "run-leased", {
      restore: true,
      lease: { untilMs: lease, heldUntilMs: lease },
    });
    expect(undone.lockHeld).toBe(true);
    const tuning = await waiting;
    expect(await aliasNames(functionArn)).toEqual(["RAM1024"]);
    await optimizer()({ mode: "cleanup", state: { input: next.event.input, tuning } });
    await expectNothingLeft(functionArn);
  });

  it("refuses, saying why, when a stopped run's lease is held past the wait", async () => {
    await freshTable();
    const functionArn = await createTarget("stopped-lease-held");
    const stopped = await startRun("run-held", { lambdaARN: functionArn, num: 5 });
    const tuning = await initializer()(stopped.event);
    await sfn.send(new StopExecutionCommand({ executionArn: stopped.executionArn }));
    await ddb.send(
      new PutCommand({
        TableName: config.historyTable,
        Item: { ...(await lockOf(functionArn)), busyUntilMs: Date.now() + 60_000 },
      }),
    );
    const next = await startRun("run-refused", { lambdaARN: functionArn, num: 5 });
    await expect(initializer(300)(next.event)).rejects.toMatchObject({
      name: "TuningInProgressError",
      message: expect.stringContaining("is ABORTED, and its changes are still being undone"),
    });
    await ddb.send(
      new PutCommand({
        TableName: config.historyTable,
        Item: { ...(await lockOf(functionArn)), busyUntilMs: 0 },
      }),
    );
    await optimizer()({ mode: "cleanup", state: { input: stopped.event.input, tuning } });
    await expectNothingLeft(functionArn);
  });
});

describe("a handler whose own execution has ended", () => {
  it("the Initializer of a stopped execution makes no version for it, undoes, and releases the lock", async () => {
    await freshTable();
    const functionArn = await createTarget("stopped-before-init");
    const run = await startRun("run-stopped-early", { lambdaARN: functionArn, num: 5 });
    await sfn.send(new StopExecutionCommand({ executionArn: run.executionArn }));
    await expect(initializer()(run.event)).rejects.toMatchObject({
      name: "ExecutionNotRunningError",
      message: expect.stringContaining(`${run.executionArn} is ABORTED`),
    });
    await expectNothingLeft(functionArn);
  });
});

describe("the stopped-run cleanup (the rule's target)", () => {
  it("undoes a stopped run at once from the execution alone, and records it in the history", async () => {
    await freshTable();
    const functionArn = await createTarget("stopped-cleanup");
    const run = await startRun("run-to-stop", { lambdaARN: functionArn, num: 5, powerValues: [1024, 2048] });
    await initializer()(run.event);
    await sfn.send(new StopExecutionCommand({ executionArn: run.executionArn }));
    const result = (await optimizer()({
      mode: "cleanup",
      runId: "run-to-stop",
      executionArn: run.executionArn,
      status: "ABORTED",
    })) as CleanupResult;
    expect(result).toMatchObject({
      runId: "run-to-stop",
      lockHeld: true,
      deletedAliases: 2,
      deletedVersions: 2,
    });
    expect(result.note).toBe("run undone after its execution was ABORTED");
    await expectNothingLeft(functionArn);
    const history = await ddb.send(
      new QueryCommand({
        TableName: config.historyTable,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `fn#${functionArn}` },
      }),
    );
    expect(history.Items?.map((item) => [item.runId, item.status])).toEqual([["run-to-stop", "aborted"]]);
  });

  it("undoes nothing of an execution that still runs, or of a run another has taken over", async () => {
    await freshTable();
    const functionArn = await createTarget("stopped-cleanup-running");
    const run = await startRun("run-still-running", { lambdaARN: functionArn, num: 5 });
    const tuning: TuningContext = await initializer()(run.event);
    const early = (await optimizer()({
      mode: "cleanup",
      runId: "run-still-running",
      executionArn: run.executionArn,
    })) as CleanupResult;
    expect(early).toMatchObject({ lockHeld: false, note: expect.stringContaining("is RUNNING") });
    expect(await aliasNames(functionArn)).toEqual(["RAM256", "RAM512"]);

    await sfn.send(new StopExecutionCommand({ executionArn: run.executionArn }));
    const next = await startRun("run-took-over", { lambdaARN: functionArn, num: 5, powerValues: [1024] });
    const taken = await initializer()(next.event);
    const late = (await optimizer()({
      mode: "cleanup",
      runId: "run-still-running",
      executionArn: run.executionArn,
    })) as CleanupResult;
    expect(late.lockHeld).toBe(false);
    expect(await aliasNames(functionArn)).toEqual(["RAM1024"]);
    expect(tuning.runId).toBe("run-still-running");
    await optimizer()({ mode: "cleanup", state: { input: next.event.input, tuning: taken } });
    await expectNothingLeft(functionArn);
  });

  it("leaves the run to another of its handlers that holds the lease past the wait, saying so", async () => {
    await freshTable();
    const functionArn = await createTarget("stopped-cleanup-busy");
    const run = await startRun("run-busy", { lambdaARN: functionArn, num: 5 });
    const tuning = await initializer()(run.event);
    await sfn.send(new StopExecutionCommand({ executionArn: run.executionArn }));
    // Its Initializer is still at work (it holds the lease).
    await ddb.send(
      new PutCommand({
        TableName: config.historyTable,
        Item: { ...(await lockOf(functionArn)), busyUntilMs: Date.now() + 60_000 },
      }),
    );
    const result = (await optimizer(300)({
      mode: "cleanup",
      runId: "run-busy",
      executionArn: run.executionArn,
    })) as CleanupResult;
    expect(result).toMatchObject({
      lockHeld: false,
      busy: true,
      note: expect.stringContaining("undoes the run itself"),
    });
    expect(await aliasNames(functionArn)).toEqual(["RAM256", "RAM512"]);
    await ddb.send(
      new PutCommand({
        TableName: config.historyTable,
        Item: { ...(await lockOf(functionArn)), busyUntilMs: 0 },
      }),
    );
    await optimizer()({ mode: "cleanup", state: { input: run.event.input, tuning } });
    await expectNothingLeft(functionArn);
  });

  it("Cleanup after an Initializer that died holding the lease (a timeout, a crash) undoes at once", async () => {
    await freshTable();
    const functionArn = await createTarget("timed-out-initializer");
    const run = await startRun("run-init-timeout", { lambdaARN: functionArn, num: 5 });
    await initializer()(run.event);
    // The Initializer was stopped (by its timeout, or a crash) before it gave its lease back; the Catch that
    // leads to Cleanup means Step Functions saw that invocation end.
    await ddb.send(
      new PutCommand({
        TableName: config.historyTable,
        Item: { ...(await lockOf(functionArn)), busyUntilMs: Date.now() + 15 * 60_000 },
      }),
    );
    const result = (await optimizer(0)({
      mode: "cleanup",
      runId: "run-init-timeout",
      state: { input: run.event.input, error: { Error: "Sandbox.Timedout", Cause: "" } },
    })) as CleanupResult;
    expect(result).toMatchObject({ lockHeld: true, deletedAliases: 2 });
    await expectNothingLeft(functionArn);
    await sfn.send(new StopExecutionCommand({ executionArn: run.executionArn }));
  });
});
