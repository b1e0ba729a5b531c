// TuningHistory table access: the per-function lock, run history and pending recommendations.
// Keys: pk/sk strings. Lock: pk `lock#<functionArn>`, sk `lock`, TTL attribute `expiresAt` (epoch seconds).
// History: pk `fn#<functionArn>`, sk `run#<ISO time>#<runId>`. Pending: pk `fn#<functionArn>`, sk `pending`.
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { TuningInProgressError } from "../errors.js";

export type DocumentClient = Pick<DynamoDBDocumentClient, "send">;

/** Something the run created on the target and must delete: an alias and the version it points to. */
export interface CreatedResource {
  alias: string;
  version: string;
}

export interface LockItem {
  pk: string;
  sk: "lock";
  owner: string;
  expiresAt: number;
  originalMemoryMb: number;
  /** $LATEST environment variables before the run (onlyColdStarts changes them), or null if none. */
  originalEnvironment: Record<string, string> | null;
  created: CreatedResource[];
}

const lockKey = (functionArn: string) => ({ pk: `lock#${functionArn}`, sk: "lock" });

export async function readLock(
  ddb: DocumentClient,
  table: string,
  functionArn: string,
): Promise<LockItem | undefined> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: table, Key: lockKey(functionArn), ConsistentRead: true }),
  );
  return Item as LockItem | undefined;
}

/**
 * Takes the lock for a run. A live lock of another run refuses with TuningInProgressError. An expired lock
 * (a run that was killed) is returned so the caller can undo what that run left before tuning again.
 */
export async function acquireLock(
  ddb: DocumentClient,
  table: string,
  lock: Omit<LockItem, "pk" | "sk" | "created"> & { functionArn: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ stale?: LockItem }> {
  const existing = await readLock(ddb, table, lock.functionArn);
  if (existing && existing.expiresAt > nowSeconds) {
    throw new TuningInProgressError(
      lock.functionArn,
      existing.owner,
      new Date(existing.expiresAt * 1000).toISOString(),
    );
  }
  return { stale: existing };
}

/** Writes the lock once any stale run is undone; loses a race with a clear TuningInProgressError. */
export async function writeLock(
  ddb: DocumentClient,
  table: string,
  lock: Omit<LockItem, "pk" | "sk" | "created"> & { functionArn: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<void> {
  const { functionArn, ...rest } = lock;
  try {
    await ddb.send(
      new PutCommand({
        TableName: table,
        Item: { ...lockKey(functionArn), ...rest, created: [] },
        ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now",
        ExpressionAttributeValues: { ":now": nowSeconds },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      const winner = await readLock(ddb, table, functionArn);
      throw new TuningInProgressError(
        functionArn,
        winner?.owner ?? "unknown",
        new Date((winner?.expiresAt ?? nowSeconds) * 1000).toISOString(),
      );
    }
    throw error;
  }
}

/** Records a created alias/version in the lock item first, so cleanup finds it even if the run dies next. */
export async function recordCreated(
  ddb: DocumentClient,
  table: string,
  functionArn: string,
  runId: string,
  resource: CreatedResource,
): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: table,
      Key: lockKey(functionArn),
      UpdateExpression: "SET created = list_append(if_not_exists(created, :empty), :item)",
      ConditionExpression: "#owner = :runId",
      ExpressionAttributeNames: { "#owner": "owner" },
      ExpressionAttributeValues: { ":empty": [], ":item": [resource], ":runId": runId },
    }),
  );
}

/** Releases the lock if this run holds it; another run's lock is left alone. */
export async function releaseLock(
  ddb: DocumentClient,
  table: string,
  functionArn: string,
  runId: string,
): Promise<boolean> {
  try {
    await ddb.send(
      new DeleteCommand({
        TableName: table,
        Key: lockKey(functionArn),
        ConditionExpression: "#owner = :runId",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":runId": runId },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export async function appendHistory(
  ddb: DocumentClient,
  table: string,
  entry: {
    functionArn: string;
    runId: string;
    timestamp: string;
    status: string;
    input: unknown;
    output: unknown;
  },
): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: table,
      Item: {
        pk: `fn#${entry.functionArn}`,
        sk: `run#${entry.timestamp}#${entry.runId}`,
        functionArn: entry.functionArn,
        runId: entry.runId,
        timestamp: entry.timestamp,
        status: entry.status,
        input: entry.input,
        output: entry.output,
      },
    }),
  );
}

export async function putPendingRecommendation(
  ddb: DocumentClient,
  table: string,
  entry: { functionArn: string; runId: string; timestamp: string; recommendation: unknown; applyTo: string },
): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: table,
      Item: { pk: `fn#${entry.functionArn}`, sk: "pending", ...entry },
    }),
  );
}

/**
 * Marks every lock in the table expired, so the next run on each function undoes what the interrupted run
 * left and tunes. Only for a table that outlived every run that could hold a lock (a restarted local cloud:
 * its executions do not survive a restart). Returns the functions whose lock was expired.
 */
export async function expireAllLocks(ddb: DocumentClient, table: string): Promise<string[]> {
  const expired: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: "begins_with(pk, :lock) AND sk = :sk",
        ExpressionAttributeValues: { ":lock": "lock#", ":sk": "lock" },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of (page.Items ?? []) as LockItem[]) {
      try {
        await ddb.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: item.pk, sk: "lock" },
            UpdateExpression: "SET expiresAt = :past",
            ConditionExpression: "#owner = :owner",
            ExpressionAttributeNames: { "#owner": "owner" },
            ExpressionAttributeValues: { ":past": 0, ":owner": item.owner },
          }),
        );
        expired.push(item.pk.slice("lock#".length));
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return expired;
}
