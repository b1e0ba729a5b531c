import { describe, expect, it } from "vitest";
import { readCrudConfig } from "../../../../functions/crud/config.js";
import { CrudConfigError } from "../../../../functions/crud/errors.js";
import type { HttpRequest } from "../../../../functions/crud/http.js";
import { decodeNextToken, encodeNextToken, parseIfMatch } from "../../../../functions/crud/items.js";
import { type DbCommand, type Plan, responseForDbFailure, runPlan } from "../../../../functions/crud/plan.js";
import { planRequest } from "../../../../functions/crud/router.js";
import { itemSizeBytes, MAX_ITEM_BYTES, validateItem } from "../../../../functions/crud/validate.js";

const config = { tableName: "items-table", logPayloads: false };

function request(partial: Partial<HttpRequest>): HttpRequest {
  return {
    method: "POST",
    resource: "/DynamoDBManager",
    path: "/DynamoDBManager",
    pathParameters: {},
    query: {},
    headers: {},
    body: undefined,
    requestId: "req-1",
    ...partial,
  };
}

const plan = (partial: Partial<HttpRequest>) => planRequest(request(partial), config, () => "generated-id");
const dispatchPlan = (body: unknown) => plan({ body: JSON.stringify(body) });

function commandOf(p: Plan): DbCommand {
  if (p.kind !== "command")
    throw new Error(`expected a command, got ${p.response.status} ${p.response.body}`);
  return p.command;
}

function errorOf(p: Plan): { status: number; code: string } {
  if (p.kind !== "respond") throw new Error("expected a response");
  return { status: p.response.status, code: JSON.parse(p.response.body ?? "{}").error?.code };
}

describe("readCrudConfig", () => {
  it("reads TABLE_NAME and LOG_PAYLOADS", () => {
    expect(readCrudConfig({ TABLE_NAME: "t1", LOG_PAYLOADS: "true" })).toEqual({
      tableName: "t1",
      logPayloads: true,
    });
    expect(readCrudConfig({ TABLE_NAME: "t1" }).logPayloads).toBe(false);
  });

  it("fails loudly, naming the variable, when TABLE_NAME is missing or LOG_PAYLOADS is not a boolean", () => {
    expect(() => readCrudConfig({})).toThrow(CrudConfigError);
    expect(() => readCrudConfig({})).toThrow(/TABLE_NAME/);
    expect(() => readCrudConfig({ TABLE_NAME: "t", LOG_PAYLOADS: "yes" })).toThrow(/LOG_PAYLOADS/);
  });
});

describe("dispatcher core", () => {
  it.each([
    ["create", { Item: { id: "a", n: 1 } }, "Put"],
    ["read", { Key: { id: "a" } }, "Get"],
    [
      "update",
      { Key: { id: "a" }, UpdateExpression: "SET n = :n", ExpressionAttributeValues: { ":n": 2 } },
      "Update",
    ],
    ["delete", { Key: { id: "a" } }, "Delete"],
    ["list", { Limit: 5 }, "Scan"],
  ])("turns %s into a %s on the configured table only", (operation, payload, commandName) => {
    const command = commandOf(dispatchPlan({ operation, tableName: "items-table", payload }));
    expect(command.name).toBe(commandName);
    expect(command.input.TableName).toBe("items-table");
    for (const [key, value] of Object.entries(payload)) expect(command.input).toHaveProperty(key, value);
  });

  it("lists without a payload", () => {
    expect(commandOf(dispatchPlan({ operation: "list", tableName: "items-table" })).input).toEqual({
      TableName: "items-table",
    });
  });

  it("answers ping and echo without touching the table", () => {
    const ping = dispatchPlan({ operation: "ping" });
    expect(ping).toMatchObject({ kind: "respond", response: { status: 200, body: '"pong"' } });
    const echo = dispatchPlan({ operation: "echo", payload: { x: [1] } });
    expect(echo).toMatchObject({ kind: "respond", response: { status: 200, body: '{"x":[1]}' } });
  });

  it("mirrors the document client's output as the response", () => {
    const p = dispatchPlan({ operation: "read", tableName: "items-table", payload: { Key: { id: "a" } } });
    if (p.kind !== "command") throw new Error("expected a command");
    expect(p.onResult({ Item: { id: "a" } })).toMatchObject({
      response: { status: 200, body: '{"Item":{"id":"a"}}' },
    });
  });

  it.each([
    ["malformed JSON", { body: "{" }, 400, "MALFORMED_JSON"],
    ["missing body", { body: undefined }, 400, "MISSING_BODY"],
    [
      "oversized body",
      { body: JSON.stringify({ operation: "echo", payload: "x".repeat(262_144) }) },
      413,
      "BODY_TOO_LARGE",
    ],
    ["unknown operation", { body: '{"operation":"scan"}' }, 400, "UNKNOWN_OPERATION"],
    ["missing operation", { body: "{}" }, 400, "MISSING_OPERATION"],
    [
      "another table",
      { body: '{"operation":"read","tableName":"x","payload":{"Key":{"id":"a"}}}' },
      403,
      "TABLE_NOT_ALLOWED",
    ],
    [
      "TableName override",
      { body: '{"operation":"list","tableName":"items-table","payload":{"TableName":"x"}}' },
      400,
      "PARAMETER_NOT_ALLOWED",
    ],
    [
      "missing Key",
      { body: '{"operation":"delete","tableName":"items-table","payload":{}}' },
      400,
      "MISSING_PARAMETER",
    ],
    [
      "wrong Key type",
      { body: '{"operation":"read","tableName":"items-table","payload":{"Key":{"id":7}}}' },
      400,
      "INVALID_KEY",
    ],
    ["GET on the dispatcher", { method: "GET" }, 405, "METHOD_NOT_ALLOWED"],
    ["unknown route", { resource: "/other" }, 404, "ROUTE_NOT_FOUND"],
  ] as const)("refuses %s with %i %s", (_what, partial, status, code) => {
    expect(errorOf(plan(partial))).toEqual({ status, code });
  });
});

describe("items core", () => {
  it("creates with version 1, a condition against overwriting, Location and ETag", () => {
    const p = plan({ resource: "/items", path: "/dev/items", body: '{"title":"t"}' });
    const command = commandOf(p);
    expect(command).toMatchObject({
      name: "Put",
      input: {
        Item: { id: "generated-id", title: "t", version: 1 },
        ConditionExpression: "attribute_not_exists(#id)",
      },
    });
    if (p.kind !== "command") throw new Error("expected a command");
    expect(p.onResult({})).toMatchObject({
      response: { status: 201, headers: { location: "/dev/items/generated-id", etag: '"1"' } },
    });
    expect(p.onConditionFailed()).toMatchObject({ status: 409 });
  });

  it("makes PATCH and DELETE conditional on If-Match and answers 412 when it fails", () => {
    const patch = plan({
      method: "PATCH",
      resource: "/items/{id}",
      pathParameters: { id: "a" },
      headers: { "if-match": '"4"' },
      body: '{"x":1,"y":null}',
    });
    expect(commandOf(patch)).toMatchObject({
      name: "Update",
      input: {
        UpdateExpression: "SET #a0 = :v0, #version = if_not_exists(#version, :zero) + :one REMOVE #a1",
        ConditionExpression: "#version = :expected",
        ExpressionAttributeValues: { ":v0": 1, ":expected": 4 },
      },
    });
    if (patch.kind !== "command") throw new Error("expected a command");
    expect(patch.onConditionFailed().status).toBe(412);
    const del = plan({ method: "DELETE", resource: "/items/{id}", pathParameters: { id: "a" } });
    expect(commandOf(del).input).toMatchObject({ ConditionExpression: "attribute_exists(#id)" });
    if (del.kind !== "command") throw new Error("expected a command");
    expect(del.onConditionFailed().status).toBe(404);
  });

  it("replaces with PUT by reading the current version, then writing conditionally on it", () => {
    const p = plan({ method: "PUT", resource: "/items/{id}", pathParameters: { id: "a" }, body: '{"n":2}' });
    expect(commandOf(p).name).toBe("Get");
    if (p.kind !== "command") throw new Error("expected a command");
    const write = p.onResult({ Item: { id: "a", n: 1, version: 7 } });
    expect(commandOf(write)).toMatchObject({
      name: "Put",
      input: { Item: { id: "a", n: 2, version: 8 }, ExpressionAttributeValues: { ":expected": 7 } },
    });
  });

  it("parses If-Match: *, one strong ETag, and refuses anything else", () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch("*")).toEqual({ kind: "exists" });
    expect(parseIfMatch('"12"')).toEqual({ kind: "version", version: 12 });
    for (const bad of ['W/"1"', "1", '"a"', '"1", "2"', '"-1"'])
      expect(() => parseIfMatch(bad)).toThrow(/If-Match/);
  });

  it("round-trips the next token and refuses tampered ones", () => {
    const token = encodeNextToken({ id: "k/1" });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeNextToken(token)).toEqual({ id: "k/1" });
    for (const bad of [`${token}!`, Buffer.from('{"id":2}').toString("base64url"), "e30", `${token}A`]) {
      expect(() => decodeNextToken(bad)).toThrow(/next/);
    }
  });
});

describe("item size", () => {
  it("counts names, strings, numbers, booleans and nested values by DynamoDB's rules", () => {
    expect(itemSizeBytes({ id: "abc" })).toBe(2 + 3);
    expect(itemSizeBytes({ n: 12345 })).toBe(1 + 4);
    expect(itemSizeBytes({ b: true, z: null })).toBe(2 + 2);
    expect(itemSizeBytes({ l: ["a", 1] })).toBe(1 + 3 + (1 + 1) + (1 + 2));
  });

  it("refuses an item over 400 KB with 413 ITEM_TOO_LARGE", () => {
    const item = { id: "a", blob: "x".repeat(MAX_ITEM_BYTES) };
    expect(() => validateItem(item, "Item")).toThrow(
      expect.objectContaining({ status: 413, code: "ITEM_TOO_LARGE" }),
    );
    expect(validateItem({ id: "a", blob: "x".repeat(1000) }, "Item")).toBeTruthy();
  });
});

describe("DynamoDB failures", () => {
  const conditionFailed = () => ({ status: 412, headers: {}, body: "{}" });

  it.each(["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"])(
    "answers %s with 503 THROTTLED and Retry-After",
    (name) => {
      const response = responseForDbFailure({ name, message: "slow down" }, conditionFailed, "req-9");
      expect(response.status).toBe(503);
      expect(response.headers["retry-after"]).toBe("1");
      expect(JSON.parse(response.body ?? "").error.code).toBe("THROTTLED");
    },
  );

  it("maps validation errors to 4xx and anything else to 500 naming the request id, never a stack", () => {
    const reserved = {
      name: "ValidationException",
      message: "Attribute name is a reserved keyword; reserved keyword: name",
    };
    expect(responseForDbFailure(reserved, conditionFailed, "r").status).toBe(400);
    const size = { name: "ValidationException", message: "Item size has exceeded the maximum allowed size" };
    expect(responseForDbFailure(size, conditionFailed, "r").status).toBe(413);
    const expression = {
      name: "ValidationException",
      message: "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size",
    };
    expect(responseForDbFailure(expression, conditionFailed, "r").status).toBe(400);
    const cond = { name: "ConditionalCheckFailedException", message: "x" };
    expect(responseForDbFailure(cond, conditionFailed, "r").status).toBe(412);
    const other = responseForDbFailure(
      { name: "ResourceNotFoundException", message: "at foo (x.js:1)" },
      conditionFailed,
      "req-42",
    );
    expect(other.status).toBe(500);
    expect(other.body).toContain("req-42");
    expect(other.body).not.toContain("x.js");
  });

  it("runs a plan to 503 when every send is throttled (mocked client: throttling)", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    const failures: string[] = [];
    const response = await runPlan(
      dispatchPlan({ operation: "read", tableName: "items-table", payload: { Key: { id: "a" } } }),
      async () => {
        throw throttled;
      },
      "req-1",
      (failure) => failures.push(failure.name),
    );
    expect(response.status).toBe(503);
    expect(failures).toEqual(["ThrottlingException"]);
  });
});
