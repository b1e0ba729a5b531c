// Which S3 operation a request is, from its method, path and query (path-style: `/<bucket>/<key…>`), with no
// I/O. Subresources and headers that would change an operation's meaning (`?uploads`, `?tagging`, a copy
// source, conditions) are refused as NotImplemented instead of being ignored.
import type { IncomingHttpHeaders } from "node:http";
import { InvalidBucketNameError, NotImplementedError, S3Error } from "./errors.js";

export type S3Operation =
  | { name: "ListBuckets" }
  | { name: "CreateBucket" | "HeadBucket" | "DeleteBucket"; bucket: string }
  | { name: "ListObjectsV2"; bucket: string; query: URLSearchParams }
  | { name: "PutObject" | "GetObject" | "HeadObject" | "DeleteObject"; bucket: string; key: string };

/** S3's naming rules for buckets; they also keep a bucket's folder inside the data directory. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d+\.\d+\.\d+\.\d+$/;
export const MAX_KEY_BYTES = 1024;

/** Query parameters of any operation: the SDK's `x-id`, and a presigned URL's `X-Amz-*`. */
function isGenericParameter(name: string): boolean {
  return name === "x-id" || name.toLowerCase().startsWith("x-amz-");
}

const LIST_PARAMETERS = new Set([
  "list-type",
  "prefix",
  "delimiter",
  "max-keys",
  "continuation-token",
  "start-after",
  "encoding-type",
  "fetch-owner",
]);

/** Headers whose meaning the local S3 does not emulate (CopyObject, conditional requests). */
const REFUSED_HEADERS: Record<string, string> = {
  "x-amz-copy-source": "CopyObject (x-amz-copy-source)",
  "if-match": "A conditional request (If-Match)",
  "if-none-match": "A conditional request (If-None-Match)",
  "if-modified-since": "A conditional request (If-Modified-Since)",
  "if-unmodified-since": "A conditional request (If-Unmodified-Since)",
};

export function assertBucketName(bucket: string): void {
  if (!BUCKET_NAME.test(bucket) || bucket.includes("..") || IP_ADDRESS.test(bucket)) {
    throw new InvalidBucketNameError(bucket);
  }
}

export function s3Operation(method: string, rawUrl: string, headers: IncomingHttpHeaders = {}): S3Operation {
  const url = new URL(rawUrl, "http://localhost");
  for (const [header, what] of Object.entries(REFUSED_HEADERS)) {
    if (headers[header] !== undefined) throw new NotImplementedError(what);
  }
  // The raw path, not url.pathname: a key's %2F must stay inside the key.
  const path = rawUrl.split("?")[0] ?? "/";
  const slash = path.indexOf("/", 1);
  const bucket = decodePathPart(slash === -1 ? path.slice(1) : path.slice(1, slash));
  const key = decodePathPart(slash === -1 ? "" : path.slice(slash + 1));
  const query = url.searchParams;

  if (bucket === "") {
    refuseParameters(method, "/", query, new Set());
    if (method === "GET") return { name: "ListBuckets" };
    throw methodNotAllowed(method, "the service");
  }
  assertBucketName(bucket);
  if (key === "") {
    if (method === "GET") {
      if (query.get("list-type") !== "2") {
        refuseParameters(method, path, query, LIST_PARAMETERS);
        throw new NotImplementedError("ListObjects (version 1)", "use ListObjectsV2");
      }
      refuseParameters(method, path, query, LIST_PARAMETERS);
      return { name: "ListObjectsV2", bucket, query };
    }
    refuseParameters(method, path, query, new Set());
    if (method === "PUT") return { name: "CreateBucket", bucket };
    if (method === "HEAD") return { name: "HeadBucket", bucket };
    if (method === "DELETE") return { name: "DeleteBucket", bucket };
    throw methodNotAllowed(method, "a bucket");
  }
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw new S3Error("KeyTooLongError", `Your key is too long: at most ${MAX_KEY_BYTES} bytes of UTF-8.`, {
      statusCode: 400,
    });
  }
  refuseParameters(method, path, query, new Set());
  if (method === "PUT") return { name: "PutObject", bucket, key };
  if (method === "GET") return { name: "GetObject", bucket, key };
  if (method === "HEAD") return { name: "HeadObject", bucket, key };
  if (method === "DELETE") return { name: "DeleteObject", bucket, key };
  throw methodNotAllowed(method, "an object");
}

function decodePathPart(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    throw new S3Error("InvalidURI", `Couldn't parse the specified URI: ${raw}`, {
      statusCode: 400,
      cause: error,
    });
  }
}

function refuseParameters(method: string, path: string, query: URLSearchParams, allowed: Set<string>): void {
  for (const name of query.keys()) {
    if (!allowed.has(name) && !isGenericParameter(name)) {
      throw new NotImplementedError(`${method} ${path}?${name}`);
    }
  }
}

function methodNotAllowed(method: string, what: string): S3Error {
  return new S3Error("MethodNotAllowed", `The specified method (${method}) is not allowed against ${what}.`, {
    statusCode: 405,
  });
}
