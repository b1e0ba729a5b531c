import { describe, expect, it } from "vitest";
import {
  defaultRequests,
  expandWeights,
  parseRequestFile,
  toAutocannonRequests,
} from "../../../../cli/loadtest/requests.js";
import { TUNING_READ_IDS } from "../../../../contract/index.js";

const API = "http://127.0.0.1:4566/restapis/abc/dev/_user_request_/";

const problemOf = (value: unknown) => {
  try {
    parseRequestFile(value);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
};

describe("load-test requests", () => {
  it("default to the seeds' list request, then GET /items/{id} of the seeded items", () => {
    const requests = toAutocannonRequests(defaultRequests(), API, "Items");
    expect(requests[0]).toEqual({
      method: "POST",
      path: "/restapis/abc/dev/_user_request_/DynamoDBManager",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operation: "list", tableName: "Items", payload: {} }),
    });
    expect(requests.slice(1).map((r) => r.path)).toEqual(
      TUNING_READ_IDS.map((id) => `/restapis/abc/dev/_user_request_/items/${id}`),
    );
  });

  it("read one request or a weighted list, naming the bad field", () => {
    expect(parseRequestFile({ method: "get", path: "items" })).toEqual([
      { request: { method: "GET", path: "items" }, weight: 1 },
    ]);
    expect(problemOf({ method: "BREW", path: "x" })).toContain("the request.method");
    expect(problemOf({ method: "GET" })).toContain("the request.path is missing");
    expect(problemOf({ method: "GET", path: "https://example.com/items" })).toContain("full URL");
    expect(problemOf([{ request: { method: "GET", path: "a" }, weight: 0 }])).toContain("[0].weight");
    expect(problemOf([{ method: "GET", path: "a" }])).toContain('[0] is not {"request"');
    expect(problemOf({ method: "GET", path: "a", query: 1 })).toContain("query");
    expect(problemOf([])).toContain("empty");
  });

  it("interleave weights instead of sending them in runs", () => {
    expect(
      expandWeights([
        { weight: 3, item: "a" },
        { weight: 1, item: "b" },
      ]),
    ).toEqual(["a", "a", "b", "a"]);
    expect(() => expandWeights([{ weight: 5000, item: "a" }])).toThrow(/at most 1000/);
  });

  it("fill {{table}} in paths and bodies, keep text bodies as they are, and honour given headers", () => {
    const [json, text] = toAutocannonRequests(
      parseRequestFile([
        {
          request: { method: "POST", path: "/DynamoDBManager", body: { tableName: "{{table}}" } },
          weight: 1,
        },
        {
          request: { method: "PUT", path: "items/x?y=1", body: "raw {{table}}", headers: { "x-k": "v" } },
          weight: 1,
        },
      ]),
      "http://h:1/dev",
      "T",
    );
    expect(json).toMatchObject({ path: "/dev/DynamoDBManager", body: '{"tableName":"T"}' });
    expect(text).toEqual({ method: "PUT", path: "/dev/items/x?y=1", body: "raw T", headers: { "x-k": "v" } });
  });
});
