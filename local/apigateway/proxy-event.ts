// API Gateway REST (v1 payload) proxy events in, proxy results out: pure, so both directions are unit-tested.
import type { APIGatewayProxyEvent } from "aws-lambda";

export interface IncomingHttpRequest {
  method: string;
  /** Path after the stage, starting with "/". */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp: string;
}

export interface ProxyResultResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|.*\+json|.*\+xml)/i;

function multiValue(source: Iterable<[string, string]>): Record<string, string[]> | null {
  const result: Record<string, string[]> = {};
  for (const [key, value] of source) {
    result[key] ??= [];
    result[key].push(value);
  }
  return Object.keys(result).length > 0 ? result : null;
}

function lastValues(multi: Record<string, string[]> | null): Record<string, string> | null {
  if (!multi) return null;
  return Object.fromEntries(Object.entries(multi).map(([key, values]) => [key, values.at(-1) ?? ""]));
}

export function buildProxyEvent(
  request: IncomingHttpRequest,
  match: { resourcePath: string; pathParameters: Record<string, string> | null },
  api: { apiId: string; stage: string; accountId: string },
  requestId: string,
  now: Date,
): APIGatewayProxyEvent {
  const headerPairs: [string, string][] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headerPairs.push([name, item]);
  }
  const multiValueHeaders = multiValue(headerPairs);
  const multiValueQueryStringParameters = multiValue(request.query.entries());
  const contentType = String(request.headers["content-type"] ?? "application/json");
  const binary = request.body.length > 0 && !TEXT_TYPES.test(contentType);
  return {
    resource: match.resourcePath,
    path: request.path,
    httpMethod: request.method,
    headers: lastValues(multiValueHeaders) ?? {},
    multiValueHeaders: multiValueHeaders ?? {},
    queryStringParameters: lastValues(multiValueQueryStringParameters),
    multiValueQueryStringParameters,
    pathParameters: match.pathParameters,
    stageVariables: null,
    body: request.body.length === 0 ? null : request.body.toString(binary ? "base64" : "utf8"),
    isBase64Encoded: binary,
    requestContext: {
      accountId: api.accountId,
      apiId: api.apiId,
      authorizer: null,
      domainName: "127.0.0.1",
      domainPrefix: "127",
      extendedRequestId: requestId,
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: String(request.headers["user-agent"] ?? ""),
        userArn: null,
      },
      path: `/${api.stage}${request.path}`,
      protocol: "HTTP/1.1",
      requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: match.resourcePath,
      resourcePath: match.resourcePath,
      stage: api.stage,
    },
  };
}

/** API Gateway's answer when an integration returns something that is not a proxy result. */
export const MALFORMED_RESPONSE: ProxyResultResponse = {
  statusCode: 502,
  headers: { "content-type": "application/json" },
  body: Buffer.from('{"message": "Internal server error"}'),
};

/** Maps a function's proxy result to the HTTP response; anything malformed is API Gateway's 502. */
export function parseProxyResult(payload: string): ProxyResultResponse {
  let result: unknown;
  try {
    result = JSON.parse(payload);
  } catch {
    return MALFORMED_RESPONSE;
  }
  if (typeof result !== "object" || result === null) return MALFORMED_RESPONSE;
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = result as Record<string, unknown>;
  const status = Number(statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return MALFORMED_RESPONSE;
  if (body !== undefined && body !== null && typeof body !== "string") return MALFORMED_RESPONSE;
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries((headers as Record<string, unknown>) ?? {})) {
    merged[name.toLowerCase()] = String(value);
  }
  for (const [name, values] of Object.entries((multiValueHeaders as Record<string, unknown[]>) ?? {})) {
    if (Array.isArray(values)) merged[name.toLowerCase()] = values.map(String).join(", ");
  }
  const text = (body as string | null | undefined) ?? "";
  return {
    statusCode: status,
    headers: merged,
    body: isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text, "utf8"),
  };
}
