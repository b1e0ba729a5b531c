import { describe, expect, it } from "vitest";
import { byteRange } from "../../../../local/s3/range.js";

describe("GetObject ranges", () => {
  it.each([
    ["bytes=0-4", { start: 0, end: 4 }],
    ["bytes=5-", { start: 5, end: 9 }],
    ["bytes=-3", { start: 7, end: 9 }],
    ["bytes=8-100", { start: 8, end: 9 }],
    ["bytes=-100", { start: 0, end: 9 }],
  ])("%s of 10 bytes", (header, range) => {
    expect(byteRange(header, 10)).toEqual(range);
  });

  it.each([undefined, "items=0-1", "bytes=0-1,4-5", "bytes=5-2"])(
    "serve the whole object for %s",
    (header) => {
      expect(byteRange(header, 10)).toBeUndefined();
    },
  );

  it("refuse a range past the end with 416 InvalidRange", () => {
    expect(() => byteRange("bytes=10-", 10)).toThrow(
      expect.objectContaining({ code: "InvalidRange", statusCode: 416 }),
    );
  });
});
