// What the pure core asks the handler to do: answer at once, or run one DynamoDB command (through the
// document client) and continue with its result. Plain data and callbacks, no AWS imports.
import { CrudRequestError } from "./errors.js";
import { errorResponse, type HttpResponse, responseForRequestError } from "./http.js";

export type Attributes = Record<string, unknown>;

interface ExpressionParts {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Attributes;
}

export type DbCommand =
  | { name: "Put"; input: { TableName: string; Item: Attributes; ReturnValues?: string } & ExpressionParts }
  | {
      name: "Get";
      input: {
        TableName: string;
        Key: Attributes;
        ConsistentRead?: boolean;
        ProjectionExpression?: string;
        ExpressionAttributeNames?: Record<string, string>;
      };
    }
  | {
      name: "Update";
      input: {
        TableName: string;
        Key: Attributes;
        UpdateExpression: string;
        ReturnValues?: string;
      } & ExpressionParts;
    }
  | { name: "Delete"; input: { TableName: string; Key: Attributes; ReturnValues?: string } & ExpressionParts }
  | {
      name: "Scan";
      input: {
        TableName: string;
        Limit?: number;
        ExclusiveStartKey?: Attributes;
        ConsistentRead?: boolean;
        ProjectionExpression?: string;
        FilterExpression?: string;
        ExpressionAttributeNames?: Record<string, string>;
        ExpressionAttributeValues?: Attributes;
      };
    };

/** A command's output as the document client returns it, `$metadata` removed. */
export type DbOutput = Record<string, unknown>;

export type Plan =
  | { kind: "respond"; response: HttpResponse }
  | {
      kind: "command";
      command: DbCommand;
      onResult(output: DbOutput): Plan;
      /** What a failed ConditionExpression means to the client (409, 412 or 404). */
      onConditionFailed(): HttpResponse;
    };

export function respond(response: HttpResponse): Plan {
  return { kind: "respond", response };
}

export type SendCommand = (command: DbCommand) => Promise<DbOutput>;

/** The name and message of an error the DynamoDB client threw. */
export interface DbFailure {
  name: string;
  message: string;
}

// DynamoDB's throttling errors; the SDK already retried them, so the client should back off.
const THROTTLING_ERRORS = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
]);

/** Seconds a throttled client is asked to wait (Retry-After). */
export const THROTTLED_RETRY_AFTER_S = 1;

/**
 * Maps a DynamoDB error to the client's response. Validation errors are the client's (bad expressions,
 * reserved words, oversized items): 4xx. Anything else is ours: 500 with the request id, never a stack.
 */
export function responseForDbFailure(
  failure: DbFailure,
  onConditionFailed: () => HttpResponse,
  requestId: string,
): HttpResponse {
  if (failure.name === "ConditionalCheckFailedException") return onConditionFailed();
  if (THROTTLING_ERRORS.has(failure.name)) {
    return errorResponse(
      503,
      "THROTTLED",
      `DynamoDB is throttling requests (${failure.name}): retry after ${THROTTLED_RETRY_AFTER_S} s`,
      { "retry-after": String(THROTTLED_RETRY_AFTER_S) },
    );
  }
  if (failure.name === "ValidationException") {
    // "Item size has exceeded…" is the item; "Expression size has exceeded…" is the request, a plain 400 below.
    if (/item size (to update )?has exceeded the maximum allowed size/i.test(failure.message)) {
      return errorResponse(
        413,
        "ITEM_TOO_LARGE",
        `DynamoDB refused the item: ${failure.message}. An item may hold at most 400 KB`,
      );
    }
    if (/reserved keyword/i.test(failure.message)) {
      return errorResponse(
        400,
        "RESERVED_WORD",
        `${failure.message}: use a placeholder such as #name in the expression and map it in ExpressionAttributeNames`,
      );
    }
    return errorResponse(400, "INVALID_EXPRESSION", `DynamoDB refused the request: ${failure.message}`);
  }
  return errorResponse(
    500,
    "INTERNAL_ERROR",
    `The service failed to complete the request (${failure.name}); quote request id ${requestId} when reporting it`,
  );
}

/** Runs a plan to its response, sending each command it asks for. */
export async function runPlan(
  plan: Plan,
  send: SendCommand,
  requestId: string,
  onDbFailure: (failure: DbFailure) => void = () => {},
): Promise<HttpResponse> {
  let current = plan;
  while (current.kind === "command") {
    const step = current;
    let output: DbOutput;
    try {
      output = await send(step.command);
    } catch (error) {
      const failure = toDbFailure(error);
      onDbFailure(failure);
      return responseForDbFailure(failure, () => step.onConditionFailed(), requestId);
    }
    try {
      current = step.onResult(output);
    } catch (error) {
      if (error instanceof CrudRequestError) return responseForRequestError(error);
      throw error;
    }
  }
  return current.response;
}

function toDbFailure(error: unknown): DbFailure {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "UnknownError", message: String(error) };
}
