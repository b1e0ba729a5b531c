// TuningHistory table access: the per-function lock, run history and pending recommendations.
// Keys: pk/sk strings. Lock: pk `lock#<functionArn>`, sk `lock`, TTL attribute `expiresAt` (epoch seconds),
// the holder's `executionArn` and its handlers' lease `busyUntilMs` (epoch ms).
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
import type { ExecutionState } from "./executions.js";

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
  /** The holder's execution, when the state machine runs it: once that has ended, a new run may take over. */
  executionArn?: string;
  /** Epoch ms until which one of the holder's handlers may be changing the target (see lease.ts). */
  busyUntilMs?: number;
}

export const lockKey = (functionArn: string) => ({ pk: `lock#${functionArn}`, sk: "lock" });

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

export interface AcquireOptions {
  /** Asks Step Functions about the execution of a live lock's holder; without it only expiry frees a lock. */
  holderState?: (executionArn: string) => Promise<ExecutionState>;
  /** How long to wait while the handler of an ended holder still holds its lease (undoing, say), ms. @default 0 */
  maxWaitMs?: number;
  /** @default 500 */
  pollMs?: number;
  /** Epoch ms. @default Date.now */
  now?: () => number;
}

/** What a lock found in the table allows. */
type HolderVerdict =
  | { kind: "free" }
  | { kind: "expired" | "ended"; holder: LockItem }
  | { kind: "live" | "finishing"; holder: LockItem; detail?: string };

async function judgeHolder(
  holder: LockItem | undefined,
  nowMs: number,
  holderState: AcquireOptions["holderState"],
): Promise<HolderVerdict> {
  if (holder === undefined) return { kind: "free" };
  if (holder.expiresAt <= Math.floor(nowMs / 1000)) return { kind: "expired", holder };
  if (holder.executionArn === undefined || holderState === undefined) return { kind: "live", holder };
  let state: ExecutionState;
  try {
    state = await holderState(holder.executionArn);
  } catch (error) {
    // Taking over a run that still runs would corrupt both: when in doubt, the lock holds.
    const detail = `the status of execution ${holder.executionArn} could not be read: ${(error as Error).message}`;
    return { kind: "live", holder, detail };
  }
  const detail = `execution ${holder.executionArn} is ${state.status}`;
  if (state.running) return { kind: "live", holder, detail };
  if ((holder.busyUntilMs ?? 0) > nowMs) {
    return { kind: "finishing", holder, detail: `${detail}, and its changes are still being undone` };
  }
  return { kind: "ended", holder };
}

/**
 * Takes the lock for a run, in one conditional write. A live lock of another run refuses with
 * TuningInProgressError. A lock whose run has ended without releasing it is taken over whole: one that expired
 * (a killed run), or one whose execution Step Functions reports no longer RUNNING (stopped, timed out) and
 * whose lease no handler of that run holds any more. The new lock keeps the ended run's original
 * configuration and its record of what it created, and the old lock is returned so the caller can undo that
 * before tuning. Two runs that find the same ended lock cannot both take it.
 */
export async function acquireLock(
  ddb: DocumentClient,
  table: string,
  lock: Omit<LockItem, "pk" | "sk" | "created"> & { functionArn: string },
  options: AcquireOptions = {},
): Promise<{ stale?: LockItem }> {
  const { functionArn, ...fields } = lock;
  const now = options.now ?? Date.now;
  const giveUpAt = now() + (options.maxWaitMs ?? 0);
  for (;;) {
    const checkedAt = now();
    const verdict = await judgeHolder(
      await readLock(ddb, table, functionArn),
      checkedAt,
      options.holderState,
    );
    if (verdict.kind === "live") throw inProgress(functionArn, verdict.holder, checkedAt, verdict.detail);
    if (verdict.kind === "finishing") {
      if (now() >= giveUpAt) throw inProgress(functionArn, verdict.holder, checkedAt, verdict.detail);
      await sleep(Math.min(options.pollMs ?? 500, Math.max(0, giveUpAt - now())));
      continue;
    }
    const existing = verdict.kind === "free" ? undefined : verdict.holder;
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
          ...takeoverCondition(existing, verdict.kind === "ended", checkedAt),
        }),
      );
      return existing ? { stale: existing } : {};
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Another run took it first, or the holder changed meanwhile: judge the lock as it is now.
      if (now() >= giveUpAt) {
        const current = await readLock(ddb, table, functionArn);
        throw inProgress(functionArn, current, now());
      }
    }
  }
}

/** The write succeeds only on the lock as judged (or on none, if it went meanwhile). */
function takeoverCondition(existing: LockItem | undefined, ended: boolean, checkedAtMs: number) {
  if (existing === undefined) return { ConditionExpression: "attribute_not_exists(pk)" };
  // Or gone meanwhile: DynamoDB's TTL may delete an expired lock at any moment, and a cleanup releases one.
  const unchanged = "#owner = :previous AND expiresAt = :expiresAt";
  // An ended holder's handler may take the lease between the read and this write (a cleanup starting).
  const leaseFree = "(attribute_not_exists(busyUntilMs) OR busyUntilMs <= :checkedAt)";
  return {
    ConditionExpression: `attribute_not_exists(pk) OR (${unchanged}${ended ? ` AND ${leaseFree}` : ""})`,
    ExpressionAttributeNames: { "#owner": "owner" },
    ExpressionAttributeValues: {
      ":previous": existing.owner,
      ":expiresAt": existing.expiresAt,
      ...(ended ? { ":checkedAt": checkedAtMs } : {}),
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function inProgress(
  functionArn: string,
  holder: LockItem | undefined,
  nowMs: number,
  detail?: string,
): TuningInProgressError {
  return new TuningInProgressError(
    functionArn,
    holder?.owner ?? "unknown",
    new Date(holder ? holder.expiresAt * 1000 : nowMs).toISOString(),
    detail,
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

/** One run of a function as appendHistory recorded it (status succeeded, failed, approved or denied). */
export interface HistoryEntry {
  functionArn: string;
  runId: string;
  timestamp: string;
  status: string;
  input: unknown;
  output: unknown;
}

export async function appendHistory(ddb: DocumentClient, table: string, entry: HistoryEntry): Promise<void> {
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

/** A function's recorded runs, newest first, at most `limit` of them. */
export async function readHistory(
  ddb: DocumentClient,
  table: string,
  functionArn: string,
  limit = 100,
): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  const pages = itemPages((startKey) =>
    ddb.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :run)",
        ExpressionAttributeValues: { ":pk": `fn#${functionArn}`, ":run": "run#" },
        ScanIndexForward: false,
        Limit: limit - entries.length,
        ExclusiveStartKey: startKey,
      }),
    ),
  );
  for await (const items of pages) {
    for (const item of items) {
      const { functionArn: arn, runId, timestamp, status, input, output } = item as HistoryEntry;
      entries.push({ functionArn: arn, runId, timestamp, status, input, output });
    }
    if (entries.length >= limit) break;
  }
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
  const pages = itemPages((startKey) =>
    ddb.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: "begins_with(pk, :lock) AND sk = :sk",
        ExpressionAttributeValues: { ":lock": "lock#", ":sk": "lock" },
        ExclusiveStartKey: startKey,
      }),
    ),
  );
  for await (const items of pages) {
    for (const item of items as LockItem[]) {
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
  }
  return expired;
}

type StartKey = Record<string, unknown>;

/**
 * The items of a Query or Scan, a page at a time: DynamoDB stops a page at 1 MB (or at `Limit`) and hands
 * back LastEvaluatedKey to go on from. `read` is asked again for each page, so a caller that stops early
 * (breaks out of the loop) sends no further request.
 */
async function* itemPages<Item>(
  read: (startKey: StartKey | undefined) => Promise<{ Items?: Item[]; LastEvaluatedKey?: StartKey }>,
): AsyncGenerator<Item[]> {
  let startKey: StartKey | undefined;
  do {
    const page = await read(startKey);
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
