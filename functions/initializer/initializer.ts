// Initializer: validate the input, take the lock, snapshot $LATEST, create one version + alias per power value,
// and plan the first round of measurements.
import { randomUUID } from "node:crypto";
import {
  acquireLock,
  cleanupRun,
  clearCreated,
  createArchitectureCopy,
  DEFAULT_RETRY,
  type DocumentClient,
  deleteArchitectureCopies,
  deleteLeftovers,
  describeRunExecution,
  endLease,
  type InvocationClock,
  type LambdaApi,
  type LockItem,
  leaseEnd,
  publishAndAlias,
  type RetryPolicy,
  readTargetConfig,
  recordCreated,
  type StepFunctionsApi,
  startTargetUpdate,
  type TunerConfig,
  undoChanges,
  updateTarget,
  versionMarker,
} from "../tuner/aws/index.js";
import {
  type Architecture,
  aliasName,
  type ComparisonContext,
  ExecutionNotRunningError,
  type InitializerResult,
  invocationsPerPower,
  startSampling,
  type TuningContext,
  validateTuningInput,
} from "../tuner/core/index.js";
import { readTargetNamedByInput, type TargetConfig } from "./target.js";

export interface InitializerDeps {
  lambda: LambdaApi;
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

/** How the output names two compared functions: by name, or by ARN when the names match (two accounts or regions). */
export function functionLabels(
  firstArn: string,
  firstName: string,
  secondArn: string,
  secondName: string,
): { firstLabel: string; secondLabel: string } {
  return firstName === secondName
    ? { firstLabel: firstArn, secondLabel: secondArn }
    : { firstLabel: firstName, secondLabel: secondName };
}

export function createInitializer(deps: InitializerDeps) {
  const retry = deps.retry ?? DEFAULT_RETRY;
  const stepFunctions = deps.stepFunctions;
  return async function initializer(event: unknown, context?: InvocationClock): Promise<InitializerResult> {
    const started = Date.now();
    const { input: rawInput, runId: executionName, executionArn } = unwrapInitializerEvent(event);
    const input = validateTuningInput(rawInput, deps.config.defaultPowerValues);
    // onlyColdStarts (fixed num only) publishes one version per invocation of the whole run up front.
    const invocations = invocationsPerPower(input);
    const functionArn = input.lambdaARN;
    const region = functionArn.split(":")[3] ?? "us-east-1";
    let target = await readTargetNamedByInput(deps.lambda, functionArn);
    const runId = executionName ?? deps.newRunId?.() ?? randomUUID();
    const table = deps.config.historyTable;
    // This handler holds the lock's lease while it changes the target: no cleanup undoes the run meanwhile.
    const lease = leaseEnd(context);
    /** Takes a function's lock for this run, with its configuration as the snapshot to put back. */
    const takeLock = (arn: string, config: TargetConfig) =>
      acquireLock(
        deps.ddb,
        table,
        {
          functionArn: arn,
          owner: runId,
          expiresAt: Math.floor(Date.now() / 1000) + deps.config.lockTtlSeconds,
          originalMemoryMb: config.memoryMb,
          originalEnvironment: config.environment,
          busyUntilMs: lease,
          ...(executionArn ? { executionArn } : {}),
        },
        {
          ...(stepFunctions ? { holderState: (a: string) => describeRunExecution(stepFunctions, a) } : {}),
          maxWaitMs: deps.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
        },
      );
    const { stale } = await takeLock(functionArn, target);
    // Stopping an execution does not stop this invocation: it stops making versions for a run that has ended.
    const assertStillRunning = async () => {
      if (!stepFunctions || !executionArn) return;
      const execution = await describeRunExecution(stepFunctions, executionArn);
      if (!execution.running) throw new ExecutionNotRunningError(executionArn, execution.status);
    };

    /** Versions and aliases of every power on one function; `record` notes each in its lock first. */
    const publishPowers = async (
      arn: string,
      config: TargetConfig,
      record: ((resource: { alias: string; version: string }) => Promise<void>) | null,
    ) => {
      let latestMemoryMb = config.memoryMb;
      for (const power of input.powerValues) {
        await assertStillRunning();
        const count = input.onlyColdStarts ? invocations : 1;
        for (let i = 0; i < count; i++) {
          const alias = aliasName(power, input.onlyColdStarts ? i : undefined);
          // $LATEST already at this power (with no per-alias variable to set): publish it as it is.
          if (input.onlyColdStarts || latestMemoryMb !== power) {
            await updateTarget(
              deps.lambda,
              arn,
              input.onlyColdStarts
                ? {
                    memoryMb: power,
                    environment: { ...(config.environment ?? {}), [COLD_START_VARIABLE]: alias },
                  }
                : { memoryMb: power },
              retry,
            );
            latestMemoryMb = power;
          }
          const published = await publishAndAlias(deps.lambda, arn, alias, versionMarker(runId), retry);
          await record?.({ alias, version: published.createdByUs ? published.version : "" });
        }
      }
      // $LATEST goes back to the user's configuration at once; the aliases carry the power values. The
      // update finishes while the executors measure; the optimizer and the cleanup path wait for it.
      if (record && (input.onlyColdStarts || latestMemoryMb !== config.memoryMb)) {
        await startTargetUpdate(
          deps.lambda,
          arn,
          { memoryMb: config.memoryMb, ...(input.onlyColdStarts ? { environment: config.environment } : {}) },
          retry,
        );
      }
    };
    /** Takes a function's lock and undoes what an ended run left on it; returns its configuration as the user had it. */
    const lockAndSweep = async (arn: string, config: TargetConfig, held: { stale?: LockItem }) => {
      if (held.stale) {
        // A run that ended without undoing (killed, stopped, timed out) left its changes: undo them, then read
        // the configuration as the user had it.
        await undoChanges(deps, arn, held.stale, { restore: true });
        await clearCreated(deps.ddb, table, arn, runId);
        return readTargetConfig(deps.lambda, arn);
      }
      // A killed run whose lock item DynamoDB's TTL already removed left no record: sweep by name and marker.
      await deleteLeftovers(deps.lambda, arn, retry);
      await deleteArchitectureCopies(deps.lambda, arn, retry);
      return config;
    };
    const secondArn = input.compareWith;
    let secondLocked = false;
    let comparison: ComparisonContext | undefined;
    const undoAll = async (untilMs: number, heldUntilMs?: number) => {
      const lease = { untilMs, ...(heldUntilMs !== undefined ? { heldUntilMs } : {}) };
      await cleanupRun(deps, functionArn, runId, { restore: true, lease });
      if (secondArn && secondLocked) await cleanupRun(deps, secondArn, runId, { restore: true, lease });
    };
    try {
      target = await lockAndSweep(functionArn, target, { ...(stale ? { stale } : {}) });
      let second: TargetConfig | undefined;
      if (secondArn) {
        second = await readTargetNamedByInput(deps.lambda, secondArn, "compareWith");
        // The second function is changed as the first is, so it is locked the same way (after the first: two
        // runs that compare the same pair wait on the first lock, not on each other's second).
        const secondHeld = await takeLock(secondArn, second);
        secondLocked = true;
        second = await lockAndSweep(secondArn, second, secondHeld);
      }
      await publishPowers(functionArn, target, (resource) =>
        recordCreated(deps.ddb, table, functionArn, runId, resource),
      );
      if (secondArn && second) {
        await publishPowers(secondArn, second, (resource) =>
          recordCreated(deps.ddb, table, secondArn, runId, resource),
        );
        const labels = functionLabels(functionArn, target.functionName, secondArn, second.functionName);
        comparison = {
          kind: "functions",
          firstLabel: labels.firstLabel,
          second: {
            functionArn: secondArn,
            functionName: second.functionName,
            region: secondArn.split(":")[3] ?? region,
            architecture: second.architecture,
            originalMemoryMb: second.memoryMb,
            label: labels.secondLabel,
          },
        };
      }
      if (input.architectures) {
        const other: Architecture = target.architecture === "arm64" ? "x86_64" : "arm64";
        await assertStillRunning();
        // The copy is the run's own: the first function's lock covers it, and every cleanup of that function
        // deletes it (found by its name and marker), so nothing needs recording.
        const copyArn = await createArchitectureCopy(deps.lambda, functionArn, other, runId, retry);
        const copy = await readTargetConfig(deps.lambda, copyArn);
        await publishPowers(copyArn, copy, null);
        comparison = {
          kind: "architectures",
          firstLabel: target.architecture,
          second: {
            functionArn: copyArn,
            functionName: copy.functionName,
            region,
            architecture: other,
            originalMemoryMb: copy.memoryMb,
            label: other,
            copyOf: functionArn,
          },
        };
      }
    } catch (error) {
      await undoAll(lease, lease);
      throw error;
    }
    await endLease(deps.ddb, table, functionArn, runId, lease);
    if (secondArn) await endLease(deps.ddb, table, secondArn, runId, lease);
    // A stop between the last check and endLease found the lease taken, so its cleanup left the run to this
    // handler: look once more. From here on, the cleanup a stop triggers undoes the run.
    try {
      await assertStillRunning();
    } catch (error) {
      if (error instanceof ExecutionNotRunningError) await undoAll(leaseEnd(context));
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
      ...(comparison ? { comparison } : {}),
      compute: { elapsedMs: Date.now() - started, memoryMb: deps.config.memoryMb },
    };
    return { tuning, sampling: startSampling(tuning) };
  };
}
