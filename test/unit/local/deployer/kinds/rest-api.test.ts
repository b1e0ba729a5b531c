import { describe, expect, it } from "vitest";
import type { CfnResource } from "../../../../../local/deployer/assembly.js";
import { localApiUrl } from "../../../../../local/deployer/index.js";
import { CODE, planStack } from "./support.js";

const proxyTo = (fn: string) => ({
  Type: "AWS_PROXY",
  IntegrationHttpMethod: "POST",
  Uri: {
    "Fn::Join": [
      "",
      [
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/",
        { "Fn::GetAtt": [fn, "Arn"] },
        "/invocations",
      ],
    ],
  },
});

function method(api: string, resource: unknown, properties: Record<string, unknown>): CfnResource {
  return {
    Type: "AWS::ApiGateway::Method",
    Properties: { RestApiId: { Ref: api }, ResourceId: resource, ...properties },
  };
}

const base: Record<string, CfnResource> = {
  Fn: { Type: "AWS::Lambda::Function", Properties: { Code: CODE } },
  Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "api" } },
  Other: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "other" } },
  Items: {
    Type: "AWS::ApiGateway::Resource",
    Properties: {
      RestApiId: { Ref: "Api" },
      ParentId: { "Fn::GetAtt": ["Api", "RootResourceId"] },
      PathPart: "items",
    },
  },
};

describe("REST API planning", () => {
  it("plans the Lambda proxy routes of the API only, skipping mock integrations such as CORS preflights", () => {
    const plan = planStack({
      ...base,
      RootGet: method(
        "Api",
        { "Fn::GetAtt": ["Api", "RootResourceId"] },
        { HttpMethod: "GET", Integration: proxyTo("Fn") },
      ),
      ItemsPost: method(
        "Api",
        { Ref: "Items" },
        {
          HttpMethod: "POST",
          AuthorizationType: "AWS_IAM",
          ApiKeyRequired: true,
          Integration: proxyTo("Fn"),
        },
      ),
      ItemsOptions: method("Api", { Ref: "Items" }, { HttpMethod: "OPTIONS", Integration: { Type: "MOCK" } }),
      OtherGet: method(
        "Other",
        { "Fn::GetAtt": ["Other", "RootResourceId"] },
        { HttpMethod: "GET", Integration: proxyTo("Fn") },
      ),
    });
    const api = plan.apis.find((a) => a.logicalId === "Api");
    const functionArn = "arn:aws:lambda:us-east-1:000000000000:function:S-Fn";
    expect(api?.routes).toEqual([
      { resourcePath: "/", httpMethod: "GET", functionArn, authorizationType: "NONE", apiKeyRequired: false },
      {
        resourcePath: "/items",
        httpMethod: "POST",
        functionArn,
        authorizationType: "AWS_IAM",
        apiKeyRequired: true,
      },
    ]);
    expect(api?.stageName).toBe("prod");
    expect(plan.skipped).toEqual({});
  });

  it("takes the stage name from the API's own stage", () => {
    const plan = planStack({
      ...base,
      Dev: { Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { Ref: "Other" }, StageName: "dev" } },
      Live: { Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { Ref: "Api" }, StageName: "live" } },
    });
    expect(plan.apis.map((a) => [a.logicalId, a.stageName])).toEqual([
      ["Api", "live"],
      ["Other", "dev"],
    ]);
  });

  it("names the method and the property when a proxy integration has no URI", () => {
    expect(() =>
      planStack({
        ...base,
        Broken: method("Api", { Ref: "Items" }, { HttpMethod: "GET", Integration: { Type: "AWS_PROXY" } }),
      }),
    ).toThrow(/^S\/Broken \(AWS::ApiGateway::Method\): Integration\.Uri: /);
  });

  it("maps an execute-api URL to the edge's API route", () => {
    const url = "https://553aee621b.execute-api.us-east-1.amazonaws.com/prod/";
    expect(localApiUrl(url, "http://127.0.0.1:4566")).toBe(
      "http://127.0.0.1:4566/restapis/553aee621b/prod/_user_request_/",
    );
    expect(localApiUrl("not a url", "http://127.0.0.1:4566")).toBe("not a url");
  });
});
