// The local STS through @aws-sdk/client-sts: AssumeRole's dummy credentials for the role's account, what
// GetCallerIdentity says for them and for the dummy ones, and STS's error for a malformed RoleArn.
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEdge, type Edge } from "../../../../local/edge/index.js";
import { accountOfAccessKeyId, LOCAL_CREDENTIALS } from "../../../../local/shared/identity.js";
import { createStsService } from "../../../../local/sts/index.js";

let edge: Edge;
let url: string;
const clients: STSClient[] = [];

beforeAll(async () => {
  edge = createEdge({ services: { sts: createStsService() } });
  ({ url } = await edge.listen(0));
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await edge.close();
});

function sts(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = LOCAL_CREDENTIALS,
) {
  const client = new STSClient({ endpoint: url, region: "us-east-1", credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
}

describe("the local STS through @aws-sdk/client-sts", () => {
  it("assumes a role in another account: credentials for that account, a session token and an expiration", async () => {
    const before = Date.now();
    const answer = await sts().send(
      new AssumeRoleCommand({
        RoleArn: "arn:aws:iam::111111111111:role/PowerTunerTarget",
        RoleSessionName: "powertune",
        DurationSeconds: 900,
      }),
    );
    const credentials = answer.Credentials;
    expect(accountOfAccessKeyId(credentials?.AccessKeyId ?? "")).toBe("111111111111");
    expect(credentials?.SecretAccessKey).toBeTruthy();
    expect(credentials?.SessionToken).toBeTruthy();
    const expiresInS = ((credentials?.Expiration?.getTime() ?? 0) - before) / 1000;
    expect(expiresInS).toBeGreaterThan(890);
    expect(expiresInS).toBeLessThanOrEqual(901);
    expect(answer.AssumedRoleUser?.Arn).toBe(
      "arn:aws:sts::111111111111:assumed-role/PowerTunerTarget/powertune",
    );
    expect(answer.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA\w{17}:powertune$/);

    const assumed = sts({
      accessKeyId: credentials?.AccessKeyId ?? "",
      secretAccessKey: credentials?.SecretAccessKey ?? "",
      sessionToken: credentials?.SessionToken ?? "",
    });
    const identity = await assumed.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({
      Account: "111111111111",
      Arn: "arn:aws:sts::111111111111:assumed-role/PowerTunerTarget/powertune",
    });
  });

  it("says the dummy credentials are the local account's root", async () => {
    const identity = await sts().send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: "000000000000", Arn: "arn:aws:iam::000000000000:root" });
  });

  it("refuses a malformed RoleArn with STS's ValidationError (400, the Sender's fault)", async () => {
    const error = await sts()
      .send(
        new AssumeRoleCommand({
          RoleArn: "arn:aws:iam::1234:role/short-account",
          RoleSessionName: "powertune",
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(STSServiceException);
    const stsError = error as STSServiceException;
    expect(stsError.name).toBe("ValidationError");
    expect(stsError.$fault).toBe("client");
    expect(stsError.$metadata.httpStatusCode).toBe(400);
    expect(stsError.message).toContain("arn:aws:iam::1234:role/short-account is invalid");
  });

  it("answers an action it does not serve with InvalidAction, naming those it does", async () => {
    const response = await fetch(url, {
      method: "POST",
      body: "Action=GetSessionToken&Version=2011-06-15",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00",
      },
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain("<Code>InvalidAction</Code>");
    expect(text).toContain("AssumeRole, GetCallerIdentity");
  });
});
