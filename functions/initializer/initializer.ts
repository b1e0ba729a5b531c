// Initializer: validate the input, take the lock, snapshot $LATEST, create one version + alias per power value,
// and plan the first round of measurements.
import { randomUUID } from "node:crypto";
import {
  acquireLock,
  cleanupRun,
  clearCreated,
  DEFAULT_RETRY,
  type DocumentClient,
  deleteLeftovers,
  type LambdaApi,
  publishAndAlias,
  type RetryPolicy,
  readTargetConfig,
  recordCreated,
  startTargetUpdate,
  type TunerConfig,
  undoChanges,
  updateTarget,
  versionMarker,
} from "../tuner/aws/index.js";
import {
  aliasName,
  type InitializerResult,
  invocationsPerPower,
  startSampling,
  type TuningContext,
  validateTuningInput,
} from "../tuner/core/index.js";

export interface InitializerDeps {
  lambda: LambdaApi;
  ddb: DocumentClient;
  config: TunerConfig;
  retry?: RetryPolicy;
  newRunId?: () => string;
}

/** Environment variable that makes each onlyColdStarts version distinct, so each alias starts cold. */
export const COLD_START_VARIABLE = "POWERTUNE_COLD_START";

/**
 * The state machine sends `{input, runId}` (runId: the execution's name); a direct invoke sends the tuning
 * input itself, and the run gets a fresh id.
 */
export function unwrapInitializerEvent(event: unknown): { input: unknown; runId: string | undefined } {
  if (typeof event === "object" && event !== null && !("lambdaARN" in event)) {
    const { input, runId } = event as { input?: unknown; runId?: unknown };
    if (typeof runId === "string" && runId !== "" && input !== undefined) return { input, runId };
  }
  return { input: event, runId: undefined };
}

export function createInitializer(deps: InitializerDeps) {
  const retry = deps.retry ?? DEFAULT_RETRY;
  return async function initializer(event: unknown): Promise<InitializerResult> {
    const started = Date.now();
    const { input: rawInput, runId: executionName } = unwrapInitializerEvent(event);
    const input = validateTuningInput(rawInput, deps.config.defaultPowerValues);
    // onlyColdStarts (fixed num only) publishes one version per invocation of the whole run up front.
    const invocations = invocationsPerPower(input);
    const functionArn = input.lambdaARN;
    const region = functionArn.split(":")[3] ?? "us-east-1";
    let target = await readTargetConfig(deps.lambda, functionArn);
    const runId = executionName ?? deps.newRunId?.() ?? randomUUID();
    const table = deps.config.historyTable;
    const { stale } = await acquireLock(deps.ddb, table, {
      functionArn,
      owner: runId,
      expiresAt: Math.floor(Date.now() / 1000) + deps.config.lockTtlSeconds,
      originalMemoryMb: target.memoryMb,
      originalEnvironment: target.environment,
    });

    let latestMemoryMb = target.memoryMb;
    try {
      if (stale) {
        // A killed run left its changes: undo them, then read the configuration as the user had it.
        await undoChanges(deps, functionArn, stale, { restore: true });
        await clearCreated(deps.ddb, table, functionArn, runId);
        target = await readTargetConfig(deps.lambda, functionArn);
        latestMemoryMb = target.memoryMb;
      } else {
        // A killed run whose lock item DynamoDB's TTL already removed left no record: sweep by name and marker.
        await deleteLeftovers(deps.lambda, functionArn, retry);
      }
      for (const power of input.powerValues) {
        const count = input.onlyColdStarts ? invocations : 1;
        for (let i = 0; i < count; i++) {
          const alias = aliasName(power, input.onlyColdStarts ? i : undefined);
          // $LATEST already at this power (with no per-alias variable to set): publish it as it is.
          if (input.onlyColdStarts || latestMemoryMb !== power) {
            await updateTarget(
              deps.lambda,
              functionArn,
              input.onlyColdStarts
                ? {
                    memoryMb: power,
                    environment: { ...(target.environment ?? {}), [COLD_START_VARIABLE]: alias },
                  }
                : { memoryMb: power },
              retry,
            );
            latestMemoryMb = power;
          }
          const published = await publishAndAlias(
            deps.lambda,
            functionArn,
            alias,
            versionMarker(runId),
            retry,
          );
          await recordCreated(deps.ddb, table, functionArn, runId, {
            alias,
            version: published.createdByUs ? published.version : "",
          });
        }
      }
      // $LATEST goes back to the user's configuration at once; the aliases carry the power values. The
      // update finishes while the executors measure; the optimizer and the cleanup path wait for it.
      if (input.onlyColdStarts || latestMemoryMb !== target.memoryMb) {
        await startTargetUpdate(
          deps.lambda,
          functionArn,
          { memoryMb: target.memoryMb, ...(input.onlyColdStarts ? { environment: target.environment } : {}) },
          retry,
        );
      }
    } catch (error) {
      await cleanupRun(deps, functionArn, runId, { restore: true });
      throw error;
    }
    const tuning: TuningContext = {
      runId,
      startedAt: new Date(started).toISOString(),
      input,
      target: {
        functionArn,
        functionName: target.functionName,
        region,
        architecture: target.architecture,
        originalMemoryMb: target.memoryMb,
      },
      compute: { elapsedMs: Date.now() - started, memoryMb: deps.config.memoryMb },
    };
    return { tuning, sampling: startSampling(tuning) };
  };
}
