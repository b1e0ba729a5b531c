// A lock's lease: which of its run's handlers may change the target right now. Step Functions does not stop a
// Lambda invocation when it stops an execution, so a stopped run's Initializer, Optimizer or Cleanup may still be
// at work when the cleanup its stop triggers starts, or when a new run comes to take over. Each of them holds the
// lease (busyUntilMs) while it changes the target and gives it back when done; no other handler undoes the run
// meanwhile. A handler that dies holds it at most until its own timeout, when Lambda has stopped it.
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type DocumentClient, type LockItem, lockKey, readLock } from "./history.js";

/** The part of the Lambda context a lease is measured with. */
export interface InvocationClock {
  getRemainingTimeInMillis(): number;
}

/** The tuner's functions' timeout: how long a handler invoked without a context may run. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 15 * 60_000;
/**
 * How long the cleanup of a stopped run waits for another handler of the run to give the lease back: an
 * Initializer whose execution was stopped undoes the run itself within seconds.
 */
export const LEASE_WAIT_MS = 60_000;
/** Clocks of the Lambda hosts and the handlers reading the lease differ a little. */
const CLOCK_MARGIN_MS = 2_000;

/** Epoch ms until which a handler may run: when Lambda stops it, plus a margin. */
export function leaseEnd(context: InvocationClock | undefined, now = Date.now()): number {
  return now + (context?.getRemainingTimeInMillis() ?? DEFAULT_HANDLER_TIMEOUT_MS) + CLOCK_MARGIN_MS;
}

export interface ClaimOptions {
  /** The lease this handler takes, epoch ms (leaseEnd). */
  untilMs: number;
  /** A lease this handler already holds (the Initializer's, when it undoes its own run). */
  heldUntilMs?: number;
  /**
   * The handler holding the lease is known to have ended: the state it ran failed, so Step Functions saw
   * its invocation end (a crash, a timeout). Take the lease whatever it says. @default false
   */
  holderEnded?: boolean;
  /** How long to wait while another handler of the run holds the lease, ms. @default 0 */
  maxWaitMs?: number;
  /** @default 500 */
  pollMs?: number;
  now?: () => number;
}

export type ClaimResult =
  | { claimed: true; lock: LockItem }
  /** `busy`: the run holds the lock, but another of its handlers kept the lease past the wait. */
  | { claimed: false; busy: boolean };

/**
 * Takes the lease of `runId`'s lock for a handler about to change the target (undo the run, apply its
 * winner). Not claimed when the run does not hold the lock (released, taken over): its changes are not this
 * handler's to touch.
 */
export async function claimLease(
  ddb: DocumentClient,
  table: string,
  functionArn: string,
  runId: string,
  options: ClaimOptions,
): Promise<ClaimResult> {
  const now = options.now ?? Date.now;
  const giveUpAt = now() + (options.maxWaitMs ?? 0);
  for (;;) {
    const attemptAt = now();
    try {
      const leaseFree = "(attribute_not_exists(busyUntilMs) OR busyUntilMs <= :now OR busyUntilMs = :held)";
      const { Attributes } = await ddb.send(
        new UpdateCommand({
          TableName: table,
          Key: lockKey(functionArn),
          UpdateExpression: "SET busyUntilMs = :until",
          ConditionExpression: options.holderEnded ? "#owner = :runId" : `#owner = :runId AND ${leaseFree}`,
          ExpressionAttributeNames: { "#owner": "owner" },
          ExpressionAttributeValues: {
            ":runId": runId,
            ":until": options.untilMs,
            ...(options.holderEnded ? {} : { ":now": attemptAt, ":held": options.heldUntilMs ?? -1 }),
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return { claimed: true, lock: Attributes as LockItem };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const lock = await readLock(ddb, table, functionArn);
    if (lock?.owner !== runId) return { claimed: false, busy: false };
    const busyUntil = lock.busyUntilMs ?? 0;
    if (now() >= giveUpAt) return { claimed: false, busy: true };
    await sleep(Math.max(0, Math.min(options.pollMs ?? 500, busyUntil - now(), giveUpAt - now())));
  }
}

/** Gives the lease back (the lock stays the run's): another handler may now change the target. */
export async function endLease(
  ddb: DocumentClient,
  table: string,
  functionArn: string,
  runId: string,
  heldUntilMs: number,
): Promise<boolean> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: table,
        Key: lockKey(functionArn),
        UpdateExpression: "REMOVE busyUntilMs",
        ConditionExpression: "#owner = :runId AND busyUntilMs = :held",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":runId": runId, ":held": heldUntilMs },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
