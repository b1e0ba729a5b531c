// End to end: the real synthesized app on the local cloud — the API over HTTP, a tuning run through the real
// state machine, the cleanup invariant after a failing target, and a clean shutdown.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expireInterruptedRuns } from "../../../cli/demo-steps.js";
import { type DeployedOutputs, stackOutput } from "../../../contract/index.js";
import {
  costPerInvocation,
  decodeVisualization,
  pricesForRegion,
  spreadPayloads,
  type TuningOutput,
} from "../../../functions/tuner/core/index.js";
import type { LocalCloud } from "../../../local/cloud.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../local/shared/identity.js";
import { bootAppCloudIn } from "../../support/local-app-cloud.js";
import { powertune } from "../../support/powertune-cli.js";
import { bootstrapChildren } from "../../support/processes.js";

const scratch = mkdtempSync(join(tmpdir(), "powertune-e2e-"));
let cloud: LocalCloud;
let lambda: LambdaClient;
let sfn: SFNClient;
let apiUrl: string;
let tableName: string;
let crudArn: string;
let stateMachineArn: string;
let cloudClosed = false;

beforeAll(async () => {
  cloud = await bootAppCloudIn(scratch);
  const config = { endpoint: cloud.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  lambda = new LambdaClient(config);
  sfn = new SFNClient(config);
  apiUrl = stackOutput(cloud.outputs, "crud", "apiUrl") ?? "";
  tableName = stackOutput(cloud.outputs, "crud", "tableName") ?? "";
  crudArn = stackOutput(cloud.outputs, "crud", "functionArn") ?? "";
  stateMachineArn = stackOutput(cloud.outputs, "tuner", "stateMachineArn") ?? "";
}, 180_000);

afterAll(async () => {
  lambda?.destroy();
  sfn?.destroy();
  if (!cloudClosed) await cloud?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function dispatch(operation: string, payload?: unknown) {
  const response = await fetch(new URL("DynamoDBManager", apiUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ operation, tableName, ...(payload === undefined ? {} : { payload }) }),
  });
  return { status: response.status, body: await response.json() };
}

async function runTuning(input: Record<string, unknown>) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== "RUNNING") return execution;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function historyOf(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** How many times the execution entered the state `name`. */
const entered = (events: HistoryEvent[], name: string) =>
  events.filter((e) => e.type?.endsWith("StateEntered") && e.stateEnteredEventDetails?.name === name).length;

async function createFixtureFunction(name: string, fixture: string, memoryMb: number) {
  const code = readFileSync(join(import.meta.dirname, `../../fixtures/functions/${fixture}/index.mjs`));
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs22.x",
      Role: `arn:aws:iam::000000000000:role/${name}`,
      Handler: "index.handler",
      MemorySize: memoryMb,
      Timeout: 30,
      Code: { ZipFile: zipSync({ "index.mjs": code }) },
    }),
  );
  return `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
}

async function expectNoTunerLeftovers(functionName: string, memoryMb: number) {
  const aliases = await lambda.send(new ListAliasesCommand({ FunctionName: functionName }));
  expect(aliases.Aliases ?? []).toEqual([]);
  const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: functionName }));
  expect((versions.Versions ?? []).map((v) => v.Version)).toEqual(["$LATEST"]);
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  expect(config.MemorySize).toBe(memoryMb);
}

describe("the deployed app on the local cloud", () => {
  it("writes outputs like cdk deploy --outputs-file, with a local API URL", () => {
    expect(apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/restapis\/[a-z0-9]+\/dev\/_user_request_\/$/);
    const file = JSON.parse(readFileSync(join(scratch, "data", "outputs.json"), "utf8")) as DeployedOutputs;
    expect(stackOutput(file, "crud", "functionArn")).toBe(crudArn);
    expect(stackOutput(file, "tuner", "stateMachineArn")).toBe(stateMachineArn);
    expect(stackOutput(file, "tuner", "historyTableName")).toBeTruthy();
  });

  it("serves every seed operation of the dispatcher over HTTP", async () => {
    expect(await dispatch("ping")).toEqual({ status: 200, body: "pong" });
    expect(await dispatch("echo", { hello: "world" })).toEqual({ status: 200, body: { hello: "world" } });
    expect((await dispatch("create", { Item: { id: "e2e-1", name: "first", n: 1 } })).status).toBe(200);
    expect(await dispatch("read", { Key: { id: "e2e-1" } })).toEqual({
      status: 200,
      body: { Item: { id: "e2e-1", name: "first", n: 1 } },
    });
    const updated = await dispatch("update", {
      Key: { id: "e2e-1" },
      UpdateExpression: "SET n = n + :one",
      ExpressionAttributeValues: { ":one": 1 },
      ReturnValues: "ALL_NEW",
    });
    expect((updated.body as { Attributes: { n: number } }).Attributes.n).toBe(2);
    const listed = await dispatch("list", { Limit: 10 });
    expect((listed.body as { Items: { id: string }[] }).Items.map((item) => item.id)).toContain("e2e-1");
    expect((await dispatch("delete", { Key: { id: "e2e-1" } })).status).toBe(200);
    expect(await dispatch("read", { Key: { id: "e2e-1" } })).toEqual({ status: 200, body: {} });
    const otherTable = await fetch(new URL("DynamoDBManager", apiUrl), {
      method: "POST",
      body: JSON.stringify({
        operation: "read",
        tableName: "SomeoneElsesTable",
        payload: { Key: { id: "x" } },
      }),
    });
    expect(otherTable.status).toBe(403);
  });

  it("serves the REST face over HTTP: create, read, conditional update, delete", async () => {
    const created = await fetch(new URL("items", apiUrl), {
      method: "POST",
      body: JSON.stringify({ id: "rest-1", a: 1 }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toContain("/items/rest-1");
    const etag = (await fetch(new URL("items/rest-1", apiUrl))).headers.get("etag") ?? "";
    const stale = await fetch(new URL("items/rest-1", apiUrl), {
      method: "PATCH",
      headers: { "if-match": '"999"' },
      body: JSON.stringify({ a: 2 }),
    });
    expect(stale.status).toBe(412);
    const fresh = await fetch(new URL("items/rest-1", apiUrl), {
      method: "PATCH",
      headers: { "if-match": etag },
      body: JSON.stringify({ a: 2 }),
    });
    expect(fresh.status).toBe(200);
    expect((await fetch(new URL("items/rest-1", apiUrl), { method: "DELETE" })).status).toBe(204);
    expect((await fetch(new URL("items/rest-1", apiUrl))).status).toBe(404);
  });
});

describe("a tuning run through the synthesized state machine", () => {
  const powers = [128, 512, 1024];
  let output: TuningOutput;
  let executionName = "";

  beforeAll(async () => {
    await dispatch("create", { Item: { id: "tune-target", name: "read during tuning" } });
    const readItem = {
      httpMethod: "GET",
      resource: "/items/{id}",
      path: "/items/tune-target",
      pathParameters: { id: "tune-target" },
      headers: {},
      queryStringParameters: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { requestId: "tuning", path: "/dev/items/tune-target", stage: "dev" },
    };
    const execution = await runTuning({
      lambdaARN: crudArn,
      num: 5,
      powerValues: powers,
      payload: readItem,
      strategy: "cost",
      includeOutputResults: true,
    });
    expect(execution.status, execution.cause).toBe("SUCCEEDED");
    output = JSON.parse(execution.output ?? "{}");
    executionName = execution.name ?? "";
  }, 180_000);

  it("records the run in TuningHistory under the execution's name, its run id", async () => {
    const ddb = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: cloud.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
    );
    try {
      const { Items } = await ddb.send(
        new QueryCommand({
          TableName: stackOutput(cloud.outputs, "tuner", "historyTableName"),
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": `fn#${crudArn}` },
        }),
      );
      expect(executionName).not.toBe("");
      expect((Items ?? []).map((item) => item.runId)).toContain(executionName);
    } finally {
      ddb.destroy();
    }
  });

  it("answers with the output contract: a power among the values, positive costs, a chart URL", () => {
    expect(powers).toContain(output.power);
    expect(output.cost).toBeGreaterThan(0);
    expect(output.duration).toBeGreaterThan(0);
    expect(output.stateMachine.executionCost).toBeGreaterThan(0);
    expect(output.stateMachine.lambdaCost).toBeGreaterThan(0);
    expect(output.stateMachine.quickchartUrl).toMatch(/^https:\/\/quickchart\.io\/chart\?/);
    expect(output.stats?.map((s) => s.power)).toEqual(powers);
    for (const stats of output.stats ?? []) {
      expect(stats.invocations).toBe(5);
      expect(stats.costUsd).toBeGreaterThan(0);
      expect(stats.cold.count + stats.warm.count).toBe(5);
    }
  });

  it("emits the reference tool's stats keys beside its own, with the reference's meanings", () => {
    const { prices } = pricesForRegion(output.prices.region);
    for (const s of output.stats ?? []) {
      expect(s.value).toBe(s.power);
      expect(s.averageDuration).toBe(s.averageMs);
      // Duration only: the request price is what costUsd adds (within one ms of rounding at this memory).
      const perMs =
        (prices.gbSecond[output.prices.architecture as "arm64" | "x86_64"] * s.power) / 1024 / 1000;
      expect(s.averagePrice).toBeGreaterThan(0);
      expect(Math.abs(s.costUsd - s.averagePrice - prices.request)).toBeLessThanOrEqual(perMs);
      expect(s).toMatchObject({ feasible: true, errorRate: 0, errors: [] });
    }
  });

  it("opens lambda-power-tuning.show with the run's sizes, times and costs in the URL's fragment", () => {
    const url = new URL(output.stateMachine.visualization);
    expect(`${url.origin}${url.pathname}${url.search}`).toBe("https://lambda-power-tuning.show/");
    expect(decodeVisualization(output.stateMachine.visualization)).toEqual(
      (output.stats ?? []).map((s) => ({
        power: s.value,
        durationMs: Math.fround(s.averageDuration),
        costUsd: Math.fround(s.averagePrice),
      })),
    );
  });

  it("prices an equal duration higher at more memory, with the prices the run reports", () => {
    const { prices } = pricesForRegion(output.prices.region);
    const architecture = output.prices.architecture as "arm64" | "x86_64";
    const at = powers.map((power) => costPerInvocation(power, 10, prices, architecture));
    expect(at[0]).toBeLessThan(at[1] ?? 0);
    expect(at[1]).toBeLessThan(at[2] ?? 0);
  });

  it("leaves no aliases or versions behind and the original memory in place", async () => {
    await expectNoTunerLeftovers(crudArn, 128);
  });
});

describe("an adaptive tuning run: the state machine's round loop", () => {
  const powers = [128, 512, 1024];
  let output: TuningOutput;
  let events: HistoryEvent[];

  beforeAll(async () => {
    const execution = await runTuning({
      lambdaARN: crudArn,
      num: "auto",
      maxInvocations: 30,
      powerValues: powers,
      payload: {
        httpMethod: "GET",
        resource: "/items",
        path: "/items",
        queryStringParameters: { limit: "5" },
      },
      strategy: "balanced",
      includeOutputResults: true,
    });
    expect(execution.status, execution.cause).toBe("SUCCEEDED");
    output = JSON.parse(execution.output ?? "{}");
    events = await historyOf(execution.executionArn ?? "");
  }, 300_000);

  it("loops Round → Analyzer → AnotherRound at least twice, then the optimizer", () => {
    const rounds = entered(events, "Round");
    expect(rounds).toBeGreaterThanOrEqual(2);
    // Every round measured a slice of at least one power, and a power gets at most maxInvocations / 10 slices:
    // a power that sat out can come back, so the bound is the slices, not maxInvocations / 10 rounds.
    const { invocations } = output.sampling;
    const slices = invocations.reduce((n, i) => n + Math.ceil(i.count / 10), 0);
    expect(rounds).toBeLessThanOrEqual(slices);
    expect(rounds).toBe(Math.max(...invocations.map((i) => i.lastRound)));
    expect(entered(events, "Analyzer")).toBe(rounds);
    expect(entered(events, "AnotherRound")).toBe(rounds);
    expect(entered(events, "Optimizer")).toBe(1);
    expect(output.sampling).toMatchObject({ mode: "auto", rounds, maxInvocations: 30 });
  });

  it("reports the tie, the invocations each power got and why it stopped", () => {
    const r = output.recommendation;
    expect(r.equivalentPowers).toContain(output.power);
    expect(output.power).toBe(Math.min(...r.equivalentPowers));
    expect(r.pValues.map((p) => p.power)).toEqual(powers);
    expect(["separated", "max-invocations"]).toContain(output.sampling.stop);
    for (const { power, count } of output.sampling.invocations) {
      expect(count, `${power} MB`).toBeGreaterThanOrEqual(10);
      expect(count, `${power} MB`).toBeLessThanOrEqual(30);
      expect(output.stats?.find((s) => s.power === power)?.invocations).toBe(count);
    }
  });

  it("leaves no aliases or versions behind and the original memory in place", async () => {
    await expectNoTunerLeftovers(crudArn, 128);
  });
});

describe("a tuning run whose second round fails", () => {
  it("fails with no feasible power once every power failed in round two, and still cleans up everything", async () => {
    // Nineteen light invocations and one that throws: interleaved, the failing one falls in round 2.
    const payload = [
      { payload: { rounds: 5 }, weight: 19 },
      { payload: { fail: true }, weight: 1 },
    ];
    const failingAt = spreadPayloads(payload, 20).findIndex((p) => (p as { fail?: boolean }).fail);
    expect(failingAt).toBeGreaterThanOrEqual(10);
    const functionArn = await createFixtureFunction("fails-in-round-two", "tuning-target", 320);
    const execution = await runTuning({ lambdaARN: functionArn, num: 20, powerValues: [128, 256], payload });
    expect(execution.status).toBe("FAILED");
    expect(execution.error).toBe("NoFeasiblePowerError");
    // The failure stops each power's slice: 10 invocations in round 1, then up to and including the failing one.
    expect(execution.cause).toContain(
      `128 MB: 1 of ${failingAt + 1} invocations failed (RequestedFailureError; not in allowedExceptions)`,
    );
    const events = await historyOf(execution.executionArn ?? "");
    expect(entered(events, "Round")).toBe(2);
    expect(entered(events, "Cleanup")).toBe(1);
    await expectNoTunerLeftovers("fails-in-round-two", 320);
  }, 180_000);
});

describe("a tuning run whose target always throws", () => {
  it("fails, names the cause, and still restores memory and removes every alias and version", async () => {
    const code = readFileSync(join(import.meta.dirname, "../../fixtures/functions/always-throws/index.mjs"));
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "always-throws",
        Runtime: "nodejs22.x",
        Role: "arn:aws:iam::000000000000:role/always-throws",
        Handler: "index.handler",
        MemorySize: 192,
        Code: { ZipFile: zipSync({ "index.mjs": code }) },
      }),
    );
    const execution = await runTuning({
      lambdaARN: `arn:aws:lambda:us-east-1:000000000000:function:always-throws`,
      num: 5,
      powerValues: [128, 256],
    });
    expect(execution.status).toBe("FAILED");
    expect(execution.error).toBe("NoFeasiblePowerError");
    expect(execution.cause).toContain("this function always fails");
    await expectNoTunerLeftovers("always-throws", 192);
  }, 120_000);
});

describe("a tuning interrupted with an earlier local cloud", () => {
  it("leaves a lock that refuses runs until a freshly booted cloud expires it; then the next run tunes", async () => {
    const table = stackOutput(cloud.outputs, "tuner", "historyTableName") ?? "";
    const ddb = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: cloud.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
    );
    // What a run killed mid-way leaves in the persisted table: a lock that has not expired, recording the
    // function's configuration before that run.
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crudArn }));
    await ddb.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `lock#${crudArn}`,
          sk: "lock",
          owner: "interrupted-run",
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
          originalMemoryMb: before.MemorySize,
          originalEnvironment: before.Environment?.Variables ?? null,
          created: [],
        },
      }),
    );
    ddb.destroy();
    const input = { lambdaARN: crudArn, num: 5, powerValues: [128, 256] };
    const refused = await runTuning(input);
    expect(refused.status).toBe("FAILED");
    expect(refused.error).toBe("TuningInProgressError");
    const said: string[] = [];
    await expireInterruptedRuns(cloud, (line) => said.push(line));
    expect(said.join("\n")).toContain(crudArn);
    const retried = await runTuning(input);
    expect(retried.status, retried.cause).toBe("SUCCEEDED");
    await expectNoTunerLeftovers(crudArn, 128);
  }, 120_000);
});

describe("the CLI against the running local cloud", () => {
  it("`tune --json` prints the state machine output as JSON", async () => {
    const input = join(scratch, "input.json");
    writeFileSync(
      input,
      JSON.stringify({ lambdaARN: crudArn, num: 5, powerValues: [128, 256], dryRun: true }),
    );
    const { status, stdout } = await powertune([
      "tune",
      "--input",
      input,
      "--endpoint",
      cloud.endpoint,
      "--json",
    ]);
    expect(status).toBe(0);
    const output = JSON.parse(stdout) as TuningOutput;
    expect([128, 256]).toContain(output.power);
    expect(output.dryRun).toBe(true);
  }, 120_000);
});

describe("manual approval", () => {
  // The current memory is never among the values, so the winner always differs from it.
  const manualRun = async (powerValues: number[]) => {
    const execution = await runTuning({
      lambdaARN: crudArn,
      num: 5,
      powerValues,
      autoOptimize: true,
      approval: "manual",
    });
    expect(execution.status, execution.cause).toBe("SUCCEEDED");
    return JSON.parse(execution.output ?? "{}") as TuningOutput;
  };
  const memory = async () =>
    (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crudArn }))).MemorySize;

  it("stores a pending recommendation and applies nothing until `powertune approve`", async () => {
    const output = await manualRun([256, 512]);
    expect(output.recommendation.applied).toBe("pending");
    expect(await memory()).toBe(128);
    const reports = join(scratch, "reports");
    const approved = await powertune([
      "approve",
      crudArn,
      "--endpoint",
      cloud.endpoint,
      "--reports-dir",
      reports,
    ]);
    expect(approved.status, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`now has ${output.recommendation.winnerPower} MB`);
    expect(await memory()).toBe(output.recommendation.winnerPower);
    // The change is on record: before → after, decided by `powertune approve`.
    const folder = readdirSync(join(reports, "history")).find((name) => name.includes("-approve-"));
    const summary = readFileSync(join(reports, "history", folder ?? "", "memory-summary.md"), "utf8");
    expect(summary).toContain(`**128 MB → ${output.recommendation.winnerPower} MB**`);
    expect(summary).toContain("decided by: `powertune approve`");
    expect(readFileSync(join(reports, "index.html"), "utf8")).toContain(`${folder}/memory-summary.md`);
    const again = await powertune(["approve", crudArn, "--endpoint", cloud.endpoint, "--no-report"]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("no pending recommendation");
  }, 120_000);

  it("`powertune deny` drops the recommendation and changes nothing", async () => {
    const before = await memory();
    const output = await manualRun([640, 768]);
    expect(output.recommendation.applied).toBe("pending");
    const denied = await powertune(["deny", crudArn, "--endpoint", cloud.endpoint]);
    expect(denied.status, denied.stderr).toBe(0);
    expect(await memory()).toBe(before);
  }, 120_000);
});

describe("redeploy", () => {
  it("keeps table data, and a memory size changed at run time when the template did not change it", async () => {
    const tuned = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crudArn })))
      .MemorySize;
    expect(tuned).not.toBe(128);
    await dispatch("create", { Item: { id: "survives-redeploy" } });
    const result = await cloud.deploy({ cdkOutDir: join(scratch, "cdk.out"), skipSynth: true });
    expect(result.applied.functions.unchanged).toBe(result.plan.functions.length);
    expect(result.applied.tables.kept).toBeGreaterThan(0);
    expect(await dispatch("read", { Key: { id: "survives-redeploy" } })).toEqual({
      status: 200,
      body: { Item: { id: "survives-redeploy" } },
    });
    const after = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crudArn }));
    expect(after.MemorySize).toBe(tuned);
  }, 120_000);
});

describe("shutdown", () => {
  it("stops every function process and removes every cgroup it made", async () => {
    const dirs = cloud.lambda.cgroupDirs;
    expect(bootstrapChildren().length).toBeGreaterThan(0);
    if (cloud.lambda.cpuLawEnforcement.startsWith("cgroup")) {
      // The service's own cgroup holds one cgroup per live environment.
      expect(dirs.length).toBeGreaterThan(0);
      expect(
        readdirSync(dirs[0] ?? "", { withFileTypes: true }).filter((d) => d.isDirectory()).length,
      ).toBeGreaterThan(0);
    }
    await cloud.close();
    cloudClosed = true;
    expect(bootstrapChildren()).toEqual([]);
    for (const dir of dirs) expect(existsSync(dir)).toBe(false);
  });
});
