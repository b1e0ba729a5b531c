// `powertune up` as a process: it prints its endpoint, serves the AWS APIs there, stops cleanly on SIGTERM,
// and its DynamoDB data survives a restart, a kill -9 included.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { killLeftoverClouds, startUp } from "../../support/cloud-process.js";

const dataDir = mkdtempSync(join(tmpdir(), "powertune-up-"));

function dynamodb(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "l", secretAccessKey: "l" },
  });
}

afterAll(() => {
  killLeftoverClouds();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("powertune up", () => {
  it("serves the AWS APIs on its endpoint, exits 0 on SIGTERM or SIGINT, and keeps DynamoDB data across restarts and a kill -9", async () => {
    const first = await startUp(dataDir);
    const client = dynamodb(first.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: "kept",
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    // A new table is CREATING for a moment, as on AWS: writes wait until it is ACTIVE.
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: "kept" });
    await client.send(new PutItemCommand({ TableName: "kept", Item: { id: { S: "a" }, v: { N: "1" } } }));
    client.destroy();
    expect(await first.stop()).toBe(0);

    const second = await startUp(dataDir);
    const again = dynamodb(second.endpoint);
    const { Item } = await again.send(new GetItemCommand({ TableName: "kept", Key: { id: { S: "a" } } }));
    expect(Item?.v?.N).toBe("1");
    await again.send(new PutItemCommand({ TableName: "kept", Item: { id: { S: "b" }, v: { N: "2" } } }));
    again.destroy();

    // kill -9: no shutdown code runs, yet the acknowledged write is on disk.
    await second.kill9();
    const third = await startUp(dataDir);
    const last = dynamodb(third.endpoint);
    const after = await last.send(new GetItemCommand({ TableName: "kept", Key: { id: { S: "b" } } }));
    expect(after.Item?.v?.N).toBe("2");
    last.destroy();
    third.child.kill("SIGINT");
    expect(await third.exited).toBe(0);
  }, 120_000);
});
