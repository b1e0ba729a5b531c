// The HTTP shapes the pure core works with, independent of API Gateway's event format.
import { CrudRequestError } from "./errors.js";

export interface HttpRequest {
  method: string;
  /** The API resource template: `/DynamoDBManager`, `/items` or `/items/{id}`. */
  resource: string;
  /** The path the client called, stage included when API Gateway reports it (for `Location`). */
  path: string;
  pathParameters: Record<string, string>;
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The raw body, already base64-decoded if API Gateway had encoded it. */
  body: string | undefined;
  requestId: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text, or undefined for 204. */
  body: string | undefined;
}

/** API Gateway's own payload limit is 10 MB; the service refuses more than this, before parsing. */
export const MAX_BODY_BYTES = 256 * 1024;

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(value) };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: undefined };
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return jsonResponse(status, { error: { code, message } }, headers);
}

export function responseForRequestError(error: CrudRequestError): HttpResponse {
  return errorResponse(error.status, error.code, error.message, error.headers);
}

/** Parses a JSON body that must be an object; names the fix when it is not. */
export function parseJsonObjectBody(body: string | undefined): Record<string, unknown> {
  if (body === undefined || body.trim() === "") {
    throw new CrudRequestError(400, "MISSING_BODY", "The request body is empty: send a JSON object");
  }
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > MAX_BODY_BYTES) {
    throw new CrudRequestError(
      413,
      "BODY_TOO_LARGE",
      `The request body is ${kib(bytes)} KB: the limit is ${MAX_BODY_BYTES / 1024} KB`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new CrudRequestError(
      400,
      "MALFORMED_JSON",
      `The request body is not valid JSON (${(error as Error).message}): send a JSON object`,
    );
  }
  if (!isPlainObject(parsed)) {
    throw new CrudRequestError(
      400,
      "INVALID_BODY",
      `The request body is ${describeType(parsed)}: send a JSON object`,
    );
  }
  if (nestingDepth(parsed, MAX_BODY_DEPTH + 1) > MAX_BODY_DEPTH) {
    // A reply that echoes or quotes such a body could not even be serialised.
    throw new CrudRequestError(
      400,
      "BODY_TOO_DEEP",
      `The request body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep: flatten it`,
    );
  }
  return parsed;
}

/** Bodies may nest this deep (DynamoDB itself stores 32 levels, inside a dispatcher body's few). */
export const MAX_BODY_DEPTH = 64;

/** Depth of nested objects and arrays in a JSON value (a scalar is 0); stops counting past `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let depth = 0;
  let level: unknown[] = [value];
  while (depth <= limit) {
    const containers = level.filter((node): node is object => typeof node === "object" && node !== null);
    if (containers.length === 0) break;
    depth += 1;
    level = containers.flatMap((node) => Object.values(node));
  }
  return depth;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

export function kib(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}
