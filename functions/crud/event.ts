// API Gateway REST proxy events (payload v1) to and from the core's HTTP shapes.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { HttpRequest, HttpResponse } from "./http.js";

/** A direct invoke with something else (`{}`, a string) must get a 400, not a TypeError. */
export function isProxyEvent(event: unknown): event is APIGatewayProxyEvent {
  if (typeof event !== "object" || event === null) return false;
  const { httpMethod, resource, path, body, headers, pathParameters, queryStringParameters, requestContext } =
    event as Record<string, unknown>;
  return (
    typeof httpMethod === "string" &&
    typeof resource === "string" &&
    typeof path === "string" &&
    (body === undefined || body === null || typeof body === "string") &&
    [headers, pathParameters, queryStringParameters].every(isStringMapOrAbsent) &&
    (requestContext === undefined || requestContext === null || isRequestContext(requestContext))
  );
}

/** The fields of requestContext the service reads (`path`, `requestId`) are strings when present. */
function isRequestContext(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { path, requestId } = value as Record<string, unknown>;
  return [path, requestId].every((field) => field === undefined || typeof field === "string");
}

/** API Gateway sends these as string→string maps, or null. */
function isStringMapOrAbsent(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== "object" || Array.isArray(value)) return false;
  return Object.values(value).every((v) => v === undefined || v === null || typeof v === "string");
}

export function requestFromEvent(event: APIGatewayProxyEvent, requestId: string): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (typeof value === "string") headers[name.toLowerCase()] = value;
  }
  const body =
    event.body === null || event.body === undefined
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, "base64").toString("utf8")
        : event.body;
  return {
    method: event.httpMethod.toUpperCase(),
    resource: event.resource,
    // requestContext.path includes the stage (`/prod/items`), which a Location header needs.
    path: event.requestContext?.path ?? event.path,
    pathParameters: definedOnly(event.pathParameters),
    query: definedOnly(event.queryStringParameters),
    headers,
    body,
    requestId: event.requestContext?.requestId ?? requestId,
  };
}

export function resultFromResponse(response: HttpResponse): APIGatewayProxyResult {
  return { statusCode: response.status, headers: response.headers, body: response.body ?? "" };
}

function definedOnly(values: Record<string, string | undefined> | null | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(values ?? {})) {
    if (typeof value === "string") result[name] = value;
  }
  return result;
}
