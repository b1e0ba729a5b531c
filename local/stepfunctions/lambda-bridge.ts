// Runs a definition's Lambda tasks through an explicit Lambda client (the local cloud's endpoint), for both
// a plain function-ARN `Resource` and the optimized `arn:aws:states:::lambda:invoke` integration, which the
// library alone would try to invoke as if it were a function ARN.
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from "@aws-sdk/client-lambda";
import type { JsonValue } from "./json.js";

export const LAMBDA_INVOKE_INTEGRATION = "arn:aws:states:::lambda:invoke";

export type TaskHandler = (input: JsonValue) => Promise<JsonValue>;

type JsonObject = { [key: string]: JsonValue };

function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A member of a JSON object if it is a string; undefined otherwise. */
function stringMember(value: JsonValue | undefined, key: string): string | undefined {
  const member = isJsonObject(value) ? value[key] : undefined;
  return typeof member === "string" ? member : undefined;
}

interface StateDefinition {
  Type?: string;
  Resource?: string;
  Iterator?: { States?: Record<string, StateDefinition> };
  ItemProcessor?: { States?: Record<string, StateDefinition> };
  Branches?: Array<{ States?: Record<string, StateDefinition> }>;
}

/** A task failure carrying the error name Retry/Catch match on and the cause Step Functions reports. */
export class TaskFailedError extends Error {
  constructor(errorName: string, cause: string) {
    super(cause);
    this.name = errorName;
  }
}

/** Every Task state (nested Map iterators and Parallel branches included) with its Resource. */
export function collectTaskStates(states: Record<string, StateDefinition> | undefined): Map<string, string> {
  const tasks = new Map<string, string>();
  for (const [name, state] of Object.entries(states ?? {})) {
    if (state.Type === "Task" && typeof state.Resource === "string") tasks.set(name, state.Resource);
    for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) {
      for (const [innerName, resource] of collectTaskStates(nested?.States)) tasks.set(innerName, resource);
    }
  }
  return tasks;
}

/**
 * Step Functions' name for a failed Invoke: Lambda.<Code> when the service answered with an error (e.g.
 * Lambda.TooManyRequestsException), Lambda.SdkClientException when no answer came back (a connection reset,
 * a socket closed under the request), which the tuner's Retry covers as it would on AWS.
 */
export function lambdaErrorName(error: Error): string {
  const answered = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return answered === undefined ? "Lambda.SdkClientException" : `Lambda.${error.name}`;
}

async function invoke(
  client: LambdaClient,
  functionName: string,
  payload: JsonValue | undefined,
  qualifier?: string,
): Promise<{ payload: JsonValue; executedVersion: string | undefined; statusCode: number | undefined }> {
  let response: InvokeCommandOutput;
  try {
    response = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(payload ?? {})),
        ...(qualifier !== undefined ? { Qualifier: qualifier } : {}),
      }),
    );
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    throw new TaskFailedError(lambdaErrorName(err), err.message);
  }
  const text = response.Payload === undefined ? "" : new TextDecoder().decode(response.Payload);
  let parsed: JsonValue = null;
  if (text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (response.FunctionError !== undefined) {
    throw new TaskFailedError(stringMember(parsed, "errorType") ?? "Lambda.Unknown", text);
  }
  return { payload: parsed, executedVersion: response.ExecutedVersion, statusCode: response.StatusCode };
}

/** Local handlers for every Lambda task of a definition, keyed by state name (names are unique machine-wide). */
export function lambdaTaskHandlers(
  definition: { States?: Record<string, StateDefinition> },
  client: LambdaClient,
): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};
  for (const [name, resource] of collectTaskStates(definition.States)) {
    if (resource.startsWith("arn:aws:lambda:")) {
      handlers[name] = async (input) => (await invoke(client, resource, input)).payload;
    } else if (resource === LAMBDA_INVOKE_INTEGRATION) {
      handlers[name] = async (input) => {
        const functionName = stringMember(input, "FunctionName");
        if (functionName === undefined) {
          throw new TaskFailedError(
            "States.Runtime",
            `${name}: Parameters.FunctionName is required for lambda:invoke`,
          );
        }
        const payload = isJsonObject(input) ? input.Payload : undefined;
        const result = await invoke(client, functionName, payload, stringMember(input, "Qualifier"));
        return {
          ExecutedVersion: result.executedVersion ?? "$LATEST",
          Payload: result.payload,
          StatusCode: result.statusCode ?? 200,
        };
      };
    } else {
      handlers[name] = async () => {
        throw new TaskFailedError(
          "States.TaskFailed",
          `${name}: resource ${resource} is not emulated by the local cloud (Lambda functions and lambda:invoke are)`,
        );
      };
    }
  }
  return handlers;
}
