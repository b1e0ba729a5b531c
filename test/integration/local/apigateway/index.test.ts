// The API Gateway emulation in front of the real local Lambda service, over real HTTP.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiGatewayService, createApiGatewayService } from "../../../../local/apigateway/index.js";
import { createLambdaService, type LocalLambdaService } from "../../../../local/lambda/index.js";
import { listenOnLoopback } from "../../../../local/shared/http.js";

let lambda: LocalLambdaService;
let apiGateway: ApiGatewayService;
let server: { url: string; close(): Promise<void> };
let base: string;
const functionArn = "arn:aws:lambda:us-east-1:000000000000:function:apigw-echo";

beforeAll(async () => {
  lambda = createLambdaService({ warn: () => {} });
  const { url: lambdaUrl } = await lambda.listen();
  const client = new LambdaClient({
    endpoint: lambdaUrl,
    region: "us-east-1",
    credentials: { accessKeyId: "t", secretAccessKey: "t" },
  });
  const code = readFileSync(join(import.meta.dirname, "../../../fixtures/functions/apigw-echo/index.mjs"));
  await client.send(
    new CreateFunctionCommand({
      FunctionName: "apigw-echo",
      Runtime: "nodejs22.x",
      Role: "arn:aws:iam::000000000000:role/x",
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.mjs": code }) },
    }),
  );
  client.destroy();
  apiGateway = createApiGatewayService({ lambdaEndpoint: lambdaUrl, region: "us-east-1" });
  const route = (resourcePath: string, httpMethod: string, extra = {}) => ({
    resourcePath,
    httpMethod,
    functionArn,
    authorizationType: "NONE",
    apiKeyRequired: false,
    ...extra,
  });
  apiGateway.registerApi({
    apiId: "api1",
    stageName: "dev",
    routes: [
      route("/items/{id}", "GET"),
      route("/items", "POST"),
      route("/throw", "GET"),
      route("/malformed", "GET"),
      route("/secured", "GET", { authorizationType: "AWS_IAM" }),
      route("/keyed", "GET", { apiKeyRequired: true }),
    ],
  });
  server = await listenOnLoopback((req, res) => apiGateway.handle(req, res));
  base = `${server.url}/restapis/api1/dev/_user_request_`;
});

afterAll(async () => {
  await server?.close();
  await apiGateway?.close();
  await lambda?.close();
});

describe("local API Gateway", () => {
  it("invokes the route's function with a v1 proxy event and returns its status, headers and body", async () => {
    const response = await fetch(`${base}/items/42?x=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-echo")).toBe("yes");
    expect(response.headers.get("set-cookie")).toBe("a=1, b=2");
    const event = await response.json();
    expect(event).toMatchObject({
      resource: "/items/{id}",
      path: "/items/42",
      pathParameters: { id: "42" },
      queryStringParameters: { x: "1" },
      requestContext: { stage: "dev", resourcePath: "/items/{id}" },
    });
  });

  it("passes the request body", async () => {
    const response = await fetch(`${base}/items`, {
      method: "POST",
      body: '{"id":"a"}',
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { body: string }).body).toBe('{"id":"a"}');
  });

  it("answers 403 Missing Authentication Token for unknown routes, methods, APIs and stages", async () => {
    for (const url of [
      `${base}/nope`,
      `${server.url}/restapis/other/dev/_user_request_/items/1`,
      `${server.url}/restapis/api1/prod/_user_request_/items/1`,
    ]) {
      const response = await fetch(url);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: "Missing Authentication Token" });
    }
    expect((await fetch(`${base}/items/1`, { method: "DELETE" })).status).toBe(403);
  });

  it("answers 502 Internal server error when the function throws or returns no proxy result", async () => {
    for (const path of ["/throw", "/malformed"]) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ message: "Internal server error" });
    }
  });

  it("enforces IAM authorization and API keys where the route asks for them", async () => {
    expect((await fetch(`${base}/secured`)).status).toBe(403);
    expect((await fetch(`${base}/keyed`)).status).toBe(403);
    expect((await fetch(`${base}/keyed`, { headers: { "x-api-key": "k" } })).status).toBe(200);
  });
});
