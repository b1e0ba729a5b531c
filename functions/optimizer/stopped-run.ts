// Undoing a run whose execution was stopped or timed out: no state of it runs any more, so the rule on those
// executions invokes this with the execution alone, and its input tells which function the run locked.
import {
  appendHistory,
  type CleanupDeps,
  cleanupRun,
  describeRunExecution,
  type InvocationClock,
  LEASE_WAIT_MS,
  leaseEnd,
  type StepFunctionsApi,
  type TargetLambda,
} from "../tuner/aws/index.js";
import { targetAccess, unqualifiedArn } from "../tuner/core/index.js";
import type { CleanupResult } from "./cleanup-result.js";

export const BUSY_NOTE =
  "another handler of this run (its Initializer, say) was still changing the function; it undoes the run itself";

/**
 * The function a tuning input names (unqualified: its run locked the function, whatever version or alias it
 * tuned), and the role the run assumed to reach it, if it names one.
 */
export function runTargetOf(input: unknown): { functionArn: string; roleArn?: string } | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const { lambdaARN, targetRoleArn } = input as { lambdaARN?: unknown; targetRoleArn?: unknown };
  if (typeof lambdaARN !== "string") return undefined;
  return {
    functionArn: unqualifiedArn(lambdaARN),
    ...(typeof targetRoleArn === "string" ? { roleArn: targetRoleArn } : {}),
  };
}

/** The second function a comparison input names (compareWith), which the run locked too. */
export function compareWithOf(input: unknown): string | undefined {
  const arn =
    typeof input === "object" && input !== null
      ? (input as { compareWith?: unknown }).compareWith
      : undefined;
  return typeof arn === "string" ? arn : undefined;
}

function parseInput(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

const nothingDone = (runId: string | null, note: string): CleanupResult => ({
  runId,
  lockHeld: false,
  deletedAliases: 0,
  deletedVersions: 0,
  restoredMemoryMb: null,
  note,
});

export async function cleanupStoppedRun(
  deps: Omit<CleanupDeps, "lambda"> & {
    targetLambda: TargetLambda;
    stepFunctions?: StepFunctionsApi;
    leaseWaitMs?: number;
  },
  event: { runId?: string | undefined; executionArn: string },
  context?: InvocationClock,
): Promise<CleanupResult> {
  // The execution's name is the run's id, and the last field of its ARN.
  const runId = event.runId ?? event.executionArn.split(":").at(-1) ?? "";
  if (deps.stepFunctions === undefined) {
    return nothingDone(runId, "no Step Functions client: the execution's input cannot be read");
  }
  const execution = await describeRunExecution(deps.stepFunctions, event.executionArn);
  if (execution.running) {
    return nothingDone(runId, `execution ${event.executionArn} is ${execution.status}: nothing was undone`);
  }
  const input = parseInput(execution.input);
  const target = runTargetOf(input);
  if (target === undefined) {
    return nothingDone(runId, "the execution's input names no function, so its run took no lock");
  }
  const { functionArn } = target;
  const lambda = deps.targetLambda(targetAccess(functionArn, runId, target.roleArn));
  const lease = { untilMs: leaseEnd(context), maxWaitMs: deps.leaseWaitMs ?? LEASE_WAIT_MS };
  const summary = await cleanupRun({ ...deps, lambda }, functionArn, runId, { restore: true, lease });
  // A comparison locked its second function as well: it is undone the same way (its own lock says if it was).
  const second = compareWithOf(input);
  if (second !== undefined && second !== functionArn) {
    const secondLambda = deps.targetLambda(targetAccess(second, runId, target.roleArn));
    await cleanupRun({ ...deps, lambda: secondLambda }, second, runId, { restore: true, lease });
  }
  if (summary.busy) return { runId, ...summary, note: BUSY_NOTE };
  if (!summary.lockHeld) {
    return { runId, ...summary, note: "the run holds no lock: it was undone already, or never took one" };
  }
  await appendHistory(deps.ddb, deps.config.historyTable, {
    functionArn,
    runId,
    timestamp: new Date().toISOString(),
    status: execution.status.toLowerCase(),
    input: input ?? null,
    output: { cleanup: summary },
  });
  return { runId, ...summary, note: `run undone after its execution was ${execution.status}` };
}
