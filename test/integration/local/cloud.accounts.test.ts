// What the local cloud gives the tuner beyond the app: S3 from the test process and from inside a function,
// STS credentials that reach a second account, a second region, and all of it across a restart. The functions
// use the SDK's standard configuration only (the AWS_ENDPOINT_URL the cloud gives them), as they do on AWS.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  type LambdaClientConfig,
} from "@aws-sdk/client-lambda";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalCloud, startLocalCloud } from "../../../local/cloud.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../local/shared/identity.js";
import { decode, zipFixture } from "./lambda/support.js";

const OTHER_ACCOUNT = "111111111111";
const dataDir = mkdtempSync(join(tmpdir(), "powertune-cloud-accounts-"));
const clients: { destroy(): void }[] = [];

afterAll(() => {
  for (const client of clients) client.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

function track<T extends { destroy(): void }>(client: T): T {
  clients.push(client);
  return client;
}

const lambda = (cloud: LocalCloud, config: Partial<LambdaClientConfig> = {}) =>
  track(
    new LambdaClient({
      endpoint: cloud.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
      ...config,
    }),
  );

async function assumedCredentials(cloud: LocalCloud) {
  const sts = track(
    new STSClient({ endpoint: cloud.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
  );
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/PowerTunerTarget`,
      RoleSessionName: "e2e",
    }),
  );
  return {
    accessKeyId: Credentials?.AccessKeyId ?? "",
    secretAccessKey: Credentials?.SecretAccessKey ?? "",
    sessionToken: Credentials?.SessionToken ?? "",
  };
}

async function create(client: LambdaClient, name: string, fixture: string): Promise<string> {
  const created = await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: "arn:aws:iam::000000000000:role/test",
      Handler: "index.handler",
      MemorySize: 256,
      Timeout: 30,
      Code: { ZipFile: zipFixture(fixture) },
    }),
  );
  return created.FunctionArn ?? "";
}

async function invoke(client: LambdaClient, name: string, event: unknown): Promise<unknown> {
  const result = await client.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(event) }));
  expect(result.FunctionError, Buffer.from(result.Payload ?? []).toString()).toBeUndefined();
  return decode(result.Payload);
}

const PAYLOAD = JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => ({ id: String(i) })) });

describe("the local cloud's S3, STS and second account and region", () => {
  it("serves them to the test process and to functions, and keeps them across a restart", async () => {
    const first = await startLocalCloud({ port: 0, dataDir });
    let otherCredentials: Awaited<ReturnType<typeof assumedCredentials>>;
    try {
      // S3 from the test process, with the SDK's defaults.
      const s3 = track(
        new S3Client({ endpoint: first.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
      );
      await s3.send(new CreateBucketCommand({ Bucket: "tuning-payloads" }));
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: "tuning-payloads",
          Key: "crud/payload.json",
          Body: PAYLOAD,
          ContentType: "application/json",
        }),
      );
      const head = await s3.send(
        new HeadObjectCommand({ Bucket: "tuning-payloads", Key: "crud/payload.json" }),
      );
      expect(head).toMatchObject({
        ETag: put.ETag,
        ContentLength: PAYLOAD.length,
        ContentType: "application/json",
      });

      // S3 from inside a function of the local account.
      const local = lambda(first);
      await create(local, "read-payload", "s3-object");
      expect(
        await invoke(local, "read-payload", { bucket: "tuning-payloads", key: "crud/payload.json" }),
      ).toEqual({
        body: PAYLOAD,
        contentType: "application/json",
        contentLength: PAYLOAD.length,
        etag: put.ETag,
      });
      // ... and a write from inside it, read back by the test process.
      const written = (await invoke(local, "read-payload", {
        bucket: "tuning-payloads",
        putKey: "from-function.txt",
        put: "written inside",
      })) as { putETag: string };
      const back = await s3.send(
        new GetObjectCommand({ Bucket: "tuning-payloads", Key: "from-function.txt" }),
      );
      expect([await back.Body?.transformToString(), back.ETag]).toEqual(["written inside", written.putETag]);

      // A function in account 111111111111, deployed with AssumeRole's credentials, runs as that account.
      otherCredentials = await assumedCredentials(first);
      const assumed = lambda(first, { credentials: otherCredentials });
      const otherArn = await create(assumed, "whoami", "caller-identity");
      expect(otherArn).toBe(`arn:aws:lambda:us-east-1:${OTHER_ACCOUNT}:function:whoami`);
      expect(await invoke(assumed, otherArn, {})).toMatchObject({
        account: OTHER_ACCOUNT,
        region: "us-east-1",
      });

      // A function in us-west-2 runs in that region; S3 is one namespace for every region and account.
      const west = lambda(first, { region: "us-west-2" });
      expect(await create(west, "read-payload", "s3-object")).toBe(
        "arn:aws:lambda:us-west-2:000000000000:function:read-payload",
      );
      expect(
        await invoke(west, "read-payload", { bucket: "tuning-payloads", key: "crud/payload.json" }),
      ).toMatchObject({
        body: PAYLOAD,
      });
      expect(first.lambdaIdentities.identities()).toHaveLength(3);
    } finally {
      await first.close();
    }

    const second = await startLocalCloud({ port: 0, dataDir });
    try {
      const s3 = track(
        new S3Client({ endpoint: second.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
      );
      const kept = await s3.send(
        new GetObjectCommand({ Bucket: "tuning-payloads", Key: "crud/payload.json" }),
      );
      expect(await kept.Body?.transformToString()).toBe(PAYLOAD);
      // Credentials handed out before the restart still reach their account: they carry it.
      const assumed = lambda(second, { credentials: otherCredentials });
      expect(await invoke(assumed, "whoami", {})).toMatchObject({ account: OTHER_ACCOUNT });
      const west = lambda(second, { region: "us-west-2" });
      const config = await west.send(new GetFunctionConfigurationCommand({ FunctionName: "read-payload" }));
      expect(config.FunctionArn).toBe("arn:aws:lambda:us-west-2:000000000000:function:read-payload");
    } finally {
      await second.close();
    }
  });
});
