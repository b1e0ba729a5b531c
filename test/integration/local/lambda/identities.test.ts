// Lambda in a second account and a second region: a request reaches the identity its credentials and its
// credential scope name (the account from an access key the local STS handed out), each identity keeps its own
// functions and state, and all of them share one CPU budget.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  type LambdaClientConfig,
  ListFunctionsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterEach, describe, expect, it } from "vitest";
import { createEdge, type Edge } from "../../../../local/edge/index.js";
import { createLambdaIdentities, type LambdaIdentities } from "../../../../local/lambda/index.js";
import {
  credentialsForAccount,
  LOCAL_CREDENTIALS,
  type LocalIdentity,
} from "../../../../local/shared/identity.js";
import { createStsService } from "../../../../local/sts/index.js";
import { decode, zipFixture } from "./support.js";

const OTHER_ACCOUNT = "111111111111";
const ROLE_ARN = `arn:aws:iam::${OTHER_ACCOUNT}:role/PowerTunerTarget`;

interface Cloud {
  edge: Edge;
  url: string;
  identities: LambdaIdentities;
  clients: { destroy(): void }[];
}

const dataDirs: string[] = [];
const running: Cloud[] = [];

afterEach(async () => {
  for (const cloud of running.splice(0)) await stop(cloud);
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "powertune-identities-"));
  dataDirs.push(dir);
  return dir;
}

/** An edge with Lambda in every identity and the STS, as the local cloud wires them. */
async function start(
  dataDir: string,
  admission: { cpuCores?: number; admissionCores?: number } = {},
): Promise<Cloud> {
  const edge = createEdge({ services: { sts: createStsService() } });
  const { url } = await edge.listen(0);
  const identities = await createLambdaIdentities({
    dataDir,
    warn: () => {},
    ...admission,
    functionEnvironment: (identity: LocalIdentity) => {
      const credentials = credentialsForAccount(identity.accountId);
      return {
        AWS_ENDPOINT_URL: url,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      };
    },
  });
  edge.mount("lambda", identities);
  const cloud = { edge, url, identities, clients: [] };
  running.push(cloud);
  return cloud;
}

async function stop(cloud: Cloud): Promise<void> {
  if (running.includes(cloud)) running.splice(running.indexOf(cloud), 1);
  for (const client of cloud.clients) client.destroy();
  await cloud.edge.close();
}

function lambda(cloud: Cloud, config: Partial<LambdaClientConfig> = {}): LambdaClient {
  const client = new LambdaClient({
    endpoint: cloud.url,
    region: "us-east-1",
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    ...config,
  });
  cloud.clients.push(client);
  return client;
}

/** A Lambda client with the credentials the local STS hands out for the role in the other account. */
async function assumedLambda(cloud: Cloud): Promise<LambdaClient> {
  const sts = new STSClient({ endpoint: cloud.url, region: "us-east-1", credentials: LOCAL_CREDENTIALS });
  cloud.clients.push(sts);
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "powertune" }),
  );
  return lambda(cloud, {
    credentials: {
      accessKeyId: Credentials?.AccessKeyId ?? "",
      secretAccessKey: Credentials?.SecretAccessKey ?? "",
      sessionToken: Credentials?.SessionToken ?? "",
    },
  });
}

async function create(
  client: LambdaClient,
  name: string,
  fixture: string,
  memorySize = 128,
): Promise<string> {
  const created = await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: "arn:aws:iam::000000000000:role/test",
      Handler: "index.handler",
      MemorySize: memorySize,
      Timeout: 30,
      Code: { ZipFile: zipFixture(fixture) },
    }),
  );
  return created.FunctionArn ?? "";
}

async function invoke(client: LambdaClient, name: string, event: unknown = {}): Promise<unknown> {
  const result = await client.send(
    new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }),
  );
  expect(result.FunctionError).toBeUndefined();
  return decode(result.Payload);
}

describe("Lambda in a second account", () => {
  it("takes AssumeRole's credentials to account 111111111111: the function is that account's and runs as it", async () => {
    const cloud = await start(newDataDir());
    const assumed = await assumedLambda(cloud);
    const arn = await create(assumed, "whoami", "caller-identity");
    expect(arn).toBe(`arn:aws:lambda:us-east-1:${OTHER_ACCOUNT}:function:whoami`);
    // The function's own SDK clients reach its own account, as its role's credentials would on AWS.
    expect(await invoke(assumed, arn)).toEqual({
      account: OTHER_ACCOUNT,
      arn: `arn:aws:iam::${OTHER_ACCOUNT}:root`,
      region: "us-east-1",
    });
    expect(cloud.identities.identities()).toEqual([
      { region: "us-east-1", accountId: "000000000000" },
      { region: "us-east-1", accountId: OTHER_ACCOUNT },
    ]);
    const own = cloud.identities.find({ region: "us-east-1", accountId: OTHER_ACCOUNT });
    expect(own?.service.settings).toMatchObject({ region: "us-east-1", accountId: OTHER_ACCOUNT });
  });
});

describe("Lambda in a second region", () => {
  it("serves a client in us-west-2 from that region's own service", async () => {
    const cloud = await start(newDataDir());
    const west = lambda(cloud, { region: "us-west-2" });
    const arn = await create(west, "whoami", "caller-identity");
    expect(arn).toBe("arn:aws:lambda:us-west-2:000000000000:function:whoami");
    expect(await invoke(west, "whoami")).toMatchObject({ account: "000000000000", region: "us-west-2" });
    // The same name in us-east-1 is another function, which does not exist there.
    await expect(
      lambda(cloud).send(new GetFunctionCommand({ FunctionName: "whoami" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("refuses a region that is not named like AWS's, saying which it asked for", async () => {
    const cloud = await start(newDataDir());
    await expect(lambda(cloud, { region: "nowhere" }).send(new ListFunctionsCommand({}))).rejects.toThrow(
      /region "nowhere"/,
    );
  });
});

describe("identities kept apart", () => {
  it("one identity neither lists nor reaches another's functions, even of the same name", async () => {
    const cloud = await start(newDataDir());
    const local = lambda(cloud);
    const assumed = await assumedLambda(cloud);
    const localArn = await create(local, "same-name", "sleep", 256);
    const otherArn = await create(assumed, "same-name", "sleep", 512);
    expect(otherArn).not.toBe(localArn);

    const names = async (client: LambdaClient) =>
      ((await client.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => [
        f.FunctionArn,
        f.MemorySize,
      ]);
    expect(await names(local)).toEqual([[localArn, 256]]);
    expect(await names(assumed)).toEqual([[otherArn, 512]]);

    const refused = await local.send(new GetFunctionCommand({ FunctionName: otherArn })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ResourceNotFoundException);
    expect((refused as Error).message).toContain(
      "functions here are in region us-east-1, account 000000000000",
    );
    await expect(
      assumed.send(new InvokeCommand({ FunctionName: localArn, Payload: Buffer.from("{}") })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("each identity's functions survive a restart, kept in a folder of its own", async () => {
    const dataDir = newDataDir();
    const first = await start(dataDir);
    await create(await assumedLambda(first), "kept", "sleep", 384);
    await create(lambda(first, { region: "us-west-2" }), "kept-west", "sleep", 640);
    await stop(first);
    expect(existsSync(join(dataDir, "accounts", OTHER_ACCOUNT, "us-east-1", "lambda", "kept.json"))).toBe(
      true,
    );
    expect(
      existsSync(join(dataDir, "accounts", "000000000000", "us-west-2", "lambda", "kept-west.json")),
    ).toBe(true);

    const second = await start(dataDir);
    // Kept identities are open from the start, before any request asks for them.
    expect(second.identities.identities()).toHaveLength(3);
    const kept = await (await assumedLambda(second)).send(new GetFunctionCommand({ FunctionName: "kept" }));
    expect(kept.Configuration?.MemorySize).toBe(384);
    const west = lambda(second, { region: "us-west-2" });
    expect(
      (await west.send(new GetFunctionCommand({ FunctionName: "kept-west" }))).Configuration?.MemorySize,
    ).toBe(640);
    expect(await invoke(west, "kept-west", { ms: 1 })).toEqual({ slept: 1 });
  });
});

describe("one CPU budget for every identity", () => {
  it("two identities' invocations never hold more CPU budget than the cloud's: the second waits", async () => {
    const dataDir = newDataDir();
    // One core of budget; a 1769 MB function holds all of it while it runs.
    const cloud = await start(dataDir, { cpuCores: 2, admissionCores: 1 });
    const local = lambda(cloud);
    const assumed = await assumedLambda(cloud);
    await create(local, "hold", "hold", 1769);
    await create(assumed, "hold", "hold", 1769);
    const localService = cloud.identities.default.service;
    const otherService = cloud.identities.find({ region: "us-east-1", accountId: OTHER_ACCOUNT })?.service;
    expect(otherService?.admission).toBe(localService.admission);
    const admission = localService.admission;
    expect(admission.cores).toBe(1);

    let mostInUse = 0;
    const sampler = setInterval(() => {
      mostInUse = Math.max(mostInUse, admission.inUse);
    }, 5);
    const release = join(dataDir, "release");
    const started = { local: join(dataDir, "started-local"), other: join(dataDir, "started-other") };
    try {
      const invocations = [
        invoke(local, "hold", { started: started.local, release }),
        invoke(assumed, "hold", { started: started.other, release }),
      ];
      // One handler holds the whole budget; the other identity's invocation is queued behind it.
      await expect
        .poll(() => Object.values(started).filter((f) => existsSync(f)).length, { timeout: 30_000 })
        .toBe(1);
      await expect.poll(() => admission.waiting, { timeout: 30_000 }).toBe(1);
      expect(admission.inUse).toBeLessThanOrEqual(admission.cores);
      expect(Object.values(started).filter((f) => existsSync(f))).toHaveLength(1);

      writeFileSync(release, "");
      const results = await Promise.all(invocations);
      expect(results).toEqual([{ held: started.local }, { held: started.other }]);
    } finally {
      clearInterval(sampler);
      writeFileSync(release, "");
    }
    expect(mostInUse).toBeGreaterThan(0);
    expect(mostInUse).toBeLessThanOrEqual(admission.cores);
    expect(admission.inUse).toBe(0);
  });
});
