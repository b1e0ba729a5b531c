import { describe, expect, it } from "vitest";
import { encodePayload, spreadPayloads } from "../../../../../functions/tuner/core/payloads.js";

/** The JSON text an invocation is sent. */
const payloadJson = (payload: unknown) => new TextDecoder().decode(encodePayload(payload));

describe("encodePayload: what an invocation is sent, converted as the reference tool converts it", () => {
  it("sends a string that is already JSON unchanged", () => {
    expect(payloadJson('{"id": 1}')).toBe('{"id": 1}');
    expect(payloadJson("{}")).toBe("{}");
    expect(payloadJson('"quoted"')).toBe('"quoted"');
    expect(payloadJson("42")).toBe("42");
  });

  it("sends a string that is not JSON as a JSON string", () => {
    expect(payloadJson("just a string")).toBe('"just a string"');
    expect(JSON.parse(payloadJson("{not json"))).toBe("{not json");
  });

  it("encodes objects, lists and numbers as JSON", () => {
    expect(payloadJson({ id: 1, tags: ["a"] })).toBe('{"id":1,"tags":["a"]}');
    expect(payloadJson([1, 2])).toBe("[1,2]");
    expect(payloadJson(7)).toBe("7");
  });

  it("sends null for no payload", () => {
    expect(payloadJson(undefined)).toBe("null");
    expect(payloadJson(null)).toBe("null");
    expect(spreadPayloads(undefined, 3).map(payloadJson)).toEqual(["null", "null", "null"]);
  });

  it("converts each item of a weighted list on its own", () => {
    const sent = spreadPayloads(
      [
        { payload: "plain", weight: 1 },
        { payload: '{"a":1}', weight: 1 },
      ],
      2,
    ).map(payloadJson);
    expect(sent.sort()).toEqual(['"plain"', '{"a":1}']);
  });
});
