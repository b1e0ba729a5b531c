// A tuning run killed with the local cloud (kill -9 mid-run): the next `up` keeps the user's own versions and
// aliases, expires the run's lock, and the next tune undoes the killed run, restoring the memory size the user
// had set before it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crudPingPayload, stackOutput } from "../../../contract/index.js";
import { synthesize } from "../../../local/cloud.js";
import { fetchLocalOutputs, type StackOutputs } from "../../../local/outputs.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../local/shared/identity.js";
import { type CloudProcess, killLeftoverClouds, startAppCloud } from "../../support/cloud-process.js";

const scratch = mkdtempSync(join(tmpdir(), "powertune-interrupted-"));
const assembly = join(scratch, "cdk.out");
const dataDir = join(scratch, "data");

beforeAll(() => synthesize(assembly, () => {}), 120_000);

afterAll(() => {
  killLeftoverClouds();
  rmSync(scratch, { recursive: true, force: true });
});

function clients(endpoint: string) {
  const config = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  return { lambda: new LambdaClient(config), sfn: new SFNClient(config) };
}

async function outputsOf(cloud: CloudProcess): Promise<StackOutputs> {
  const outputs = await fetchLocalOutputs(cloud.endpoint);
  if (!outputs) throw new Error(`no outputs at ${cloud.endpoint}`);
  return outputs;
}

describe("a tuning run killed with the local cloud", () => {
  it("is undone by the next tune after a restart: the user's memory, versions and aliases are back", async () => {
    const first = await startAppCloud(dataDir, assembly);
    const outputs = await outputsOf(first);
    const crud = stackOutput(outputs, "crud", "functionArn") ?? "";
    const stateMachineArn = stackOutput(outputs, "tuner", "stateMachineArn") ?? "";
    const tableName = stackOutput(outputs, "crud", "tableName") ?? "";
    const before = clients(first.endpoint);
    // The user's own settings: a memory size of their choosing, a version and an alias of their own.
    await before.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: crud, MemorySize: 384 }));
    await waitUntilFunctionUpdatedV2({ client: before.lambda, maxWaitTime: 30 }, { FunctionName: crud });
    const mine = await before.lambda.send(
      new PublishVersionCommand({ FunctionName: crud, Description: "release 1" }),
    );
    await before.lambda.send(
      new CreateAliasCommand({ FunctionName: crud, Name: "stable", FunctionVersion: mine.Version }),
    );

    await before.sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: "killed-run",
        input: JSON.stringify({
          lambdaARN: crud,
          num: 50,
          powerValues: [512, 1024, 1536],
          payload: crudPingPayload(tableName),
        }),
      }),
    );
    // Kill the cloud as soon as the run has changed the function: its first tuner alias exists.
    for (;;) {
      const { Aliases } = await before.lambda.send(new ListAliasesCommand({ FunctionName: crud }));
      if (Aliases?.some((alias) => alias.Name?.startsWith("RAM"))) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    before.lambda.destroy();
    before.sfn.destroy();
    await first.kill9();

    const second = await startAppCloud(dataDir, assembly);
    const after = clients(second.endpoint);
    try {
      expect(second.stderr()).toContain("a tuning interrupted earlier left it locked");
      // The restart kept what the killed run had made (its aliases), for the next run to undo.
      const kept = await after.lambda.send(new ListAliasesCommand({ FunctionName: crud }));
      expect(kept.Aliases?.some((alias) => alias.Name?.startsWith("RAM"))).toBe(true);
      const { executionArn } = await after.sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: "next-run",
          input: JSON.stringify({
            lambdaARN: crud,
            num: 5,
            powerValues: [128, 256],
            payload: crudPingPayload(tableName),
          }),
        }),
      );
      let execution = await after.sfn.send(new DescribeExecutionCommand({ executionArn }));
      while (execution.status === "RUNNING") {
        await new Promise((resolve) => setTimeout(resolve, 250));
        execution = await after.sfn.send(new DescribeExecutionCommand({ executionArn }));
      }
      expect(execution.status, execution.cause).toBe("SUCCEEDED");

      const config = await after.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crud }));
      expect(config.MemorySize).toBe(384);
      const { Aliases } = await after.lambda.send(new ListAliasesCommand({ FunctionName: crud }));
      expect(Aliases?.map((alias) => [alias.Name, alias.FunctionVersion])).toEqual([
        ["stable", mine.Version],
      ]);
      const { Versions } = await after.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: crud }));
      expect(Versions?.map((version) => [version.Version, version.Description])).toEqual([
        ["$LATEST", ""],
        [mine.Version, "release 1"],
      ]);
    } finally {
      after.lambda.destroy();
      after.sfn.destroy();
      await second.stop();
    }
  }, 120_000);
});
