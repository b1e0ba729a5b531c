// The target's answer, whichever way it is invoked: Invoke's payload, or InvokeWithResponseStream's chunks read
// to the end of the stream, with the log tail that carries the REPORT line and the function's error if any.
import { InvokeCommand, InvokeWithResponseStreamCommand } from "@aws-sdk/client-lambda";
import type { LambdaApi } from "../tuner/aws/index.js";

const decoder = new TextDecoder();

/**
 * Bytes of a streamed response kept for the post-processor and the HTTP-status check; the rest is read and
 * dropped (a stream may be up to 200 MB, more than an executor should hold).
 */
export const MAX_KEPT_STREAM_BYTES = 1024 * 1024;

/** Eight zero bytes end the HTTP prelude of a stream written through awslambda.HttpResponseStream. */
const HTTP_PRELUDE_END = "\0".repeat(8);

export function describeFunctionError(body: string): { errorType: string; message: string } {
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

/**
 * A response like `{"statusCode": 404, …}` (API Gateway proxy integration), or a stream whose HTTP prelude says
 * so (HttpResponseStream): an error answer, not a crash.
 */
export function isHttpErrorResponse(body: string): boolean {
  if (!body.startsWith("{")) return false;
  const preludeEnd = body.indexOf(HTTP_PRELUDE_END);
  const head = preludeEnd >= 0 ? body.slice(0, preludeEnd) : body;
  try {
    const status = (JSON.parse(head) as { statusCode?: unknown }).statusCode;
    return typeof status === "number" && status >= 400;
  } catch {
    return false;
  }
}

/** The target's answer, whichever way it was invoked. */
export interface TargetResponse {
  /** The payload; for a stream, its first MAX_KEPT_STREAM_BYTES. */
  body: string;
  logResult: string | undefined;
  /** Set when the function failed: Invoke's FunctionError payload, or InvokeComplete's ErrorCode. */
  error: { errorType: string; message: string } | undefined;
}

export async function invokeBuffered(
  lambda: LambdaApi,
  functionName: string,
  payload: Uint8Array,
): Promise<TargetResponse> {
  const response = await lambda.send(
    new InvokeCommand({ FunctionName: functionName, LogType: "Tail", Payload: payload }),
  );
  const body = response.Payload ? decoder.decode(response.Payload) : "";
  return {
    body,
    logResult: response.LogResult,
    error: response.FunctionError ? describeFunctionError(body) : undefined,
  };
}

/**
 * InvokeWithResponseStream, read to the end of the stream: the REPORT line (in InvokeComplete's LogResult)
 * comes only once the function has written its last chunk, and its Duration runs to there.
 */
export async function invokeStreaming(
  lambda: LambdaApi,
  functionName: string,
  payload: Uint8Array,
): Promise<TargetResponse> {
  const response = await lambda.send(
    new InvokeWithResponseStreamCommand({ FunctionName: functionName, LogType: "Tail", Payload: payload }),
  );
  const kept: Uint8Array[] = [];
  let keptBytes = 0;
  let complete: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string } | undefined;
  for await (const event of response.EventStream ?? []) {
    const chunk = event.PayloadChunk?.Payload;
    if (chunk && keptBytes < MAX_KEPT_STREAM_BYTES) {
      const part = chunk.subarray(0, MAX_KEPT_STREAM_BYTES - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    if (event.InvokeComplete) complete = event.InvokeComplete;
  }
  return {
    body: decoder.decode(Buffer.concat(kept)),
    logResult: complete?.LogResult,
    error: complete?.ErrorCode
      ? { errorType: complete.ErrorCode, message: complete.ErrorDetails ?? complete.ErrorCode }
      : undefined,
  };
}
