// The local S3's operations: each request parsed (request.ts), run against the store on disk
// (object-store.ts) and answered with S3's headers and XML.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../shared/http.js";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../shared/identity.js";
import { requestCredentialScope } from "../shared/sigv4.js";
import { BucketAlreadyOwnedByYouError, S3Error } from "./errors.js";
import { listPage, listRequest } from "./list-objects.js";
import type { ObjectRecord, ObjectStore } from "./object-store.js";
import { readObjectPayload, storedHeaders } from "./payload.js";
import { byteRange } from "./range.js";
import { s3Operation } from "./request.js";
import { document, element, errorXml } from "./xml.js";

/** S3 has no bucket region before LocationConstraint existed: a bucket created without one is in us-east-1. */
const DEFAULT_BUCKET_REGION = "us-east-1";
const XML = "application/xml";
const OWNER = `<Owner>${element("ID", LOCAL_ACCOUNT_ID)}${element("DisplayName", "local")}</Owner>`;
/** A CreateBucketConfiguration is a few lines of XML. */
const MAX_CONFIGURATION_BYTES = 64 * 1024;

export async function answerS3Request(
  store: ObjectStore,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const operation = s3Operation(req.method ?? "GET", req.url ?? "/", req.headers);
  const requestRegion = requestCredentialScope(req)?.region ?? LOCAL_REGION;
  switch (operation.name) {
    case "ListBuckets": {
      req.resume();
      const buckets = store
        .listBuckets()
        .map(
          (b) =>
            `<Bucket>${element("Name", b.name)}${element("CreationDate", b.creationDate)}${element("BucketRegion", b.region)}</Bucket>`,
        );
      send(
        res,
        200,
        {},
        document("ListAllMyBucketsResult", `${OWNER}<Buckets>${buckets.join("")}</Buckets>`),
      );
      return;
    }
    case "CreateBucket": {
      const configuration = await readBody(req, {
        maxBytes: MAX_CONFIGURATION_BYTES,
        tooLarge: () =>
          new S3Error("MalformedXML", "The CreateBucketConfiguration is too large", { statusCode: 400 }),
      });
      const constraint = /<LocationConstraint>([^<]*)<\/LocationConstraint>/.exec(
        configuration.toString("utf8"),
      )?.[1];
      const { created } = store.createBucket(operation.bucket, constraint || DEFAULT_BUCKET_REGION);
      // S3 in us-east-1 answers a second CreateBucket by the owner with 200; other regions with 409.
      if (!created && requestRegion !== DEFAULT_BUCKET_REGION)
        throw new BucketAlreadyOwnedByYouError(operation.bucket);
      send(res, 200, { location: `/${operation.bucket}` });
      return;
    }
    case "HeadBucket": {
      req.resume();
      const bucket = store.getBucket(operation.bucket);
      send(res, 200, { "x-amz-bucket-region": bucket.region });
      return;
    }
    case "DeleteBucket":
      req.resume();
      store.deleteBucket(operation.bucket);
      send(res, 204);
      return;
    case "ListObjectsV2": {
      req.resume();
      const request = listRequest(operation.query);
      const page = listPage(store.listObjects(operation.bucket), request);
      const urlEncoded = operation.query.get("encoding-type") === "url";
      const fetchOwner = operation.query.get("fetch-owner") === "true";
      const encode = (text: string) => (urlEncoded ? encodeURIComponent(text) : text);
      const optional = (name: string, value: string | undefined) =>
        value === undefined ? "" : element(name, encode(value));
      const contents = page.contents.map(
        (o) =>
          `<Contents>${element("Key", encode(o.key))}${element("LastModified", o.lastModified)}${element("ETag", o.etag)}` +
          `${element("Size", o.size)}${fetchOwner ? OWNER : ""}${element("StorageClass", "STANDARD")}</Contents>`,
      );
      const prefixes = page.commonPrefixes.map(
        (p) => `<CommonPrefixes>${element("Prefix", encode(p))}</CommonPrefixes>`,
      );
      const inner =
        element("Name", operation.bucket) +
        element("Prefix", encode(request.prefix)) +
        optional("Delimiter", request.delimiter) +
        element("MaxKeys", request.maxKeys) +
        (urlEncoded ? element("EncodingType", "url") : "") +
        element("KeyCount", contents.length + prefixes.length) +
        element("IsTruncated", page.isTruncated) +
        (request.continuationToken === undefined
          ? ""
          : element("ContinuationToken", request.continuationToken)) +
        (page.nextContinuationToken === undefined
          ? ""
          : element("NextContinuationToken", page.nextContinuationToken)) +
        optional("StartAfter", request.startAfter) +
        contents.join("") +
        prefixes.join("");
      send(res, 200, {}, document("ListBucketResult", inner));
      return;
    }
    case "PutObject": {
      const data = await readObjectPayload(req);
      const record = store.putObject(operation.bucket, operation.key, data, storedHeaders(req.headers));
      send(res, 200, { etag: record.etag });
      return;
    }
    case "GetObject": {
      req.resume();
      const object = store.getObject(operation.bucket, operation.key);
      const rangeHeader = req.headers.range;
      const range = byteRange(rangeHeader, object.size);
      if (range === undefined) {
        sendObject(res, 200, object, object.data);
        return;
      }
      sendObject(res, 206, object, object.data.subarray(range.start, range.end + 1), {
        "content-range": `bytes ${range.start}-${range.end}/${object.size}`,
      });
      return;
    }
    case "HeadObject": {
      req.resume();
      const object = store.headObject(operation.bucket, operation.key);
      res.writeHead(200, { ...requestIds(), ...objectHeaders(object), "content-length": object.size });
      res.end();
      return;
    }
    case "DeleteObject":
      req.resume();
      store.deleteObject(operation.bucket, operation.key);
      send(res, 204);
      return;
  }
}

/** S3's error answer: the XML body, or for a HEAD (which has none) the status alone, as S3 does. */
export function sendS3Error(req: IncomingMessage, res: ServerResponse, error: S3Error): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  req.resume();
  const ids = requestIds();
  if (req.method === "HEAD") {
    res.writeHead(error.statusCode, { ...ids, "x-amz-error-code": error.code });
    res.end();
    return;
  }
  const body = errorXml(error, ids["x-amz-request-id"]);
  res.writeHead(error.statusCode, { ...ids, "content-type": XML, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function objectHeaders(object: ObjectRecord): Record<string, string> {
  return {
    ...object.headers,
    etag: object.etag,
    "last-modified": new Date(object.lastModified).toUTCString(),
    "accept-ranges": "bytes",
  };
}

function sendObject(
  res: ServerResponse,
  statusCode: number,
  object: ObjectRecord,
  bytes: Buffer,
  extra: Record<string, string> = {},
): void {
  res.writeHead(statusCode, {
    ...requestIds(),
    ...objectHeaders(object),
    ...extra,
    "content-length": bytes.length,
  });
  res.end(bytes);
}

function send(
  res: ServerResponse,
  statusCode: number,
  headers: Record<string, string> = {},
  xml?: string,
): void {
  const body = xml ?? "";
  res.writeHead(statusCode, {
    ...requestIds(),
    ...(xml === undefined ? {} : { "content-type": XML }),
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function requestIds(): { "x-amz-request-id": string; "x-amz-id-2": string } {
  const id = randomUUID().replaceAll("-", "").slice(0, 16).toUpperCase();
  return { "x-amz-request-id": id, "x-amz-id-2": Buffer.from(randomUUID()).toString("base64") };
}
