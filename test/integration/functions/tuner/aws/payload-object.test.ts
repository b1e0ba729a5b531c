// readPayloadObject against the local S3 (through the edge, with the SDK's default settings, as the executor's
// client has them): each kind of payload an object may hold, a missing object or bucket, and one too large.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPayloadObject } from "../../../../../functions/tuner/aws/index.js";
import {
  encodePayload,
  MAX_PAYLOAD_OBJECT_BYTES,
  PayloadS3Error,
  payloadOfObject,
  spreadPayloads,
} from "../../../../../functions/tuner/core/index.js";
import { createEdge, type Edge } from "../../../../../local/edge/index.js";
import { createS3Service } from "../../../../../local/s3/index.js";
import { LOCAL_CREDENTIALS } from "../../../../../local/shared/identity.js";

const BUCKET = "tuning-payloads";
const dataDir = mkdtempSync(join(tmpdir(), "powertune-payload-object-"));
let edge: Edge;
let s3: S3Client;

beforeAll(async () => {
  edge = createEdge({ services: { s3: createS3Service({ dataDir }) } });
  const { url } = await edge.listen(0);
  s3 = new S3Client({ endpoint: url, region: "us-east-1", credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  s3?.destroy();
  await edge?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function put(key: string, body: string | Uint8Array): Promise<string> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  return `s3://${BUCKET}/${key}`;
}

/** What one invocation would be sent from the object at `url`, as text. */
async function sent(url: string, sequenceLength = 10): Promise<string[]> {
  const payload = payloadOfObject(
    await readPayloadObject(s3, url),
    { url, dryRun: false, countField: "num" },
    sequenceLength,
  );
  return spreadPayloads(payload, sequenceLength).map((p) => new TextDecoder().decode(encodePayload(p)));
}

async function refusal(url: string): Promise<PayloadS3Error> {
  const error = await readPayloadObject(s3, url).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PayloadS3Error)) throw new Error(`expected a PayloadS3Error, got ${String(error)}`);
  return error;
}

describe("readPayloadObject on the local S3", () => {
  it("reads a JSON payload, sent as its JSON (1 MiB, past any state's 256 KiB)", async () => {
    const payload = { httpMethod: "POST", body: "x".repeat(1024 * 1024) };
    const url = await put("big/event.json", JSON.stringify(payload, null, 2));
    const texts = await sent(url, 5);
    expect(texts).toHaveLength(5);
    expect(new Set(texts)).toEqual(new Set([JSON.stringify(payload)]));
  });

  it("reads a raw string, sent as a JSON string, and a key with a space written as %20", async () => {
    const url = await put("raw text.txt", "plain text, not JSON\nsecond line");
    expect(url).toContain(" ");
    const escaped = url.replace(" ", "%20");
    expect(await sent(escaped, 1)).toEqual([JSON.stringify("plain text, not JSON\nsecond line")]);
  });

  it("reads a weighted payload array, spread as an inline one would be", async () => {
    const list = [
      { payload: { op: "read" }, weight: 3 },
      { payload: { op: "list" }, weight: 1 },
    ];
    const url = await put("weighted.json", JSON.stringify(list));
    const texts = await sent(url, 8);
    expect(texts.filter((t) => t === '{"op":"read"}')).toHaveLength(6);
    expect(texts.filter((t) => t === '{"op":"list"}')).toHaveLength(2);
  });

  it("reads a UTF-8 object byte for byte (a byte-order mark is dropped, as JSON has none)", async () => {
    const url = await put(
      "utf8.json",
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"name":"Zoë ✓"}')]),
    );
    expect(await sent(url, 1)).toEqual(['{"name":"Zoë ✓"}']);
  });

  it("names the object and the bucket when the key is missing (404 NoSuchKey), keeping S3's error as the cause", async () => {
    const error = await refusal(`s3://${BUCKET}/no/such/key.json`);
    expect(error.message).toBe(
      `payloadS3 s3://${BUCKET}/no/such/key.json: there is no object no/such/key.json in bucket ${BUCKET} (404 NoSuchKey): check the key, or put the payload there before the run`,
    );
    expect(error.cause).toBeInstanceOf(S3ServiceException);
  });

  it("names the bucket when it does not exist (404 NoSuchBucket)", async () => {
    const error = await refusal("s3://no-such-bucket-here/event.json");
    expect(error.message).toContain("there is no bucket no-such-bucket-here (404 NoSuchBucket)");
  });

  it("refuses an object over 6 MiB, saying its size and Lambda's Invoke limit", async () => {
    const text = JSON.stringify({ blob: "y".repeat(MAX_PAYLOAD_OBJECT_BYTES) });
    const url = await put("too-large.json", text);
    const error = await refusal(url);
    expect(error.message).toBe(
      `payloadS3 ${url}: the object is ${text.length} bytes (6.0 MiB), over the 6291456 bytes (6.0 MiB) Lambda accepts in one Invoke: shrink the payload`,
    );
  });

  it("takes an object of exactly 6 MiB", async () => {
    const text = JSON.stringify("z".repeat(MAX_PAYLOAD_OBJECT_BYTES - 2));
    const url = await put("six.json", text);
    expect((await readPayloadObject(s3, url)).length).toBe(MAX_PAYLOAD_OBJECT_BYTES);
  });
});
