// The weekly tuning payload, run through the REAL crud handler against dynalite seeded with the sample items:
// every event must be a 200, so a tuning measures reads, not error answers.
import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  crudPingPayload,
  crudTuningPayload,
  SAMPLE_ITEM_COUNT,
  STACKS,
  sampleItems,
  TUNING_READ_IDS,
} from "../../../contract/index.js";
import { spreadPayloads } from "../../../functions/tuner/core/index.js";
import { type CrudHandlerOnDynalite, crudHandlerOnDynalite } from "../../support/crud-handler.js";
import { type RunningDynalite, startDynalite } from "../../support/dynalite.js";

const TABLE = `${STACKS.crud}-Items-sample`;
let dynalite: RunningDynalite;
let crud: CrudHandlerOnDynalite;
let calls = 0;

const invoke = (event: unknown) => {
  calls += 1;
  return crud.handler(event as APIGatewayProxyEvent, { awsRequestId: `sample-${calls}` } as Context);
};

beforeAll(async () => {
  dynalite = await startDynalite();
  crud = await crudHandlerOnDynalite(dynalite, TABLE);
  // Seeded the way the demo does it: PUT /items/{id} through the API's event shape.
  for (const item of sampleItems(SAMPLE_ITEM_COUNT)) {
    const result = await invoke({
      httpMethod: "PUT",
      resource: "/items/{id}",
      path: `/items/${item.id}`,
      pathParameters: { id: item.id },
      queryStringParameters: null,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(item),
      isBase64Encoded: false,
      requestContext: { requestId: `seed-${item.id}`, path: `/dev/items/${item.id}` },
    });
    if (result.statusCode !== 201 && result.statusCode !== 200) {
      throw new Error(`seeding ${item.id} answered ${result.statusCode}: ${result.body}`);
    }
  }
});

afterAll(async () => {
  crud?.close();
  await dynalite?.stop();
});

describe("sampleItems", () => {
  it("numbers ids sample-001 … with three digits and gives each a name, a price and tags", () => {
    const items = sampleItems(25);
    expect(items).toHaveLength(25);
    expect(items[0]?.id).toBe("sample-001");
    expect(items[24]?.id).toBe("sample-025");
    expect(new Set(items.map((i) => i.id)).size).toBe(25);
    for (const item of items) {
      expect(item.name).toMatch(/^Sample item \d+$/);
      expect(item.price).toBeGreaterThanOrEqual(5);
      expect(item.price).toBeLessThan(100);
      expect(item.tags).toContain("sample");
    }
    expect(sampleItems(0)).toEqual([]);
  });

  it("refuses a count that is not a whole number, naming it", () => {
    expect(() => sampleItems(-1)).toThrow(/count is -1/);
    expect(() => sampleItems(2.5)).toThrow(/count is 2.5/);
  });
});

describe("crudTuningPayload", () => {
  const payload = crudTuningPayload(TABLE);

  it("is read-heavy: mostly GET /items/{id} of seeded ids, some list pages, one dispatcher read and list", () => {
    const seeded = new Set(sampleItems(SAMPLE_ITEM_COUNT).map((i) => i.id));
    const total = payload.reduce((sum, p) => sum + p.weight, 0);
    const byId = payload.filter((p) => p.payload.resource === "/items/{id}");
    const pages = payload.filter((p) => p.payload.resource === "/items");
    const dispatch = payload.filter((p) => p.payload.resource === "/DynamoDBManager");
    expect(byId.every((p) => p.payload.httpMethod === "GET")).toBe(true);
    expect(byId.map((p) => p.payload.pathParameters?.id)).toEqual(TUNING_READ_IDS);
    for (const id of TUNING_READ_IDS) expect(seeded.has(id)).toBe(true);
    expect(byId.reduce((s, p) => s + p.weight, 0) / total).toBeGreaterThan(0.5);
    expect(pages.map((p) => p.payload.queryStringParameters)).toEqual([{ limit: "10" }]);
    expect(dispatch.map((p) => JSON.parse(p.payload.body ?? "{}").operation)).toEqual(["read", "list"]);
    for (const p of dispatch) expect(JSON.parse(p.payload.body ?? "{}").tableName).toBe(TABLE);
  });

  it("gives every entry at least one of the weekly 50 invocations (the initializer's rule)", () => {
    const spread = spreadPayloads(payload, 50);
    expect(spread).toHaveLength(50);
    for (const entry of payload) expect(spread).toContain(entry.payload);
  });

  it("gets a 200 from the real crud handler for every event, reading the seeded items", async () => {
    for (const { payload: event } of payload) {
      const result = await invoke(event);
      expect(result.statusCode, `${event.httpMethod} ${event.path} ${event.body ?? ""}`).toBe(200);
      const body = JSON.parse(result.body) as Record<string, unknown>;
      if (event.resource === "/items/{id}") {
        expect(body.id).toBe(event.pathParameters?.id);
        expect(body.name).toMatch(/^Sample item/);
      } else if (event.resource === "/items") {
        expect((body.items as unknown[]).length).toBe(10);
      } else if (JSON.parse(event.body ?? "{}").operation === "read") {
        expect((body.Item as { id: string }).id).toBe("sample-002");
      } else {
        expect((body.Items as unknown[]).length).toBe(10);
      }
    }
  });
});

describe("crudPingPayload", () => {
  it("is a dispatcher ping the real handler answers with pong, touching no item", async () => {
    const result = await invoke(crudPingPayload(TABLE));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toBe("pong");
  });
});
