import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { routeRequest } from "../../../../local/edge/index.js";
import {
  arnResourceName,
  executionArn,
  lambdaFunctionArn,
  parseArn,
  stateMachineArn,
} from "../../../../local/shared/identity.js";
import { parseCredentialScope, serviceFromTarget } from "../../../../local/shared/sigv4.js";

function fakeRequest(url: string, headers: Record<string, string>): IncomingMessage {
  return { url, headers } as unknown as IncomingMessage;
}

describe("SigV4 credential scope", () => {
  it("reads the service and region from an Authorization header", () => {
    const scope = parseCredentialScope(
      "AWS4-HMAC-SHA256 Credential=AKID/20250102/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=ab",
    );
    expect(scope).toEqual({
      accessKeyId: "AKID",
      date: "20250102",
      region: "us-east-1",
      service: "monitoring",
    });
  });

  it("returns undefined for a header without a credential scope", () => {
    expect(parseCredentialScope("Bearer abc")).toBeUndefined();
    expect(parseCredentialScope(undefined)).toBeUndefined();
  });

  it("maps X-Amz-Target prefixes to signing names", () => {
    expect(serviceFromTarget("AWSStepFunctions.StartExecution")).toBe("states");
    expect(serviceFromTarget("DynamoDB_20120810.GetItem")).toBe("dynamodb");
    expect(serviceFromTarget("GraniteServiceVersion20100801.PutMetricData")).toBe("monitoring");
    expect(serviceFromTarget("Nope.Op")).toBeUndefined();
  });
});

describe("edge routing", () => {
  it("sends API Gateway user-request paths to the API gateway without a signature", () => {
    expect(routeRequest(fakeRequest("/restapis/abc123/prod/_user_request_/items/1", {}))).toEqual({
      kind: "apigateway",
    });
  });

  it("prefers the credential scope over X-Amz-Target and accepts cloudwatch as monitoring", () => {
    const signed = fakeRequest("/", {
      authorization: "AWS4-HMAC-SHA256 Credential=a/20250101/us-east-1/lambda/aws4_request, Signature=1",
      "x-amz-target": "AWSStepFunctions.StartExecution",
    });
    expect(routeRequest(signed)).toEqual({ kind: "service", name: "lambda" });
    const alias = fakeRequest("/", {
      authorization: "AWS4-HMAC-SHA256 Credential=a/20250101/us-east-1/cloudwatch/aws4_request, Signature=1",
    });
    expect(routeRequest(alias)).toEqual({ kind: "service", name: "monitoring" });
  });

  it("falls back to X-Amz-Target for unsigned requests", () => {
    expect(routeRequest(fakeRequest("/", { "x-amz-target": "AWSStepFunctions.ListStateMachines" }))).toEqual({
      kind: "service",
      name: "states",
    });
  });
});

describe("local ARNs", () => {
  it("builds ARNs shaped like AWS's for the local identity", () => {
    expect(lambdaFunctionArn("crud")).toBe("arn:aws:lambda:us-east-1:000000000000:function:crud");
    expect(lambdaFunctionArn("crud", "live")).toBe(
      "arn:aws:lambda:us-east-1:000000000000:function:crud:live",
    );
    expect(stateMachineArn("tuner")).toBe("arn:aws:states:us-east-1:000000000000:stateMachine:tuner");
    expect(executionArn("tuner", "run-1")).toBe(
      "arn:aws:states:us-east-1:000000000000:execution:tuner:run-1",
    );
  });

  it("parses ARNs and extracts a typed resource name", () => {
    expect(parseArn("arn:aws:lambda:us-east-1:000000000000:function:crud:live")?.resource).toBe(
      "function:crud:live",
    );
    expect(parseArn("not-an-arn")).toBeUndefined();
    expect(arnResourceName(stateMachineArn("tuner"), "stateMachine")).toBe("tuner");
    expect(arnResourceName(stateMachineArn("tuner"), "execution")).toBeUndefined();
  });
});
