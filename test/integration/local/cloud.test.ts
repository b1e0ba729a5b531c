// The local cloud across restarts: what the Lambda service acknowledged survives a clean stop and a kill -9,
// and `up`'s redeploy changes a function only where its template changed, never recreating it.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackOutput } from "../../../contract/index.js";
import { type LocalCloud, startLocalCloud, synthesize } from "../../../local/cloud.js";
import { LambdaStateUnreadableError } from "../../../local/lambda/index.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../local/shared/identity.js";
import { type CloudProcess, killLeftoverClouds, startUp } from "../../support/cloud-process.js";
import { zipFixture } from "./lambda/support.js";

const scratch = mkdtempSync(join(tmpdir(), "powertune-cloud-restart-"));
const assembly = join(scratch, "cdk.out");

beforeAll(() => synthesize(assembly, () => {}), 120_000);

afterAll(() => {
  killLeftoverClouds();
  rmSync(scratch, { recursive: true, force: true });
});

const lambdaClient = (endpoint: string) =>
  new LambdaClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });

const updated = (client: LambdaClient, name: string) =>
  waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { FunctionName: name });

/** A local cloud on `dataDir` with the app of `cdkOutDir` deployed, as `up` boots it. */
async function up(
  dataDir: string,
  cdkOutDir = assembly,
): Promise<{ cloud: LocalCloud; lambda: LambdaClient }> {
  const cloud = await startLocalCloud({ port: 0, dataDir });
  try {
    await cloud.deploy({ cdkOutDir, skipSynth: true });
  } catch (error) {
    await cloud.close();
    throw error;
  }
  return { cloud, lambda: lambdaClient(cloud.endpoint) };
}

async function down({ cloud, lambda }: { cloud: LocalCloud; lambda: LambdaClient }): Promise<void> {
  lambda.destroy();
  await cloud.close();
}

/** A copy of the assembly whose crud function the edit changes, as a changed stack would synthesize. */
function editedAssembly(name: string, edit: (crud: Record<string, unknown>, outDir: string) => void): string {
  const outDir = join(scratch, name);
  cpSync(assembly, outDir, { recursive: true });
  const file = join(outDir, "CrudService.template.json");
  const template = JSON.parse(readFileSync(file, "utf8")) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const crud = Object.values(template.Resources).find((r) => r.Type === "AWS::Lambda::Function");
  if (!crud) throw new Error("the crud stack has no function");
  edit(crud.Properties, outDir);
  writeFileSync(file, JSON.stringify(template));
  return outDir;
}

describe("a restart of the local cloud with the app deployed", () => {
  const dataDir = join(scratch, "restart");
  let crud = "";

  it("keeps a function's memory, environment, versions, aliases (a weighted one too) and reserved concurrency", async () => {
    const first = await up(dataDir);
    crud = stackOutput(first.cloud.outputs, "crud", "functionArn") ?? "";
    const template = await first.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crud }));
    expect(template.MemorySize).toBe(128);
    // What `powertune approve` or autoOptimize does, and a user's own versions and aliases.
    await first.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: crud,
        MemorySize: 512,
        Environment: { Variables: { ...template.Environment?.Variables, FEATURE: "on" } },
      }),
    );
    await updated(first.lambda, crud);
    await first.lambda.send(new PublishVersionCommand({ FunctionName: crud, Description: "mine" }));
    await first.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: crud, MemorySize: 640 }));
    await updated(first.lambda, crud);
    await first.lambda.send(new PublishVersionCommand({ FunctionName: crud }));
    await first.lambda.send(
      new CreateAliasCommand({
        FunctionName: crud,
        Name: "prod",
        FunctionVersion: "1",
        RoutingConfig: { AdditionalVersionWeights: { "2": 0.1 } },
      }),
    );
    await first.lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: crud, ReservedConcurrentExecutions: 4 }),
    );
    const before = await first.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crud }));
    await down(first);

    const second = await up(dataDir);
    try {
      const after = await second.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crud }));
      expect(after.MemorySize).toBe(640);
      expect(after.Environment?.Variables).toEqual({ ...template.Environment?.Variables, FEATURE: "on" });
      // Neither recreated nor updated: the template did not change.
      expect(after.CodeSha256).toBe(before.CodeSha256);
      expect(after.RevisionId).toBe(before.RevisionId);
      expect(after.LastModified).toBe(before.LastModified);
      const versions = await second.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: crud }));
      expect(versions.Versions?.map((v) => [v.Version, v.MemorySize, v.Description])).toEqual([
        ["$LATEST", 640, ""],
        ["1", 512, "mine"],
        ["2", 640, ""],
      ]);
      const alias = await second.lambda.send(new GetAliasCommand({ FunctionName: crud, Name: "prod" }));
      expect(alias.FunctionVersion).toBe("1");
      expect(alias.RoutingConfig?.AdditionalVersionWeights).toEqual({ "2": 0.1 });
      const concurrency = await second.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: crud }));
      expect(concurrency.ReservedConcurrentExecutions).toBe(4);
      const ping = await second.lambda.send(
        new InvokeCommand({
          FunctionName: crud,
          Qualifier: "prod",
          Payload: JSON.stringify({ operation: "ping", tableName: "x" }),
        }),
      );
      expect(ping.FunctionError).toBeUndefined();
    } finally {
      await down(second);
    }
  });

  it("replaces a memory size applied at run time once the template changes it, keeping the rest", async () => {
    const changed = editedAssembly("memory-changed", (crudProps) => {
      crudProps.MemorySize = 320;
    });
    const third = await up(dataDir, changed);
    try {
      const after = await third.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crud }));
      expect(after.MemorySize).toBe(320);
      expect(after.Environment?.Variables?.FEATURE).toBe("on");
      const aliases = await third.lambda.send(new ListAliasesCommand({ FunctionName: crud }));
      expect(aliases.Aliases?.map((a) => a.Name)).toEqual(["prod"]);
    } finally {
      await down(third);
    }
  });

  it("updates the code when the asset changed, and leaves it when it did not", async () => {
    const unchanged = await up(dataDir, join(scratch, "memory-changed"));
    const before = await unchanged.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crud }));
    await down(unchanged);
    const newCode = editedAssembly("code-changed", (crudProps, outDir) => {
      crudProps.MemorySize = 320;
      // The Code's S3Key is `<asset hash>.zip`; the assembly holds the bundle in `asset.<asset hash>/`.
      const { S3Key } = crudProps.Code as { S3Key: string };
      const asset = join(outDir, `asset.${S3Key.replace(/\.zip$/, "")}`);
      const file = join(asset, readdirSync(asset).find((f) => /\.[cm]?js$/.test(f)) ?? "index.mjs");
      writeFileSync(file, `${readFileSync(file, "utf8")}\n// a new build\n`);
    });
    const fourth = await up(dataDir, newCode);
    try {
      const after = await fourth.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crud }));
      expect(after.CodeSha256).not.toBe(before.CodeSha256);
      expect(after.MemorySize).toBe(320);
      expect(after.Environment?.Variables?.FEATURE).toBe("on");
    } finally {
      await down(fourth);
    }
  });
});

describe("a kill -9 of `powertune up` right after an acknowledged Lambda change", () => {
  const dataDir = join(scratch, "kill");
  let cloud: CloudProcess;
  let lambda: LambdaClient;

  const restart = async () => {
    lambda.destroy();
    await cloud.kill9();
    cloud = await startUp(dataDir);
    lambda = lambdaClient(cloud.endpoint);
  };

  beforeAll(async () => {
    cloud = await startUp(dataDir);
    lambda = lambdaClient(cloud.endpoint);
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "durable",
        Runtime: "nodejs20.x",
        Role: "arn:aws:iam::000000000000:role/durable",
        Handler: "index.handler",
        Code: { ZipFile: zipFixture("esm") },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    lambda?.destroy();
    await cloud?.stop();
  });

  it("keeps an UpdateFunctionConfiguration", async () => {
    const answer = await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: "durable", MemorySize: 896 }),
    );
    expect(answer.LastUpdateStatus).toBe("InProgress");
    await restart();
    const after = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "durable" }));
    expect(after.MemorySize).toBe(896);
    expect(after.LastUpdateStatus).toBe("Successful");
  });

  it("keeps a PublishVersion", async () => {
    const published = await lambda.send(new PublishVersionCommand({ FunctionName: "durable" }));
    await restart();
    const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: "durable" }));
    expect(versions.Versions?.map((v) => [v.Version, v.MemorySize])).toEqual([
      ["$LATEST", 896],
      [published.Version, 896],
    ]);
  });

  it("keeps a CreateAlias", async () => {
    const created = await lambda.send(
      new CreateAliasCommand({ FunctionName: "durable", Name: "live", FunctionVersion: "1" }),
    );
    await restart();
    const alias = await lambda.send(new GetAliasCommand({ FunctionName: "durable", Name: "live" }));
    expect(alias).toMatchObject({ FunctionVersion: "1", RevisionId: created.RevisionId });
    const out = await lambda.send(new InvokeCommand({ FunctionName: "durable", Qualifier: "live" }));
    expect(out.ExecutedVersion).toBe("1");
  });
});

describe("a local cloud whose Lambda state cannot be read", () => {
  it("refuses to start, naming the file, and leaves the data directory free", async () => {
    const dataDir = join(scratch, "unreadable");
    mkdirSync(join(dataDir, "lambda"), { recursive: true });
    writeFileSync(join(dataDir, "lambda", "torn.json"), '{"format":1,"name":"to');
    const refused = await startLocalCloud({ port: 0, dataDir }).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(LambdaStateUnreadableError);
    expect((refused as Error).message).toContain(join(dataDir, "lambda", "torn.json"));
    expect(existsSync(join(dataDir, "cloud.pid"))).toBe(false);
    rmSync(join(dataDir, "lambda", "torn.json"));
    const cloud = await startLocalCloud({ port: 0, dataDir });
    await cloud.close();
  });
});
