// The four tuner handlers, imported as deployed (configuration from the environment the stack sets), against the
// REAL local Lambda service, dynalite and the local CloudWatch service: one state after another, as the state
// machine runs them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateAliasCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STACKS } from "../../../contract/index.js";
import type { AnalyzerEvent } from "../../../functions/analyzer/analyzer.js";
import type { CleanupEvent, CleanupResult, FinishEvent } from "../../../functions/optimizer/optimizer.js";
import { versionMarker } from "../../../functions/tuner/aws/index.js";
import type {
  Analysis,
  ExecutorTask,
  InitializerResult,
  Measurements,
  SamplingState,
  TuningOutput,
} from "../../../functions/tuner/core/index.js";
import { type CloudWatchService, createCloudWatchService } from "../../../local/cloudwatch/index.js";
import { listenOnLoopback } from "../../../local/shared/http.js";
import { createTable, type RunningDynalite, startDynalite } from "../../support/dynalite.js";
import { type Harness, startHarness, zipFixture } from "../local/lambda/support.js";

const HISTORY_TABLE = `${STACKS.tuner}-TuningHistory-test`;
const POWERS = [128, 256, 512];
const ORIGINAL_MEMORY_MB = 192; // not among POWERS, so any winner differs from it
const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

let lambdaHarness: Harness;
let dataDir: string;
let dynalite: RunningDynalite;
let cloudwatch: CloudWatchService;
let cloudwatchServer: { url: string; close(): Promise<void> };
let ddb: DynamoDBDocumentClient;
let initializer: (event: unknown) => Promise<InitializerResult>;
let executor: (task: ExecutorTask) => Promise<Measurements>;
let analyzer: (event: AnalyzerEvent) => Promise<SamplingState>;
let optimizer: (event: FinishEvent | CleanupEvent) => Promise<TuningOutput | CleanupResult>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "tuner-it-"));
  // Updates finish at once: the handlers' waiters then return on their first poll, which keeps the suite fast.
  lambdaHarness = await startHarness({ dataDir, updateTransitionMs: 0 });
  dynalite = await startDynalite();
  cloudwatch = createCloudWatchService();
  cloudwatchServer = await listenOnLoopback((req, res) => cloudwatch.handle(req, res));
  // What PowerTunerStack gives its functions, plus the SDK's standard endpoint variables of the local cloud.
  Object.assign(process.env, {
    HISTORY_TABLE,
    DEFAULT_POWER_VALUES: JSON.stringify(POWERS),
    LOCK_TTL_SECONDS: "7800",
    METRICS_NAMESPACE: "PowerTuning",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_ENDPOINT_URL_LAMBDA: lambdaHarness.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatchServer.url,
  });
  const raw = new DynamoDBClient({ endpoint: dynalite.endpoint });
  ddb = DynamoDBDocumentClient.from(raw);
  await createTable(dynalite.endpoint, HISTORY_TABLE, { hash: "pk", range: "sk" });
  // The handlers read their configuration and build their clients at import, like a cold start.
  ({ handler: initializer } = await import("../../../functions/initializer/handler.js"));
  ({ handler: executor } = await import("../../../functions/executor/handler.js"));
  ({ handler: analyzer } = await import("../../../functions/analyzer/handler.js"));
  ({ handler: optimizer } = await import("../../../functions/optimizer/handler.js"));
});

afterAll(async () => {
  ddb?.destroy();
  await lambdaHarness?.close();
  await cloudwatchServer?.close();
  await cloudwatch?.close();
  await dynalite?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function createTarget(name: string): Promise<string> {
  await lambdaHarness.create(name, "tuning-target", { MemorySize: ORIGINAL_MEMORY_MB, Timeout: 30 });
  return arn(name);
}

const client = () => lambdaHarness.client;
const memoryOf = async (functionArn: string, qualifier?: string) =>
  (
    await client().send(
      new GetFunctionConfigurationCommand({ FunctionName: functionArn, Qualifier: qualifier }),
    )
  ).MemorySize;
const aliasNames = async (functionArn: string) =>
  ((await client().send(new ListAliasesCommand({ FunctionName: functionArn }))).Aliases ?? [])
    .map((a) => a.Name)
    .sort();
const versionNumbers = async (functionArn: string) =>
  ((await client().send(new ListVersionsByFunctionCommand({ FunctionName: functionArn }))).Versions ?? [])
    .map((v) => v.Version)
    .filter((v) => v !== "$LATEST");
const lockOf = async (functionArn: string) =>
  (
    await ddb.send(
      new GetCommand({
        TableName: HISTORY_TABLE,
        Key: { pk: `lock#${functionArn}`, sk: "lock" },
        ConsistentRead: true,
      }),
    )
  ).Item;
const historyOf = async (functionArn: string) =>
  (
    await ddb.send(
      new QueryCommand({
        TableName: HISTORY_TABLE,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `fn#${functionArn}` },
      }),
    )
  ).Items ?? [];

/** The state machine's loop: each round's executors, then the analyzer, until it says done. */
async function measureAll({ tuning, sampling: first }: InitializerResult) {
  let sampling = first;
  const rounds: Measurements[][] = [];
  while (!sampling.done) {
    const round: Measurements[] = [];
    for (const task of sampling.tasks) round.push(await executor(task));
    rounds.push(round);
    sampling = await analyzer({ tuning, sampling, round });
  }
  return { rounds, analysis: sampling.analysis as Analysis };
}

/** The invariant after any run: no tuner aliases or versions left, the lock released. */
async function expectNothingLeft(functionArn: string) {
  expect(await aliasNames(functionArn)).toEqual([]);
  expect(await versionNumbers(functionArn)).toEqual([]);
  expect(await lockOf(functionArn)).toBeUndefined();
}

describe("tuner handlers against the local Lambda service", () => {
  it("tunes a real function: RAM<power> aliases, real REPORT lines, the winner applied, nothing left", async () => {
    const functionArn = await createTarget("tuner-it-finish");
    const started = await initializer({
      lambdaARN: functionArn,
      num: 5,
      powerValues: POWERS,
      payload: { rounds: 100 },
      strategy: "cost",
      autoOptimize: true,
      includeOutputResults: true,
    });
    const { tuning } = started;

    // One alias per power, each on a version the run marked and with that power's memory; $LATEST untouched.
    expect(await aliasNames(functionArn)).toEqual(["RAM128", "RAM256", "RAM512"]);
    for (const power of POWERS) {
      const alias = await client().send(
        new GetAliasCommand({ FunctionName: functionArn, Name: `RAM${power}` }),
      );
      const version = await client().send(
        new GetFunctionConfigurationCommand({ FunctionName: functionArn, Qualifier: alias.FunctionVersion }),
      );
      expect(version.MemorySize).toBe(power);
      expect(version.Description).toBe(versionMarker(tuning.runId));
    }
    expect(await memoryOf(functionArn)).toBe(ORIGINAL_MEMORY_MB);
    expect(started.sampling.tasks.map((t) => t.qualifiers)).toEqual([["RAM128"], ["RAM256"], ["RAM512"]]);
    expect((await lockOf(functionArn))?.owner).toBe(tuning.runId);

    const { rounds, analysis } = await measureAll(started);
    expect(rounds).toHaveLength(1);
    for (const m of rounds[0] ?? []) {
      expect(m.durationMs).toHaveLength(5);
      for (const [i, ms] of m.durationMs.entries()) {
        expect(ms).toBeGreaterThan(0);
        expect(m.billedMs[i]).toBeGreaterThanOrEqual(Math.ceil(ms));
        expect(m.maxMemoryUsedMb[i]).toBeGreaterThan(0);
      }
      // A freshly published version starts cold: the first REPORT line carries an Init Duration.
      expect(m.initMs[0]).toBeGreaterThan(0);
      expect(m.allowedErrors).toBe(0);
    }

    expect(POWERS).toContain(analysis.power);
    expect(analysis.cost).toBeGreaterThan(0);
    expect(analysis.stats.map((s) => s.power)).toEqual(POWERS);
    expect(analysis.recommendation.decision).toBe("apply");

    const output = (await optimizer({ mode: "finish", tuning, analysis })) as TuningOutput;
    expect(output.recommendation.applied).toBe("yes");
    expect(output.recommendation.appliedTo).toBe(`${functionArn}:$LATEST`);
    expect(await memoryOf(functionArn)).toBe(output.power);
    await expectNothingLeft(functionArn);
    expect((await historyOf(functionArn)).map((h) => h.status)).toEqual(["succeeded"]);
    const published = cloudwatch.dataPoints().filter((d) => d.metricName === "DurationAverage");
    expect(published.map((d) => d.dimensions.find((x) => x.Name === "MemoryMB")?.Value).sort()).toEqual([
      "128",
      "256",
      "512",
    ]);
  });

  it("measures a function error as data, then cleans up after no power is feasible: original memory back, nothing left", async () => {
    const functionArn = await createTarget("tuner-it-failure");
    const { tuning, sampling } = await initializer({
      lambdaARN: functionArn,
      num: 5,
      powerValues: [128, 256],
      payload: { fail: true },
    });
    expect(await aliasNames(functionArn)).toEqual(["RAM128", "RAM256"]);
    // Each executor stops at its power's first failure: one not in allowedExceptions makes it infeasible.
    const round: Measurements[] = [];
    for (const task of sampling.tasks) round.push(await executor(task));
    for (const m of round) {
      expect(m.durationMs).toHaveLength(1);
      expect(m.billedMs[0]).toBeGreaterThan(0);
      expect(m.errors).toEqual([
        {
          errorType: "RequestedFailureError",
          kind: "handlerError",
          allowed: false,
          count: 1,
          message: "the event asked for a failure",
        },
      ]);
    }
    const failure = await analyzer({ tuning, sampling, round }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.name).toBe("NoFeasiblePowerError");
    expect(failure?.message).toContain("RequestedFailureError");

    // The state machine's Catch hands the whole state, with the error, to the cleanup path.
    const result = (await optimizer({
      mode: "cleanup",
      state: {
        lambdaARN: functionArn,
        tuning,
        error: { Error: failure?.name ?? "", Cause: failure?.message ?? "" },
      },
    })) as CleanupResult;
    expect(result).toMatchObject({ lockHeld: true, deletedAliases: 2, deletedVersions: 2 });
    expect(await memoryOf(functionArn)).toBe(ORIGINAL_MEMORY_MB);
    await expectNothingLeft(functionArn);
    expect((await historyOf(functionArn)).map((h) => h.status)).toEqual(["failed"]);
  });

  it("with onlyColdStarts, adds each invocation's Init Duration to its duration and trims nothing, as the reference does", async () => {
    const functionArn = await createTarget("tuner-it-cold");
    const started = await initializer({
      lambdaARN: functionArn,
      num: 5,
      powerValues: [256, 512],
      payload: { rounds: 20 },
      onlyColdStarts: true,
      discardTopBottom: 0.2,
      includeOutputResults: true,
    });
    expect(started.tuning.input.discardTopBottom).toBe(0);
    const { rounds, analysis } = await measureAll(started);
    for (const power of [256, 512]) {
      const m = rounds.flat().filter((r) => r.power === power);
      const durations = m.flatMap((r) => r.durationMs);
      const inits = m.flatMap((r) => r.initMs);
      // Every invocation is its own version's first: each REPORT line carries an Init Duration.
      expect(inits.every((ms) => ms > 0)).toBe(true);
      const expected = durations.reduce((sum, d, i) => sum + d + (inits[i] ?? 0), 0) / durations.length;
      const s = analysis.stats.find((x) => x.power === power);
      expect(s?.averageMs).toBeCloseTo(expected, 9);
      expect(s?.averageDuration).toBe(s?.averageMs);
      expect(s?.cold.count).toBe(5);
    }
    await optimizer({ mode: "finish", tuning: started.tuning, analysis });
    await expectNothingLeft(functionArn);
  });

  it("tunes a function already at one of the powers: that power is published as it is, and the original memory comes back", async () => {
    const name = "tuner-it-at-power";
    await lambdaHarness.create(name, "tuning-target", { MemorySize: 256, Timeout: 30 });
    const functionArn = arn(name);
    const started = await initializer({
      lambdaARN: functionArn,
      num: 5,
      powerValues: [256, 512],
      payload: { rounds: 10 },
      strategy: "speed",
    });
    const { tuning } = started;
    for (const power of [256, 512]) {
      const alias = await client().send(
        new GetAliasCommand({ FunctionName: functionArn, Name: `RAM${power}` }),
      );
      expect(await memoryOf(functionArn, alias.FunctionVersion)).toBe(power);
    }
    expect(await memoryOf(functionArn)).toBe(256);
    const { analysis } = await measureAll(started);
    const output = (await optimizer({ mode: "finish", tuning, analysis })) as TuningOutput;
    expect(output.recommendation.applied).not.toBe("yes");
    const latest = await client().send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
    expect(latest).toMatchObject({ MemorySize: 256, LastUpdateStatus: "Successful" });
    await expectNothingLeft(functionArn);
  });

  it("an alias whose $LATEST gets new code during the run: the winner is not published behind it, nothing is left", async () => {
    const functionArn = await createTarget("tuner-it-alias-redeployed");
    const { Version: served = "" } = await client().send(
      new PublishVersionCommand({ FunctionName: functionArn }),
    );
    await client().send(
      new CreateAliasCommand({ FunctionName: functionArn, Name: "live", FunctionVersion: served }),
    );
    const started = await initializer({
      lambdaARN: `${functionArn}:live`,
      num: 5,
      powerValues: POWERS,
      payload: { rounds: 10 },
      autoOptimize: true,
    });
    const { tuning } = started;
    expect(tuning.target).toMatchObject({
      functionArn,
      qualifier: "live",
      version: served,
      originalMemoryMb: ORIGINAL_MEMORY_MB,
    });
    const { analysis } = await measureAll(started);
    // The current memory was not measured, so the choice would be applied.
    expect(analysis.recommendation.decision).toBe("apply");

    // A deploy lands on $LATEST while the run measures.
    await client().send(
      new UpdateFunctionCodeCommand({ FunctionName: functionArn, ZipFile: zipFixture("cpu") }),
    );
    await waitUntilFunctionUpdatedV2({ client: client(), maxWaitTime: 30 }, { FunctionName: functionArn });

    const output = (await optimizer({ mode: "finish", tuning, analysis })) as TuningOutput;
    expect(output.recommendation).toMatchObject({ decision: "keep", applied: "no" });
    expect(output.recommendation.reason).toContain("not applied: $LATEST's code changed during the run");
    expect(output.warnings.join("\n")).toContain("$LATEST's code changed during the run");
    const alias = await client().send(new GetAliasCommand({ FunctionName: functionArn, Name: "live" }));
    expect(alias.FunctionVersion).toBe(served);
    expect(await aliasNames(functionArn)).toEqual(["live"]);
    expect(await versionNumbers(functionArn)).toEqual([served]);
    expect(await memoryOf(functionArn)).toBe(ORIGINAL_MEMORY_MB);
    expect(await lockOf(functionArn)).toBeUndefined();
  });

  it("refuses a second run of the same function while one holds the lock, naming the function", async () => {
    const functionArn = await createTarget("tuner-it-lock");
    const { tuning } = await initializer({ lambdaARN: functionArn, num: 5, powerValues: [128] });
    await expect(initializer({ lambdaARN: functionArn, num: 5, powerValues: [256] })).rejects.toMatchObject({
      name: "TuningInProgressError",
      message: expect.stringContaining(functionArn),
    });
    expect(await aliasNames(functionArn)).toEqual(["RAM128"]);
    await optimizer({ mode: "cleanup", state: { lambdaARN: functionArn, tuning } });
    await expectNothingLeft(functionArn);
  });
});

describe("cleanup finds what the lock does not record", () => {
  /** A lock item as a run that took it would have left it, expiring `expiresInS` from now (negative: expired). */
  async function putLock(
    functionArn: string,
    owner: string,
    expiresInS: number,
    created: { alias: string; version: string }[],
  ) {
    await ddb.send(
      new PutCommand({
        TableName: HISTORY_TABLE,
        Item: {
          pk: `lock#${functionArn}`,
          sk: "lock",
          owner,
          expiresAt: Math.floor(Date.now() / 1000) + expiresInS,
          originalMemoryMb: ORIGINAL_MEMORY_MB,
          originalEnvironment: null,
          created,
        },
      }),
    );
  }

  /** What a run leaves when it dies between PublishVersion/CreateAlias and recording them in the lock. */
  async function leaveUnrecorded(functionArn: string, runId: string, memoryMb: number, alias: string) {
    // The initializer's own restore of $LATEST may still be under way: a second update would be refused.
    await waitUntilFunctionUpdatedV2(
      { client: client(), maxWaitTime: 30, minDelay: 1, maxDelay: 2 },
      { FunctionName: functionArn },
    );
    await client().send(
      new UpdateFunctionConfigurationCommand({ FunctionName: functionArn, MemorySize: memoryMb }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: client(), maxWaitTime: 30, minDelay: 1, maxDelay: 2 },
      { FunctionName: functionArn },
    );
    const { Version } = await client().send(
      new PublishVersionCommand({ FunctionName: functionArn, Description: versionMarker(runId) }),
    );
    await client().send(
      new CreateAliasCommand({ FunctionName: functionArn, Name: alias, FunctionVersion: Version }),
    );
    return Version as string;
  }

  it("deletes unrecorded RAM aliases and marked versions, keeping the user's alias and version", async () => {
    const functionArn = await createTarget("tuner-it-unrecorded");
    // The user's own release: a version and an alias the tuner must never touch.
    const { Version: userVersion } = await client().send(
      new PublishVersionCommand({ FunctionName: functionArn, Description: "release 1" }),
    );
    await client().send(
      new CreateAliasCommand({ FunctionName: functionArn, Name: "live", FunctionVersion: userVersion }),
    );
    const { tuning } = await initializer({ lambdaARN: functionArn, num: 5, powerValues: [128] });
    // The crash: a power value and a cold-start alias were created but never recorded.
    await leaveUnrecorded(functionArn, tuning.runId, 1024, "RAM1024");
    await leaveUnrecorded(functionArn, tuning.runId, 2048, "RAM2048-3");
    expect(await aliasNames(functionArn)).toEqual(["RAM1024", "RAM128", "RAM2048-3", "live"]);

    const result = (await optimizer({
      mode: "cleanup",
      state: { lambdaARN: functionArn, tuning, error: { Error: "States.Timeout" } },
    })) as CleanupResult;
    expect(result).toMatchObject({ lockHeld: true, deletedAliases: 3, deletedVersions: 3 });
    expect(await aliasNames(functionArn)).toEqual(["live"]);
    expect(await versionNumbers(functionArn)).toEqual([userVersion]);
    expect(await memoryOf(functionArn)).toBe(ORIGINAL_MEMORY_MB);
    expect(await lockOf(functionArn)).toBeUndefined();
  });

  it("takes over an expired lock once: the killed run is undone, its original memory kept, a racing run refused", async () => {
    const functionArn = await createTarget("tuner-it-expired");
    // A run killed mid-way: $LATEST left at 1024 MB with its alias, and its lock expired but still stored.
    const version = await leaveUnrecorded(functionArn, "run-killed", 1024, "RAM1024");
    await putLock(functionArn, "run-killed", -60, [{ alias: "RAM1024", version }]);
    expect(await memoryOf(functionArn)).toBe(1024);

    const runs = await Promise.allSettled([
      initializer({ lambdaARN: functionArn, num: 5, powerValues: [256] }),
      initializer({ lambdaARN: functionArn, num: 5, powerValues: [512] }),
    ]);
    const won = runs.filter((r): r is PromiseFulfilledResult<InitializerResult> => r.status === "fulfilled");
    const lost = runs.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as Error).name)).toEqual(["TuningInProgressError"]);
    const { tuning, sampling } = (won[0] as PromiseFulfilledResult<InitializerResult>).value;
    expect(tuning.target.originalMemoryMb).toBe(ORIGINAL_MEMORY_MB);
    expect((await lockOf(functionArn))?.originalMemoryMb).toBe(ORIGINAL_MEMORY_MB);
    const power = sampling.tasks[0]?.power;
    expect(await aliasNames(functionArn)).toEqual([`RAM${power}`]);
    expect(await memoryOf(functionArn, `RAM${power}`)).toBe(power);

    await optimizer({ mode: "cleanup", state: { lambdaARN: functionArn, tuning } });
    expect(await memoryOf(functionArn)).toBe(ORIGINAL_MEMORY_MB);
    await expectNothingLeft(functionArn);
  });

  it("Cleanup after an Initializer that died holding the lock undoes that run, found by the execution's name", async () => {
    const functionArn = await createTarget("tuner-it-died");
    // The Initializer of execution "exec-died" took the lock, set 1024 MB and published, then timed out.
    const version = await leaveUnrecorded(functionArn, "exec-died", 1024, "RAM1024");
    await putLock(functionArn, "exec-died", 3600, [{ alias: "RAM1024", version }]);
    const result = (await optimizer({
      mode: "cleanup",
      runId: "exec-died",
      state: { lambdaARN: functionArn, error: { Error: "States.Timeout", Cause: "" } },
    })) as CleanupResult;
    expect(result).toMatchObject({
      runId: "exec-died",
      lockHeld: true,
      deletedAliases: 1,
      deletedVersions: 1,
    });
    expect(await memoryOf(functionArn)).toBe(ORIGINAL_MEMORY_MB);
    await expectNothingLeft(functionArn);

    // Another execution's Cleanup never touches a lock it does not own.
    const { tuning: live } = await initializer({
      input: { lambdaARN: functionArn, num: 5, powerValues: [256] },
      runId: "exec-live",
    });
    expect(live.runId).toBe("exec-live");
    const other = (await optimizer({
      mode: "cleanup",
      runId: "exec-other",
      state: { lambdaARN: functionArn, error: { Error: "TuningInProgressError", Cause: "" } },
    })) as CleanupResult;
    expect(other.lockHeld).toBe(false);
    expect(await aliasNames(functionArn)).toEqual(["RAM256"]);
    await optimizer({ mode: "cleanup", runId: "exec-live", state: { lambdaARN: functionArn, tuning: live } });
    await expectNothingLeft(functionArn);
  });

  it("sweeps a vanished run's leftovers before tuning, when no lock item records them", async () => {
    const functionArn = await createTarget("tuner-it-vanished");
    // A run killed long ago: its lock item expired and DynamoDB's TTL removed it.
    await leaveUnrecorded(functionArn, "run-killed-long-ago", 256, "RAM256");
    await client().send(
      new UpdateFunctionConfigurationCommand({ FunctionName: functionArn, MemorySize: ORIGINAL_MEMORY_MB }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: client(), maxWaitTime: 30, minDelay: 1, maxDelay: 2 },
      { FunctionName: functionArn },
    );
    const leftover = await versionNumbers(functionArn);
    expect(leftover).toHaveLength(1);

    const { tuning } = await initializer({ lambdaARN: functionArn, num: 5, powerValues: [512] });
    expect(await aliasNames(functionArn)).toEqual(["RAM512"]);
    expect(await versionNumbers(functionArn)).not.toContain(leftover[0]);
    expect(await memoryOf(functionArn, "RAM512")).toBe(512);
    await optimizer({ mode: "cleanup", state: { lambdaARN: functionArn, tuning } });
    await expectNothingLeft(functionArn);
  });
});
