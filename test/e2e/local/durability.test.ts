// The durability check: `powertune up` is killed with SIGKILL in the middle of a burst of DynamoDB writes and
// Lambda control-plane changes, again and again on one data directory; at the end every write it had
// acknowledged is there.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { afterAll, describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../local/shared/identity.js";
import { zipFixture } from "../../integration/local/lambda/support.js";
import { type CloudProcess, killLeftoverClouds, startUp } from "../../support/cloud-process.js";

const KILLS = 4;
const ITEM_WRITERS = 6;
const TABLE = "burst";
const FUNCTION = "burst-target";
const scratch = mkdtempSync(join(tmpdir(), "powertune-durability-"));

afterAll(() => {
  killLeftoverClouds();
  rmSync(scratch, { recursive: true, force: true });
});

/** What the cloud acknowledged, and the changes it was sent but had not answered when it was killed. */
interface Acknowledged {
  items: Set<string>;
  /** Version → the memory it was published with. */
  versions: Map<string, number>;
  /** Alias → the version it points at. */
  aliases: Map<string, string>;
  /** $LATEST's memory: the last acknowledged value, and one sent but unanswered (either may be there). */
  memory: { acknowledged: number; pending: number | undefined };
  concurrency: { acknowledged: number | undefined; pending: number | undefined };
}

function clients(endpoint: string) {
  const config = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
  return { ddb: new DynamoDBClient(config), lambda: new LambdaClient(config) };
}

/** Repeats `step` until it throws (the cloud is gone); `running` stops it first when the burst is over. */
async function untilKilled(running: () => boolean, step: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; running(); i++) {
    try {
      await step(i);
    } catch {
      return;
    }
  }
}

async function burst(cloud: CloudProcess, round: number, acked: Acknowledged, killAfterMs: number) {
  const { ddb, lambda } = clients(cloud.endpoint);
  let running = true;
  const writers = Array.from({ length: ITEM_WRITERS }, (_, writer) =>
    untilKilled(
      () => running,
      async (i) => {
        const id = `${round}-${writer}-${i}`;
        await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: id } } }));
        acked.items.add(id);
      },
    ),
  );
  // Update, wait for the update to finish, publish, alias the version: what the tuner's initializer does.
  const publisher = untilKilled(
    () => running,
    async (i) => {
      const memory = 128 + 64 * ((round * 50 + i) % 40);
      acked.memory.pending = memory;
      await lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: FUNCTION, MemorySize: memory }),
      );
      acked.memory = { acknowledged: memory, pending: undefined };
      for (;;) {
        const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION }));
        if (config.LastUpdateStatus !== "InProgress") break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName: FUNCTION }));
      acked.versions.set(Version ?? "", memory);
      const alias = `r${round}-v${Version}-${i}`;
      await lambda.send(
        new CreateAliasCommand({ FunctionName: FUNCTION, Name: alias, FunctionVersion: Version }),
      );
      acked.aliases.set(alias, Version ?? "");
    },
  );
  const aliaser = untilKilled(
    () => running,
    async (i) => {
      const alias = `r${round}-latest-${i}`;
      await lambda.send(
        new CreateAliasCommand({ FunctionName: FUNCTION, Name: alias, FunctionVersion: "$LATEST" }),
      );
      acked.aliases.set(alias, "$LATEST");
      const reserved = 1 + ((round * 100 + i) % 20);
      acked.concurrency.pending = reserved;
      await lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: FUNCTION, ReservedConcurrentExecutions: reserved }),
      );
      acked.concurrency = { acknowledged: reserved, pending: undefined };
    },
  );
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  // SIGKILL while requests are in flight; the loops stop at their first failed request.
  await cloud.kill9();
  running = false;
  await Promise.all([...writers, publisher, aliaser]);
  ddb.destroy();
  lambda.destroy();
}

describe("kill -9 of `powertune up` during a burst of writes", () => {
  it(`keeps every acknowledged DynamoDB item and Lambda change across ${KILLS} kills`, async () => {
    const dataDir = join(scratch, "data");
    const acked: Acknowledged = {
      items: new Set(),
      versions: new Map(),
      aliases: new Map(),
      memory: { acknowledged: 128, pending: undefined },
      concurrency: { acknowledged: undefined, pending: undefined },
    };
    const first = await startUp(dataDir);
    const setup = clients(first.endpoint);
    await setup.ddb.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await setup.lambda.send(
      new CreateFunctionCommand({
        FunctionName: FUNCTION,
        Runtime: "nodejs20.x",
        Role: "arn:aws:iam::000000000000:role/burst",
        Handler: "index.handler",
        Code: { ZipFile: zipFixture("esm") },
      }),
    );
    setup.ddb.destroy();
    setup.lambda.destroy();

    let cloud = first;
    for (let round = 0; round < KILLS; round++) {
      if (round > 0) cloud = await startUp(dataDir);
      await burst(cloud, round, acked, 1200 + 400 * round);
    }

    const last = await startUp(dataDir);
    const { ddb, lambda } = clients(last.endpoint);
    try {
      const present = new Set<string>();
      let start: Record<string, { S: string }> | undefined;
      do {
        const page = await ddb.send(
          new ScanCommand({ TableName: TABLE, ...(start ? { ExclusiveStartKey: start } : {}) }),
        );
        for (const item of page.Items ?? []) present.add(item.id?.S ?? "");
        start = page.LastEvaluatedKey as typeof start;
      } while (start);
      const lostItems = [...acked.items].filter((id) => !present.has(id));

      const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: FUNCTION }));
      const memoryOf = new Map((versions.Versions ?? []).map((v) => [v.Version ?? "", v.MemorySize]));
      const lostVersions = [...acked.versions].filter(
        ([version, memory]) => memoryOf.get(version) !== memory,
      );
      const aliases = new Map<string, string>();
      let marker: string | undefined;
      do {
        const page = await lambda.send(new ListAliasesCommand({ FunctionName: FUNCTION, Marker: marker }));
        for (const alias of page.Aliases ?? []) aliases.set(alias.Name ?? "", alias.FunctionVersion ?? "");
        marker = page.NextMarker;
      } while (marker);
      const lostAliases = [...acked.aliases].filter(([name, version]) => aliases.get(name) !== version);
      const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION }));
      const concurrency = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: FUNCTION }));

      const acknowledged = acked.items.size + acked.versions.size + acked.aliases.size;
      const lost = lostItems.length + lostVersions.length + lostAliases.length;
      console.log(
        `durability: ${KILLS} kills; acknowledged ${acknowledged} writes (${acked.items.size} items, ` +
          `${acked.versions.size} versions, ${acked.aliases.size} aliases); present after the kills ` +
          `${acknowledged - lost}; $LATEST at ${config.MemorySize} MB (acknowledged ${acked.memory.acknowledged} MB)`,
      );
      expect(acked.items.size).toBeGreaterThan(0);
      expect(acked.versions.size).toBeGreaterThan(0);
      expect({ lostItems, lostVersions, lostAliases }).toEqual({
        lostItems: [],
        lostVersions: [],
        lostAliases: [],
      });
      expect([acked.memory.acknowledged, acked.memory.pending]).toContain(config.MemorySize);
      expect(config.LastUpdateStatus).toBe("Successful");
      expect([acked.concurrency.acknowledged, acked.concurrency.pending]).toContain(
        concurrency.ReservedConcurrentExecutions,
      );
    } finally {
      ddb.destroy();
      lambda.destroy();
      await last.stop();
    }
  }, 60_000);
});
