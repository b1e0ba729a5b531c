// The seeds' dispatcher protocol: POST /DynamoDBManager with {"operation", "tableName", "payload"}.
// Responses mirror what the document client returns (`read` → {"Item": {...}}), `$metadata` removed.
import type { CrudConfig } from "./config.js";
import { CrudRequestError } from "./errors.js";
import {
  describeType,
  errorResponse,
  type HttpRequest,
  type HttpResponse,
  isPlainObject,
  jsonResponse,
  parseJsonObjectBody,
} from "./http.js";
import { type Attributes, type DbCommand, type DbOutput, type Plan, respond } from "./plan.js";
import {
  invalid,
  rejectUnknownKeys,
  validateAttributeNames,
  validateAttributeValues,
  validateBoolean,
  validateChoice,
  validateExpression,
  validateItem,
  validateKey,
  validateLimit,
} from "./validate.js";

export const OPERATIONS = ["create", "read", "update", "delete", "list", "echo", "ping"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** DynamoDB's own Scan page limit is 1 MB; a page of more than this many items is refused up front. */
export const MAX_LIST_LIMIT = 1000;

const RETURN_VALUES_UPDATE = ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"] as const;
const RETURN_VALUES_PUT_DELETE = ["NONE", "ALL_OLD"] as const;

const PAYLOAD_KEYS: Record<Exclude<Operation, "echo" | "ping">, readonly string[]> = {
  create: [
    "Item",
    "ConditionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnValues",
  ],
  read: ["Key", "ProjectionExpression", "ExpressionAttributeNames", "ConsistentRead"],
  update: [
    "Key",
    "UpdateExpression",
    "ConditionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnValues",
  ],
  delete: [
    "Key",
    "ConditionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnValues",
  ],
  list: [
    "Limit",
    "ExclusiveStartKey",
    "ProjectionExpression",
    "FilterExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ConsistentRead",
  ],
};

export function planDispatch(request: HttpRequest, config: CrudConfig): Plan {
  const body = parseJsonObjectBody(request.body);
  rejectUnknownKeys(body, ["operation", "tableName", "payload"], "body");

  const operation = body.operation;
  if (operation === undefined) {
    throw new CrudRequestError(
      400,
      "MISSING_OPERATION",
      `operation is missing: give one of ${OPERATIONS.join(", ")}`,
    );
  }
  if (typeof operation !== "string" || !OPERATIONS.includes(operation as Operation)) {
    throw new CrudRequestError(
      400,
      "UNKNOWN_OPERATION",
      `operation ${JSON.stringify(operation)} is not supported: give one of ${OPERATIONS.join(", ")}`,
    );
  }
  const op = operation as Operation;

  checkTableName(body.tableName, config.tableName, op === "echo" || op === "ping");

  if (op === "ping") return respond(jsonResponse(200, "pong"));
  if (op === "echo") return respond(jsonResponse(200, body.payload ?? null));

  const payload = body.payload ?? (op === "list" ? {} : undefined);
  if (payload === undefined) {
    throw new CrudRequestError(
      400,
      "MISSING_PARAMETER",
      `payload is missing: operation ${op} needs an object`,
    );
  }
  if (!isPlainObject(payload)) {
    throw invalid("payload", `is ${describeType(payload)}: give an object`);
  }
  rejectUnknownKeys(payload, PAYLOAD_KEYS[op], "payload");

  const TableName = config.tableName;
  const names = validateAttributeNames(payload.ExpressionAttributeNames, "payload.ExpressionAttributeNames");
  const values = validateAttributeValues(
    payload.ExpressionAttributeValues,
    "payload.ExpressionAttributeValues",
  );
  const condition = validateExpression(payload.ConditionExpression, "payload.ConditionExpression");
  const expressionParts = {
    ...(condition && { ConditionExpression: condition }),
    ...(names && { ExpressionAttributeNames: names }),
    ...(values && { ExpressionAttributeValues: values }),
  };
  const conditionFailed = () =>
    errorResponse(
      409,
      "CONDITION_FAILED",
      "payload.ConditionExpression was not met: the item was not changed",
    );

  switch (op) {
    case "create": {
      const ReturnValues = validateChoice(
        payload.ReturnValues,
        "payload.ReturnValues",
        RETURN_VALUES_PUT_DELETE,
      );
      return command(
        {
          name: "Put",
          input: {
            TableName,
            Item: checkVersionAttribute(validateItem(payload.Item, "payload.Item")),
            ...expressionParts,
            ...opt({ ReturnValues }),
          },
        },
        conditionFailed,
      );
    }
    case "read": {
      const ProjectionExpression = validateExpression(
        payload.ProjectionExpression,
        "payload.ProjectionExpression",
      );
      const ConsistentRead = validateBoolean(payload.ConsistentRead, "payload.ConsistentRead");
      return command(
        {
          name: "Get",
          input: {
            TableName,
            Key: validateKey(payload.Key, "payload.Key"),
            ...opt({ ProjectionExpression, ConsistentRead }),
            ...(names && { ExpressionAttributeNames: names }),
          },
        },
        conditionFailed,
      );
    }
    case "update": {
      const Key = validateKey(payload.Key, "payload.Key");
      const UpdateExpression = validateExpression(payload.UpdateExpression, "payload.UpdateExpression");
      if (UpdateExpression === undefined) {
        throw new CrudRequestError(
          400,
          "MISSING_PARAMETER",
          'payload.UpdateExpression is missing: give e.g. "SET #n = :v" with its names and values',
        );
      }
      rejectVersionUpdate(UpdateExpression, names);
      const ReturnValues = validateChoice(payload.ReturnValues, "payload.ReturnValues", RETURN_VALUES_UPDATE);
      return command(
        {
          name: "Update",
          input: { TableName, Key, UpdateExpression, ...expressionParts, ...opt({ ReturnValues }) },
        },
        conditionFailed,
      );
    }
    case "delete": {
      const ReturnValues = validateChoice(
        payload.ReturnValues,
        "payload.ReturnValues",
        RETURN_VALUES_PUT_DELETE,
      );
      return command(
        {
          name: "Delete",
          input: {
            TableName,
            Key: validateKey(payload.Key, "payload.Key"),
            ...expressionParts,
            ...opt({ ReturnValues }),
          },
        },
        conditionFailed,
      );
    }
    case "list": {
      const Limit = validateLimit(payload.Limit, "payload.Limit", MAX_LIST_LIMIT);
      const ExclusiveStartKey =
        payload.ExclusiveStartKey === undefined
          ? undefined
          : validateKey(payload.ExclusiveStartKey, "payload.ExclusiveStartKey");
      const ProjectionExpression = validateExpression(
        payload.ProjectionExpression,
        "payload.ProjectionExpression",
      );
      const FilterExpression = validateExpression(payload.FilterExpression, "payload.FilterExpression");
      const ConsistentRead = validateBoolean(payload.ConsistentRead, "payload.ConsistentRead");
      return command(
        {
          name: "Scan",
          input: {
            TableName,
            ...opt({ Limit, ExclusiveStartKey, ProjectionExpression, FilterExpression, ConsistentRead }),
            ...(names && { ExpressionAttributeNames: names }),
            ...(values && { ExpressionAttributeValues: values }),
          },
        },
        conditionFailed,
      );
    }
  }
}

function command(dbCommand: DbCommand, onConditionFailed: () => HttpResponse): Plan {
  return {
    kind: "command",
    command: dbCommand,
    onResult: (output: DbOutput) => respond(jsonResponse(200, output)),
    onConditionFailed,
  };
}

function checkTableName(tableName: unknown, configured: string, optional: boolean): void {
  if (tableName === undefined) {
    if (optional) return;
    throw new CrudRequestError(400, "MISSING_TABLE_NAME", `tableName is missing: give "${configured}"`);
  }
  if (typeof tableName !== "string") {
    throw invalid("tableName", `is ${describeType(tableName)}: give "${configured}"`);
  }
  if (tableName !== configured) {
    throw new CrudRequestError(
      403,
      "TABLE_NOT_ALLOWED",
      `tableName "${tableName}" is not served by this API: the only table is "${configured}"`,
    );
  }
}

/** Drops undefined fields so commands carry only what the client set. */
function opt<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

// `version` is the REST face's optimistic-concurrency counter (ETag, If-Match): a dispatcher write that made
// it anything but a whole number would leave the item unwritable through /items.

function checkVersionAttribute(item: Attributes): Attributes {
  const { version } = item;
  // 0 stands for "no version yet" (the attribute absent), so a stored version starts at 1.
  if (version !== undefined && !(typeof version === "number" && Number.isInteger(version) && version >= 1)) {
    throw invalid(
      "payload.Item.version",
      "is the /items API's concurrency counter: give a whole number ≥ 1, or leave it out",
    );
  }
  return item;
}

function rejectVersionUpdate(expression: string, names: Record<string, string> | undefined): void {
  const targets = [
    "version",
    ...Object.entries(names ?? {})
      .filter(([, name]) => name === "version")
      .map(([placeholder]) => placeholder),
  ];
  if (changedPaths(expression).some((path) => targets.includes(path))) {
    throw new CrudRequestError(
      400,
      "READ_ONLY_FIELD",
      "payload.UpdateExpression changes version, the /items API's concurrency counter: leave it out (it advances on writes through /items)",
    );
  }
}

/**
 * The top-level paths an update expression writes: the left side of each SET assignment, each REMOVE path,
 * the path of each ADD and DELETE action. Reading an attribute (`SET a = version`) writes nothing to it.
 */
function changedPaths(expression: string): string[] {
  const paths: string[] = [];
  const clauses = expression.split(/(?<![#:.\w])(SET|REMOVE|ADD|DELETE)\b/i).slice(1);
  for (let i = 0; i + 1 < clauses.length; i += 2) {
    const keyword = (clauses[i] ?? "").toUpperCase();
    const body = clauses[i + 1] ?? "";
    if (keyword === "SET") {
      for (const match of body.matchAll(/(?:^|,)\s*([#\w]+)\s*=/g)) paths.push(match[1] ?? "");
    } else {
      for (const action of body.split(",")) paths.push(action.trim().split(/\s+/)[0] ?? "");
    }
  }
  return paths;
}
