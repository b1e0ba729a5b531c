import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvalidParameterValueException,
  InvokeCommand,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActive,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdated,
  waitUntilPublishedVersionActive,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode, type Harness, REPORT_PATTERN, startHarness, tail, zipFixture } from "./support.js";

const waiter = (h: Harness) => ({ client: h.client, maxWaitTime: 30, minDelay: 1, maxDelay: 2 });

describe("local Lambda service through @aws-sdk/client-lambda", () => {
  let h: Harness;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "lambda-api-"));
    h = await startHarness({ dataDir, functionEnvironment: { INJECTED_VAR: "from-service" } });
    await h.create("api-echo", "esm", {
      MemorySize: 256,
      Environment: { Variables: { CUSTOM_VAR: "custom" } },
    });
  });

  afterAll(async () => {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("invokes an ESM handler with Lambda's env vars and context, and tails the log ending in REPORT", async () => {
    const out = await h.client.send(
      new InvokeCommand({ FunctionName: "api-echo", LogType: "Tail", Payload: JSON.stringify({ hello: 1 }) }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe("$LATEST");
    const body = decode(out.Payload) as {
      event: unknown;
      env: Record<string, string>;
      context: Record<string, unknown>;
    };
    expect(body.event).toEqual({ hello: 1 });
    expect(body.env).toEqual({
      name: "api-echo",
      memory: "256",
      version: "$LATEST",
      region: "us-east-1",
      handler: "index.handler",
      custom: "custom",
      injected: "from-service",
    });
    expect(body.context.functionName).toBe("api-echo");
    expect(body.context.memoryLimitInMB).toBe("256");
    expect(body.context.invokedFunctionArn).toBe("arn:aws:lambda:us-east-1:000000000000:function:api-echo");
    expect(body.context.remainingMs).toBeGreaterThan(0);
    expect(body.context.remainingMs).toBeLessThanOrEqual(3000);
    const log = tail(out.LogResult);
    expect(log).toContain(`START RequestId: ${body.context.awsRequestId} Version: $LATEST`);
    expect(log).toMatch(/\tINFO\techo \{"hello":1\}/);
    expect(log).toContain("raw stdout line");
    const lines = log.trimEnd().split("\n");
    const report = REPORT_PATTERN.exec(lines[lines.length - 1] ?? "");
    expect(report?.[1]).toBe(body.context.awsRequestId);
    expect(report?.[4]).toBe("256");
    expect(Number(report?.[3])).toBe(Math.ceil(Number(report?.[2])));
  });

  it("reports Init Duration on the cold start only, and reuses the warm environment", async () => {
    await h.create("api-cold", "esm");
    const first = await h.client.send(new InvokeCommand({ FunctionName: "api-cold", LogType: "Tail" }));
    const second = await h.client.send(new InvokeCommand({ FunctionName: "api-cold", LogType: "Tail" }));
    expect(REPORT_PATTERN.exec(tail(first.LogResult))?.[6]).toBeDefined();
    expect(REPORT_PATTERN.exec(tail(second.LogResult))?.[6]).toBeUndefined();
    expect((decode(second.Payload) as { invocations: number }).invocations).toBe(2);
  });

  it("runs a CommonJS callback-style handler", async () => {
    await h.create("api-cjs", "cjs");
    const out = await h.client.send(new InvokeCommand({ FunctionName: "api-cjs", Payload: '"x"' }));
    expect(decode(out.Payload)).toMatchObject({ format: "cjs", input: "x" });
  });

  it("writes the function's log to <dataDir>/logs/<name>.log", async () => {
    await h.client.send(
      new InvokeCommand({ FunctionName: "api-echo", Payload: JSON.stringify({ marker: 42 }) }),
    );
    await new Promise((r) => setTimeout(r, 50));
    const log = readFileSync(join(dataDir, "logs", "api-echo.log"), "utf8");
    expect(log).toContain('echo {"marker":42}');
    expect(log).toMatch(/REPORT RequestId: /);
  });

  it("refuses a duplicate CreateFunction and an out-of-range memory size", async () => {
    await expect(h.create("api-echo", "esm")).rejects.toBeInstanceOf(ResourceConflictException);
    await expect(h.create("api-bad-memory", "esm", { MemorySize: 64 })).rejects.toBeInstanceOf(
      InvalidParameterValueException,
    );
  });

  it("describes a function with GetFunction and GetFunctionConfiguration, and 404s on unknown ones", async () => {
    const config = await h.client.send(new GetFunctionConfigurationCommand({ FunctionName: "api-echo" }));
    expect(config).toMatchObject({
      FunctionName: "api-echo",
      FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:api-echo",
      State: "Active",
      LastUpdateStatus: "Successful",
      MemorySize: 256,
      Timeout: 3,
      Version: "$LATEST",
      Architectures: ["x86_64"],
      Environment: { Variables: { CUSTOM_VAR: "custom" } },
    });
    const fn = await h.client.send(new GetFunctionCommand({ FunctionName: "api-echo" }));
    expect(fn.Configuration?.CodeSha256).toBe(config.CodeSha256);
    await expect(
      h.client.send(new GetFunctionCommand({ FunctionName: "api-missing" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      h.client.send(new InvokeCommand({ FunctionName: "api-echo", Qualifier: "nope" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    // An ARN of another region or account names another function, even with the same name.
    for (const elsewhere of [
      "arn:aws:lambda:eu-west-1:000000000000:function:api-echo",
      "arn:aws:lambda:us-east-1:111111111111:function:api-echo",
    ]) {
      await expect(
        h.client.send(new GetFunctionConfigurationCommand({ FunctionName: elsewhere })),
      ).rejects.toThrow(/Function not found: .*region us-east-1, account 000000000000/);
    }
    expect(
      (
        await h.client.send(
          new GetFunctionConfigurationCommand({
            FunctionName: "arn:aws:lambda:us-east-1:000000000000:function:api-echo",
          }),
        )
      ).FunctionName,
    ).toBe("api-echo");
  });

  it("goes InProgress → Successful on an update, refusing a second update meanwhile; waiters see it", async () => {
    await h.create("api-update", "esm");
    await waitUntilFunctionActive(waiter(h), { FunctionName: "api-update" });
    await waitUntilFunctionActiveV2(waiter(h), { FunctionName: "api-update" });
    const updated = await h.client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: "api-update",
        MemorySize: 512,
        Description: "bigger",
      }),
    );
    expect(updated.LastUpdateStatus).toBe("InProgress");
    await expect(
      h.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "api-update", MemorySize: 1024 })),
    ).rejects.toBeInstanceOf(ResourceConflictException);
    const result = await waitUntilFunctionUpdated(waiter(h), { FunctionName: "api-update" });
    expect(result.state).toBe("SUCCESS");
    const config = await h.client.send(new GetFunctionConfigurationCommand({ FunctionName: "api-update" }));
    expect(config).toMatchObject({ MemorySize: 512, Description: "bigger", LastUpdateStatus: "Successful" });
    const out = await h.client.send(new InvokeCommand({ FunctionName: "api-update" }));
    expect((decode(out.Payload) as { env: { memory: string } }).env.memory).toBe("512");
    await expect(
      h.client.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: "api-update", MemorySize: 20000 }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
  });

  it("freezes config in a published version; aliases point at versions; qualifiers resolve like Lambda", async () => {
    await h.create("api-versions", "esm", { MemorySize: 128 });
    const v1 = await h.client.send(new PublishVersionCommand({ FunctionName: "api-versions" }));
    expect(v1.Version).toBe("1");
    expect(v1.FunctionArn).toBe("arn:aws:lambda:us-east-1:000000000000:function:api-versions:1");
    await waitUntilPublishedVersionActive(waiter(h), { FunctionName: "api-versions", Qualifier: "1" });
    // Publishing again with nothing changed returns the same version, as Lambda does.
    expect((await h.client.send(new PublishVersionCommand({ FunctionName: "api-versions" }))).Version).toBe(
      "1",
    );

    await h.client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: "api-versions", MemorySize: 1024 }),
    );
    await expect(
      h.client.send(new PublishVersionCommand({ FunctionName: "api-versions" })),
    ).rejects.toBeInstanceOf(ResourceConflictException);
    await waitUntilFunctionUpdated(waiter(h), { FunctionName: "api-versions" });
    const v2 = await h.client.send(new PublishVersionCommand({ FunctionName: "api-versions" }));
    expect(v2).toMatchObject({ Version: "2", MemorySize: 1024 });

    const frozen = await h.client.send(
      new GetFunctionConfigurationCommand({ FunctionName: "api-versions", Qualifier: "1" }),
    );
    expect(frozen.MemorySize).toBe(128);

    const alias = await h.client.send(
      new CreateAliasCommand({ FunctionName: "api-versions", Name: "live", FunctionVersion: "1" }),
    );
    expect(alias.AliasArn).toBe("arn:aws:lambda:us-east-1:000000000000:function:api-versions:live");
    await expect(
      h.client.send(
        new CreateAliasCommand({ FunctionName: "api-versions", Name: "live", FunctionVersion: "2" }),
      ),
    ).rejects.toBeInstanceOf(ResourceConflictException);
    await expect(
      h.client.send(
        new CreateAliasCommand({ FunctionName: "api-versions", Name: "ghost", FunctionVersion: "9" }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);

    const viaAlias = await h.client.send(
      new InvokeCommand({ FunctionName: "api-versions", Qualifier: "live" }),
    );
    expect(viaAlias.ExecutedVersion).toBe("1");
    expect((decode(viaAlias.Payload) as { env: { memory: string; version: string } }).env).toMatchObject({
      memory: "128",
      version: "1",
    });
    const viaArn = await h.client.send(
      new InvokeCommand({ FunctionName: "arn:aws:lambda:us-east-1:000000000000:function:api-versions:2" }),
    );
    expect(viaArn.ExecutedVersion).toBe("2");
    expect((decode(viaArn.Payload) as { env: { memory: string } }).env.memory).toBe("1024");

    await h.client.send(
      new UpdateAliasCommand({ FunctionName: "api-versions", Name: "live", FunctionVersion: "2" }),
    );
    const got = await h.client.send(new GetAliasCommand({ FunctionName: "api-versions", Name: "live" }));
    expect(got.FunctionVersion).toBe("2");
    const listed = await h.client.send(new ListAliasesCommand({ FunctionName: "api-versions" }));
    expect(listed.Aliases?.map((a) => a.Name)).toEqual(["live"]);
    const versions = await h.client.send(new ListVersionsByFunctionCommand({ FunctionName: "api-versions" }));
    expect(versions.Versions?.map((v) => v.Version)).toEqual(["$LATEST", "1", "2"]);

    // A version an alias points at cannot be deleted; $LATEST cannot be deleted by qualifier.
    await expect(
      h.client.send(new DeleteFunctionCommand({ FunctionName: "api-versions", Qualifier: "2" })),
    ).rejects.toBeInstanceOf(ResourceConflictException);
    await expect(
      h.client.send(new DeleteFunctionCommand({ FunctionName: "api-versions", Qualifier: "$LATEST" })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
    await h.client.send(new DeleteFunctionCommand({ FunctionName: "api-versions", Qualifier: "1" }));
    await expect(
      h.client.send(new GetFunctionConfigurationCommand({ FunctionName: "api-versions", Qualifier: "1" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);

    await h.client.send(new DeleteAliasCommand({ FunctionName: "api-versions", Name: "live" }));
    await expect(
      h.client.send(new GetAliasCommand({ FunctionName: "api-versions", Name: "live" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await h.client.send(new DeleteFunctionCommand({ FunctionName: "api-versions" }));
    await expect(
      h.client.send(new GetFunctionCommand({ FunctionName: "api-versions" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("swaps code with UpdateFunctionCode; the next invocation runs the new code", async () => {
    await h.create("api-code", "esm");
    await h.client.send(new InvokeCommand({ FunctionName: "api-code" }));
    await h.client.send(
      new UpdateFunctionCodeCommand({ FunctionName: "api-code", ZipFile: zipFixture("cjs") }),
    );
    await waitUntilFunctionUpdated(waiter(h), { FunctionName: "api-code" });
    const out = await h.client.send(new InvokeCommand({ FunctionName: "api-code", Payload: "1" }));
    expect(decode(out.Payload)).toMatchObject({ format: "cjs", input: 1 });
  });

  it("answers DryRun with 204 and Event with 202", async () => {
    const dry = await h.client.send(
      new InvokeCommand({ FunctionName: "api-echo", InvocationType: "DryRun" }),
    );
    expect(dry.StatusCode).toBe(204);
    const event = await h.client.send(
      new InvokeCommand({ FunctionName: "api-echo", InvocationType: "Event" }),
    );
    expect(event.StatusCode).toBe(202);
  });

  it("injects endpoint and credentials so an SDK-using handler reaches the local cloud", async () => {
    const port = Number(new URL(h.url).port);
    const inner = await startHarness({
      functionEnvironment: {
        AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
        AWS_SESSION_TOKEN: "local",
      },
    });
    try {
      // The handler asks the endpoint in AWS_ENDPOINT_URL (the outer service) about a function by its own name.
      await inner.create("api-echo", "sdk", { MemorySize: 1024, Timeout: 10 });
      const out = await inner.client.send(new InvokeCommand({ FunctionName: "api-echo" }));
      expect(out.FunctionError).toBeUndefined();
      expect(decode(out.Payload)).toEqual({ memorySize: 256, functionName: "api-echo" });
    } finally {
      await inner.close();
    }
  });

  it("emits a platform.report JSON record when LoggingConfig.LogFormat is JSON", async () => {
    await h.create("api-json", "sleep", { LoggingConfig: { LogFormat: "JSON" } });
    const out = await h.client.send(
      new InvokeCommand({ FunctionName: "api-json", LogType: "Tail", Payload: '{"ms":1}' }),
    );
    const lines = tail(out.LogResult).trimEnd().split("\n");
    const report = JSON.parse(lines[lines.length - 1] ?? "{}");
    expect(report.type).toBe("platform.report");
    expect(report.record.metrics.memorySizeMB).toBe(128);
    expect(report.record.metrics.billedDurationMs).toBe(Math.ceil(report.record.metrics.durationMs));
    expect(report.record.metrics.initDurationMs).toBeGreaterThan(0);
  });

  it("stores zipped code under <dataDir>/functions", () => {
    expect(existsSync(join(dataDir, "functions", "api-echo"))).toBe(true);
    expect(readdirSync(join(dataDir, "functions", "api-echo")).length).toBe(1);
  });

  it("refuses an unknown runtime with a message naming the field", async () => {
    const error = await h.client
      .send(
        new CreateFunctionCommand({
          FunctionName: "api-python",
          Runtime: "python3.12",
          Role: "arn:aws:iam::000000000000:role/test",
          Handler: "index.handler",
          Code: { ZipFile: zipFixture("esm") },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterValueException);
    expect((error as Error).message).toContain("Runtime");
  });
});
