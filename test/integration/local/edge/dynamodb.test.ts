import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { createDynamoDbService } from "../../../../local/dynamodb/index.js";
import { createEdge, type Edge } from "../../../../local/edge/index.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startEdge(dataDir?: string): Promise<{ edge: Edge; client: DynamoDBClient; url: string }> {
  const edge = createEdge({ services: { dynamodb: createDynamoDbService(dataDir ? { dataDir } : {}) } });
  const { url } = await edge.listen(0);
  const client = new DynamoDBClient({ endpoint: url, region: "us-east-1", credentials });
  return { edge, client, url };
}

async function createTable(client: DynamoDBClient): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: "items",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  // dynalite answers CreateTable while the table is still CREATING; a write before ACTIVE is refused.
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: "items" });
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "powertune-ddb-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("edge + local DynamoDB", () => {
  it("routes a DynamoDB client's requests to dynalite by the credential scope", async () => {
    const { edge, client } = await startEdge();
    cleanups.push(() => edge.close());
    await createTable(client);
    await client.send(new PutItemCommand({ TableName: "items", Item: { id: { S: "a" }, n: { N: "7" } } }));
    const got = await client.send(new GetItemCommand({ TableName: "items", Key: { id: { S: "a" } } }));
    expect(got.Item).toEqual({ id: { S: "a" }, n: { N: "7" } });
    client.destroy();
  });

  it("keeps tables on disk across a clean restart", async () => {
    const dataDir = await tempDir();
    const first = await startEdge(dataDir);
    await createTable(first.client);
    await first.client.send(new PutItemCommand({ TableName: "items", Item: { id: { S: "kept" } } }));
    first.client.destroy();
    await first.edge.close();

    const second = await startEdge(dataDir);
    cleanups.push(() => second.edge.close());
    const got = await second.client.send(
      new GetItemCommand({ TableName: "items", Key: { id: { S: "kept" } } }),
    );
    expect(got.Item?.id?.S).toBe("kept");
    second.client.destroy();
  });

  it("keeps written items after the process holding them is killed with SIGKILL", async () => {
    const dataDir = await tempDir();
    const script = fileURLToPath(new URL("../fixtures/dynamodb-edge.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script, dataDir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once("exit", (code) => reject(new Error(`fixture exited early with ${code}`)));
    });
    const client = new DynamoDBClient({ endpoint: url, region: "us-east-1", credentials });
    await createTable(client);
    await client.send(new PutItemCommand({ TableName: "items", Item: { id: { S: "survivor" } } }));
    client.destroy();
    child.kill("SIGKILL");
    await exited;

    const reopened = await startEdge(dataDir);
    cleanups.push(() => reopened.edge.close());
    const got = await reopened.client.send(
      new GetItemCommand({ TableName: "items", Key: { id: { S: "survivor" } } }),
    );
    expect(got.Item?.id?.S).toBe("survivor");
    reopened.client.destroy();
  });

  it("answers a request for a service it does not serve with a JSON error naming that service", async () => {
    const { edge, client, url } = await startEdge();
    cleanups.push(() => edge.close());
    client.destroy();
    const response = await fetch(url, {
      method: "POST",
      headers: {
        authorization:
          "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00",
      },
      body: "Action=ListQueues",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { __type: string; message: string };
    expect(body.__type).toBe("UnknownServiceException");
    expect(body.message).toContain('"sqs"');
    expect(body.message).toContain("dynamodb");
  });
});
