// A PutObject body as the SDK sends it — raw, or aws-chunked when streamed or when a trailing checksum is added
// (the SDK's default) — decoded and checked against the digests the request declares, and the headers S3 keeps
// with the object.
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { readBody } from "../shared/http.js";
import { decodeAwsChunked } from "./aws-chunked.js";
import { S3Error } from "./errors.js";

/** The largest object the local S3 holds; it is held in memory while it is written. */
export const MAX_OBJECT_BYTES = 100 * 1024 * 1024;
/** aws-chunked framing adds a few bytes per chunk and a trailer. */
const FRAMING_ALLOWANCE = 1024 * 1024;

/** Headers S3 stores with an object and answers GetObject/HeadObject with. */
const STORED_HEADERS = [
  "content-type",
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-language",
  "expires",
] as const;

/** S3's Content-Type for an object put without one. */
export const DEFAULT_CONTENT_TYPE = "binary/octet-stream";

export async function readObjectPayload(req: IncomingMessage): Promise<Buffer> {
  const body = await readBody(req, {
    maxBytes: MAX_OBJECT_BYTES + FRAMING_ALLOWANCE,
    tooLarge: entityTooLarge,
  });
  const headers = req.headers;
  const declaredSha256 = header(headers, "x-amz-content-sha256") ?? "";
  const chunked =
    (header(headers, "content-encoding") ?? "").split(",").some((e) => e.trim() === "aws-chunked") ||
    declaredSha256.startsWith("STREAMING-");
  const data = chunked ? decodeAwsChunked(body).data : body;
  if (data.length > MAX_OBJECT_BYTES) throw entityTooLarge();
  const decodedLength = header(headers, "x-amz-decoded-content-length");
  if (chunked && decodedLength !== undefined && Number(decodedLength) !== data.length) {
    throw new S3Error(
      "IncompleteBody",
      `You did not provide the number of bytes specified by x-amz-decoded-content-length (${decodedLength}; got ${data.length}).`,
      { statusCode: 400 },
    );
  }
  if (/^[0-9a-f]{64}$/.test(declaredSha256)) {
    const actual = createHash("sha256").update(data).digest("hex");
    if (actual !== declaredSha256) {
      throw new S3Error(
        "XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        {
          statusCode: 400,
          details: { ClientComputedContentSHA256: declaredSha256, S3ComputedContentSHA256: actual },
        },
      );
    }
  }
  const contentMd5 = header(headers, "content-md5");
  if (contentMd5 !== undefined && createHash("md5").update(data).digest("base64") !== contentMd5) {
    throw new S3Error("BadDigest", "The Content-MD5 you specified did not match what we received.", {
      statusCode: 400,
    });
  }
  return data;
}

/** The object's headers to keep: the standard ones (without the aws-chunked transfer coding) and x-amz-meta-*. */
export function storedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = header(headers, name);
    if (value !== undefined) kept[name] = value;
  }
  const encoding = (kept["content-encoding"] ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "" && e !== "aws-chunked")
    .join(",");
  if (encoding === "") delete kept["content-encoding"];
  else kept["content-encoding"] = encoding;
  kept["content-type"] ??= DEFAULT_CONTENT_TYPE;
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith("x-amz-meta-") && typeof value === "string") kept[name] = value;
  }
  return kept;
}

export function md5ETag(data: Uint8Array): string {
  return `"${createHash("md5").update(data).digest("hex")}"`;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function entityTooLarge(): S3Error {
  return new S3Error(
    "EntityTooLarge",
    `Your proposed upload exceeds the local S3's ${MAX_OBJECT_BYTES} bytes.`,
    {
      statusCode: 400,
      details: { MaxSizeAllowed: String(MAX_OBJECT_BYTES) },
    },
  );
}
