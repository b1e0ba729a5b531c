// `powertune up` as a process: it prints its endpoint, serves the AWS APIs there, stops cleanly on SIGTERM,
// and its DynamoDB data survives a restart, a kill -9 included.
import { type ChildProcess, spawn } from "node:child_process";
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

const BIN = join(import.meta.dirname, "../../../cli/bin.mjs");
const dataDir = mkdtempSync(join(tmpdir(), "powertune-up-"));
const running = new Set<ChildProcess>();

interface Up {
  child: ChildProcess;
  endpoint: string;
  exited: Promise<number | null>;
}

async function startUp(): Promise<Up> {
  const child = spawn(process.execPath, [BIN, "up", "--port", "0", "--no-deploy", "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  void exited.then(() => running.delete(child));
  let stdout = "";
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^endpoint: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
      if (match && stdout.includes("running")) resolve(match[1] as string);
    });
    void exited.then((code) => reject(new Error(`powertune up exited with ${code} before it was ready`)));
  });
  return { child, endpoint, exited };
}

function dynamodb(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "l", secretAccessKey: "l" },
  });
}

afterAll(() => {
  for (const child of running) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("powertune up", () => {
  it("serves the AWS APIs on its endpoint, exits 0 on SIGTERM or SIGINT, and keeps DynamoDB data across restarts and a kill -9", async () => {
    const first = await startUp();
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
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = await startUp();
    const again = dynamodb(second.endpoint);
    const { Item } = await again.send(new GetItemCommand({ TableName: "kept", Key: { id: { S: "a" } } }));
    expect(Item?.v?.N).toBe("1");
    await again.send(new PutItemCommand({ TableName: "kept", Item: { id: { S: "b" }, v: { N: "2" } } }));
    again.destroy();

    // kill -9: no shutdown code runs, yet the acknowledged write is on disk.
    second.child.kill("SIGKILL");
    await second.exited;
    const third = await startUp();
    const last = dynamodb(third.endpoint);
    const after = await last.send(new GetItemCommand({ TableName: "kept", Key: { id: { S: "b" } } }));
    expect(after.Item?.v?.N).toBe("2");
    last.destroy();
    third.child.kill("SIGINT");
    expect(await third.exited).toBe(0);
  }, 120_000);
});
