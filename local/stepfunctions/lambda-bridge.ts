// Runs a definition's Lambda tasks through an explicit Lambda client (the local cloud's endpoint), for both
// a plain function-ARN `Resource` and the optimized `arn:aws:states:::lambda:invoke` integration, which the
// library alone would try to invoke as if it were a function ARN.
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from "@aws-sdk/client-lambda";

export const LAMBDA_INVOKE_INTEGRATION = "arn:aws:states:::lambda:invoke";

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type TaskHandler = (input: JsonValue) => Promise<JsonValue>;

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
    // Service errors surface as Lambda.<Code>, as Step Functions names them (e.g. Lambda.TooManyRequestsException).
    const err = error as Error;
    throw new TaskFailedError(`Lambda.${err.name}`, err.message);
  }
  const text = response.Payload === undefined ? "" : new TextDecoder().decode(response.Payload);
  let parsed: JsonValue = null;
  if (text !== "") {
    try {
      parsed = JSON.parse(text) as JsonValue;
    } catch {
      parsed = text;
    }
  }
  if (response.FunctionError !== undefined) {
    const body = (parsed ?? {}) as { errorType?: string };
    throw new TaskFailedError(body.errorType ?? "Lambda.Unknown", text);
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
        const params = (input ?? {}) as { FunctionName?: string; Payload?: JsonValue; Qualifier?: string };
        if (typeof params.FunctionName !== "string") {
          throw new TaskFailedError(
            "States.Runtime",
            `${name}: Parameters.FunctionName is required for lambda:invoke`,
          );
        }
        const result = await invoke(client, params.FunctionName, params.Payload, params.Qualifier);
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
