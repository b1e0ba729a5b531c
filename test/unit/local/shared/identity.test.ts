import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import {
  accessKeyIdForAccount,
  accountOfAccessKeyId,
  credentialsForAccount,
  isAccountId,
  isRegionName,
  LOCAL_CREDENTIALS,
} from "../../../../local/shared/identity.js";
import { requestIdentity } from "../../../../local/shared/sigv4.js";

function signedRequest(accessKeyId: string, region: string): IncomingMessage {
  const authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261201/${region}/lambda/aws4_request, SignedHeaders=host, Signature=00`;
  return { url: "/2015-03-31/functions", headers: { authorization } } as unknown as IncomingMessage;
}

describe("access keys that name their account", () => {
  it("spell the account out in 20 characters, as long as AWS's, and read back", () => {
    const key = accessKeyIdForAccount("111111111111");
    expect(key).toBe("ASIA111111111111LOCL");
    expect(accountOfAccessKeyId(key)).toBe("111111111111");
    expect(accountOfAccessKeyId(accessKeyIdForAccount("222222222222", "Q7ZA"))).toBe("222222222222");
  });

  it("name no account for any other key id", () => {
    expect(accountOfAccessKeyId("local")).toBeUndefined();
    expect(accountOfAccessKeyId("AKIAIOSFODNN7EXAMPLE")).toBeUndefined();
    expect(accountOfAccessKeyId("ASIA11111111111LOCL")).toBeUndefined(); // 11 digits
  });

  it("refuse an account that is not 12 digits", () => {
    expect(() => accessKeyIdForAccount("1234")).toThrow(/12 digits/);
  });

  it("are the local credentials for the local account, and account-naming ones for any other", () => {
    expect(credentialsForAccount("000000000000")).toBe(LOCAL_CREDENTIALS);
    expect(accountOfAccessKeyId(credentialsForAccount("111111111111").accessKeyId)).toBe("111111111111");
  });
});

describe("identity names", () => {
  it.each(["us-east-1", "us-west-2", "eu-central-2", "us-gov-west-1", "ap-southeast-7"])(
    "%s is a region",
    (r) => {
      expect(isRegionName(r)).toBe(true);
    },
  );

  it.each(["local", "US-EAST-1", "us-east", "us-east-1/../x", ""])("%s is no region", (r) => {
    expect(isRegionName(r)).toBe(false);
  });

  it("accounts are exactly 12 digits", () => {
    expect(isAccountId("111111111111")).toBe(true);
    expect(isAccountId("11111111111")).toBe(false);
    expect(isAccountId("11111111111a")).toBe(false);
  });
});

describe("the identity a request reaches", () => {
  it("is its scope's region and its access key's account", () => {
    expect(requestIdentity(signedRequest("ASIA111111111111ABCD", "us-west-2"))).toEqual({
      region: "us-west-2",
      accountId: "111111111111",
    });
  });

  it("is the local account for the dummy credentials, in the region asked for", () => {
    expect(requestIdentity(signedRequest("local", "eu-west-1"))).toEqual({
      region: "eu-west-1",
      accountId: "000000000000",
    });
  });

  it("is the fallback for an unsigned request", () => {
    const unsigned = { url: "/", headers: {} } as unknown as IncomingMessage;
    expect(requestIdentity(unsigned, { region: "us-east-2", accountId: "333333333333" })).toEqual({
      region: "us-east-2",
      accountId: "333333333333",
    });
  });
});
