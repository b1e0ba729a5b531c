import { describe, expect, it } from "vitest";
import { decodeAwsChunked } from "../../../../local/s3/aws-chunked.js";
import { S3Error } from "../../../../local/s3/errors.js";

describe("aws-chunked bodies", () => {
  it("join the chunks and read the trailing checksum", () => {
    const body = Buffer.from("3\r\nabc\r\n3\r\ndef\r\n0\r\nx-amz-checksum-crc32:S4jd+g==\r\n\r\n");
    expect(decodeAwsChunked(body)).toEqual({
      data: Buffer.from("abcdef"),
      trailers: { "x-amz-checksum-crc32": "S4jd+g==" },
    });
  });

  it("read past chunk signatures", () => {
    const body = Buffer.from("5;chunk-signature=ab12\r\nhello\r\n0;chunk-signature=cd34\r\n\r\n");
    expect(decodeAwsChunked(body).data.toString()).toBe("hello");
  });

  it("keep binary chunks byte for byte, CRLF inside them included", () => {
    const data = Buffer.from([0, 13, 10, 255, 13, 10]);
    const body = Buffer.concat([Buffer.from("6\r\n"), data, Buffer.from("\r\n0\r\n\r\n")]);
    expect(decodeAwsChunked(body).data.equals(data)).toBe(true);
  });

  it.each([
    ["a chunk shorter than its size", "9\r\nabc\r\n0\r\n\r\n"],
    ["a size that is not hex", "zz\r\nabc\r\n0\r\n\r\n"],
    ["no final chunk", "3\r\nabc\r\n"],
  ])("refuse %s with IncompleteBody", (_, text) => {
    const decode = () => decodeAwsChunked(Buffer.from(text));
    expect(decode).toThrow(S3Error);
    expect(decode).toThrow(/aws-chunked/);
  });
});
