// Executor: invoke one power value's alias for its slice of a round and return the raw REPORT measurements,
// failed invocations included: a power that fails is measured, and the analysis marks it infeasible.
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type LambdaClient,
  waitUntilFunctionActive,
} from "@aws-sdk/client-lambda";
import {
  type InvocationClock,
  type LambdaApi,
  readPayloadObject,
  type S3Api,
  type TargetLambda,
  type TunerConfig,
  targetLambdaOf,
} from "../tuner/aws/index.js";
import {
  addTallies,
  classifyError,
  type ErrorTally,
  type ExecutorTask,
  encodePayload,
  type InvocationError,
  type InvocationReport,
  isClearlyInfeasible,
  MAX_INVOKE_PAYLOAD_BYTES,
  type Measurements,
  PayloadS3Error,
  PowerValueFailedError,
  payloadOfObject,
  payloadSlice,
  ReportLineNotFoundError,
  regionOfArn,
  reportFromLogResult,
  shortMessage,
} from "../tuner/core/index.js";
import {
  describeFunctionError,
  invokeBuffered,
  invokeStreaming,
  isHttpErrorResponse,
} from "./target-response.js";

export { isHttpErrorResponse, MAX_KEPT_STREAM_BYTES } from "./target-response.js";

/** How long to wait for a version that is not Active yet (a SnapStart version takes minutes), seconds. */
export interface ActiveWait {
  maxWaitSeconds: number;
  minDelaySeconds: number;
  maxDelaySeconds: number;
}

/** Within the executor's 15 minutes, with room to return its measurements. */
export const DEFAULT_ACTIVE_WAIT: ActiveWait = {
  maxWaitSeconds: 600,
  minDelaySeconds: 2,
  maxDelaySeconds: 20,
};

/** A serial slice stops when less than its longest invocation so far and this much time remain, ms. */
export const TIME_MARGIN_MS = 10_000;

export interface ExecutorDeps {
  /** The Lambda API of every target and processor, when targetLambda is not given. */
  lambda?: LambdaApi;
  /** The Lambda API of a task's target (its region, its run's role), and of a processor (its region, the tuner's own credentials). */
  targetLambda?: TargetLambda;
  /** Reads the object an input's payloadS3 names, with the tuner's own credentials (the bucket is the stack's). */
  s3: S3Api;
  config: Pick<TunerConfig, "memoryMb">;
  activeWait?: ActiveWait;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const decoder = new TextDecoder();

interface OneResult {
  report: InvocationReport;
  failure?: InvocationError;
  httpError: boolean;
  /** ms, the Invoke call and its processors. */
  wallMs: number;
}

/** The slice's failures by error type: the same type, kind and allowedness add up. */
function tallyFailures(results: readonly OneResult[]): ErrorTally[] {
  return results.reduce<ErrorTally[]>(
    (tallies, r) => (r.failure ? addTallies(tallies, [{ ...r.failure, count: 1 }]) : tallies),
    [],
  );
}

/**
 * Each distinct payload's bytes, made once per task: a payload read from S3 may be megabytes, and a weighted list
 * repeats the same few payloads num times. One from S3 must fit an Invoke once encoded (a raw string grows by
 * its quotes and escapes); an inline one always does, being part of a state under 256 KB.
 */
function payloadEncoder(task: ExecutorTask): (payload: unknown) => Uint8Array {
  const encoded = new Map<unknown, Uint8Array>();
  return (payload) => {
    const known = encoded.get(payload);
    if (known) return known;
    const bytes = encodePayload(payload);
    if (task.payloadS3 && bytes.length > MAX_INVOKE_PAYLOAD_BYTES) {
      throw new PayloadS3Error(
        task.payloadS3.url,
        `a payload it holds is ${bytes.length} bytes once sent as JSON, over the ${MAX_INVOKE_PAYLOAD_BYTES} bytes Lambda accepts in one Invoke: shrink it`,
      );
    }
    encoded.set(payload, bytes);
    return bytes;
  };
}

export function createExecutor(deps: ExecutorDeps) {
  const activeWait = deps.activeWait ?? DEFAULT_ACTIVE_WAIT;
  const targetLambda = targetLambdaOf(deps);
  /** The target's Lambda API: the task says its region and the role its run assumes. */
  const lambdaOf = (task: ExecutorTask) => targetLambda(task.access);
  /** A processor is the tuner's own (the stack's processorFunctionArns): its region, no role assumed. */
  const processorLambda = (task: ExecutorTask, arn: string) =>
    targetLambda({ region: regionOfArn(arn) ?? task.access.region, sessionName: task.access.sessionName });

  /**
   * A published version may be Pending for minutes (SnapStart takes its snapshot then), and an invocation of it
   * would fail: wait until it is Active, as the reference tool does (GetFunctionConfiguration, then the waiter).
   */
  async function waitUntilActive(task: ExecutorTask, qualifier: string): Promise<void> {
    const lambda = lambdaOf(task);
    const config = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: task.lambdaARN, Qualifier: qualifier }),
    );
    if (config.State !== "Pending") return;
    await waitUntilFunctionActive(
      {
        client: lambda as LambdaClient,
        maxWaitTime: activeWait.maxWaitSeconds,
        minDelay: activeWait.minDelaySeconds,
        maxDelay: activeWait.maxDelaySeconds,
      },
      { FunctionName: task.lambdaARN, Qualifier: qualifier },
    );
  }

  async function invokeProcessor(
    task: ExecutorTask,
    arn: string,
    payload: Uint8Array,
    role: string,
  ): Promise<string> {
    const power = task.power;
    const response = await processorLambda(task, arn)
      .send(new InvokeCommand({ FunctionName: arn, Payload: payload }))
      .catch((error: Error) => {
        // Throttling keeps its name for the state's Retry; anything else (a missing function, no permission)
        // is the input's processor ARN at fault: say which field.
        if (error.name === "TooManyRequestsException") throw error;
        const field = role === "pre-processor" ? "preProcessorARN" : "postProcessorARN";
        throw new PowerValueFailedError(
          power,
          `${field} ${arn} could not be invoked: ${error.name}: ${error.message}`,
        );
      });
    const body = response.Payload ? decoder.decode(response.Payload) : "";
    if (response.FunctionError) {
      const { errorType, message } = describeFunctionError(body);
      throw new PowerValueFailedError(power, `${role} ${arn} failed with ${errorType}: ${message}`);
    }
    return body;
  }

  /** @param payload the invocation's payload, encoded (see payloadEncoder). */
  async function invokeOnce(task: ExecutorTask, qualifier: string, payload: Uint8Array): Promise<OneResult> {
    const started = Date.now();
    let targetPayload = payload;
    if (task.preProcessorARN) {
      const processed = await invokeProcessor(task, task.preProcessorARN, payload, "pre-processor");
      // The pre-processor's result is the payload; a JSON result is sent as that JSON.
      if (processed !== "") targetPayload = encodePayload(processed);
    }
    const functionName = `${task.lambdaARN}:${qualifier}`;
    const lambda = lambdaOf(task);
    const response =
      task.invokeMode === "RESPONSE_STREAM"
        ? await invokeStreaming(lambda, functionName, targetPayload)
        : await invokeBuffered(lambda, functionName, targetPayload);
    const { body } = response;
    const report = reportFromLogResult(response.logResult);
    if (!report) throw new ReportLineNotFoundError(functionName);
    let failure: InvocationError | undefined;
    if (response.error) {
      const { errorType, message } = response.error;
      failure = {
        errorType,
        kind: classifyError(errorType, message, report),
        allowed: task.allowedExceptions.includes(errorType),
        // A function's error message may quote its input: with disablePayloadLogs only the type is kept.
        message: task.disablePayloadLogs ? "" : shortMessage(message),
      };
    }
    // A failure not allowed makes the power infeasible: what a post-processor would make of it is moot.
    if (task.postProcessorARN && (!failure || failure.allowed)) {
      // It gets the function's response as the function answered (a JSON text is sent as it is), as in the
      // reference tool.
      await invokeProcessor(
        task,
        task.postProcessorARN,
        encodePayload(body === "" ? {} : body),
        "post-processor",
      );
    }
    return {
      report,
      ...(failure ? { failure } : {}),
      httpError: !response.error && isHttpErrorResponse(body),
      wallMs: Date.now() - started,
    };
  }

  /**
   * The slice's invocations. Serially, it stops early once the power is clearly infeasible (one timeout is
   * enough by default: nine more would cost nine more timeouts, and could outlast the executor), or when the
   * executor's remaining time would not cover another invocation; the next round continues where it stopped.
   */
  async function invokeSlice(
    task: ExecutorTask,
    payload: unknown,
    clock: InvocationClock | undefined,
  ): Promise<{ results: OneResult[]; stoppedEarly?: string }> {
    // Every power's k-th invocation gets the k-th payload of the same sequence, whichever round it falls in.
    const encode = payloadEncoder(task);
    const payloads = payloadSlice(payload, task.sequenceLength, task.offset, task.num).map(encode);
    const qualifierFor = (i: number) => task.qualifiers[i % task.qualifiers.length] ?? `RAM${task.power}`;
    if (task.parallelInvocation) {
      const qualifiers = [...new Set(payloads.map((_, i) => qualifierFor(i)))];
      await Promise.all(qualifiers.map((q) => waitUntilActive(task, q)));
      return { results: await Promise.all(payloads.map((p, i) => invokeOnce(task, qualifierFor(i), p))) };
    }
    const results: OneResult[] = [];
    const ready = new Set<string>();
    for (const [i, payload] of payloads.entries()) {
      if (i > 0 && task.sleepBetweenRunsMs > 0) await sleep(task.sleepBetweenRunsMs);
      const longest = Math.max(0, ...results.map((r) => r.wallMs));
      if (i > 0 && clock && clock.getRemainingTimeInMillis() < longest + TIME_MARGIN_MS) return { results };
      const qualifier = qualifierFor(i);
      if (!ready.has(qualifier)) {
        await waitUntilActive(task, qualifier);
        ready.add(qualifier);
      }
      results.push(await invokeOnce(task, qualifier, payload));
      const last = i === payloads.length - 1;
      if (!last && isClearlyInfeasible(tallyFailures(results), results.length, task.maxErrorRate)) {
        return {
          results,
          stoppedEarly: `its executor stopped after ${results.length} of the round's ${payloads.length} invocations`,
        };
      }
    }
    return { results };
  }

  /** The task's payload: inline, or read from S3 once per task (never per invocation), as `payload` would be. */
  async function taskPayload(task: ExecutorTask): Promise<unknown> {
    if (!task.payloadS3) return task.payload;
    const text = await readPayloadObject(deps.s3, task.payloadS3.url);
    return payloadOfObject(text, task.payloadS3, task.sequenceLength);
  }

  return async function executor(task: ExecutorTask, clock?: InvocationClock): Promise<Measurements> {
    const started = Date.now();
    const { results, stoppedEarly } = await invokeSlice(task, await taskPayload(task), clock);
    return {
      power: task.power,
      durationMs: results.map((r) => r.report.durationMs),
      // SnapStart's restore is billed at the duration price, on top of Billed Duration.
      billedMs: results.map((r) => r.report.billedMs + r.report.billedRestoreMs),
      initMs: results.map((r) => r.report.initMs + r.report.restoreMs),
      maxMemoryUsedMb: results.map((r) => r.report.maxMemoryUsedMb),
      httpErrorResponses: results.filter((r) => r.httpError).length,
      allowedErrors: results.filter((r) => r.failure?.allowed).length,
      errors: tallyFailures(results),
      ...(stoppedEarly ? { stoppedEarly } : {}),
      ...(task.compared ? { compared: true as const } : {}),
      compute: { elapsedMs: Date.now() - started, memoryMb: deps.config.memoryMb },
    };
  };
}
