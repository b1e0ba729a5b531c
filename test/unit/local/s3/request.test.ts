import { describe, expect, it } from "vitest";
import { s3Operation } from "../../../../local/s3/request.js";

describe("which S3 operation a path-style request is", () => {
  it.each([
    ["GET", "/", "ListBuckets"],
    ["PUT", "/payloads/", "CreateBucket"],
    ["HEAD", "/payloads", "HeadBucket"],
    ["DELETE", "/payloads/", "DeleteBucket"],
    ["GET", "/payloads/?list-type=2&prefix=a%2F", "ListObjectsV2"],
    ["PUT", "/payloads/in/put.json?x-id=PutObject", "PutObject"],
    ["GET", "/payloads/in/put.json?x-id=GetObject", "GetObject"],
    ["HEAD", "/payloads/in/put.json", "HeadObject"],
    ["DELETE", "/payloads/in/put.json?x-id=DeleteObject", "DeleteObject"],
  ])("%s %s is %s", (method, url, name) => {
    expect(s3Operation(method, url).name).toBe(name);
  });

  it("decodes the key, keeping an encoded slash and spaces inside it", () => {
    expect(s3Operation("GET", "/payloads/a%20b/c%2Fd.json?x-id=GetObject")).toEqual({
      name: "GetObject",
      bucket: "payloads",
      key: "a b/c/d.json",
    });
  });

  it("accepts a presigned URL's parameters", () => {
    const url =
      "/payloads/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Signature=b&x-id=GetObject";
    expect(s3Operation("GET", url).name).toBe("GetObject");
  });

  it.each([
    ["a multipart upload", "POST", "/payloads/k?uploads", {}],
    ["object tagging", "PUT", "/payloads/k?tagging", {}],
    ["DeleteObjects", "POST", "/payloads/?delete", {}],
    ["ListObjects version 1", "GET", "/payloads/", {}],
    ["CopyObject", "PUT", "/payloads/k", { "x-amz-copy-source": "/other/k" }],
    ["a conditional GET", "GET", "/payloads/k", { "if-none-match": '"x"' }],
  ])("refuses %s as NotImplemented (501)", (_, method, url, headers) => {
    expect(() => s3Operation(method, url, headers)).toThrow(
      expect.objectContaining({ code: "NotImplemented", statusCode: 501 }),
    );
  });

  it.each(["ab", "Payloads", "..", "a..b", "192.168.0.1", "-payloads"])(
    "refuses bucket name %s",
    (bucket) => {
      expect(() => s3Operation("GET", `/${bucket}/k`)).toThrow(
        expect.objectContaining({ code: "InvalidBucketName" }),
      );
    },
  );

  it("refuses a key over 1024 bytes", () => {
    expect(() => s3Operation("PUT", `/payloads/${"é".repeat(513)}`)).toThrow(
      expect.objectContaining({ code: "KeyTooLongError" }),
    );
  });

  it("refuses a malformed escape as InvalidURI", () => {
    expect(() => s3Operation("GET", "/payloads/%E0%A4%A")).toThrow(
      expect.objectContaining({ code: "InvalidURI" }),
    );
  });
});
