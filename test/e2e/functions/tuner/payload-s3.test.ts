// End to end: payloadS3 on the synthesized app. A 1 MiB payload, four times what a state's input may hold, is put
// in the local S3 and a target that checks every payload it receives (test/fixtures/functions/payload-digest) is
// tuned with it; a run naming a missing object fails in the Round, naming it, and leaves nothing behind.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TuningOutput } from "../../../../functions/tuner/core/index.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../../local/shared/identity.js";
import { zipFixture } from "../../../integration/local/lambda/support.js";
import { blobPayload } from "../../../support/blob-payload.js";
import { bootTunerCloud, ended, history, leftovers, startTuning, type TunerCloud } from "./support.js";

const scratch = mkdtempSync(join(tmpdir(), "powertune-payload-s3-"));
const BUCKET = "tuning-payloads";
/** Step Functions' limit on an execution's input (and on any state's), bytes. */
const STATE_INPUT_LIMIT = 256 * 1024;
/** The target as it was before a run: no tuner aliases or versions, its 256 MB, no lock. */
const nothingLeft = { aliases: [], versions: [], memoryMb: 256, locked: false };
let t: TunerCloud;
let s3: S3Client;
let targetArn: string;

beforeAll(async () => {
  t = await bootTunerCloud(scratch);
  s3 = new S3Client({ endpoint: t.cloud.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const created = await t.lambda.send(
    new CreateFunctionCommand({
      FunctionName: "payload-digest",
      Runtime: "nodejs22.x",
      Role: "arn:aws:iam::000000000000:role/payload-digest",
      Handler: "index.handler",
      MemorySize: 256,
      Timeout: 30,
      Code: { ZipFile: zipFixture("payload-digest") },
    }),
  );
  targetArn = created.FunctionArn ?? "";
}, 180_000);

afterAll(async () => {
  s3?.destroy();
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("payloadS3 on the local cloud", () => {
  it("tunes with a payload larger than a state's input, read from S3, every invocation receiving it whole", async () => {
    const payload = JSON.stringify(blobPayload(1024 * 1024));
    expect(payload.length).toBeGreaterThan(4 * STATE_INPUT_LIMIT);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "tuning/digest.json", Body: payload }));
    const input = {
      lambdaARN: targetArn,
      num: 5,
      powerValues: [256, 512],
      payloadS3: `s3://${BUCKET}/tuning/digest.json`,
      includeOutputResults: true,
    };
    expect(JSON.stringify(input).length).toBeLessThan(1024);

    const execution = await ended(t, await startTuning(t, input));
    expect({ status: execution.status, error: execution.error, cause: execution.cause }).toMatchObject({
      status: "SUCCEEDED",
    });
    const output = JSON.parse(execution.output ?? "{}") as TuningOutput;
    // payload-digest throws PayloadMismatchError unless it gets the blob with its byte count and SHA-256.
    expect(output.stats?.map((s) => [s.power, s.invocations, s.feasible, s.errors])).toEqual([
      [256, 5, true, []],
      [512, 5, true, []],
    ]);
    expect(output.warnings.filter((w) => w.includes("infeasible"))).toEqual([]);
    expect(await leftovers(t, targetArn)).toEqual(nothingLeft);
  }, 300_000);

  it("fails a run whose object is missing with PayloadS3Error naming it, after Cleanup undid the run", async () => {
    const url = `s3://${BUCKET}/tuning/not-there.json`;
    const executionArn = await startTuning(t, {
      lambdaARN: targetArn,
      num: 5,
      powerValues: [256],
      payloadS3: url,
    });
    const execution = await ended(t, executionArn);
    expect(execution).toMatchObject({ status: "FAILED", error: "PayloadS3Error" });
    const message = (JSON.parse(execution.cause ?? "{}") as { errorMessage?: string }).errorMessage;
    expect(message).toBe(
      `payloadS3 ${url}: there is no object tuning/not-there.json in bucket ${BUCKET} (404 NoSuchKey): check the key, or put the payload there before the run`,
    );
    const entered = (await history(t, executionArn)).flatMap((e) => e.stateEnteredEventDetails?.name ?? []);
    expect(entered.slice(-2)).toEqual(["Cleanup", "TuningFailed"]);
    expect(await leftovers(t, targetArn)).toEqual(nothingLeft);
  }, 300_000);
});
