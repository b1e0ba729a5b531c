// The REST layer's edges: error bodies and headers, empty answers, request limits, and the smaller API calls
// (ListFunctions, ListTags, GetFunctionConcurrency, RevisionId checks, alias routing weights).

import {
  CreateAliasCommand,
  GetFunctionConcurrencyCommand,
  InvalidParameterValueException,
  InvalidRequestContentException,
  InvokeCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  PreconditionFailedException,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  RequestTooLargeException,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdated,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode, type Harness, startHarness } from "./support.js";

describe("local Lambda service: the REST layer's edges", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ updateTransitionMs: 20 });
    await h.create("http-echo", "esm", { Tags: { team: "tuning" } });
  });

  afterAll(async () => {
    await h.close();
  });

  const api = (path: string, init?: RequestInit) => fetch(`${h.url}${path}`, init);
  const invokeAs = (invocationType: string) =>
    api("/2015-03-31/functions/http-echo/invocations", {
      method: "POST",
      headers: { "x-amz-invocation-type": invocationType },
      body: "{}",
    });

  it("answers an unknown path with Lambda's error body and x-amzn-errortype", async () => {
    const res = await api("/2015-03-31/functions/http-echo/policy");
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-errortype")).toBe("InvalidRequestContentException");
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toEqual({
      Type: "User",
      Message: "GET /2015-03-31/functions/http-echo/policy is not implemented by the local Lambda service.",
      message: "GET /2015-03-31/functions/http-echo/policy is not implemented by the local Lambda service.",
    });
  });

  it("refuses a request body that is not JSON", async () => {
    const res = await api("/2015-03-31/functions", { method: "POST", body: "{not json" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-errortype")).toBe("InvalidRequestContentException");
    expect(((await res.json()) as { Message: string }).Message).toBe(
      "Could not parse request body into json.",
    );
  });

  it("answers a 404 with the function's ARN in the message", async () => {
    const res = await api("/2015-03-31/functions/http-nobody/configuration");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
    expect(((await res.json()) as { Message: string }).Message).toBe(
      "Function not found: arn:aws:lambda:us-east-1:000000000000:function:http-nobody",
    );
  });

  it("answers DeleteFunction with 204 and an empty body", async () => {
    await h.create("http-doomed", "esm");
    const res = await api("/2015-03-31/functions/http-doomed", { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const again = await api("/2015-03-31/functions/http-doomed", { method: "DELETE" });
    expect(again.status).toBe(404);
  });

  it("answers an Event invocation with 202, the executed version and no payload", async () => {
    const res = await invokeAs("Event");
    expect(res.status).toBe(202);
    expect(res.headers.get("x-amz-executed-version")).toBe("$LATEST");
    expect(await res.text()).toBe("");
  });

  it("refuses an unknown invocation type and a payload that is not JSON", async () => {
    const badType = await invokeAs("Later");
    expect(badType.status).toBe(400);
    expect(badType.headers.get("x-amzn-errortype")).toBe("InvalidParameterValueException");
    await expect(
      h.client.send(new InvokeCommand({ FunctionName: "http-echo", Payload: "{oops" })),
    ).rejects.toBeInstanceOf(InvalidRequestContentException);
  });

  it("refuses a synchronous payload over 6 MB with RequestTooLargeException", async () => {
    const payload = JSON.stringify({ blob: "x".repeat(6 * 1024 * 1024) });
    await expect(
      h.client.send(new InvokeCommand({ FunctionName: "http-echo", Payload: payload })),
    ).rejects.toBeInstanceOf(RequestTooLargeException);
  });

  it("passes the client context to the handler's invocation and the invoked ARN with its qualifier", async () => {
    const out = await h.client.send(
      new InvokeCommand({
        FunctionName: "http-echo",
        Qualifier: "$LATEST",
        ClientContext: Buffer.from(JSON.stringify({ custom: { a: 1 } })).toString("base64"),
      }),
    );
    const body = decode(out.Payload) as { context: { invokedFunctionArn: string } };
    expect(body.context.invokedFunctionArn).toBe(
      "arn:aws:lambda:us-east-1:000000000000:function:http-echo:$LATEST",
    );
  });

  it("lists functions, tags and reserved concurrency", async () => {
    const listed = await h.client.send(new ListFunctionsCommand({}));
    expect(listed.Functions?.map((f) => f.FunctionName)).toContain("http-echo");
    const tags = await h.client.send(
      new ListTagsCommand({ Resource: "arn:aws:lambda:us-east-1:000000000000:function:http-echo" }),
    );
    expect(tags.Tags).toEqual({ team: "tuning" });
    const none = await h.client.send(new GetFunctionConcurrencyCommand({ FunctionName: "http-echo" }));
    expect(none.ReservedConcurrentExecutions).toBeUndefined();
    await h.client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "http-echo", ReservedConcurrentExecutions: 3 }),
    );
    const some = await h.client.send(new GetFunctionConcurrencyCommand({ FunctionName: "http-echo" }));
    expect(some.ReservedConcurrentExecutions).toBe(3);
    await expect(
      h.client.send(
        new PutFunctionConcurrencyCommand({ FunctionName: "http-echo", ReservedConcurrentExecutions: 51 }),
      ),
    ).rejects.toThrow(/exceeds the account's unreserved concurrency \(50\)/);
  });

  it("refuses an update carrying a stale RevisionId with 412 PreconditionFailedException", async () => {
    await h.create("http-revision", "esm");
    await expect(
      h.client.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: "http-revision",
          MemorySize: 256,
          RevisionId: "not-the-revision",
        }),
      ),
    ).rejects.toBeInstanceOf(PreconditionFailedException);
  });

  it("routes an alias by its weights and refuses weights outside 0 to 1", async () => {
    await h.create("http-weights", "esm");
    await h.client.send(new PublishVersionCommand({ FunctionName: "http-weights" }));
    await h.client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: "http-weights", MemorySize: 256 }),
    );
    await waitUntilFunctionUpdated(
      { client: h.client, maxWaitTime: 30, minDelay: 1, maxDelay: 2 },
      {
        FunctionName: "http-weights",
      },
    );
    await h.client.send(new PublishVersionCommand({ FunctionName: "http-weights" }));
    await h.client.send(
      new CreateAliasCommand({
        FunctionName: "http-weights",
        Name: "canary",
        FunctionVersion: "1",
        RoutingConfig: { AdditionalVersionWeights: { "2": 1 } },
      }),
    );
    // A weight of 1 sends every invocation to the additional version.
    const out = await h.client.send(new InvokeCommand({ FunctionName: "http-weights", Qualifier: "canary" }));
    expect(out.ExecutedVersion).toBe("2");
    await expect(
      h.client.send(
        new UpdateAliasCommand({
          FunctionName: "http-weights",
          Name: "canary",
          RoutingConfig: { AdditionalVersionWeights: { "2": 1.5 } },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
  });

  it("refuses a zip whose entries point outside the archive, one that does not unzip, and S3 code", async () => {
    const create = (Code: Record<string, unknown>) =>
      api("/2015-03-31/functions", {
        method: "POST",
        body: JSON.stringify({ FunctionName: "http-bad-code", Handler: "index.handler", Code }),
      });
    const escaping = zipSync({ "../escape.mjs": new TextEncoder().encode("export const x = 1;") });
    const outside = await create({ ZipFile: Buffer.from(escaping).toString("base64") });
    expect(outside.status).toBe(400);
    expect(((await outside.json()) as { Message: string }).Message).toBe(
      "Code.ZipFile entry ../escape.mjs points outside the archive.",
    );
    const garbage = await create({ ZipFile: Buffer.from("not a zip").toString("base64") });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { Message: string }).Message).toMatch(
      /^Code.ZipFile could not be unzipped/,
    );
    const s3 = await create({ S3Bucket: "bucket" });
    expect(s3.status).toBe(400);
    expect(s3.headers.get("x-amzn-errortype")).toBe("InvalidParameterValueException");
  });
});
