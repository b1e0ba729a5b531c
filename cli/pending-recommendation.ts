// A manual-approval run's pending recommendation in TuningHistory: read it, check it is the one a request
// shows, apply it, and record the decision. `powertune approve|deny` is these steps in order.
import { GetFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { appendHistory, publishAndAlias, readHistory, updateTarget } from "../functions/tuner/aws/index.js";
import type { PowerStats, Recommendation, TuningOutput } from "../functions/tuner/core/index.js";
import type { ApprovalRequestRef } from "./report/approval-request.js";
import { UsageError } from "./usage-error.js";

export type Decision = "approve" | "deny";

/** What the optimizer stored (functions/tuner/aws/history.ts, putPendingRecommendation). */
export interface PendingItem {
  functionArn: string;
  runId: string;
  recommendation: Recommendation;
  /** `$LATEST`, or the run's autoOptimizeAlias. */
  applyTo: string;
}

const pendingKey = (functionArn: string) => ({ pk: `fn#${functionArn}`, sk: "pending" });

/** The function's unqualified ARN and current memory; an unknown function is a usage error. */
export async function resolveFunction(
  lambda: LambdaClient,
  target: string,
): Promise<{ functionArn: string; memoryMb: number }> {
  const config = await lambda
    .send(new GetFunctionConfigurationCommand({ FunctionName: target }))
    .catch((error: Error) => {
      if (error.name === "ResourceNotFoundException" || error.name === "InvalidParameterValueException") {
        throw new UsageError(`no function ${target} (${error.message}): give a function name or ARN`);
      }
      throw error;
    });
  return {
    functionArn: config.FunctionArn?.replace(/:\$LATEST$/, "") ?? target,
    memoryMb: config.MemorySize ?? 128,
  };
}

export async function readPending(
  ddb: DynamoDBDocumentClient,
  table: string,
  functionArn: string,
): Promise<PendingItem | undefined> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: table, Key: pendingKey(functionArn), ConsistentRead: true }),
  );
  return Item as PendingItem | undefined;
}

/**
 * The pending recommendation to settle, refused (a usage error: nothing has changed) when there is none, or
 * when a request was given and the pending one is another run's: an old request cannot settle a newer
 * recommendation its reviewer never saw.
 */
export function pendingToSettle(
  functionArn: string,
  pending: PendingItem | undefined,
  request?: ApprovalRequestRef,
): PendingItem {
  if (!pending) {
    throw new UsageError(
      request
        ? `${functionArn} has no pending recommendation: the request's run ${request.runId} was approved or denied already, or left none pending`
        : `${functionArn} has no pending recommendation (run a tuning with "approval": "manual")`,
    );
  }
  if (request && request.runId !== pending.runId) {
    const r = pending.recommendation;
    throw new UsageError(
      `the request is for run ${request.runId}, but ${functionArn}'s pending recommendation is from run ${pending.runId} (${r.currentPower} MB → ${r.winnerPower} MB): answer that run's request instead`,
    );
  }
  return pending;
}

/** Sets the recommended memory where the run asked: $LATEST, or a new version behind its alias. */
export async function applyPending(
  lambda: LambdaClient,
  pending: PendingItem,
  currentMb: number,
): Promise<void> {
  const power = pending.recommendation.winnerPower;
  await updateTarget(lambda, pending.functionArn, { memoryMb: power });
  if (pending.applyTo === "$LATEST") return;
  // Same as the optimizer does for autoOptimizeAlias: a version at the winning memory behind the alias.
  await publishAndAlias(
    lambda,
    pending.functionArn,
    pending.applyTo,
    `powertune: ${power} MB (run ${pending.runId}, approved)`,
  );
  await updateTarget(lambda, pending.functionArn, { memoryMb: currentMb });
}

/** Drops the pending item and appends the decision to the function's history. */
export async function recordDecision(
  ddb: DynamoDBDocumentClient,
  table: string,
  pending: PendingItem,
  decision: Decision,
  decidedBy: string,
): Promise<void> {
  await ddb.send(new DeleteCommand({ TableName: table, Key: pendingKey(pending.functionArn) }));
  await appendHistory(ddb, table, {
    functionArn: pending.functionArn,
    runId: pending.runId,
    timestamp: new Date().toISOString(),
    status: decision === "approve" ? "approved" : "denied",
    input: null,
    output: { recommendation: pending.recommendation, applyTo: pending.applyTo, decidedBy },
  });
}

/** How far back the tuning's own history entry is looked for: it is normally the newest. */
const RECENT_RUNS = 20;

/** The tuning run's per-power figures, from its history entry: the evidence a memory summary shows. */
export async function runFigures(
  ddb: DynamoDBDocumentClient,
  table: string,
  functionArn: string,
  runId: string,
): Promise<PowerStats[] | undefined> {
  const entries = await readHistory(ddb, table, functionArn, RECENT_RUNS);
  const run = entries.find((entry) => entry.runId === runId && entry.status === "succeeded");
  return (run?.output as Partial<TuningOutput> | undefined)?.stats;
}
