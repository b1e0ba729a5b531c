import { describe, expect, it } from "vitest";
import { buildProxyEvent, parseProxyResult } from "../../../../local/apigateway/proxy-event.js";
import { matchRoute, type Route } from "../../../../local/apigateway/routes.js";

const route = (resourcePath: string, httpMethod: string): Route => ({
  resourcePath,
  httpMethod,
  functionArn: `fn:${httpMethod}:${resourcePath}`,
  authorizationType: "NONE",
  apiKeyRequired: false,
});

const routes = [
  route("/items", "GET"),
  route("/items/{id}", "GET"),
  route("/items/{id}", "ANY"),
  route("/items/special", "GET"),
  route("/files/{proxy+}", "ANY"),
];

describe("matchRoute", () => {
  it("prefers literal segments over parameters and a method over ANY", () => {
    expect(matchRoute(routes, "GET", "/items/special")?.route.resourcePath).toBe("/items/special");
    const item = matchRoute(routes, "GET", "/items/a%20b");
    expect(item?.route.httpMethod).toBe("GET");
    expect(item?.pathParameters).toEqual({ id: "a b" });
    expect(matchRoute(routes, "DELETE", "/items/x")?.route.httpMethod).toBe("ANY");
  });

  it("matches greedy proxy paths, and nothing for unknown paths or methods", () => {
    expect(matchRoute(routes, "PUT", "/files/a/b/c")?.pathParameters).toEqual({ proxy: "a/b/c" });
    expect(matchRoute(routes, "GET", "/files")).toBeUndefined();
    expect(matchRoute(routes, "GET", "/nope")).toBeUndefined();
    expect(matchRoute(routes, "POST", "/items")).toBeUndefined();
    expect(matchRoute(routes, "GET", "/items")?.pathParameters).toBeNull();
  });
});

describe("proxy events and results", () => {
  const request = {
    method: "GET",
    path: "/items/7",
    query: new URLSearchParams("limit=5&tag=a&tag=b"),
    headers: { "content-type": "application/json", accept: ["a", "b"], "user-agent": "curl" },
    body: Buffer.alloc(0),
    sourceIp: "127.0.0.1",
  };
  const api = { apiId: "abc", stage: "dev", accountId: "000000000000" };

  it("builds the v1 payload: single and multi values, path parameters, request context", () => {
    const event = buildProxyEvent(
      request,
      { resourcePath: "/items/{id}", pathParameters: { id: "7" } },
      api,
      "rid",
      new Date(0),
    );
    expect(event).toMatchObject({
      resource: "/items/{id}",
      path: "/items/7",
      httpMethod: "GET",
      headers: { accept: "b", "content-type": "application/json" },
      multiValueHeaders: { accept: ["a", "b"] },
      queryStringParameters: { limit: "5", tag: "b" },
      multiValueQueryStringParameters: { limit: ["5"], tag: ["a", "b"] },
      pathParameters: { id: "7" },
      body: null,
      isBase64Encoded: false,
      requestContext: {
        requestId: "rid",
        stage: "dev",
        resourcePath: "/items/{id}",
        path: "/dev/items/7",
        identity: { sourceIp: "127.0.0.1" },
      },
    });
  });

  it("base64-encodes binary bodies and keeps text bodies as text", () => {
    const binary = buildProxyEvent(
      { ...request, method: "POST", headers: { "content-type": "image/png" }, body: Buffer.from([0, 1, 2]) },
      { resourcePath: "/x", pathParameters: null },
      api,
      "r",
      new Date(0),
    );
    expect(binary).toMatchObject({ body: "AAEC", isBase64Encoded: true });
    const text = buildProxyEvent(
      { ...request, body: Buffer.from('{"a":1}') },
      { resourcePath: "/x", pathParameters: null },
      api,
      "r",
      new Date(0),
    );
    expect(text).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
  });

  it("maps a proxy result back, and answers 502 for anything that is not one", () => {
    const ok = parseProxyResult(JSON.stringify({ statusCode: 201, headers: { "X-A": "1" }, body: "hi" }));
    expect(ok.statusCode).toBe(201);
    expect(ok.headers).toEqual({ "x-a": "1" });
    expect(ok.body.toString()).toBe("hi");
    expect(
      parseProxyResult(
        JSON.stringify({ statusCode: 200, body: "aGk=", isBase64Encoded: true }),
      ).body.toString(),
    ).toBe("hi");
    for (const bad of [
      "not json",
      "null",
      '{"body":"x"}',
      '{"statusCode":200,"body":{}}',
      '{"statusCode":99}',
    ]) {
      expect(parseProxyResult(bad).statusCode).toBe(502);
    }
  });
});
