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
  invokeModeOfFunctionUrl,
  type LambdaApi,
  type LockItem,
  leaseEnd,
  publishAndAlias,
  type RetryPolicy,
  readTargetConfig,
  recordCreated,
  type StepFunctionsApi,
  startTargetUpdate,
  type TargetConfig,
  type TargetLambda,
  type TunerConfig,
  targetLambdaOf,
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
  parseTargetArn,
  regionOfArn,
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
    /** Takes a function's lock for this run, with its configuration as the snapshot to put back. */
    const takeLock = (arn: string, config: TargetConfig) =>
      acquireLock(
        run.ddb,
        table,
        {
          functionArn: arn,
          owner: runId,
          expiresAt: Math.floor(Date.now() / 1000) + run.config.lockTtlSeconds,
          originalMemoryMb: config.memoryMb,
          originalEnvironment: config.environment,
          busyUntilMs: lease,
          ...(executionArn ? { executionArn } : {}),
        },
        {
          ...(stepFunctions ? { holderState: (a: string) => describeRunExecution(stepFunctions, a) } : {}),
          maxWaitMs: run.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
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
      api: LambdaApi,
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
              api,
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
          const published = await publishAndAlias(api, arn, alias, versionMarker(runId), retry);
          await record?.({ alias, version: published.createdByUs ? published.version : "" });
        }
      }
      // $LATEST goes back to the user's configuration at once; the aliases carry the power values. The
      // update finishes while the executors measure; the optimizer and the cleanup path wait for it. A
      // temporary copy (no record) is deleted whole instead.
      if (record && (input.onlyColdStarts || latestMemoryMb !== config.memoryMb)) {
        await startTargetUpdate(
          api,
          arn,
          { memoryMb: config.memoryMb, ...(input.onlyColdStarts ? { environment: config.environment } : {}) },
          retry,
        );
      }
    };
    /** Undoes what an ended run left on a function just locked; returns its configuration as the user had it. */
    const sweep = async (
      deps: typeof run,
      arn: string,
      config: TargetConfig,
      held: { stale?: LockItem },
    ): Promise<TargetConfig> => {
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

    // compareWith: reached in its own region, through the same targetRoleArn (so in that role's account).
    const secondArn = input.compareWith;
    const secondRun = secondArn
      ? { ...deps, lambda: targetLambda(targetAccess(secondArn, runId, input.targetRoleArn)) }
      : undefined;
    let secondLocked = false;
    let comparison: ComparisonContext | undefined;
    const undoAll = async (untilMs: number, heldUntilMs?: number) => {
      const options = {
        restore: true,
        lease: { untilMs, ...(heldUntilMs !== undefined ? { heldUntilMs } : {}) },
      };
      await cleanupRun(run, functionArn, runId, options);
      if (secondArn && secondRun && secondLocked) await cleanupRun(secondRun, secondArn, runId, options);
    };
    try {
      target = await sweep(run, functionArn, target, stale ? { stale } : {});
      let second: TargetConfig | undefined;
      if (secondArn && secondRun) {
        const secondTarget = parseTargetArn(secondArn);
        if (!secondTarget) throw new Error(`compareWith ${secondArn} passed the schema but does not parse`);
        second = (
          await readTargetNamedByInput(
            secondRun.lambda,
            { ...input, lambdaARN: secondArn },
            secondTarget,
            "compareWith",
          )
        ).latest;
        // The second function is changed as the first is, so it is locked the same way (after the first: two
        // runs that compare the same pair wait on the first lock, not on each other's second).
        const secondHeld = await takeLock(secondArn, second);
        secondLocked = true;
        second = await sweep(secondRun, secondArn, second, secondHeld);
      }
      await publishPowers(run.lambda, functionArn, target, (resource) =>
        recordCreated(run.ddb, table, functionArn, runId, resource),
      );
      if (secondArn && secondRun && second) {
        await publishPowers(secondRun.lambda, secondArn, second, (resource) =>
          recordCreated(run.ddb, table, secondArn, runId, resource),
        );
        const labels = functionLabels(functionArn, target.functionName, secondArn, second.functionName);
        comparison = {
          kind: "functions",
          firstLabel: labels.firstLabel,
          second: {
            functionArn: secondArn,
            functionName: second.functionName,
            region: regionOfArn(secondArn) ?? region,
            architecture: second.architecture,
            originalMemoryMb: second.memoryMb,
            ...(input.targetRoleArn !== undefined ? { roleArn: input.targetRoleArn } : {}),
            label: labels.secondLabel,
          },
        };
      }
      if (input.architectures) {
        const other: Architecture = target.architecture === "arm64" ? "x86_64" : "arm64";
        await assertStillRunning();
        // The copy is the run's own: the first function's lock covers it, and every cleanup of that function
        // deletes it (found by its name and marker), so nothing needs recording. It is made from $LATEST,
        // which runs a version or alias target's code too (see target.ts).
        const copyArn = await createArchitectureCopy(run.lambda, functionArn, other, runId, retry);
        const copy = await readTargetConfig(run.lambda, copyArn);
        await publishPowers(run.lambda, copyArn, copy, null);
        comparison = {
          kind: "architectures",
          firstLabel: target.architecture,
          second: {
            functionArn: copyArn,
            functionName: copy.functionName,
            region,
            architecture: other,
            originalMemoryMb: copy.memoryMb,
            ...(input.targetRoleArn !== undefined ? { roleArn: input.targetRoleArn } : {}),
            label: other,
            copyOf: functionArn,
          },
        };
      }
    } catch (error) {
      await undoAll(lease, lease);
      throw error;
    }
    await endLease(run.ddb, table, functionArn, runId, lease);
    if (secondArn) await endLease(run.ddb, table, secondArn, runId, lease);
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
        // What the target served: the decision compares the powers with it.
        originalMemoryMb: targetArn.qualifier === undefined ? target.memoryMb : named.servedMemoryMb,
        ...(targetArn.qualifier !== undefined ? { qualifier: targetArn.qualifier } : {}),
        ...(named.version !== undefined ? { version: named.version } : {}),
        ...(named.codeSha256 !== undefined ? { codeSha256: named.codeSha256 } : {}),
        ...(input.targetRoleArn !== undefined ? { roleArn: input.targetRoleArn } : {}),
        invokeMode,
      },
      ...(comparison ? { comparison } : {}),
      compute: { elapsedMs: Date.now() - started, memoryMb: run.config.memoryMb },
    };
    return { tuning, sampling: startSampling(tuning) };
  };
}
