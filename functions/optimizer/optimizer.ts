// Optimizer: remove the run's aliases/versions, apply or record the winner, restore $LATEST, release the lock,
// append the run to TuningHistory and publish per-power metrics. In cleanup mode it undoes a failed run.
import { type CloudWatchClient, PutMetricDataCommand, StandardUnit } from "@aws-sdk/client-cloudwatch";
import {
  appendHistory,
  claimLease,
  cleanupRun,
  DEFAULT_RETRY,
  type DocumentClient,
  deleteArchitectureCopies,
  deleteCreated,
  deleteLeftovers,
  endLease,
  type InvocationClock,
  type LambdaApi,
  leaseEnd,
  publishAndAlias,
  putPendingRecommendation,
  type RetryPolicy,
  releaseLock,
  restoreTarget,
  type StepFunctionsApi,
  settleTargetUpdate,
  type TargetLambda,
  type TunerConfig,
  targetLambdaOf,
  updateTarget,
} from "../tuner/aws/index.js";
import type { CleanupResult } from "./cleanup-result.js";

export type { CleanupResult };

import {
  type Analysis,
  finalOutput,
  type TuningContext,
  type TuningOutput,
  targetAccess,
} from "../tuner/core/index.js";
import { applyTargetOf, servedCodeChanged } from "./qualified-target.js";
import { BUSY_NOTE, cleanupStoppedRun, compareWithOf, runTargetOf } from "./stopped-run.js";

export interface OptimizerDeps {
  /** The Lambda API of every target, when targetLambda is not given. */
  lambda?: LambdaApi;
  /** The Lambda API of a run's target: its region, its run's role. */
  targetLambda?: TargetLambda;
  ddb: DocumentClient;
  cloudwatch: Pick<CloudWatchClient, "send">;
  config: TunerConfig;
  /** Reads a stopped execution's input, to find the function its run locked. */
  stepFunctions?: StepFunctionsApi;
  retry?: RetryPolicy;
  /** How long the stopped-run cleanup waits for another handler of the run to give the lease back, ms. @default LEASE_WAIT_MS */
  leaseWaitMs?: number;
}

export interface FinishEvent {
  mode: "finish";
  tuning: TuningContext;
  analysis: Analysis;
}

/**
 * Undo a run: from the Cleanup state, with the whole execution state at the point of failure; or from the
 * rule on stopped and timed-out executions, with the execution alone (no state).
 */
export interface CleanupEvent {
  mode: "cleanup";
  /** The execution's name, which is the run's id. */
  runId?: string;
  /** The stopped execution (the rule sends it, and no state). */
  executionArn?: string;
  /** The execution's status as the rule saw it (ABORTED, TIMED_OUT). */
  status?: string;
  state?: {
    /** The execution's input, as the first state wrapped it. */
    input?: unknown;
    /** A direct call's state is the input itself. */
    lambdaARN?: unknown;
    tuning?: Pick<TuningContext, "runId" | "target" | "input">;
    error?: { Error?: string; Cause?: string };
  };
}

export function createOptimizer(deps: OptimizerDeps) {
  const retry = deps.retry ?? DEFAULT_RETRY;
  const targetLambda = targetLambdaOf(deps);
  /** The deps of one run: its target's Lambda client. */
  const runDeps = (functionArn: string, runId: string, roleArn: string | undefined) => ({
    ...deps,
    lambda: targetLambda(targetAccess(functionArn, runId, roleArn)),
  });
  const table = deps.config.historyTable;

  async function publishMetrics(context: TuningContext, analysis: Analysis): Promise<string | undefined> {
    const dimensions = (power: number) => [
      { Name: "FunctionName", Value: context.target.functionName },
      { Name: "MemoryMB", Value: String(power) },
    ];
    const timestamp = new Date();
    try {
      await deps.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: deps.config.metricsNamespace,
          // An infeasible power's durations say how it failed, not how fast it runs: the dashboard skips it.
          MetricData: analysis.stats
            .filter((s) => s.feasible)
            .flatMap((s) => [
              {
                MetricName: "DurationAverage",
                Dimensions: dimensions(s.power),
                Value: s.averageMs,
                Unit: StandardUnit.Milliseconds,
                Timestamp: timestamp,
              },
              {
                MetricName: "DurationP90",
                Dimensions: dimensions(s.power),
                Value: s.p90Ms,
                Unit: StandardUnit.Milliseconds,
                Timestamp: timestamp,
              },
              // CloudWatch has no currency unit: the metric name carries it.
              {
                MetricName: "CostPerMillionInvocationsUSD",
                Dimensions: dimensions(s.power),
                Value: s.costUsd * 1_000_000,
                Unit: StandardUnit.None,
                Timestamp: timestamp,
              },
            ]),
        }),
      );
      return undefined;
    } catch (error) {
      return `CloudWatch metrics were not published: ${(error as Error).message}`;
    }
  }

  async function finish(event: FinishEvent, context?: InvocationClock): Promise<TuningOutput> {
    const { tuning, analysis } = event;
    const functionArn = tuning.target.functionArn;
    const { lambda } = runDeps(functionArn, tuning.runId, tuning.target.roleArn);
    const lease = leaseEnd(context);
    const claim = await claimLease(deps.ddb, table, functionArn, tuning.runId, { untilMs: lease });
    const held = claim.claimed;
    const recommendation = { ...analysis.recommendation };
    const applyWarnings: string[] = [];
    if (claim.claimed) {
      const lock = claim.lock;
      try {
        // Temporary aliases and versions go first, so publishing the winner below cannot return one of them.
        await deleteCreated(lambda, functionArn, lock.created ?? [], retry);
        await deleteLeftovers(lambda, functionArn, retry);
        // An architectures run's copy goes whole, its versions and aliases with it.
        await deleteArchitectureCopies(lambda, functionArn, retry);
        // The initializer's restore of $LATEST may still be under way (restoreTarget below waits for it itself).
        if (recommendation.decision === "apply") await settleTargetUpdate(lambda, functionArn, retry);
        const winner = recommendation.winnerPower;
        // A version or alias target: where the winner goes (an alias), and whether $LATEST still runs its code.
        const applyAlias = applyTargetOf(tuning);
        if (recommendation.decision === "apply" && tuning.target.qualifier !== undefined) {
          const changed = await servedCodeChanged(lambda, tuning);
          if (changed) {
            recommendation.decision = "keep";
            recommendation.reason = `${recommendation.reason}; not applied: ${changed}`;
            applyWarnings.push(`${winner} MB was chosen but not applied: ${changed}`);
          }
        }
        // Environment variables are written back only if the run changed them (onlyColdStarts): a snapshot that
        // could not read them (a KMS key the tuner may not use) must not wipe them.
        const environment = tuning.input.onlyColdStarts ? { environment: lock.originalEnvironment } : {};
        const original = { memoryMb: lock.originalMemoryMb, ...environment };
        if (recommendation.decision === "apply" && applyAlias) {
          const alias = applyAlias;
          await updateTarget(lambda, functionArn, { memoryMb: winner, ...environment }, retry);
          await publishAndAlias(
            lambda,
            functionArn,
            alias,
            `powertune: ${winner} MB (run ${tuning.runId})`,
            retry,
          );
          await updateTarget(lambda, functionArn, original, retry);
          recommendation.applied = "yes";
          recommendation.appliedTo = `${functionArn}:${alias}`;
        } else if (recommendation.decision === "apply") {
          await updateTarget(lambda, functionArn, { memoryMb: winner, ...environment }, retry);
          recommendation.applied = "yes";
          recommendation.appliedTo = `${functionArn}:$LATEST`;
        } else {
          await restoreTarget({ ...deps, lambda }, functionArn, lock);
          if (recommendation.decision === "pending") {
            await putPendingRecommendation(deps.ddb, table, {
              functionArn,
              runId: tuning.runId,
              timestamp: new Date().toISOString(),
              recommendation,
              applyTo: applyAlias ?? "$LATEST",
            });
            recommendation.applied = "pending";
          }
        }
        await releaseLock(deps.ddb, table, functionArn, tuning.runId);
      } catch (error) {
        // The Cleanup state comes next: it must not wait for a lease this failed invocation no longer uses.
        await endLease(deps.ddb, table, functionArn, tuning.runId, lease);
        throw error;
      }
    }
    // compareWith's function: measured only, so undone whatever the decision, and its own lock released.
    const compareWith = tuning.input.compareWith;
    if (compareWith !== undefined) {
      await cleanupRun(runDeps(compareWith, tuning.runId, tuning.target.roleArn), compareWith, tuning.runId, {
        restore: true,
        lease: { untilMs: lease },
      });
    }
    const warnings = [...analysis.warnings, ...applyWarnings];
    if (!claim.claimed && claim.busy) {
      warnings.push("another handler of this run was changing the function; this one applied nothing");
    } else if (!held) {
      warnings.push("the run's lock was gone before the optimizer ran (expired?); nothing was applied");
    }
    const metricsWarning = await publishMetrics(tuning, analysis);
    if (metricsWarning) warnings.push(metricsWarning);
    const output = finalOutput({ ...analysis, recommendation, warnings }, tuning.input.includeOutputResults);
    await appendHistory(deps.ddb, table, {
      functionArn,
      runId: tuning.runId,
      timestamp: new Date().toISOString(),
      status: "succeeded",
      input: tuning.input,
      output: finalOutput({ ...analysis, recommendation, warnings }, true),
    });
    return output;
  }

  async function cleanup(event: CleanupEvent, context?: InvocationClock): Promise<CleanupResult> {
    if (event.state === undefined && event.executionArn !== undefined) {
      return cleanupStoppedRun(
        { ...deps, targetLambda },
        { runId: event.runId, executionArn: event.executionArn },
        context,
      );
    }
    const state = event.state ?? {};
    const runId = state.tuning?.runId ?? event.runId;
    const named = state.tuning
      ? { functionArn: state.tuning.target.functionArn, roleArn: state.tuning.target.roleArn }
      : (runTargetOf(state.input) ?? runTargetOf(state));
    const functionArn = named?.functionArn;
    if (!runId || !functionArn) {
      return {
        runId: null,
        lockHeld: false,
        deletedAliases: 0,
        deletedVersions: 0,
        restoredMemoryMb: null,
        note: "the run failed in the initializer before it could be identified; it took no lock",
      };
    }
    // After an initializer failure this finds the lock only if that run took it and died without undoing
    // (a timeout, a crash): a lock of another run is left alone. The state that failed held the lease, if
    // anyone did, and Step Functions has seen its invocation end: its lease no longer protects anything.
    const lease = { untilMs: leaseEnd(context), holderEnded: true };
    const summary = await cleanupRun(runDeps(functionArn, runId, named?.roleArn), functionArn, runId, {
      restore: true,
      lease,
    });
    // A comparison locked its second function as well (compareWith): it is undone the same way.
    const second = state.tuning?.input.compareWith ?? compareWithOf(state.input) ?? compareWithOf(state);
    if (second !== undefined && second !== functionArn) {
      await cleanupRun(runDeps(second, runId, named?.roleArn), second, runId, { restore: true, lease });
    }
    if (summary.busy) return { runId, ...summary, note: BUSY_NOTE };
    if (!state.tuning && !summary.lockHeld) {
      return { runId, ...summary, note: "the run failed in the initializer, which undid its own changes" };
    }
    await appendHistory(deps.ddb, table, {
      functionArn,
      runId,
      timestamp: new Date().toISOString(),
      status: "failed",
      input: state.tuning?.input ?? null,
      output: { error: state.error ?? null, cleanup: summary },
    });
    return { runId, ...summary, note: summary.lockHeld ? "run undone" : "the lock was not held by this run" };
  }

  return async function optimizer(
    event: FinishEvent | CleanupEvent,
    context?: InvocationClock,
  ): Promise<TuningOutput | CleanupResult> {
    return event.mode === "cleanup" ? cleanup(event, context) : finish(event, context);
  };
}
