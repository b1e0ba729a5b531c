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
  describeRunExecution,
  endLease,
  type InvocationClock,
  invokeModeOfFunctionUrl,
  type LambdaApi,
  leaseEnd,
  publishAndAlias,
  type RetryPolicy,
  readTargetConfig,
  recordCreated,
  type StepFunctionsApi,
  startTargetUpdate,
  type TargetLambda,
  type TunerConfig,
  targetLambdaOf,
  undoChanges,
  updateTarget,
  versionMarker,
} from "../tuner/aws/index.js";
import {
  aliasName,
  ExecutionNotRunningError,
  type InitializerResult,
  invocationsPerPower,
  parseTargetArn,
  startSampling,
  type TuningContext,
  targetAccess,
  validateTuningInput,
} from "../tuner/core/index.js";
import { readTargetNamedByInput } from "./target.js";

export interface InitializerDeps {
  /** The Lambda API of every target (one region, one set of credentials), when targetLambda is not given. */
  lambda?: LambdaApi;
  /** The Lambda API of a run's target: its ARN's region, its targetRoleArn's credentials. */
  targetLambda?: TargetLambda;
  ddb: DocumentClient;
  config: TunerConfig;
  /** Asks whether a lock's holder still runs, and whether this run's own execution does. */
  stepFunctions?: StepFunctionsApi;
  retry?: RetryPolicy;
  newRunId?: () => string;
  /** How long to wait for a stopped run's changes to be undone before refusing, ms. @default 60000 */
  lockWaitMs?: number;
}

const DEFAULT_LOCK_WAIT_MS = 60_000;

/** Environment variable that makes each onlyColdStarts version distinct, so each alias starts cold. */
export const COLD_START_VARIABLE = "POWERTUNE_COLD_START";

/**
 * The state machine sends `{input, runId, executionArn}` (runId: the execution's name); a direct invoke sends
 * the tuning input itself, and the run gets a fresh id.
 */
export function unwrapInitializerEvent(event: unknown): {
  input: unknown;
  runId: string | undefined;
  executionArn?: string;
} {
  if (typeof event === "object" && event !== null && !("lambdaARN" in event)) {
    const { input, runId, executionArn } = event as {
      input?: unknown;
      runId?: unknown;
      executionArn?: unknown;
    };
    if (typeof runId === "string" && runId !== "" && input !== undefined) {
      return { input, runId, ...(typeof executionArn === "string" ? { executionArn } : {}) };
    }
  }
  return { input: event, runId: undefined };
}

export function createInitializer(deps: InitializerDeps) {
  const retry = deps.retry ?? DEFAULT_RETRY;
  const targetLambda = targetLambdaOf(deps);
  const stepFunctions = deps.stepFunctions;
  return async function initializer(event: unknown, context?: InvocationClock): Promise<InitializerResult> {
    const started = Date.now();
    const { input: rawInput, runId: executionName, executionArn } = unwrapInitializerEvent(event);
    const input = validateTuningInput(rawInput, deps.config.defaultPowerValues, {
      targetRoleArns: deps.config.targetRoleArns,
    });
    // onlyColdStarts (fixed num only) publishes one version per invocation of the whole run up front.
    const invocations = invocationsPerPower(input);
    // The schema accepts only ARNs that parse. A version or alias is tuned through $LATEST: every change, the
    // lock and the history name the function itself.
    const targetArn = parseTargetArn(input.lambdaARN);
    if (!targetArn) throw new Error(`lambdaARN ${input.lambdaARN} passed the schema but does not parse`);
    const { functionArn, region } = targetArn;
    const runId = executionName ?? deps.newRunId?.() ?? randomUUID();
    const lambda = targetLambda(targetAccess(functionArn, runId, input.targetRoleArn));
    const run = { ...deps, lambda };
    const named = await readTargetNamedByInput(lambda, input, targetArn);
    let target = named.latest;
    // Read before the lock is taken: a refusal here (no permission) leaves nothing to undo.
    const invokeMode =
      input.invokeMode === "auto"
        ? await invokeModeOfFunctionUrl(lambda, functionArn, targetArn.qualifier)
        : input.invokeMode;
    const table = run.config.historyTable;
    // This handler holds the lock's lease while it changes the target: no cleanup undoes the run meanwhile.
    const lease = leaseEnd(context);
    const { stale } = await acquireLock(
      run.ddb,
      table,
      {
        functionArn,
        owner: runId,
        expiresAt: Math.floor(Date.now() / 1000) + run.config.lockTtlSeconds,
        originalMemoryMb: target.memoryMb,
        originalEnvironment: target.environment,
        busyUntilMs: lease,
        ...(executionArn ? { executionArn } : {}),
      },
      {
        ...(stepFunctions ? { holderState: (arn: string) => describeRunExecution(stepFunctions, arn) } : {}),
        maxWaitMs: run.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      },
    );
    // Stopping an execution does not stop this invocation: it stops making versions for a run that has ended.
    const assertStillRunning = async () => {
      if (!stepFunctions || !executionArn) return;
      const execution = await describeRunExecution(stepFunctions, executionArn);
      if (!execution.running) throw new ExecutionNotRunningError(executionArn, execution.status);
    };

    let latestMemoryMb = target.memoryMb;
    try {
      if (stale) {
        // A run that ended without undoing (killed, stopped, timed out) left its changes: undo them, then read
        // the configuration as the user had it.
        await undoChanges(run, functionArn, stale, { restore: true });
        await clearCreated(run.ddb, table, functionArn, runId);
        target = await readTargetConfig(run.lambda, functionArn);
        latestMemoryMb = target.memoryMb;
      } else {
        // A killed run whose lock item DynamoDB's TTL already removed left no record: sweep by name and marker.
        await deleteLeftovers(run.lambda, functionArn, retry);
      }
      for (const power of input.powerValues) {
        await assertStillRunning();
        const count = input.onlyColdStarts ? invocations : 1;
        for (let i = 0; i < count; i++) {
          const alias = aliasName(power, input.onlyColdStarts ? i : undefined);
          // $LATEST already at this power (with no per-alias variable to set): publish it as it is.
          if (input.onlyColdStarts || latestMemoryMb !== power) {
            await updateTarget(
              run.lambda,
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
            run.lambda,
            functionArn,
            alias,
            versionMarker(runId),
            retry,
          );
          await recordCreated(run.ddb, table, functionArn, runId, {
            alias,
            version: published.createdByUs ? published.version : "",
          });
        }
      }
      // $LATEST goes back to the user's configuration at once; the aliases carry the power values. The
      // update finishes while the executors measure; the optimizer and the cleanup path wait for it.
      if (input.onlyColdStarts || latestMemoryMb !== target.memoryMb) {
        await startTargetUpdate(
          run.lambda,
          functionArn,
          { memoryMb: target.memoryMb, ...(input.onlyColdStarts ? { environment: target.environment } : {}) },
          retry,
        );
      }
    } catch (error) {
      await cleanupRun(run, functionArn, runId, {
        restore: true,
        lease: { untilMs: lease, heldUntilMs: lease },
      });
      throw error;
    }
    await endLease(run.ddb, table, functionArn, runId, lease);
    // A stop between the last check and endLease found the lease taken, so its cleanup left the run to this
    // handler: look once more. From here on, the cleanup a stop triggers undoes the run.
    try {
      await assertStillRunning();
    } catch (error) {
      if (error instanceof ExecutionNotRunningError) {
        await cleanupRun(run, functionArn, runId, { restore: true, lease: { untilMs: leaseEnd(context) } });
      }
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
        // What the target served: the decision compares the powers with it.
        originalMemoryMb: targetArn.qualifier === undefined ? target.memoryMb : named.servedMemoryMb,
        ...(targetArn.qualifier !== undefined ? { qualifier: targetArn.qualifier } : {}),
        ...(named.version !== undefined ? { version: named.version } : {}),
        ...(named.codeSha256 !== undefined ? { codeSha256: named.codeSha256 } : {}),
        ...(input.targetRoleArn !== undefined ? { roleArn: input.targetRoleArn } : {}),
        invokeMode,
      },
      compute: { elapsedMs: Date.now() - started, memoryMb: run.config.memoryMb },
    };
    return { tuning, sampling: startSampling(tuning) };
  };
}
