// The local S3 through @aws-sdk/client-s3 with the SDK's defaults (no forcePathStyle, default checksums): what
// a client reads back, S3's errors, listing, and objects surviving a restart on the same data directory.
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { createEdge, type Edge } from "../../../../local/edge/index.js";
import { createS3Service } from "../../../../local/s3/index.js";
import { LOCAL_CREDENTIALS } from "../../../../local/shared/identity.js";

interface Running {
  edge: Edge;
  s3: S3Client;
  url: string;
}

const dataDirs: string[] = [];
const running: Running[] = [];

afterEach(async () => {
  for (const r of running.splice(0)) await stop(r);
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "powertune-s3-"));
  dataDirs.push(dir);
  return dir;
}

async function start(dataDir = newDataDir(), region = "us-east-1"): Promise<Running> {
  const edge = createEdge({ services: { s3: createS3Service({ dataDir }) } });
  const { url } = await edge.listen(0);
  // The SDK's defaults, as a function gets them: only the endpoint, region and credentials are given.
  const s3 = new S3Client({ endpoint: url, region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const r = { edge, s3, url };
  running.push(r);
  return r;
}

async function stop(r: Running): Promise<void> {
  if (running.includes(r)) running.splice(running.indexOf(r), 1);
  r.s3.destroy();
  await r.edge.close();
}

async function rejection(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof S3ServiceException)) throw new Error(`expected an S3 error, got ${String(error)}`);
  return error;
}

describe("the local S3 through @aws-sdk/client-s3", () => {
  it("puts, gets and heads an object with S3's ETag, Content-Length, Content-Type and Last-Modified", async () => {
    const { s3 } = await start();
    await s3.send(new CreateBucketCommand({ Bucket: "payloads" }));
    const body = JSON.stringify({ id: "1", payload: "x".repeat(1000) });
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: "payloads",
        Key: "runs/1/payload.json",
        Body: body,
        ContentType: "application/json",
        Metadata: { purpose: "tuning" },
      }),
    );
    const md5 = `"${createHash("md5").update(body).digest("hex")}"`;
    expect(put.ETag).toBe(md5);

    const got = await s3.send(new GetObjectCommand({ Bucket: "payloads", Key: "runs/1/payload.json" }));
    expect(await got.Body?.transformToString()).toBe(body);
    expect(got).toMatchObject({ ETag: md5, ContentLength: body.length, ContentType: "application/json" });
    expect(got.Metadata).toEqual({ purpose: "tuning" });
    expect(Math.abs((got.LastModified?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);

    const head = await s3.send(new HeadObjectCommand({ Bucket: "payloads", Key: "runs/1/payload.json" }));
    expect(head).toMatchObject({ ETag: md5, ContentLength: body.length, ContentType: "application/json" });
    expect(head.LastModified?.toISOString()).toBe(got.LastModified?.toISOString());
  });

  it("keeps binary and streamed bodies (aws-chunked with a trailing checksum) byte for byte", async () => {
    const { s3 } = await start();
    await s3.send(new CreateBucketCommand({ Bucket: "payloads" }));
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    await s3.send(new PutObjectCommand({ Bucket: "payloads", Key: "bin", Body: bytes }));
    await s3.send(
      new PutObjectCommand({
        Bucket: "payloads",
        Key: "stream",
        Body: Readable.from([bytes.subarray(0, 30_000), bytes.subarray(30_000)]),
        ContentLength: bytes.length,
      }),
    );
    for (const Key of ["bin", "stream"]) {
      const got = await s3.send(new GetObjectCommand({ Bucket: "payloads", Key }));
      expect(Buffer.from(await (got.Body?.transformToByteArray() ?? new Uint8Array())).equals(bytes)).toBe(
        true,
      );
      // The SDK sends application/octet-stream for a body without a ContentType.
      expect(got.ContentType).toBe("application/octet-stream");
    }
    const range = await s3.send(
      new GetObjectCommand({ Bucket: "payloads", Key: "bin", Range: "bytes=10-19" }),
    );
    expect(Buffer.from(await (range.Body?.transformToByteArray() ?? new Uint8Array()))).toEqual(
      bytes.subarray(10, 20),
    );
    expect(range.ContentRange).toBe(`bytes 10-19/${bytes.length}`);
  });

  it("answers a missing key with 404 NoSuchKey (NotFound for HEAD) and a missing bucket with NoSuchBucket", async () => {
    const { s3 } = await start();
    await s3.send(new CreateBucketCommand({ Bucket: "payloads" }));
    const noKey = await rejection(s3.send(new GetObjectCommand({ Bucket: "payloads", Key: "missing" })));
    expect(noKey).toBeInstanceOf(NoSuchKey);
    expect(noKey.$metadata.httpStatusCode).toBe(404);
    const headMissing = await rejection(
      s3.send(new HeadObjectCommand({ Bucket: "payloads", Key: "missing" })),
    );
    expect([headMissing.name, headMissing.$metadata.httpStatusCode]).toEqual(["NotFound", 404]);
    const noBucket = await rejection(
      s3.send(new PutObjectCommand({ Bucket: "nowhere", Key: "k", Body: "x" })),
    );
    expect(noBucket).toBeInstanceOf(NoSuchBucket);
    expect(noBucket.$metadata.httpStatusCode).toBe(404);
    const headBucket = await rejection(s3.send(new HeadBucketCommand({ Bucket: "nowhere" })));
    expect(headBucket.$metadata.httpStatusCode).toBe(404);
  });

  it("lists keys under a prefix, rolls them up at a delimiter, and pages through them", async () => {
    const { s3 } = await start();
    await s3.send(new CreateBucketCommand({ Bucket: "payloads" }));
    const keys = ["a.json", "in/1.json", "in/2.json", "in/deep/3.json", "z.json", "\uffff", "😀"];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: "payloads", Key, Body: Key }));
    const byPrefix = await s3.send(
      new ListObjectsV2Command({ Bucket: "payloads", Prefix: "in/", Delimiter: "/" }),
    );
    expect(byPrefix.Contents?.map((o) => o.Key)).toEqual(["in/1.json", "in/2.json"]);
    expect(byPrefix.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["in/deep/"]);
    expect(byPrefix.KeyCount).toBe(3);
    const listed: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: "payloads", MaxKeys: 3, ContinuationToken }),
      );
      listed.push(...(page.Contents ?? []).map((o) => o.Key ?? ""));
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
    // S3's order is the UTF-8 bytes of the key: U+FFFF before an emoji, unlike JavaScript's string order.
    expect(listed).toEqual(["a.json", "in/1.json", "in/2.json", "in/deep/3.json", "z.json", "\uffff", "😀"]);
  });

  it("creates, finds, lists and deletes buckets as S3 does", async () => {
    const { s3 } = await start(newDataDir(), "us-west-2");
    await s3.send(new CreateBucketCommand({ Bucket: "results" }));
    const head = await s3.send(new HeadBucketCommand({ Bucket: "results" }));
    expect(head.BucketRegion).toBe("us-west-2");
    // Outside us-east-1, S3 refuses to create a bucket its owner already has.
    await expect(s3.send(new CreateBucketCommand({ Bucket: "results" }))).rejects.toBeInstanceOf(
      BucketAlreadyOwnedByYou,
    );
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual(["results"]);
    await s3.send(new PutObjectCommand({ Bucket: "results", Key: "k", Body: "x" }));
    const notEmpty = await rejection(s3.send(new DeleteBucketCommand({ Bucket: "results" })));
    expect([notEmpty.name, notEmpty.$metadata.httpStatusCode]).toEqual(["BucketNotEmpty", 409]);
    await s3.send(new DeleteObjectCommand({ Bucket: "results", Key: "k" }));
    await s3.send(new DeleteObjectCommand({ Bucket: "results", Key: "k" })); // deleting what is gone is fine
    await s3.send(new DeleteBucketCommand({ Bucket: "results" }));
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });

  it("refuses a body whose declared SHA-256 does not match, storing nothing", async () => {
    const { s3, url } = await start();
    await s3.send(new CreateBucketCommand({ Bucket: "payloads" }));
    // A corrupted upload, which no SDK client sends: a plain signed-looking request with a wrong digest.
    const response = await fetch(`${url}/payloads/k`, {
      method: "PUT",
      body: "hello",
      headers: {
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
        "x-amz-content-sha256": "0".repeat(64),
      },
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain("<Code>XAmzContentSHA256Mismatch</Code>");
    expect(text).toContain("<Message>");
    await expect(s3.send(new HeadObjectCommand({ Bucket: "payloads", Key: "k" }))).rejects.toThrow();
  });

  it("refuses what it does not emulate with 501 NotImplemented, never answering it wrongly", async () => {
    const { url } = await start();
    const response = await fetch(`${url}/payloads/k?uploads`, {
      method: "POST",
      headers: {
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
      },
    });
    expect(response.status).toBe(501);
    expect(await response.text()).toMatch(/<Code>NotImplemented<\/Code><Message>POST \/payloads\/k\?uploads/);
  });
});

describe("a restart of the local S3 on the same data directory", () => {
  it("keeps every bucket and acknowledged object, and removes a write a kill interrupted", async () => {
    const dataDir = newDataDir();
    const first = await start(dataDir);
    await first.s3.send(new CreateBucketCommand({ Bucket: "payloads" }));
    const put = await first.s3.send(
      new PutObjectCommand({
        Bucket: "payloads",
        Key: "in/payload.json",
        Body: '{"n":1}',
        ContentType: "application/json",
      }),
    );
    await first.s3.send(
      new PutObjectCommand({ Bucket: "payloads", Key: "in/payload.json", Body: '{"n":2}' }),
    );
    await stop(first);
    // What a process killed in the middle of a write leaves: a temporary file beside the objects.
    const objects = join(dataDir, "s3", "payloads", "objects");
    writeFileSync(join(objects, `.x.object.123.partial`), "half");

    const second = await start(dataDir);
    const got = await second.s3.send(new GetObjectCommand({ Bucket: "payloads", Key: "in/payload.json" }));
    expect(await got.Body?.transformToString()).toBe('{"n":2}');
    expect(got.ETag).not.toBe(put.ETag);
    expect(got.ContentType).toBe("application/octet-stream");
    expect(readdirSync(objects).filter((name) => name.endsWith(".partial"))).toEqual([]);
    const listed = await second.s3.send(new ListObjectsV2Command({ Bucket: "payloads" }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(["in/payload.json"]);
  });
});
