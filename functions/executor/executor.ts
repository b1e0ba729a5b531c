// Executor: invoke one power value's alias for its slice of a round and return the raw REPORT measurements.
import { InvokeCommand } from "@aws-sdk/client-lambda";
import type { LambdaApi, TunerConfig } from "../tuner/aws/index.js";
import {
  type ExecutorTask,
  type InvocationReport,
  type Measurements,
  PowerValueFailedError,
  payloadSlice,
  ReportLineNotFoundError,
  reportFromLogResult,
} from "../tuner/core/index.js";

export interface ExecutorDeps {
  lambda: LambdaApi;
  config: Pick<TunerConfig, "memoryMb">;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const decoder = new TextDecoder();

/** A string payload is sent as is (it is taken to be JSON already), anything else as JSON; none as `{}`. */
function encodePayload(payload: unknown): Uint8Array {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload ?? {});
  return new TextEncoder().encode(text);
}

function describeFunctionError(body: string): { errorType: string; message: string } {
  try {
    const parsed = JSON.parse(body) as { errorType?: unknown; errorMessage?: unknown };
    return {
      errorType: typeof parsed.errorType === "string" ? parsed.errorType : "Unhandled",
      message: typeof parsed.errorMessage === "string" ? parsed.errorMessage : body,
    };
  } catch {
    return { errorType: "Unhandled", message: body };
  }
}

interface OneResult {
  report: InvocationReport;
  allowedError: boolean;
  httpError: boolean;
}

/** A response like `{"statusCode": 404, …}` (API Gateway proxy integration): an error answer, not a crash. */
export function isHttpErrorResponse(body: string): boolean {
  if (!body.startsWith("{")) return false;
  try {
    const status = (JSON.parse(body) as { statusCode?: unknown }).statusCode;
    return typeof status === "number" && status >= 400;
  } catch {
    return false;
  }
}

export function createExecutor(deps: ExecutorDeps) {
  async function invokeProcessor(
    arn: string,
    payload: unknown,
    power: number,
    role: string,
  ): Promise<string> {
    const response = await deps.lambda
      .send(new InvokeCommand({ FunctionName: arn, Payload: encodePayload(payload) }))
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

  async function invokeOnce(task: ExecutorTask, qualifier: string, payload: unknown): Promise<OneResult> {
    let targetPayload: unknown = payload;
    if (task.preProcessorARN) {
      const processed = await invokeProcessor(task.preProcessorARN, payload, task.power, "pre-processor");
      // The pre-processor's result is the payload; a JSON result is sent as that JSON.
      targetPayload = processed === "" ? payload : processed;
    }
    const functionName = `${task.lambdaARN}:${qualifier}`;
    const response = await deps.lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        LogType: "Tail",
        Payload: encodePayload(targetPayload),
      }),
    );
    const body = response.Payload ? decoder.decode(response.Payload) : "";
    let allowedError = false;
    if (response.FunctionError) {
      const { errorType, message } = describeFunctionError(body);
      if (!task.allowedExceptions.includes(errorType)) {
        const payloadNote = task.disablePayloadLogs ? "" : ` (payload ${JSON.stringify(targetPayload)})`;
        throw new PowerValueFailedError(task.power, `${errorType}: ${message}${payloadNote}`);
      }
      allowedError = true;
    }
    const report = reportFromLogResult(response.LogResult);
    if (!report) throw new ReportLineNotFoundError(functionName);
    if (task.postProcessorARN) {
      await invokeProcessor(
        task.postProcessorARN,
        body === "" ? {} : JSON.parse(body),
        task.power,
        "post-processor",
      );
    }
    return { report, allowedError, httpError: !response.FunctionError && isHttpErrorResponse(body) };
  }

  return async function executor(task: ExecutorTask): Promise<Measurements> {
    const started = Date.now();
    // Every power's k-th invocation gets the k-th payload of the same sequence, whichever round it falls in.
    const payloads = payloadSlice(task.payload, task.sequenceLength, task.offset, task.num);
    const qualifierFor = (i: number) => task.qualifiers[i % task.qualifiers.length] ?? `RAM${task.power}`;
    let results: OneResult[];
    if (task.parallelInvocation) {
      results = await Promise.all(payloads.map((p, i) => invokeOnce(task, qualifierFor(i), p)));
    } else {
      results = [];
      for (let i = 0; i < payloads.length; i++) {
        if (i > 0 && task.sleepBetweenRunsMs > 0) await sleep(task.sleepBetweenRunsMs);
        results.push(await invokeOnce(task, qualifierFor(i), payloads[i]));
      }
    }
    return {
      power: task.power,
      durationMs: results.map((r) => r.report.durationMs),
      billedMs: results.map((r) => r.report.billedMs),
      initMs: results.map((r) => r.report.initMs + r.report.restoreMs),
      maxMemoryUsedMb: results.map((r) => r.report.maxMemoryUsedMb),
      httpErrorResponses: results.filter((r) => r.httpError).length,
      allowedErrors: results.filter((r) => r.allowedError).length,
      compute: { elapsedMs: Date.now() - started, memoryMb: deps.config.memoryMb },
    };
  };
}
