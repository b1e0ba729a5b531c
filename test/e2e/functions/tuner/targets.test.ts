// End to end on the synthesized app: which function the tuner talks to, and how. A function in a second account
// reached through targetRoleArn (the local STS's AssumeRole), a function in a second region, and versions and
// aliases as targets, with autoOptimize on an alias. Each run must leave no RAM alias or marked version, the
// target's $LATEST as it was, and the lock released.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsForAccount, LOCAL_REGION } from "../../../../local/shared/identity.js";
import { zipFixture } from "../../../integration/local/lambda/support.js";
import {
  bootTunerCloud,
  deployVariant,
  ended,
  enteredState,
  eventually,
  history,
  lockOf,
  startTuning,
  type TunerCloud,
} from "./support.js";

const scratch = mkdtempSync(join(tmpdir(), "powertune-targets-"));
const OTHER_ACCOUNT = "111111111111";
const OTHER_REGION = "us-west-2";
const TARGET_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/powertune-target`;
const MEMORY_MB = 192;
let t: TunerCloud;
const clients: LambdaClient[] = [];

/** A Lambda client of the local cloud in `region`, signed as `account` (what its own users would use). */
function lambdaIn(region: string, account: string): LambdaClient {
  const client = new LambdaClient({
    endpoint: t.cloud.endpoint,
    region,
    credentials: credentialsForAccount(account),
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  t = await bootTunerCloud(scratch);
  // What PowerTunerStack deploys with `targetRoleArns: [TARGET_ROLE]` (its CDK test holds the stack to it).
  await deployVariant(t, scratch, "target-roles", (template) => {
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== "AWS::Lambda::Function") continue;
      const variables = (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      variables.TARGET_ROLE_ARNS = JSON.stringify([TARGET_ROLE]);
    }
  });
}, 180_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function createTarget(lambda: LambdaClient, name: string, memoryMb: number, account: string) {
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs22.x",
      Role: `arn:aws:iam::${account}:role/${name}`,
      Handler: "index.handler",
      MemorySize: memoryMb,
      Timeout: 30,
      Code: { ZipFile: zipFixture("tuning-target") },
    }),
  );
  await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: name });
  return created.FunctionArn ?? "";
}

/** What a run may leave on a function: its aliases, versions, $LATEST's memory, and whether it is locked. */
async function leftovers(lambda: LambdaClient, functionArn: string) {
  const aliases = (await lambda.send(new ListAliasesCommand({ FunctionName: functionArn }))).Aliases ?? [];
  const versions =
    (await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: functionArn }))).Versions ?? [];
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
  return {
    aliases: aliases.map((a) => a.Name).sort(),
    versions: versions.map((v) => v.Version).filter((v) => v !== "$LATEST"),
    memoryMb: config.MemorySize,
    locked: (await lockOf(t, functionArn)) !== undefined,
  };
}

interface Outcome {
  status: string | undefined;
  error: string | undefined;
  message: string;
  output: {
    power: number;
    recommendation: { currentPower: number; applied: string; appliedTo?: string; decision: string };
  };
  entered: string[];
}

async function tune(input: Record<string, unknown>): Promise<Outcome> {
  const executionArn = await startTuning(t, input);
  const execution = await ended(t, executionArn);
  const entered = (await history(t, executionArn)).flatMap((e) => e.stateEnteredEventDetails?.name ?? []);
  return {
    status: execution.status,
    error: execution.error,
    message: (JSON.parse(execution.cause ?? "{}") as { errorMessage?: string }).errorMessage ?? "",
    output: JSON.parse(execution.output ?? "null"),
    entered,
  };
}

const quickRun = { num: 5, powerValues: [256, 512], payload: { rounds: 10 } };

describe("a function in another account, through targetRoleArn", () => {
  it("is tuned as the assumed role: the run succeeds, answers, and leaves nothing in that account", async () => {
    const other = lambdaIn(LOCAL_REGION, OTHER_ACCOUNT);
    const functionArn = await createTarget(other, "cross-account-target", MEMORY_MB, OTHER_ACCOUNT);
    expect(functionArn).toBe(`arn:aws:lambda:${LOCAL_REGION}:${OTHER_ACCOUNT}:function:cross-account-target`);

    const outcome = await tune({ lambdaARN: functionArn, targetRoleArn: TARGET_ROLE, ...quickRun });
    expect(outcome.status, outcome.message).toBe("SUCCEEDED");
    expect([256, 512]).toContain(outcome.output.power);
    expect(outcome.output.recommendation.currentPower).toBe(MEMORY_MB);
    // The run's versions and aliases were made (and measured) in the other account, and are gone from it.
    expect(await leftovers(other, functionArn)).toEqual({
      aliases: [],
      versions: [],
      memoryMb: MEMORY_MB,
      locked: false,
    });
  }, 180_000);

  it("a run that fails there (no power feasible) is undone there by the Cleanup state", async () => {
    const other = lambdaIn(LOCAL_REGION, OTHER_ACCOUNT);
    const functionArn = await createTarget(other, "cross-account-failing", MEMORY_MB, OTHER_ACCOUNT);
    const outcome = await tune({
      lambdaARN: functionArn,
      targetRoleArn: TARGET_ROLE,
      ...quickRun,
      payload: { fail: true },
    });
    expect(outcome).toMatchObject({ status: "FAILED", error: "NoFeasiblePowerError" });
    expect(outcome.entered).toContain("Cleanup");
    expect(await leftovers(other, functionArn)).toEqual({
      aliases: [],
      versions: [],
      memoryMb: MEMORY_MB,
      locked: false,
    });
  }, 180_000);

  it("a run stopped there is undone there by the stopped-run cleanup, as the assumed role", async () => {
    const other = lambdaIn(LOCAL_REGION, OTHER_ACCOUNT);
    const functionArn = await createTarget(other, "cross-account-stopped", MEMORY_MB, OTHER_ACCOUNT);
    const executionArn = await startTuning(t, {
      lambdaARN: functionArn,
      targetRoleArn: TARGET_ROLE,
      num: 30,
      powerValues: [128, 256, 512],
      payload: { rounds: 4000 },
    });
    await enteredState(t, executionArn, "Round");
    expect((await leftovers(other, functionArn)).aliases).toEqual(["RAM128", "RAM256", "RAM512"]);
    await t.sfn.send(new StopExecutionCommand({ executionArn }));
    const nothingLeft = { aliases: [], versions: [], memoryMb: MEMORY_MB, locked: false };
    await eventually("the stopped cross-account run to be undone", async () => {
      const left = await leftovers(other, functionArn);
      return JSON.stringify(left) === JSON.stringify(nothingLeft) ? left : undefined;
    });
  }, 180_000);

  it("without targetRoleArn, the tuner's own credentials do not reach it: lambdaARN names no function", async () => {
    const functionArn = `arn:aws:lambda:${LOCAL_REGION}:${OTHER_ACCOUNT}:function:cross-account-target`;
    const outcome = await tune({ lambdaARN: functionArn, ...quickRun });
    expect(outcome).toMatchObject({ status: "FAILED", error: "InvalidTuningInputError" });
    expect(outcome.message).toContain(`lambdaARN: no function ${functionArn} in ${LOCAL_REGION}`);
  }, 120_000);

  it("refuses a role the stack does not list, naming targetRoleArn and the prop to add it to", async () => {
    const other = lambdaIn(LOCAL_REGION, OTHER_ACCOUNT);
    const functionArn = await createTarget(other, "unlisted-role-target", MEMORY_MB, OTHER_ACCOUNT);
    const role = `arn:aws:iam::${OTHER_ACCOUNT}:role/not-listed`;
    const outcome = await tune({ lambdaARN: functionArn, targetRoleArn: role, ...quickRun });
    expect(outcome).toMatchObject({ status: "FAILED", error: "InvalidTuningInputError" });
    expect(outcome.message).toContain(
      `targetRoleArn: ${role} is not a role this tuner may assume (it may assume ${TARGET_ROLE}): add it to PowerTunerStack's targetRoleArns prop`,
    );
    expect(outcome.entered).toEqual(["ReadInput", "Initializer", "Cleanup", "TuningFailed"]);
    expect(await leftovers(other, functionArn)).toMatchObject({ aliases: [], versions: [], locked: false });
  }, 120_000);
});

describe("a function in another region than the tuner's", () => {
  it("is tuned through a client of its ARN's region, and nothing is left there", async () => {
    const west = lambdaIn(OTHER_REGION, "000000000000");
    const functionArn = await createTarget(west, "west-target", MEMORY_MB, "000000000000");
    expect(functionArn).toBe(`arn:aws:lambda:${OTHER_REGION}:000000000000:function:west-target`);
    const outcome = await tune({ lambdaARN: functionArn, ...quickRun });
    expect(outcome.status, outcome.message).toBe("SUCCEEDED");
    expect([256, 512]).toContain(outcome.output.power);
    expect(await leftovers(west, functionArn)).toEqual({
      aliases: [],
      versions: [],
      memoryMb: MEMORY_MB,
      locked: false,
    });
  }, 180_000);
});

describe("versions and aliases as targets", () => {
  it("a version: its memory is the current one, and the run leaves the version, $LATEST and no tuner alias", async () => {
    const lambda = t.lambda;
    const functionArn = await createTarget(lambda, "version-target", MEMORY_MB, "000000000000");
    const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName: functionArn }));
    // $LATEST moves on in memory only: it still runs version 1's code, so version 1 can be tuned.
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionArn, MemorySize: 320 }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: functionArn });

    const outcome = await tune({ lambdaARN: `${functionArn}:${Version}`, ...quickRun });
    expect(outcome.status, outcome.message).toBe("SUCCEEDED");
    expect(outcome.output.recommendation.currentPower).toBe(MEMORY_MB);
    expect(await leftovers(lambda, functionArn)).toEqual({
      aliases: [],
      versions: [Version],
      memoryMb: 320,
      locked: false,
    });
  }, 180_000);

  it("an alias with autoOptimize: the winner goes behind the alias as a new version of its code; $LATEST is put back", async () => {
    const lambda = t.lambda;
    const functionArn = await createTarget(lambda, "alias-target", 128, "000000000000");
    const { Version: served = "" } = await lambda.send(
      new PublishVersionCommand({ FunctionName: functionArn }),
    );
    await lambda.send(
      new CreateAliasCommand({ FunctionName: functionArn, Name: "live", FunctionVersion: served }),
    );

    // CPU-bound work: 1024 MB is many times faster than 128 MB, a difference the run resolves.
    const outcome = await tune({
      lambdaARN: `${functionArn}:live`,
      num: 10,
      powerValues: [128, 1024],
      payload: { rounds: 200 },
      strategy: "speed",
      autoOptimize: true,
    });
    expect(outcome.status, outcome.message).toBe("SUCCEEDED");
    expect(outcome.output.power).toBe(1024);
    expect(outcome.output.recommendation).toMatchObject({
      currentPower: 128,
      decision: "apply",
      applied: "yes",
      appliedTo: `${functionArn}:live`,
    });
    const alias = await lambda.send(new GetAliasCommand({ FunctionName: functionArn, Name: "live" }));
    expect(alias.FunctionVersion).not.toBe(served);
    const winner = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: functionArn, Qualifier: "live" }),
    );
    const before = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: functionArn, Qualifier: served }),
    );
    expect(winner.MemorySize).toBe(1024);
    expect(winner.CodeSha256).toBe(before.CodeSha256);
    expect(await leftovers(lambda, functionArn)).toEqual({
      aliases: ["live"],
      versions: [served, alias.FunctionVersion],
      memoryMb: 128,
      locked: false,
    });
  }, 240_000);

  it("an alias whose version $LATEST no longer runs is refused, naming what differs, and nothing is made", async () => {
    const lambda = t.lambda;
    const functionArn = await createTarget(lambda, "drifted-alias-target", MEMORY_MB, "000000000000");
    const { Version = "" } = await lambda.send(new PublishVersionCommand({ FunctionName: functionArn }));
    await lambda.send(
      new CreateAliasCommand({ FunctionName: functionArn, Name: "live", FunctionVersion: Version }),
    );
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: functionArn,
        Environment: { Variables: { FEATURE: "next" } },
      }),
    );
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: functionArn });

    const outcome = await tune({ lambdaARN: `${functionArn}:live`, ...quickRun });
    expect(outcome).toMatchObject({ status: "FAILED", error: "InvalidTuningInputError" });
    expect(outcome.message).toContain(
      `lambdaARN: $LATEST's environment variables differ from alias live (version ${Version})'s`,
    );
    expect(await leftovers(lambda, functionArn)).toEqual({
      aliases: ["live"],
      versions: [Version],
      memoryMb: MEMORY_MB,
      locked: false,
    });
  }, 120_000);
});
