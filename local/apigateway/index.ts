// API Gateway (REST, v1 proxy payload) for the local cloud: routes from the template, each request turned
// into the proxy event and sent to its function through the Lambda API — the same path as on AWS.

import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { readBody } from "../shared/http.js";
import { LOCAL_ACCOUNT_ID } from "../shared/identity.js";
import type { LocalService } from "../shared/types.js";
import {
  buildProxyEvent,
  MALFORMED_RESPONSE,
  type ProxyResultResponse,
  parseProxyResult,
} from "./proxy-event.js";
import { matchRoute, type Route } from "./routes.js";

export interface RestApiDefinition {
  apiId: string;
  stageName: string;
  routes: Route[];
}

export interface ApiGatewayServiceOptions {
  /** The edge (or the Lambda service) the integrations are invoked through. */
  lambdaEndpoint: string;
  region: string;
  accountId?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface ApiGatewayService extends LocalService {
  /** Adds or replaces an API (a redeploy replaces its routes). */
  registerApi(api: RestApiDefinition): void;
}

const PATH = /^\/restapis\/([^/]+)\/([^/]+)\/_user_request_(\/[^?]*)?(?:\?(.*))?$/;

function send(res: ServerResponse, response: ProxyResultResponse, requestId: string): void {
  res.writeHead(response.statusCode, {
    ...response.headers,
    "content-length": response.body.length,
    "x-amzn-requestid": requestId,
  });
  res.end(response.body);
}

function message(status: number, text: string): ProxyResultResponse {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (text === "Missing Authentication Token")
    headers["x-amzn-errortype"] = "MissingAuthenticationTokenException";
  return { statusCode: status, headers, body: Buffer.from(JSON.stringify({ message: text })) };
}

export function createApiGatewayService(options: ApiGatewayServiceOptions): ApiGatewayService {
  const apis = new Map<string, RestApiDefinition>();
  const lambda = new LambdaClient({
    endpoint: options.lambdaEndpoint,
    region: options.region,
    credentials: options.credentials ?? { accessKeyId: "local", secretAccessKey: "local" },
  });
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const match = PATH.exec(req.url ?? "");
    const body = await readBody(req);
    const api = match ? apis.get(match[1] as string) : undefined;
    if (!match || !api || api.stageName !== match[2]) {
      return send(res, message(403, "Missing Authentication Token"), requestId);
    }
    const path = match[3] ?? "/";
    const method = req.method ?? "GET";
    const route = matchRoute(api.routes, method, path);
    if (!route) return send(res, message(403, "Missing Authentication Token"), requestId);
    if (
      route.route.authorizationType === "AWS_IAM" &&
      !String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256")
    ) {
      return send(res, message(403, "Missing Authentication Token"), requestId);
    }
    // Locally any non-empty key is accepted: usage plans and key values are not emulated.
    if (route.route.apiKeyRequired && !req.headers["x-api-key"])
      return send(res, message(403, "Forbidden"), requestId);

    const event = buildProxyEvent(
      {
        method,
        path,
        query: new URLSearchParams(match[4] ?? ""),
        headers: req.headers,
        body,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
      },
      { resourcePath: route.route.resourcePath, pathParameters: route.pathParameters },
      { apiId: api.apiId, stage: api.stageName, accountId },
      requestId,
      new Date(),
    );
    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: route.route.functionArn,
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
    if (result.FunctionError) return send(res, MALFORMED_RESPONSE, requestId);
    send(res, parseProxyResult(Buffer.from(result.Payload ?? new Uint8Array()).toString("utf8")), requestId);
  }

  return {
    registerApi(api) {
      apis.set(api.apiId, api);
    },
    handle(req, res) {
      handle(req, res).catch((error: Error) => {
        // A throttled or failed integration call: API Gateway answers 502 (429 when Lambda throttles).
        const status = error.name === "TooManyRequestsException" ? 429 : 502;
        if (!res.headersSent)
          send(
            res,
            message(status, status === 429 ? "Too Many Requests" : "Internal server error"),
            randomUUID(),
          );
        else res.destroy();
      });
    },
    async close() {
      lambda.destroy();
    },
  };
}
