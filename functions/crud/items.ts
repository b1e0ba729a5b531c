// The RESTful face on the table: /items and /items/{id}. Items written here carry a numeric `version`
// attribute; the ETag is `"<version>"` and If-Match turns writes into conditional writes.
import type { CrudConfig } from "./config.js";
import { CrudRequestError } from "./errors.js";
import {
  emptyResponse,
  errorResponse,
  type HttpRequest,
  type HttpResponse,
  jsonResponse,
  parseJsonObjectBody,
} from "./http.js";
import { type Attributes, type DbCommand, type DbOutput, type Plan, respond } from "./plan.js";
import {
  invalid,
  MAX_ID_BYTES,
  validateAttributeValues,
  validateId,
  validateItem,
  validateKey,
} from "./validate.js";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** If-Match, parsed: `*` (the item must exist) or one strong ETag `"<version>"`. */
export type Precondition = { kind: "exists" } | { kind: "version"; version: number };

export function planItems(request: HttpRequest, config: CrudConfig, newId: () => string): Plan {
  if (request.resource === "/items") {
    if (request.method === "GET") return planList(request, config);
    if (request.method === "POST") return planCreate(request, config, newId);
    throw methodNotAllowed(request.method, "GET, POST");
  }
  const id = validateId(request.pathParameters.id, "path parameter id");
  switch (request.method) {
    case "GET":
      return planGet(id, config);
    case "PUT":
      return planReplace(id, request, config);
    case "PATCH":
      return planPatch(id, request, config);
    case "DELETE":
      return planDelete(id, request, config);
    default:
      throw methodNotAllowed(request.method, "GET, PUT, PATCH, DELETE");
  }
}

function planCreate(request: HttpRequest, config: CrudConfig, newId: () => string): Plan {
  const body = parseJsonObjectBody(request.body);
  rejectVersion(body);
  const id = body.id === undefined ? newId() : validateId(body.id, "body.id");
  const item = validateItem({ ...body, id, version: 1 }, "body");
  return step(
    {
      name: "Put",
      input: {
        TableName: config.tableName,
        Item: item,
        ConditionExpression: "attribute_not_exists(#id)",
        ExpressionAttributeNames: { "#id": "id" },
      },
    },
    () =>
      respond(itemResponse(201, item, { location: `${trimSlash(request.path)}/${encodeURIComponent(id)}` })),
    () =>
      errorResponse(409, "ITEM_EXISTS", `An item with id "${id}" exists: use PUT /items/{id} to replace it`),
  );
}

function planList(request: HttpRequest, config: CrudConfig): Plan {
  for (const name of Object.keys(request.query)) {
    if (name !== "limit" && name !== "next") {
      throw new CrudRequestError(
        400,
        "UNKNOWN_PARAMETER",
        `query parameter ${name} is not recognised: allowed are limit, next`,
      );
    }
  }
  const limit = parsePageSize(request.query.limit);
  const next = request.query.next;
  const startKey = next === undefined ? undefined : decodeNextToken(next);
  return step(
    {
      name: "Scan",
      input: { TableName: config.tableName, Limit: limit, ...(startKey && { ExclusiveStartKey: startKey }) },
    },
    (output) => {
      const items = (output.Items as Attributes[] | undefined) ?? [];
      const lastKey = output.LastEvaluatedKey as Attributes | undefined;
      return respond(jsonResponse(200, { items, ...(lastKey && { next: encodeNextToken(lastKey) }) }));
    },
    () => internalConditionFailure(),
  );
}

function planGet(id: string, config: CrudConfig): Plan {
  return step(
    { name: "Get", input: { TableName: config.tableName, Key: { id }, ConsistentRead: true } },
    (output) => {
      const item = output.Item as Attributes | undefined;
      return respond(item ? itemResponse(200, item) : notFound(id));
    },
    () => internalConditionFailure(),
  );
}

function planReplace(id: string, request: HttpRequest, config: CrudConfig): Plan {
  const body = parseJsonObjectBody(request.body);
  rejectVersion(body);
  if (body.id !== undefined && body.id !== id) {
    throw new CrudRequestError(
      400,
      "ID_MISMATCH",
      `body.id ${JSON.stringify(body.id)} differs from the path's id "${id}": omit it or make them equal`,
    );
  }
  // Check the size and shape now, before any DynamoDB call (version 1 is the smallest possible).
  validateItem({ ...body, id, version: 1 }, "body");
  const precondition = parseIfMatch(request.headers["if-match"]);

  const put = (currentVersion: number | undefined, onConditionFailed: () => HttpResponse): Plan => {
    const version = (currentVersion ?? 0) + 1;
    const item = { ...body, id, version };
    const condition =
      currentVersion === undefined
        ? { expression: "attribute_not_exists(#id)", names: { "#id": "id" }, values: undefined }
        : versionCondition({ kind: "version", version: currentVersion });
    return step(
      {
        name: "Put",
        input: {
          TableName: config.tableName,
          Item: item,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: condition.names,
          ...(condition.values && { ExpressionAttributeValues: condition.values }),
        },
      },
      () =>
        respond(
          currentVersion === undefined
            ? itemResponse(201, item, { location: trimSlash(request.path) })
            : itemResponse(200, item),
        ),
      onConditionFailed,
    );
  };

  if (precondition?.kind === "version") {
    return put(precondition.version, () => preconditionFailed(id));
  }
  // No version given (or `*`): read the current one, then write conditionally on it, so a concurrent
  // writer between the two calls is detected rather than overwritten.
  return step(
    { name: "Get", input: { TableName: config.tableName, Key: { id }, ConsistentRead: true } },
    (output) => {
      const current = output.Item as Attributes | undefined;
      if (!current) {
        if (precondition?.kind === "exists") return respond(preconditionFailed(id));
        return put(undefined, () => concurrentWrite(id));
      }
      return put(storedVersion(current), () => concurrentWrite(id));
    },
    () => internalConditionFailure(),
  );
}

function planPatch(id: string, request: HttpRequest, config: CrudConfig): Plan {
  const body = parseJsonObjectBody(request.body);
  rejectVersion(body);
  if (body.id !== undefined && body.id !== id) {
    throw new CrudRequestError(400, "ID_MISMATCH", `body.id cannot change: the item's id is "${id}"`);
  }
  const changes = Object.entries(body).filter(([name]) => name !== "id");
  if (changes.length === 0) {
    throw new CrudRequestError(
      400,
      "EMPTY_PATCH",
      "The patch changes nothing: give attributes to set, or null to remove",
    );
  }
  const precondition = parseIfMatch(request.headers["if-match"]);
  // Only placeholders the expressions use: DynamoDB refuses unused ExpressionAttributeNames.
  const names: Record<string, string> = { "#version": "version" };
  const values: Attributes = { ":zero": 0, ":one": 1 };
  const sets: string[] = [];
  const removes: string[] = [];
  changes.forEach(([name, value], index) => {
    if (name === "") throw invalid("body", "has an empty attribute name: give every attribute a name");
    names[`#a${index}`] = name;
    if (value === null) {
      removes.push(`#a${index}`);
    } else {
      values[`:v${index}`] = value;
      sets.push(`#a${index} = :v${index}`);
    }
  });
  validateAttributeValues(values, "body");
  sets.push("#version = if_not_exists(#version, :zero) + :one");
  const condition = versionCondition(precondition ?? { kind: "exists" });
  Object.assign(values, condition.values);
  return step(
    {
      name: "Update",
      input: {
        TableName: config.tableName,
        Key: { id },
        UpdateExpression: `SET ${sets.join(", ")}${removes.length > 0 ? ` REMOVE ${removes.join(", ")}` : ""}`,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: { ...names, ...condition.names },
        ExpressionAttributeValues: values,
        ReturnValues: "ALL_NEW",
      },
    },
    (output) => respond(itemResponse(200, (output.Attributes as Attributes | undefined) ?? { id })),
    () => (precondition ? preconditionFailed(id) : notFound(id)),
  );
}

function planDelete(id: string, request: HttpRequest, config: CrudConfig): Plan {
  const precondition = parseIfMatch(request.headers["if-match"]);
  const condition = versionCondition(precondition ?? { kind: "exists" });
  return step(
    {
      name: "Delete",
      input: {
        TableName: config.tableName,
        Key: { id },
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: condition.names,
        ...(condition.values && { ExpressionAttributeValues: condition.values }),
      },
    },
    () => respond(emptyResponse(204)),
    () => (precondition ? preconditionFailed(id) : notFound(id)),
  );
}

/** Parses If-Match: `*` or a single strong ETag `"<non-negative integer>"`. */
export function parseIfMatch(header: string | undefined): Precondition | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === "*") return { kind: "exists" };
  const match = /^"(0|[1-9][0-9]{0,14})"$/.exec(value);
  if (!match?.[1]) {
    throw new CrudRequestError(
      400,
      "INVALID_IF_MATCH",
      `If-Match ${JSON.stringify(header)} is not an ETag of this API: send the ETag of a GET, e.g. "3", or *`,
    );
  }
  return { kind: "version", version: Number(match[1]) };
}

/** Items written through the dispatcher have no version yet; they count as version 0. */
export function storedVersion(item: Attributes): number {
  return typeof item.version === "number" && Number.isInteger(item.version) ? item.version : 0;
}

function versionCondition(precondition: Precondition): {
  expression: string;
  names: Record<string, string>;
  values: Attributes | undefined;
} {
  if (precondition.kind === "exists") {
    return { expression: "attribute_exists(#id)", names: { "#id": "id" }, values: undefined };
  }
  if (precondition.version === 0) {
    return {
      expression: "attribute_exists(#id) AND attribute_not_exists(#version)",
      names: { "#id": "id", "#version": "version" },
      values: undefined,
    };
  }
  return {
    expression: "#version = :expected",
    names: { "#version": "version" },
    values: { ":expected": precondition.version },
  };
}

/**
 * The longest token a key can give: JSON escapes a byte of an id as at most 6 characters (`\u001f`), and
 * base64 makes 4 characters of 3 bytes; `{"id":""}` adds 9.
 */
const MAX_NEXT_TOKEN_CHARS = Math.ceil(((MAX_ID_BYTES * 6 + 9) * 4) / 3);

/** The `next` token: base64url of the scan's LastEvaluatedKey JSON. Opaque to clients. */
export function encodeNextToken(lastKey: Attributes): string {
  return Buffer.from(JSON.stringify(lastKey), "utf8").toString("base64url");
}

export function decodeNextToken(token: string): Attributes {
  const refuse = () =>
    new CrudRequestError(
      400,
      "INVALID_NEXT_TOKEN",
      "query parameter next is not a token this API issued: pass `next` from the previous page unchanged",
    );
  if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length > MAX_NEXT_TOKEN_CHARS) throw refuse();
  const bytes = Buffer.from(token, "base64url");
  // Reject tokens that only decode by ignoring trailing characters.
  if (bytes.toString("base64url") !== token) throw refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw refuse();
  }
  try {
    return validateKey(parsed, "next");
  } catch {
    throw refuse();
  }
}

function parsePageSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^[0-9]{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_PAGE_SIZE) {
    throw invalid(
      "query parameter limit",
      `is ${JSON.stringify(value)}: give an integer from 1 to ${MAX_PAGE_SIZE}`,
    );
  }
  return Number(value);
}

function rejectVersion(body: Record<string, unknown>): void {
  if ("version" in body) {
    throw new CrudRequestError(
      400,
      "READ_ONLY_FIELD",
      "body.version is managed by the service: remove it and send the ETag in If-Match instead",
    );
  }
}

function itemResponse(status: number, item: Attributes, headers: Record<string, string> = {}): HttpResponse {
  return jsonResponse(status, item, { etag: `"${storedVersion(item)}"`, ...headers });
}

function notFound(id: string): HttpResponse {
  return errorResponse(
    404,
    "ITEM_NOT_FOUND",
    `No item has id "${id}": create it with POST /items or PUT /items/{id}`,
  );
}

function preconditionFailed(id: string): HttpResponse {
  return errorResponse(
    412,
    "PRECONDITION_FAILED",
    `If-Match does not match item "${id}" (it changed or does not exist): GET it again for the current ETag`,
  );
}

function concurrentWrite(id: string): HttpResponse {
  return errorResponse(
    409,
    "CONCURRENT_WRITE",
    `Item "${id}" changed while it was being replaced: retry the request`,
  );
}

// Reads and scans carry no condition; reaching this would be a bug in the core, so it is a 500.
function internalConditionFailure(): HttpResponse {
  return errorResponse(500, "INTERNAL_ERROR", "An unconditional request failed a condition");
}

function methodNotAllowed(method: string, allow: string): CrudRequestError {
  return new CrudRequestError(405, "METHOD_NOT_ALLOWED", `${method} is not supported here: use ${allow}`, {
    allow,
  });
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, "");
}

function step(
  command: DbCommand,
  onResult: (output: DbOutput) => Plan,
  onConditionFailed: () => HttpResponse,
): Plan {
  return { kind: "command", command, onResult, onConditionFailed };
}
