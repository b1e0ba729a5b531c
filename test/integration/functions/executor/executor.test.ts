// The executor with payloadS3, against the local Lambda service and the local S3: it reads the object once per
// task (not per invocation), sends it whole to every invocation (the payload-digest fixture checks each one it
// gets), weighted lists included, and fails with PayloadS3Error when the object is missing or too large.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutor } from "../../../../functions/executor/executor.js";
import type { S3Api } from "../../../../functions/tuner/aws/index.js";
import {
  DEFAULT_MAX_ERROR_RATES,
  type ExecutorTask,
  MAX_INVOKE_PAYLOAD_BYTES,
} from "../../../../functions/tuner/core/index.js";
import { createEdge, type Edge } from "../../../../local/edge/index.js";
import { createS3Service } from "../../../../local/s3/index.js";
import { LOCAL_CREDENTIALS } from "../../../../local/shared/identity.js";
import { blobPayload } from "../../../support/blob-payload.js";
import { type Harness, startHarness } from "../../local/lambda/support.js";

const BUCKET = "tuning-payloads";
const dataDir = mkdtempSync(join(tmpdir(), "powertune-executor-s3-"));
let edge: Edge;
let s3: S3Client;
let h: Harness;
let functionArn: string;
/** GetObject requests the executor made, through a counting wrapper around the real client. */
let reads = 0;
const countingS3: S3Api = {
  send: ((command: Parameters<S3Client["send"]>[0]) => {
    reads += 1;
    return s3.send(command);
  }) as S3Api["send"],
};

beforeAll(async () => {
  edge = createEdge({ services: { s3: createS3Service({ dataDir }) } });
  const { url } = await edge.listen(0);
  s3 = new S3Client({ endpoint: url, region: "us-east-1", credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  h = await startHarness();
  await h.create("payload-digest", "payload-digest", { MemorySize: 512, Timeout: 30 });
  const config = await h.client.send(new GetFunctionConfigurationCommand({ FunctionName: "payload-digest" }));
  functionArn = config.FunctionArn ?? "";
}, 60_000);

afterAll(async () => {
  await h?.close();
  s3?.destroy();
  await edge?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function put(key: string, body: string): Promise<string> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  return `s3://${BUCKET}/${key}`;
}

function task(url: string, num: number, parallelInvocation = false): ExecutorTask {
  return {
    lambdaARN: functionArn,
    access: { region: "us-east-1", sessionName: "payload-s3-test" },
    power: 512,
    qualifiers: ["$LATEST"],
    num,
    offset: 0,
    sequenceLength: num,
    payloadS3: { url, dryRun: false, countField: "num" },
    parallelInvocation,
    sleepBetweenRunsMs: 0,
    allowedExceptions: [],
    maxErrorRate: { ...DEFAULT_MAX_ERROR_RATES },
    disablePayloadLogs: false,
  };
}

const executor = () => createExecutor({ lambda: h.client, s3: countingS3, config: { memoryMb: 256 } });

describe("the executor with payloadS3 (local Lambda service, local S3)", () => {
  it("reads the object once for the task's invocations and sends each one the whole 1 MiB payload", async () => {
    const url = await put("digest/one.json", JSON.stringify(blobPayload(1024 * 1024)));
    reads = 0;
    const measured = await executor()(task(url, 5));
    expect(reads).toBe(1);
    expect(measured.durationMs).toHaveLength(5);
    // The fixture throws PayloadMismatchError for a payload that is missing, cut or altered.
    expect(measured.errors).toEqual([]);
  }, 60_000);

  it("sends a weighted list's payloads, in parallel too, still reading the object once", async () => {
    const list = [
      { payload: blobPayload(300_000, "read"), weight: 3 },
      { payload: blobPayload(200_000, "write"), weight: 1 },
    ];
    const url = await put("digest/weighted.json", JSON.stringify(list));
    reads = 0;
    const measured = await executor()(task(url, 8, true));
    expect(reads).toBe(1);
    expect(measured.durationMs).toHaveLength(8);
    expect(measured.errors).toEqual([]);
  }, 60_000);

  it("measures a payload the fixture refuses as its error, so the checks above could fail", async () => {
    const altered = { ...blobPayload(1000), sha256: "0".repeat(64) };
    const measured = await executor()(task(await put("digest/altered.json", JSON.stringify(altered)), 5));
    expect(measured.errors.map((e) => [e.errorType, e.allowed])).toEqual([["PayloadMismatchError", false]]);
  }, 60_000);

  it("fails the task with PayloadS3Error naming the object when it is missing, invoking nothing", async () => {
    const before = h.lambda.service.invocationCounts("payload-digest");
    await expect(executor()(task(`s3://${BUCKET}/digest/missing.json`, 5))).rejects.toMatchObject({
      name: "PayloadS3Error",
      message: expect.stringContaining(`there is no object digest/missing.json in bucket ${BUCKET}`),
    });
    expect(h.lambda.service.invocationCounts("payload-digest")).toEqual(before);
  }, 60_000);

  it("refuses a raw string that fits S3's 6 MiB but not an Invoke once sent as a JSON string", async () => {
    // Every newline becomes \n: 4 MiB of them are 8 MiB of JSON.
    const url = await put("digest/newlines.txt", "\n".repeat(4 * 1024 * 1024));
    await expect(executor()(task(url, 5))).rejects.toMatchObject({
      name: "PayloadS3Error",
      message: expect.stringContaining(
        `a payload it holds is ${8 * 1024 * 1024 + 2} bytes once sent as JSON, over the ${MAX_INVOKE_PAYLOAD_BYTES} bytes Lambda accepts in one Invoke`,
      ),
    });
  }, 60_000);
});
