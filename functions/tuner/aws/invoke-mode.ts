// How the target answers: Lambda has no function-level invoke mode, only a function URL's InvokeMode. A function
// whose URL streams (RESPONSE_STREAM) is measured with InvokeWithResponseStream, to the end of its stream.
import { GetFunctionUrlConfigCommand, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import type { ResolvedInvokeMode } from "../core/index.js";
import type { LambdaApi } from "./lambda-ops.js";

/**
 * RESPONSE_STREAM when the function's URL has InvokeMode RESPONSE_STREAM; BUFFERED when it has none or buffers.
 * A qualified target's own URL (an alias's) comes first, then the function's.
 */
export async function invokeModeOfFunctionUrl(
  lambda: LambdaApi,
  functionArn: string,
  qualifier?: string,
): Promise<ResolvedInvokeMode> {
  for (const Qualifier of qualifier === undefined ? [undefined] : [qualifier, undefined]) {
    try {
      const config = await lambda.send(
        new GetFunctionUrlConfigCommand({ FunctionName: functionArn, Qualifier }),
      );
      return config.InvokeMode === "RESPONSE_STREAM" ? "RESPONSE_STREAM" : "BUFFERED";
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
  return "BUFFERED";
}
