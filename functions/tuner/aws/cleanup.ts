// Undoing a run: delete its aliases/versions, put $LATEST back as it was, release the lock.
import { deleteArchitectureCopies } from "./architecture-copy.js";
import type { TunerConfig } from "./config.js";
import { type DocumentClient, type LockItem, releaseLock } from "./history.js";
import {
  DEFAULT_RETRY,
  deleteCreated,
  deleteLeftovers,
  type LambdaApi,
  type RetryPolicy,
  readTargetConfig,
  settleTargetUpdate,
  updateTarget,
} from "./lambda-ops.js";
import { type ClaimOptions, claimLease, endLease } from "./lease.js";

export interface CleanupDeps {
  lambda: LambdaApi;
  ddb: DocumentClient;
  config: TunerConfig;
  retry?: RetryPolicy;
}

export interface CleanupSummary {
  lockHeld: boolean;
  deletedAliases: number;
  deletedVersions: number;
  /** MB now on $LATEST when it was put back, else null. */
  restoredMemoryMb: number | null;
  /** Temporary copies on the other architecture deleted (an `architectures` run's). */
  deletedCopies?: number;
}

const sameEnvironment = (a: Record<string, string> | null, b: Record<string, string> | null) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

/** Puts $LATEST's memory and environment back to the snapshot, only if they differ (so it is idempotent). */
export async function restoreTarget(
  deps: CleanupDeps,
  functionArn: string,
  snapshot: Pick<LockItem, "originalMemoryMb" | "originalEnvironment">,
): Promise<number | null> {
  // The initializer does not wait for its own restore: wait here, before comparing; a failed one is redone.
  const { lastUpdateFailed } = await settleTargetUpdate(
    deps.lambda,
    functionArn,
    deps.retry ?? DEFAULT_RETRY,
  );
  const current = await readTargetConfig(deps.lambda, functionArn);
  const envDiffers = !sameEnvironment(current.environment, snapshot.originalEnvironment);
  if (current.memoryMb === snapshot.originalMemoryMb && !envDiffers && !lastUpdateFailed) return null;
  await updateTarget(
    deps.lambda,
    functionArn,
    {
      memoryMb: snapshot.originalMemoryMb,
      ...(envDiffers ? { environment: snapshot.originalEnvironment } : {}),
    },
    deps.retry ?? DEFAULT_RETRY,
  );
  return snapshot.originalMemoryMb;
}

/**
 * Undoes what the lock records (aliases, versions, $LATEST changes), then sweeps the target for tuner aliases
 * and marked versions the lock does not record; does not touch the lock.
 */
export async function undoChanges(
  deps: CleanupDeps,
  functionArn: string,
  lock: LockItem,
  options: { restore: boolean },
): Promise<Omit<CleanupSummary, "lockHeld">> {
  const deleted = await deleteCreated(
    deps.lambda,
    functionArn,
    lock.created ?? [],
    deps.retry ?? DEFAULT_RETRY,
  );
  const swept = await deleteLeftovers(deps.lambda, functionArn, deps.retry ?? DEFAULT_RETRY);
  const deletedCopies = await deleteArchitectureCopies(deps.lambda, functionArn, deps.retry ?? DEFAULT_RETRY);
  const restoredMemoryMb = options.restore ? await restoreTarget(deps, functionArn, lock) : null;
  return {
    deletedAliases: deleted.aliases + swept.aliases,
    deletedVersions: deleted.versions + swept.versions,
    restoredMemoryMb,
    ...(deletedCopies > 0 ? { deletedCopies } : {}),
  };
}

export interface CleanupOptions {
  restore: boolean;
  /** The lease this cleanup takes (and how long it waits for another handler's), see lease.ts. */
  lease: ClaimOptions;
}

/**
 * The cleanup path: undo the run's changes and release its lock, if this run holds the lock and no other of
 * its handlers is changing the target (then `busy`).
 */
export async function cleanupRun(
  deps: CleanupDeps,
  functionArn: string,
  runId: string,
  options: CleanupOptions,
): Promise<CleanupSummary & { busy: boolean }> {
  const table = deps.config.historyTable;
  const claim = await claimLease(deps.ddb, table, functionArn, runId, options.lease);
  if (!claim.claimed) {
    return {
      lockHeld: false,
      busy: claim.busy,
      deletedAliases: 0,
      deletedVersions: 0,
      restoredMemoryMb: null,
    };
  }
  try {
    const summary = await undoChanges(deps, functionArn, claim.lock, options);
    await releaseLock(deps.ddb, table, functionArn, runId);
    return { lockHeld: true, busy: false, ...summary };
  } catch (error) {
    // A retry of this cleanup (the state's Retry, the next run) must not wait for a lease nobody holds.
    await endLease(deps.ddb, table, functionArn, runId, options.lease.untilMs);
    throw error;
  }
}
