// The real synthesized app on a local cloud, for the tuner's end-to-end tests: a target function, runs through
// the deployed state machine, the lock in TuningHistory, and deployments of variants of the app's templates.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
} from "@aws-sdk/client-lambda";
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll } from "vitest";
import { STACKS, stackOutput } from "../../../../contract/index.js";
import { bootLocalCloudWithApp, type LocalCloud } from "../../../../local/cloud.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../../local/shared/identity.js";
import { zipFixture } from "../../../integration/local/lambda/support.js";

export interface TunerCloud {
  cloud: LocalCloud;
  lambda: LambdaClient;
  sfn: SFNClient;
  ddb: DynamoDBDocumentClient;
  stateMachineArn: string;
  historyTable: string;
  close(): Promise<void>;
}

export async function bootTunerCloud(scratch: string): Promise<TunerCloud> {
  const cloud = await bootLocalCloudWithApp({
    port: 0,
    dataDir: join(scratch, "data"),
    cdkOutDir: join(scratch, "cdk.out"),
    log: () => {},
  });
  const config = { endpoint: cloud.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const lambda = new LambdaClient(config);
  const sfn = new SFNClient(config);
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  return {
    cloud,
    lambda,
    sfn,
    ddb,
    stateMachineArn: stackOutput(cloud.outputs, "tuner", "stateMachineArn") ?? "",
    historyTable: stackOutput(cloud.outputs, "tuner", "historyTableName") ?? "",
    async close() {
      lambda.destroy();
      sfn.destroy();
      ddb.destroy();
      await cloud.close();
    },
  };
}

/**
 * Boots a tuner cloud in a new scratch folder before the file's tests and closes it and removes the folder
 * after them; `set` receives the cloud once it is up. Returns the scratch folder.
 */
export function useTunerCloud(prefix: string, set: (cloud: TunerCloud) => void): string {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  let cloud: TunerCloud | undefined;
  beforeAll(async () => {
    cloud = await bootTunerCloud(scratch);
    set(cloud);
  }, 180_000);
  afterAll(async () => {
    await cloud?.close();
    rmSync(scratch, { recursive: true, force: true });
  });
  return scratch;
}

/** How a test's target is made: a fixture under test/fixtures/functions, its memory, timeout and environment. */
export interface FixtureFunction {
  fixture: string;
  memoryMb: number;
  timeoutS?: number;
  environment?: Record<string, string>;
}

/** Creates a function from a fixture on the local cloud; returns its ARN. */
export async function createFixtureFunction(
  t: TunerCloud,
  name: string,
  fn: FixtureFunction,
): Promise<string> {
  const created = await t.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs22.x",
      Role: `arn:aws:iam::000000000000:role/${name}`,
      Handler: "index.handler",
      MemorySize: fn.memoryMb,
      Timeout: fn.timeoutS ?? 30,
      ...(fn.environment ? { Environment: { Variables: fn.environment } } : {}),
      Code: { ZipFile: zipFixture(fn.fixture) },
    }),
  );
  return created.FunctionArn ?? "";
}

/** A CPU-bound function to tune (test/fixtures/functions/tuning-target) at `memoryMb`; returns its ARN. */
export function createTarget(t: TunerCloud, name: string, memoryMb: number): Promise<string> {
  return createFixtureFunction(t, name, { fixture: "tuning-target", memoryMb });
}

export async function startTuning(t: TunerCloud, input: unknown): Promise<string> {
  const { executionArn = "" } = await t.sfn.send(
    new StartExecutionCommand({ stateMachineArn: t.stateMachineArn, input: JSON.stringify(input) }),
  );
  return executionArn;
}

/** Polls `probe` until it returns something other than undefined; fails after `limitMs` saying what it waited for. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 120_000) {
  const giveUpAt = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function history(t: TunerCloud, executionArn: string): Promise<HistoryEvent[]> {
  const { events = [] } = await t.sfn.send(
    new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
  );
  return events;
}

/** Waits until the execution has entered the state (e.g. `Round`, the Map the executors run in). */
export function enteredState(t: TunerCloud, executionArn: string, state: string) {
  return eventually(`${executionArn} to enter ${state}`, async () =>
    (await history(t, executionArn)).some((e) => e.stateEnteredEventDetails?.name === state)
      ? true
      : undefined,
  );
}

export function ended(t: TunerCloud, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return eventually(`${executionArn} to end`, async () => {
    const execution = await t.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return execution.status === "RUNNING" ? undefined : execution;
  });
}

export async function lockOf(t: TunerCloud, functionArn: string) {
  const { Item } = await t.ddb.send(
    new GetCommand({
      TableName: t.historyTable,
      Key: { pk: `lock#${functionArn}`, sk: "lock" },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** The run records TuningHistory holds for a function, as stored. */
export async function historyItems(t: TunerCloud, functionArn: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await t.ddb.send(
    new QueryCommand({
      TableName: t.historyTable,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :run)",
      ExpressionAttributeValues: { ":pk": `fn#${functionArn}`, ":run": "run#" },
    }),
  );
  return Items;
}

/** The runs TuningHistory records for a function: [runId, status]. */
export async function historyRecords(t: TunerCloud, functionArn: string): Promise<[string, string][]> {
  return (await historyItems(t, functionArn)).map((item) => [item.runId as string, item.status as string]);
}

/** What a run may leave on the target: tuner aliases, versions, a changed memory size. */
export async function leftovers(t: TunerCloud, functionArn: string) {
  const aliases = (await t.lambda.send(new ListAliasesCommand({ FunctionName: functionArn }))).Aliases ?? [];
  const versions =
    (await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: functionArn }))).Versions ?? [];
  const config = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
  return {
    aliases: aliases.map((a) => a.Name),
    versions: versions.map((v) => v.Version).filter((v) => v !== "$LATEST"),
    memoryMb: config.MemorySize,
    locked: (await lockOf(t, functionArn)) !== undefined,
  };
}

/**
 * Deploys the app with its tuner template changed by `change` (a copy of the synthesized assembly), on the
 * same running cloud: a test deployment of, say, a shorter state machine timeout.
 */
export async function deployVariant(
  t: TunerCloud,
  scratch: string,
  variant: string,
  change: (template: {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  }) => void,
): Promise<void> {
  const dir = join(scratch, `cdk.out-${variant}`);
  cpSync(join(scratch, "cdk.out"), dir, { recursive: true });
  const file = join(dir, `${STACKS.tuner}.template.json`);
  const template = JSON.parse(readFileSync(file, "utf8"));
  change(template);
  writeFileSync(file, JSON.stringify(template));
  await t.cloud.deploy({ cdkOutDir: dir, skipSynth: true });
}

export const original = (t: TunerCloud, scratch: string) =>
  t.cloud.deploy({ cdkOutDir: join(scratch, "cdk.out"), skipSynth: true });

/** The template's event-pattern rule (the stopped-run cleanup) with the given state. */
export const withCleanupRule =
  (state: "ENABLED" | "DISABLED") =>
  (template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }) => {
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type === "AWS::Events::Rule" && resource.Properties.EventPattern)
        resource.Properties.State = state;
    }
  };

/** The state machine's definition with its TimeoutSeconds replaced. */
export const withTimeoutSeconds =
  (seconds: number) =>
  (template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }) => {
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== "AWS::StepFunctions::StateMachine") continue;
      const text = JSON.stringify(resource.Properties.DefinitionString);
      const changed = text.replace(/\\"TimeoutSeconds\\":\d+/, `\\"TimeoutSeconds\\":${seconds}`);
      if (changed === text) throw new Error("the definition has no TimeoutSeconds to change");
      resource.Properties.DefinitionString = JSON.parse(changed);
    }
  };
