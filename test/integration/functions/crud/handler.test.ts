// The real crud handler, driven with API Gateway REST proxy events, against dynalite.
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type CrudHandlerOnDynalite, crudHandlerOnDynalite } from "../../../support/crud-handler.js";
import { type RunningDynalite, startDynalite } from "../../../support/dynalite.js";

const TABLE = "crud-items-test";
let dynalite: RunningDynalite;
let crud: CrudHandlerOnDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
  crud = await crudHandlerOnDynalite(dynalite, TABLE);
});

afterAll(async () => {
  crud?.close();
  await dynalite?.stop();
});

interface CallOptions {
  body?: unknown;
  rawBody?: string;
  id?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  base64?: boolean;
}

let requestCounter = 0;

async function call(method: string, resource: string, options: CallOptions = {}) {
  requestCounter += 1;
  const path = resource.replace("{id}", encodeURIComponent(options.id ?? ""));
  const rawBody = options.rawBody ?? (options.body === undefined ? null : JSON.stringify(options.body));
  const event = {
    httpMethod: method,
    resource,
    path,
    pathParameters: options.id === undefined ? null : { id: options.id },
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    headers: { "Content-Type": "application/json", ...options.headers },
    multiValueHeaders: {},
    body: rawBody !== null && options.base64 ? Buffer.from(rawBody).toString("base64") : rawBody,
    isBase64Encoded: options.base64 ?? false,
    stageVariables: null,
    requestContext: { requestId: `req-${requestCounter}`, path: `/dev${path}`, stage: "dev" },
  } as unknown as APIGatewayProxyEvent;
  const context = { awsRequestId: `lambda-${requestCounter}` } as Context;
  const result = await crud.handler(event, context);
  const headers = (result.headers ?? {}) as Record<string, string>;
  return { status: result.statusCode, headers, json: result.body ? JSON.parse(result.body) : undefined };
}

const dispatch = (body: unknown) => call("POST", "/DynamoDBManager", { body });
const dispatchUpdate = (payload: unknown) => dispatch({ operation: "update", tableName: TABLE, payload });

/** Follows `next` through every page of GET /items, checking each page; every id seen, in order. */
async function readAllPages(limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const page = await call("GET", "/items", { query: { limit: String(limit), ...(next && { next }) } });
    expect(page.status).toBe(200);
    expect(page.json.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.json.items.map((item: { id: string }) => item.id));
    next = page.json.next;
    if (next) expect(next).toMatch(/^[A-Za-z0-9_-]+$/);
    pages += 1;
  } while (next && pages < 1000);
  return { ids, pages };
}

describe("dispatcher protocol (POST /DynamoDBManager)", () => {
  it("answers ping with pong and echo with its payload", async () => {
    expect(await dispatch({ operation: "ping" })).toMatchObject({ status: 200, json: "pong" });
    expect(await dispatch({ operation: "echo", payload: { a: [1, "two"] } })).toMatchObject({
      status: 200,
      json: { a: [1, "two"] },
    });
  });

  it("creates, reads, updates, lists and deletes an item, mirroring the document client's output", async () => {
    const created = await dispatch({
      operation: "create",
      tableName: TABLE,
      payload: { Item: { id: "d-1", name: "first", count: 1 } },
    });
    expect(created).toMatchObject({ status: 200, json: {} });

    const read = await dispatch({ operation: "read", tableName: TABLE, payload: { Key: { id: "d-1" } } });
    expect(read).toMatchObject({ status: 200, json: { Item: { id: "d-1", name: "first", count: 1 } } });

    const updated = await dispatchUpdate({
      Key: { id: "d-1" },
      UpdateExpression: "SET #c = #c + :inc",
      ExpressionAttributeNames: { "#c": "count" },
      ExpressionAttributeValues: { ":inc": 4 },
      ReturnValues: "ALL_NEW",
    });
    expect(updated).toMatchObject({ status: 200, json: { Attributes: { id: "d-1", count: 5 } } });

    const listed = await dispatch({ operation: "list", tableName: TABLE, payload: {} });
    expect(listed.status).toBe(200);
    expect(listed.json.Items).toContainEqual({ id: "d-1", name: "first", count: 5 });
    expect(listed.json.Count).toBe(listed.json.Items.length);

    const deleted = await dispatch({
      operation: "delete",
      tableName: TABLE,
      payload: { Key: { id: "d-1" }, ReturnValues: "ALL_OLD" },
    });
    expect(deleted).toMatchObject({ status: 200, json: { Attributes: { id: "d-1" } } });
    expect(
      await dispatch({ operation: "read", tableName: TABLE, payload: { Key: { id: "d-1" } } }),
    ).toMatchObject({
      status: 200,
      json: {},
    });
  });

  it("pages a list with Limit and ExclusiveStartKey", async () => {
    for (let i = 0; i < 7; i += 1) {
      await dispatch({ operation: "create", tableName: TABLE, payload: { Item: { id: `page-d-${i}` } } });
    }
    const seen = new Set<string>();
    let startKey: unknown;
    let pages = 0;
    do {
      const page = await dispatch({
        operation: "list",
        tableName: TABLE,
        payload: { Limit: 3, ...(startKey !== undefined && { ExclusiveStartKey: startKey }) },
      });
      expect(page.status).toBe(200);
      expect(page.json.Items.length).toBeLessThanOrEqual(3);
      for (const item of page.json.Items) seen.add(item.id);
      startKey = page.json.LastEvaluatedKey;
      pages += 1;
    } while (startKey !== undefined && pages < 50);
    expect(pages).toBeGreaterThan(2);
    for (let i = 0; i < 7; i += 1) expect(seen.has(`page-d-${i}`)).toBe(true);
  });

  it("answers 409 CONDITION_FAILED when the client's ConditionExpression fails", async () => {
    await dispatch({ operation: "create", tableName: TABLE, payload: { Item: { id: "cond-1" } } });
    const again = await dispatch({
      operation: "create",
      tableName: TABLE,
      payload: { Item: { id: "cond-1" }, ConditionExpression: "attribute_not_exists(id)" },
    });
    expect(again).toMatchObject({ status: 409, json: { error: { code: "CONDITION_FAILED" } } });
  });

  it("answers 400 RESERVED_WORD when an expression uses a reserved word without a placeholder", async () => {
    await dispatch({ operation: "create", tableName: TABLE, payload: { Item: { id: "rw-1" } } });
    const response = await dispatchUpdate({
      Key: { id: "rw-1" },
      UpdateExpression: "SET name = :n",
      ExpressionAttributeValues: { ":n": "x" },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("RESERVED_WORD");
    expect(response.json.error.message).toMatch(/name/);
  });

  it("answers 400 INVALID_EXPRESSION for an expression DynamoDB cannot parse", async () => {
    const response = await dispatchUpdate({
      Key: { id: "rw-1" },
      UpdateExpression: "SET = = :n",
      ExpressionAttributeValues: { ":n": "x" },
    });
    expect(response).toMatchObject({ status: 400, json: { error: { code: "INVALID_EXPRESSION" } } });
  });
});

describe("REST API (/items)", () => {
  it("creates with 201, Location and ETag, then reads, replaces, patches and deletes", async () => {
    const created = await call("POST", "/items", { body: { id: "r-1", title: "one" } });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe("/dev/items/r-1");
    expect(created.headers.etag).toBe('"1"');
    expect(created.json).toEqual({ id: "r-1", title: "one", version: 1 });

    const got = await call("GET", "/items/{id}", { id: "r-1" });
    expect(got).toMatchObject({ status: 200, json: { id: "r-1", title: "one", version: 1 } });
    expect(got.headers.etag).toBe('"1"');

    const replaced = await call("PUT", "/items/{id}", {
      id: "r-1",
      body: { title: "uno" },
      headers: { "If-Match": '"1"' },
    });
    expect(replaced).toMatchObject({ status: 200, json: { id: "r-1", title: "uno", version: 2 } });
    expect(replaced.headers.etag).toBe('"2"');

    const patched = await call("PATCH", "/items/{id}", { id: "r-1", body: { colour: "red", title: null } });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({ id: "r-1", colour: "red", version: 3 });

    const deleted = await call("DELETE", "/items/{id}", { id: "r-1", headers: { "If-Match": '"3"' } });
    expect(deleted.status).toBe(204);
    expect(await call("GET", "/items/{id}", { id: "r-1" })).toMatchObject({
      status: 404,
      json: { error: { code: "ITEM_NOT_FOUND" } },
    });
  });

  it("generates an id when POST omits one", async () => {
    const created = await call("POST", "/items", { body: { title: "anonymous" } });
    expect(created.status).toBe(201);
    expect(created.json.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.headers.location).toBe(`/dev/items/${created.json.id}`);
  });

  it("answers 409 ITEM_EXISTS when POST reuses an id", async () => {
    await call("POST", "/items", { body: { id: "dup-1" } });
    expect(await call("POST", "/items", { body: { id: "dup-1" } })).toMatchObject({
      status: 409,
      json: { error: { code: "ITEM_EXISTS" } },
    });
  });

  it("creates with PUT (201) and replaces with PUT (200), counting versions", async () => {
    const first = await call("PUT", "/items/{id}", { id: "put-1", body: { n: 1 } });
    expect(first).toMatchObject({ status: 201, json: { id: "put-1", n: 1, version: 1 } });
    expect(first.headers.location).toBe("/dev/items/put-1");
    const second = await call("PUT", "/items/{id}", { id: "put-1", body: { n: 2 } });
    expect(second).toMatchObject({ status: 200, json: { id: "put-1", n: 2, version: 2 } });
  });

  it("answers 412 to PUT, PATCH and DELETE with a stale If-Match, leaving the item unchanged", async () => {
    await call("POST", "/items", { body: { id: "stale-1", v: "a" } });
    await call("PATCH", "/items/{id}", { id: "stale-1", body: { v: "b" } });
    const stale = { "If-Match": '"1"' };
    for (const [method, body] of [
      ["PUT", { v: "c" }],
      ["PATCH", { v: "c" }],
      ["DELETE", undefined],
    ] as const) {
      const response = await call(method, "/items/{id}", { id: "stale-1", body, headers: stale });
      expect(response).toMatchObject({ status: 412, json: { error: { code: "PRECONDITION_FAILED" } } });
    }
    expect(await call("GET", "/items/{id}", { id: "stale-1" })).toMatchObject({
      json: { v: "b", version: 2 },
    });
  });

  it("answers 412 to If-Match: * on a missing item and 404 to PATCH or DELETE of a missing item", async () => {
    expect(
      await call("PUT", "/items/{id}", { id: "missing-1", body: {}, headers: { "If-Match": "*" } }),
    ).toMatchObject({ status: 412 });
    expect(await call("PATCH", "/items/{id}", { id: "missing-1", body: { a: 1 } })).toMatchObject({
      status: 404,
      json: { error: { code: "ITEM_NOT_FOUND" } },
    });
    expect(await call("DELETE", "/items/{id}", { id: "missing-1" })).toMatchObject({ status: 404 });
  });

  it("treats items written by the dispatcher as version 0", async () => {
    await dispatch({ operation: "create", tableName: TABLE, payload: { Item: { id: "legacy-1", a: 1 } } });
    const got = await call("GET", "/items/{id}", { id: "legacy-1" });
    expect(got.headers.etag).toBe('"0"');
    const patched = await call("PATCH", "/items/{id}", {
      id: "legacy-1",
      body: { a: 2 },
      headers: { "If-Match": '"0"' },
    });
    expect(patched).toMatchObject({ status: 200, json: { a: 2, version: 1 } });
  });

  it("lets the dispatcher write a whole-number version and nested attributes named version", async () => {
    const created = await dispatch({
      operation: "create",
      tableName: TABLE,
      payload: { Item: { id: "copied-1", version: 3, meta: { version: "v2" } } },
    });
    expect(created.status).toBe(200);
    expect((await call("GET", "/items/{id}", { id: "copied-1" })).headers.etag).toBe('"3"');
    const copiedVersion = await dispatchUpdate({
      Key: { id: "copied-1" },
      UpdateExpression: "SET seenVersion = #v",
      ExpressionAttributeNames: { "#v": "version" },
    });
    expect(copiedVersion.status).toBe(200);
    const nested = await dispatchUpdate({
      Key: { id: "copied-1" },
      UpdateExpression: "SET meta.version = :v",
      ExpressionAttributeValues: { ":v": "v3" },
    });
    expect(nested.status).toBe(200);
  });

  it("pages GET /items over more than one page with an opaque next token", async () => {
    for (let i = 0; i < 25; i += 1)
      await call("POST", "/items", { body: { id: `page-r-${String(i).padStart(2, "0")}` } });
    const { ids: seen, pages } = await readAllPages(10);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    for (let i = 0; i < 25; i += 1) expect(seen).toContain(`page-r-${String(i).padStart(2, "0")}`);
  });

  it("issues next tokens it accepts back for the longest ids, even ones JSON must escape", async () => {
    const awkward = ["\u0001".repeat(1024), '"'.repeat(1024)];
    for (const id of awkward)
      await dispatch({ operation: "create", tableName: TABLE, payload: { Item: { id } } });
    const { ids } = await readAllPages(1);
    for (const id of awkward) expect(ids).toContain(id);
  });

  it("answers 413 ITEM_TOO_LARGE when a PATCH would grow an item past 400 KB", async () => {
    await call("POST", "/items", { body: { id: "big-1", a: "x".repeat(200 * 1024) } });
    const response = await call("PATCH", "/items/{id}", { id: "big-1", body: { b: "y".repeat(220 * 1024) } });
    expect(response).toMatchObject({ status: 413, json: { error: { code: "ITEM_TOO_LARGE" } } });
  });

  it("reads back a number an update pushed past 2^53 as its exact decimal string", async () => {
    await dispatch({
      operation: "create",
      tableName: TABLE,
      payload: { Item: { id: "counter", n: 9007199254740991 } },
    });
    const bumped = await dispatchUpdate({
      Key: { id: "counter" },
      UpdateExpression: "SET n = n + :one",
      ExpressionAttributeValues: { ":one": 1 },
    });
    expect(bumped.status).toBe(200);
    const read = await call("GET", "/items/{id}", { id: "counter" });
    expect(read.status).toBe(200);
    expect(read.json.n).toBe("9007199254740992");
    const listed = await call("GET", "/items", { query: { limit: "100" } });
    expect(listed.status).toBe(200);
  });

  it("decodes a base64-encoded body", async () => {
    const created = await call("POST", "/items", { body: { id: "b64-1", ok: true }, base64: true });
    expect(created).toMatchObject({ status: 201, json: { id: "b64-1", ok: true } });
  });
});

// Every case: [what is wrong, request, exact status, exact error code].
type Case = [string, () => ReturnType<typeof call>, number, string];
const big = "x".repeat(257 * 1024);
const malformed: Case[] = [
  ["empty body", () => call("POST", "/DynamoDBManager", {}), 400, "MISSING_BODY"],
  ["blank body", () => call("POST", "/DynamoDBManager", { rawBody: "   " }), 400, "MISSING_BODY"],
  [
    "truncated JSON",
    () => call("POST", "/DynamoDBManager", { rawBody: '{"operation":' }),
    400,
    "MALFORMED_JSON",
  ],
  [
    "not JSON at all",
    () => call("POST", "/DynamoDBManager", { rawBody: "operation=ping" }),
    400,
    "MALFORMED_JSON",
  ],
  ["JSON array body", () => dispatch([1, 2]), 400, "INVALID_BODY"],
  ["JSON string body", () => dispatch("ping"), 400, "INVALID_BODY"],
  ["JSON null body", () => call("POST", "/DynamoDBManager", { rawBody: "null" }), 400, "INVALID_BODY"],
  ["body over 256 KB", () => dispatch({ operation: "echo", payload: big }), 413, "BODY_TOO_LARGE"],
  ["missing operation", () => dispatch({ tableName: TABLE }), 400, "MISSING_OPERATION"],
  ["unknown operation", () => dispatch({ operation: "drop", tableName: TABLE }), 400, "UNKNOWN_OPERATION"],
  ["operation of wrong type", () => dispatch({ operation: 7 }), 400, "UNKNOWN_OPERATION"],
  ["operation in wrong case", () => dispatch({ operation: "PING" }), 400, "UNKNOWN_OPERATION"],
  ["unknown top-level field", () => dispatch({ operation: "ping", extra: 1 }), 400, "UNKNOWN_PARAMETER"],
  [
    "missing tableName",
    () => dispatch({ operation: "read", payload: { Key: { id: "a" } } }),
    400,
    "MISSING_TABLE_NAME",
  ],
  [
    "another table",
    () => dispatch({ operation: "read", tableName: "other", payload: { Key: { id: "a" } } }),
    403,
    "TABLE_NOT_ALLOWED",
  ],
  [
    "tableName of wrong type",
    () => dispatch({ operation: "read", tableName: 5, payload: {} }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "ping naming another table",
    () => dispatch({ operation: "ping", tableName: "other" }),
    403,
    "TABLE_NOT_ALLOWED",
  ],
  ["missing payload", () => dispatch({ operation: "read", tableName: TABLE }), 400, "MISSING_PARAMETER"],
  [
    "payload is an array",
    () => dispatch({ operation: "read", tableName: TABLE, payload: [] }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "payload is a string",
    () => dispatch({ operation: "create", tableName: TABLE, payload: "x" }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "read without Key",
    () => dispatch({ operation: "read", tableName: TABLE, payload: {} }),
    400,
    "MISSING_PARAMETER",
  ],
  [
    "delete without Key",
    () => dispatch({ operation: "delete", tableName: TABLE, payload: {} }),
    400,
    "MISSING_PARAMETER",
  ],
  ["update without Key", () => dispatchUpdate({ UpdateExpression: "SET a = :a" }), 400, "MISSING_PARAMETER"],
  ["update without UpdateExpression", () => dispatchUpdate({ Key: { id: "a" } }), 400, "MISSING_PARAMETER"],
  [
    "Key is a string",
    () => dispatch({ operation: "read", tableName: TABLE, payload: { Key: "a" } }),
    400,
    "INVALID_KEY",
  ],
  [
    "Key.id is a number",
    () => dispatch({ operation: "read", tableName: TABLE, payload: { Key: { id: 1 } } }),
    400,
    "INVALID_KEY",
  ],
  [
    "Key.id is empty",
    () => dispatch({ operation: "read", tableName: TABLE, payload: { Key: { id: "" } } }),
    400,
    "INVALID_KEY",
  ],
  [
    "Key with an extra attribute",
    () => dispatch({ operation: "read", tableName: TABLE, payload: { Key: { id: "a", sk: "b" } } }),
    400,
    "INVALID_KEY",
  ],
  [
    "Key in low-level AttributeValue form",
    () => dispatch({ operation: "read", tableName: TABLE, payload: { Key: { id: { S: "a" } } } }),
    400,
    "INVALID_KEY",
  ],
  [
    "create without Item",
    () => dispatch({ operation: "create", tableName: TABLE, payload: {} }),
    400,
    "MISSING_PARAMETER",
  ],
  [
    "Item is an array",
    () => dispatch({ operation: "create", tableName: TABLE, payload: { Item: [] } }),
    400,
    "INVALID_ITEM",
  ],
  [
    "Item without id",
    () => dispatch({ operation: "create", tableName: TABLE, payload: { Item: { a: 1 } } }),
    400,
    "INVALID_KEY",
  ],
  [
    "TableName override in payload",
    () =>
      dispatch({ operation: "read", tableName: TABLE, payload: { Key: { id: "a" }, TableName: "other" } }),
    400,
    "PARAMETER_NOT_ALLOWED",
  ],
  [
    "unknown payload parameter",
    () => dispatch({ operation: "read", tableName: TABLE, payload: { Key: { id: "a" }, Select: "ALL" } }),
    400,
    "UNKNOWN_PARAMETER",
  ],
  [
    "UpdateExpression on read",
    () =>
      dispatch({
        operation: "read",
        tableName: TABLE,
        payload: { Key: { id: "a" }, UpdateExpression: "SET a = :a" },
      }),
    400,
    "UNKNOWN_PARAMETER",
  ],
  [
    "UpdateExpression of wrong type",
    () => dispatchUpdate({ Key: { id: "a" }, UpdateExpression: 3 }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "bad attribute name placeholder",
    () =>
      dispatchUpdate({
        Key: { id: "a" },
        UpdateExpression: "SET #a = :a",
        ExpressionAttributeNames: { a: "b" },
      }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "bad attribute value placeholder",
    () =>
      dispatchUpdate({
        Key: { id: "a" },
        UpdateExpression: "SET a = :a",
        ExpressionAttributeValues: { a: 1 },
      }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "Limit of zero",
    () => dispatch({ operation: "list", tableName: TABLE, payload: { Limit: 0 } }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "Limit as a string",
    () => dispatch({ operation: "list", tableName: TABLE, payload: { Limit: "5" } }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "Limit fractional",
    () => dispatch({ operation: "list", tableName: TABLE, payload: { Limit: 1.5 } }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "ExclusiveStartKey of wrong shape",
    () => dispatch({ operation: "list", tableName: TABLE, payload: { ExclusiveStartKey: { nope: 1 } } }),
    400,
    "INVALID_KEY",
  ],
  [
    "ConsistentRead as a string",
    () =>
      dispatch({ operation: "read", tableName: TABLE, payload: { Key: { id: "a" }, ConsistentRead: "yes" } }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "unknown ReturnValues",
    () =>
      dispatch({
        operation: "delete",
        tableName: TABLE,
        payload: { Key: { id: "a" }, ReturnValues: "EVERYTHING" },
      }),
    400,
    "INVALID_PARAMETER",
  ],
  ["GET on the dispatcher", () => call("GET", "/DynamoDBManager"), 405, "METHOD_NOT_ALLOWED"],
  ["unknown route", () => call("GET", "/nothing-here"), 404, "ROUTE_NOT_FOUND"],
  ["DELETE on /items", () => call("DELETE", "/items"), 405, "METHOD_NOT_ALLOWED"],
  [
    "POST on /items/{id}",
    () => call("POST", "/items/{id}", { id: "a", body: {} }),
    405,
    "METHOD_NOT_ALLOWED",
  ],
  ["POST /items without body", () => call("POST", "/items"), 400, "MISSING_BODY"],
  [
    "POST /items with malformed JSON",
    () => call("POST", "/items", { rawBody: "{id:1}" }),
    400,
    "MALFORMED_JSON",
  ],
  ["POST /items with an array", () => call("POST", "/items", { body: [{ id: "a" }] }), 400, "INVALID_BODY"],
  ["POST /items with a numeric id", () => call("POST", "/items", { body: { id: 42 } }), 400, "INVALID_KEY"],
  ["POST /items with an empty id", () => call("POST", "/items", { body: { id: "" } }), 400, "INVALID_KEY"],
  [
    "POST /items setting version",
    () => call("POST", "/items", { body: { id: "v", version: 9 } }),
    400,
    "READ_ONLY_FIELD",
  ],
  [
    "POST /items over 256 KB",
    () => call("POST", "/items", { body: { id: "big", a: big } }),
    413,
    "BODY_TOO_LARGE",
  ],
  ["GET /items limit 0", () => call("GET", "/items", { query: { limit: "0" } }), 400, "INVALID_PARAMETER"],
  [
    "GET /items limit 101",
    () => call("GET", "/items", { query: { limit: "101" } }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "GET /items limit not a number",
    () => call("GET", "/items", { query: { limit: "ten" } }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "GET /items unknown parameter",
    () => call("GET", "/items", { query: { page: "2" } }),
    400,
    "UNKNOWN_PARAMETER",
  ],
  [
    "GET /items next not base64url",
    () => call("GET", "/items", { query: { next: "***" } }),
    400,
    "INVALID_NEXT_TOKEN",
  ],
  [
    "GET /items next tampered",
    () => call("GET", "/items", { query: { next: Buffer.from('{"id":1}').toString("base64url") } }),
    400,
    "INVALID_NEXT_TOKEN",
  ],
  [
    "GET /items next not JSON",
    () => call("GET", "/items", { query: { next: Buffer.from("hello").toString("base64url") } }),
    400,
    "INVALID_NEXT_TOKEN",
  ],
  [
    "PUT with a different body.id",
    () => call("PUT", "/items/{id}", { id: "a", body: { id: "b" } }),
    400,
    "ID_MISMATCH",
  ],
  [
    "PUT setting version",
    () => call("PUT", "/items/{id}", { id: "a", body: { version: 2 } }),
    400,
    "READ_ONLY_FIELD",
  ],
  ["PUT without body", () => call("PUT", "/items/{id}", { id: "a" }), 400, "MISSING_BODY"],
  [
    "PATCH with an empty object",
    () => call("PATCH", "/items/{id}", { id: "a", body: {} }),
    400,
    "EMPTY_PATCH",
  ],
  [
    "PATCH changing id",
    () => call("PATCH", "/items/{id}", { id: "a", body: { id: "b" } }),
    400,
    "ID_MISMATCH",
  ],
  [
    "PATCH with an empty name",
    () => call("PATCH", "/items/{id}", { id: "a", body: { "": 1 } }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "weak ETag in If-Match",
    () => call("DELETE", "/items/{id}", { id: "a", headers: { "If-Match": 'W/"1"' } }),
    400,
    "INVALID_IF_MATCH",
  ],
  [
    "unquoted If-Match",
    () => call("PATCH", "/items/{id}", { id: "a", body: { x: 1 }, headers: { "If-Match": "1" } }),
    400,
    "INVALID_IF_MATCH",
  ],
  ["GET /items/{id} with an empty id", () => call("GET", "/items/{id}", { id: "" }), 400, "INVALID_KEY"],
  [
    "POST /items with a number beyond 2^53",
    () => call("POST", "/items", { body: { id: "n", n: 1e16 } }),
    400,
    "NUMBER_OUT_OF_RANGE",
  ],
  [
    "dispatcher update with a value beyond -2^53",
    () =>
      dispatchUpdate({
        Key: { id: "n" },
        UpdateExpression: "SET n = :n",
        ExpressionAttributeValues: { ":n": -1e300 },
      }),
    400,
    "NUMBER_OUT_OF_RANGE",
  ],
  [
    "dispatcher create with a __proto__ attribute",
    () =>
      call("POST", "/DynamoDBManager", {
        rawBody: `{"operation":"create","tableName":"${TABLE}","payload":{"Item":{"id":"p","__proto__":{"a":1}}}}`,
      }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "dispatcher create with a version that is not a whole number",
    () =>
      dispatch({ operation: "create", tableName: TABLE, payload: { Item: { id: "v1", version: "abc" } } }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "dispatcher create with version 0, which means no version",
    () => dispatch({ operation: "create", tableName: TABLE, payload: { Item: { id: "v0", version: 0 } } }),
    400,
    "INVALID_PARAMETER",
  ],
  [
    "dispatcher update removing version",
    () => dispatchUpdate({ Key: { id: "v1" }, UpdateExpression: "REMOVE a, version" }),
    400,
    "READ_ONLY_FIELD",
  ],
  [
    "dispatcher update adding to version",
    () =>
      dispatchUpdate({
        Key: { id: "v1" },
        UpdateExpression: "SET a = :v ADD version :v",
        ExpressionAttributeValues: { ":v": 1 },
      }),
    400,
    "READ_ONLY_FIELD",
  ],
  [
    "dispatcher update setting version",
    () =>
      dispatchUpdate({
        Key: { id: "v1" },
        UpdateExpression: "SET version = :v",
        ExpressionAttributeValues: { ":v": 1.5 },
      }),
    400,
    "READ_ONLY_FIELD",
  ],
  [
    "dispatcher update setting version through a placeholder",
    () =>
      dispatchUpdate({
        Key: { id: "v1" },
        UpdateExpression: "SET #v = :v",
        ExpressionAttributeNames: { "#v": "version" },
        ExpressionAttributeValues: { ":v": "x" },
      }),
    400,
    "READ_ONLY_FIELD",
  ],
  [
    "echo of a payload nested 100 levels deep",
    () =>
      call("POST", "/DynamoDBManager", {
        rawBody: `{"operation":"echo","payload":${"[".repeat(100)}${"]".repeat(100)}}`,
      }),
    400,
    "BODY_TOO_DEEP",
  ],
];

describe("bad input never yields a 5xx", () => {
  it("has at least 50 malformed cases", () => {
    expect(malformed.length).toBeGreaterThanOrEqual(50);
  });

  const cases = malformed.map(([what, request, status, code]) => ({ what, request, status, code }));
  it.each(cases)("$what → $status $code", async ({ request, status, code }) => {
    const response = await request();
    expect(response.status).toBe(status);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(response.json.error.code).toBe(code);
    expect(typeof response.json.error.message).toBe("string");
    expect(response.json.error.message).not.toMatch(/\n\s+at /);
  });
});

describe("direct invocations that are not API Gateway events", () => {
  it.each([
    ["an empty object", {}],
    ["null", null],
    ["a string", "hello"],
    ["an event without httpMethod", { resource: "/items", path: "/items" }],
    [
      "an event whose body is an object",
      { httpMethod: "POST", resource: "/items", path: "/items", body: { id: "a" } },
    ],
    [
      "an event with a numeric header",
      { httpMethod: "GET", resource: "/items", path: "/items", headers: { a: 1 } },
    ],
    [
      "an event whose requestContext.path is a number",
      { httpMethod: "POST", resource: "/items", path: "/items", body: "{}", requestContext: { path: 5 } },
    ],
  ])("%s → 400 NOT_AN_API_EVENT, never a thrown TypeError", async (_what, event) => {
    const result = await crud.handler(
      event as unknown as APIGatewayProxyEvent,
      { awsRequestId: "direct" } as Context,
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.code).toBe("NOT_AN_API_EVENT");
  });
});

describe("logs", () => {
  /** The JSON lines a real Powertools Logger writes (stdout, and stderr for warnings) while `run` runs. */
  async function logLines(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
    const written: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    const spies = [
      vi.spyOn(process.stdout, "write").mockImplementation(capture),
      vi.spyOn(process.stderr, "write").mockImplementation(capture),
    ];
    try {
      await run();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    return written
      .join("")
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  const getItem = (id: string) =>
    ({
      httpMethod: "GET",
      resource: "/items/{id}",
      path: `/items/${id}`,
      pathParameters: { id },
      queryStringParameters: null,
      headers: {},
      body: null,
      isBase64Encoded: false,
      requestContext: { requestId: `log-${id}`, path: `/dev/items/${id}` },
    }) as unknown as APIGatewayProxyEvent;

  it("writes one request line per request, with its ids, status and duration, and no payloads by default", async () => {
    const logged = await crudHandlerOnDynalite(dynalite, "crud-logs-test", {
      logger: new Logger({ serviceName: "crud", logLevel: "INFO" }),
    });
    try {
      const lines = await logLines(() =>
        logged.handler(getItem("missing"), { awsRequestId: "l-1" } as Context),
      );
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: "INFO",
        message: "request",
        service: "crud",
        requestId: "log-missing",
        lambdaRequestId: "l-1",
        method: "GET",
        resource: "/items/{id}",
        status: 404,
      });
      expect(typeof lines[0]?.durationMs).toBe("number");
      // The keys of one request do not leak into the next line.
      const next = await logLines(() =>
        logged.handler({} as APIGatewayProxyEvent, { awsRequestId: "l-2" } as Context),
      );
      expect(next).toEqual([
        expect.objectContaining({
          level: "WARN",
          message: "not an API Gateway proxy event",
          lambdaRequestId: "l-2",
        }),
      ]);
      expect(next[0]).not.toHaveProperty("requestId");
    } finally {
      logged.close();
    }
  });

  it("logs request and response bodies only when the config says so", async () => {
    const logged = await crudHandlerOnDynalite(dynalite, "crud-payload-logs-test", {
      logPayloads: true,
      logger: new Logger({ serviceName: "crud", logLevel: "INFO" }),
    });
    const body = JSON.stringify({ operation: "echo", payload: { marker: 7 } });
    const echo = {
      httpMethod: "POST",
      resource: "/DynamoDBManager",
      path: "/DynamoDBManager",
      headers: { "Content-Type": "application/json" },
      body,
      isBase64Encoded: false,
      requestContext: { requestId: "log-echo", path: "/dev/DynamoDBManager" },
    } as unknown as APIGatewayProxyEvent;
    try {
      const lines = await logLines(() => logged.handler(echo, { awsRequestId: "p-1" } as Context));
      expect(lines.map((line) => line.message)).toEqual(["payloads", "request"]);
      expect(lines[0]).toMatchObject({
        requestId: "log-echo",
        requestBody: body,
        responseBody: '{"marker":7}',
      });
    } finally {
      logged.close();
    }
  });
});
