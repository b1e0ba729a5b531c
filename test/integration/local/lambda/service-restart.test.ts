// The local Lambda service keeps its control plane across a restart on the same data directory: functions,
// configuration, code, versions, aliases, reserved concurrency and tags, as the next start reads them back.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAliasCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { decode, type Harness, startHarness } from "./support.js";

const dataDirs: string[] = [];
const running: Harness[] = [];

afterEach(async () => {
  for (const h of running.splice(0)) await h.close();
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "powertune-lambda-restart-"));
  dataDirs.push(dir);
  return dir;
}

async function start(dataDir: string): Promise<Harness> {
  const h = await startHarness({ dataDir, updateTransitionMs: 20 });
  running.push(h);
  return h;
}

async function stop(h: Harness): Promise<void> {
  running.splice(running.indexOf(h), 1);
  await h.close();
}

const updated = (h: Harness, name: string) =>
  waitUntilFunctionUpdatedV2(
    { client: h.client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
    { FunctionName: name },
  );

describe("a restart of the local Lambda service on the same data directory", () => {
  it("keeps configuration, code, versions, aliases (weighted too), reserved concurrency and tags", async () => {
    const dataDir = newDataDir();
    const first = await start(dataDir);
    await first.create("kept", "esm", {
      MemorySize: 256,
      Environment: { Variables: { STAGE: "one" } },
      Tags: { team: "perf" },
    });
    const v1 = await first.client.send(new PublishVersionCommand({ FunctionName: "kept" }));
    await first.client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: "kept",
        MemorySize: 1024,
        Environment: { Variables: { STAGE: "two" } },
      }),
    );
    await updated(first, "kept");
    const v2 = await first.client.send(
      new PublishVersionCommand({ FunctionName: "kept", Description: "at 1024" }),
    );
    await first.client.send(
      new CreateAliasCommand({
        FunctionName: "kept",
        Name: "live",
        FunctionVersion: "1",
        RoutingConfig: { AdditionalVersionWeights: { "2": 0.25 } },
      }),
    );
    await first.client.send(
      new CreateAliasCommand({ FunctionName: "kept", Name: "edge", FunctionVersion: "$LATEST" }),
    );
    await first.client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "kept", ReservedConcurrentExecutions: 3 }),
    );
    const arn = "arn:aws:lambda:us-east-1:000000000000:function:kept";
    await first.client.send(new TagResourceCommand({ Resource: arn, Tags: { owner: "me", scratch: "x" } }));
    await first.client.send(new UntagResourceCommand({ Resource: arn, TagKeys: ["scratch"] }));
    // Version 3 is published then deleted: Lambda never hands its number out again.
    await first.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "kept", Timeout: 9 }));
    await updated(first, "kept");
    await first.client.send(new PublishVersionCommand({ FunctionName: "kept" }));
    await first.client.send(new DeleteFunctionCommand({ FunctionName: "kept", Qualifier: "3" }));
    const before = await first.client.send(new GetFunctionConfigurationCommand({ FunctionName: "kept" }));
    const aliasesBefore = await first.client.send(new ListAliasesCommand({ FunctionName: "kept" }));
    await stop(first);

    const second = await start(dataDir);
    const after = await second.client.send(new GetFunctionConfigurationCommand({ FunctionName: "kept" }));
    expect(after).toMatchObject({
      MemorySize: 1024,
      Timeout: 9,
      Environment: { Variables: { STAGE: "two" } },
      CodeSha256: before.CodeSha256,
      RevisionId: before.RevisionId,
      LastModified: before.LastModified,
      LastUpdateStatus: "Successful",
      State: "Active",
    });
    const versions = await second.client.send(new ListVersionsByFunctionCommand({ FunctionName: "kept" }));
    expect(versions.Versions?.map((v) => [v.Version, v.MemorySize, v.Description])).toEqual([
      ["$LATEST", 1024, ""],
      ["1", 256, ""],
      ["2", 1024, "at 1024"],
    ]);
    expect(versions.Versions?.[1]?.RevisionId).toBe(v1.RevisionId);
    expect(versions.Versions?.[2]?.Environment?.Variables).toEqual({ STAGE: "two" });
    expect(versions.Versions?.[2]?.RevisionId).toBe(v2.RevisionId);
    const aliases = await second.client.send(new ListAliasesCommand({ FunctionName: "kept" }));
    expect(aliases.Aliases).toEqual(aliasesBefore.Aliases);
    expect(aliases.Aliases?.find((a) => a.Name === "live")?.RoutingConfig).toEqual({
      AdditionalVersionWeights: { "2": 0.25 },
    });
    const concurrency = await second.client.send(new GetFunctionConcurrencyCommand({ FunctionName: "kept" }));
    expect(concurrency.ReservedConcurrentExecutions).toBe(3);
    const tags = await second.client.send(
      new ListTagsCommand({ Resource: "arn:aws:lambda:us-east-1:000000000000:function:kept" }),
    );
    expect(tags.Tags).toEqual({ team: "perf", owner: "me" });

    // The code is still there: each qualifier runs its own snapshot.
    const viaVersion = await second.client.send(new InvokeCommand({ FunctionName: "kept", Qualifier: "1" }));
    expect((decode(viaVersion.Payload) as { env: { memory: string } }).env.memory).toBe("256");
    const viaLatest = await second.client.send(
      new InvokeCommand({ FunctionName: "kept", Qualifier: "edge" }),
    );
    expect((decode(viaLatest.Payload) as { env: { memory: string } }).env.memory).toBe("1024");
    await second.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "kept", Timeout: 10 }));
    await updated(second, "kept");
    const next = await second.client.send(new PublishVersionCommand({ FunctionName: "kept" }));
    expect(next.Version).toBe("4");
  });

  it("brings a function stopped in the middle of an update back Successful, with the update applied", async () => {
    const dataDir = newDataDir();
    const first = await start(dataDir);
    await first.create("mid-update", "esm");
    const answer = await first.client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: "mid-update", MemorySize: 704 }),
    );
    expect(answer.LastUpdateStatus).toBe("InProgress");
    await stop(first);

    const second = await start(dataDir);
    const after = await second.client.send(new GetFunctionCommand({ FunctionName: "mid-update" }));
    expect(after.Configuration?.MemorySize).toBe(704);
    expect(after.Configuration?.LastUpdateStatus).toBe("Successful");
    await second.client.send(new PublishVersionCommand({ FunctionName: "mid-update" }));
  });

  it("keeps a deleted function deleted", async () => {
    const dataDir = newDataDir();
    const first = await start(dataDir);
    await first.create("gone", "esm");
    await first.create("stays", "esm");
    await first.client.send(new DeleteFunctionCommand({ FunctionName: "gone" }));
    await stop(first);

    const second = await start(dataDir);
    await expect(
      second.client.send(new GetFunctionConfigurationCommand({ FunctionName: "gone" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const stays = await second.client.send(new GetFunctionConfigurationCommand({ FunctionName: "stays" }));
    expect(stays.FunctionName).toBe("stays");
  });
});
