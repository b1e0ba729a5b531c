import { describe, expect, it } from "vitest";
import { type ListRequest, listPage, listRequest } from "../../../../local/s3/list-objects.js";
import type { ObjectRecord } from "../../../../local/s3/object-store.js";

const object = (key: string): ObjectRecord => ({
  key,
  etag: '"x"',
  size: 1,
  lastModified: "2026-01-01T00:00:00.000Z",
  headers: {},
});
const KEYS = ["a.json", "in/1.json", "in/2.json", "in/deep/3.json", "out/1.json", "z.json"].map(object);

function page(query: string, objects = KEYS) {
  const result = listPage(objects, listRequest(new URLSearchParams(query)));
  return {
    keys: result.contents.map((o) => o.key),
    prefixes: result.commonPrefixes,
    next: result.nextContinuationToken,
    truncated: result.isTruncated,
  };
}

/** Every key and common prefix, page by page, following the continuation tokens. */
function allPages(query: string): string[] {
  const seen: string[] = [];
  let token: string | undefined;
  for (let n = 0; n < 20; n++) {
    const params = new URLSearchParams(query);
    if (token) params.set("continuation-token", token);
    const result = listPage(KEYS, listRequest(params));
    seen.push(...result.contents.map((o) => o.key), ...result.commonPrefixes);
    token = result.nextContinuationToken;
    if (!result.isTruncated) return seen;
  }
  throw new Error("no last page");
}

describe("ListObjectsV2 pages", () => {
  it("list every key under a prefix", () => {
    expect(page("prefix=in/").keys).toEqual(["in/1.json", "in/2.json", "in/deep/3.json"]);
  });

  it("roll keys up into common prefixes at the delimiter", () => {
    expect(page("delimiter=/")).toMatchObject({ keys: ["a.json", "z.json"], prefixes: ["in/", "out/"] });
    expect(page("prefix=in/&delimiter=/")).toMatchObject({
      keys: ["in/1.json", "in/2.json"],
      prefixes: ["in/deep/"],
    });
  });

  it("start after a key", () => {
    expect(page("start-after=in/2.json").keys).toEqual(["in/deep/3.json", "out/1.json", "z.json"]);
  });

  it("page by max-keys, counting common prefixes, until nothing is left, missing nothing", () => {
    expect(page("max-keys=2")).toMatchObject({ keys: ["a.json", "in/1.json"], truncated: true });
    expect(allPages("max-keys=2")).toEqual(KEYS.map((o) => o.key));
    expect(allPages("max-keys=1&delimiter=/")).toEqual(["a.json", "in/", "out/", "z.json"]);
  });

  it("resume after a key that ends in the delimiter without skipping the keys below it", () => {
    const objects = ["a/", "a/b", "a/c"].map(object);
    const first = listPage(objects, { ...listRequestOf("prefix=a/&delimiter=/"), maxKeys: 1 });
    expect(first.contents.map((o) => o.key)).toEqual(["a/"]);
    const second = listPage(objects, {
      ...listRequestOf("prefix=a/&delimiter=/"),
      continuationToken: first.nextContinuationToken,
    });
    expect(second.contents.map((o) => o.key)).toEqual(["a/b", "a/c"]);
  });

  it("refuse a token they did not hand out and a max-keys that is no number", () => {
    expect(() => page("continuation-token=bm9wZQ==")).toThrow(/continuation token/);
    expect(() => page("max-keys=many")).toThrow(/max-keys/);
  });
});

function listRequestOf(query: string): ListRequest {
  return listRequest(new URLSearchParams(query));
}
