// Starts dynalite (an in-memory DynamoDB) on 127.0.0.1 with a random port, for tests.

import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";

// dynalite ships no type declarations; this is the slice of its API the helper uses.
type DynaliteFactory = (options: {
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => Server;

const require = createRequire(import.meta.url);
const dynalite = require("dynalite") as DynaliteFactory;

export interface RunningDynalite {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_DYNAMODB` or a client's `endpoint`. */
  endpoint: string;
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<RunningDynalite> {
  // Tables become ACTIVE at once: tests should not wait out the default 500 ms CREATING state.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
      });
      return stopped;
    },
  };
}

/**
 * Creates an on-demand table keyed by a string hash key and, optionally, a string range key, and returns once it
 * is ACTIVE: even with createTableMs 0, dynalite turns a table ACTIVE a few event-loop turns after CreateTable
 * answers, and a request in between gets ResourceNotFoundException (seen on a loaded machine).
 */
export async function createTable(
  endpoint: string,
  tableName: string,
  keys: { hash: string; range?: string },
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const names = keys.range === undefined ? [keys.hash] : [keys.hash, keys.range];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: names.map((name) => ({ AttributeName: name, AttributeType: "S" })),
        KeySchema: names.map((name, i) => ({ AttributeName: name, KeyType: i === 0 ? "HASH" : "RANGE" })),
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    for (let attempt = 0; ; attempt++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === "ACTIVE") break;
      if (attempt >= 500) throw new Error(`table ${tableName} is still ${Table?.TableStatus} after 5 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    client.destroy();
  }
}
