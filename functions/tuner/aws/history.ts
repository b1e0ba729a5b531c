// TuningHistory table access: the per-function lock, run history and pending recommendations.
// Keys: pk/sk strings. Lock: pk `lock#<functionArn>`, sk `lock`, TTL attribute `expiresAt` (epoch seconds).
// History: pk `fn#<functionArn>`, sk `run#<ISO time>#<runId>`. Pending: pk `fn#<functionArn>`, sk `pending`.
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { TuningInProgressError } from "../core/index.js";

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
 * Takes the lock for a run, in one conditional write. A live lock of another run refuses with
 * TuningInProgressError. An expired lock (a run that was killed) is taken over whole: the new lock keeps the
 * killed run's original configuration and its record of what it created, and the expired lock is returned so
 * the caller can undo that before tuning. Two runs that find the same expired lock cannot both take it.
 */
export async function acquireLock(
  ddb: DocumentClient,
  table: string,
  lock: Omit<LockItem, "pk" | "sk" | "created"> & { functionArn: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ stale?: LockItem }> {
  const { functionArn, ...fields } = lock;
  const existing = await readLock(ddb, table, functionArn);
  if (existing && existing.expiresAt > nowSeconds) throw inProgress(functionArn, existing, nowSeconds);
  const item = existing
    ? {
        ...fields,
        originalMemoryMb: existing.originalMemoryMb,
        originalEnvironment: existing.originalEnvironment,
        created: existing.created ?? [],
      }
    : { ...fields, created: [] };
  try {
    await ddb.send(
      new PutCommand({
        TableName: table,
        Item: { ...lockKey(functionArn), ...item },
        ...(existing
          ? {
              // Or gone meanwhile: DynamoDB's TTL may delete an expired lock at any moment.
              ConditionExpression:
                "attribute_not_exists(pk) OR (#owner = :previous AND expiresAt = :expiresAt)",
              ExpressionAttributeNames: { "#owner": "owner" },
              ExpressionAttributeValues: { ":previous": existing.owner, ":expiresAt": existing.expiresAt },
            }
          : { ConditionExpression: "attribute_not_exists(pk)" }),
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    throw inProgress(functionArn, await readLock(ddb, table, functionArn), nowSeconds);
  }
  return existing ? { stale: existing } : {};
}

function inProgress(
  functionArn: string,
  holder: LockItem | undefined,
  nowSeconds: number,
): TuningInProgressError {
  return new TuningInProgressError(
    functionArn,
    holder?.owner ?? "unknown",
    new Date((holder?.expiresAt ?? nowSeconds) * 1000).toISOString(),
  );
}

/** After undoing a taken-over run: forget what it created, which is gone now. */
export async function clearCreated(
  ddb: DocumentClient,
  table: string,
  functionArn: string,
  runId: string,
): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: table,
      Key: lockKey(functionArn),
      UpdateExpression: "SET created = :empty",
      ConditionExpression: "#owner = :runId",
      ExpressionAttributeNames: { "#owner": "owner" },
      ExpressionAttributeValues: { ":empty": [], ":runId": runId },
    }),
  );
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

/** One run of a function as appendHistory recorded it (status succeeded, failed, approved or denied). */
export interface HistoryEntry {
  functionArn: string;
  runId: string;
  timestamp: string;
  status: string;
  input: unknown;
  output: unknown;
}

/** A function's recorded runs, newest first, at most `limit` of them. */
export async function readHistory(
  ddb: DocumentClient,
  table: string,
  functionArn: string,
  limit = 100,
): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :run)",
        ExpressionAttributeValues: { ":pk": `fn#${functionArn}`, ":run": "run#" },
        ScanIndexForward: false,
        Limit: limit - entries.length,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const { functionArn: arn, runId, timestamp, status, input, output } = item as HistoryEntry;
      entries.push({ functionArn: arn, runId, timestamp, status, input, output });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && entries.length < limit);
  return entries;
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
