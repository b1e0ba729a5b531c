import { describe, expect, it } from "vitest";
import { accountOfAccessKeyId } from "../../../../local/shared/identity.js";
import { assumeRole, parseRoleArn } from "../../../../local/sts/assume-role.js";
import { callerIdentity } from "../../../../local/sts/caller-identity.js";
import { decodeSessionToken } from "../../../../local/sts/session-token.js";

const ROLE = "arn:aws:iam::111111111111:role/tuning/PowerTunerTarget";
const NOW = new Date("2026-12-01T10:00:00.250Z");

describe("AssumeRole", () => {
  it("hands out credentials whose access key names the role's account, valid for an hour by default", () => {
    const { credentials, assumedRoleUser } = assumeRole({ RoleArn: ROLE, RoleSessionName: "powertune" }, NOW);
    expect(credentials.accessKeyId).toMatch(/^ASIA\d{12}[A-Z0-9]{4}$/);
    expect(accountOfAccessKeyId(credentials.accessKeyId)).toBe("111111111111");
    expect(credentials.secretAccessKey.length).toBeGreaterThanOrEqual(40);
    expect(credentials.expiration).toBe("2026-12-01T11:00:00.000Z");
    expect(assumedRoleUser.arn).toBe("arn:aws:sts::111111111111:assumed-role/PowerTunerTarget/powertune");
    expect(assumedRoleUser.assumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:powertune$/);
  });

  it("honours DurationSeconds within STS's limits", () => {
    const answer = assumeRole({ RoleArn: ROLE, RoleSessionName: "s1", DurationSeconds: "900" }, NOW);
    expect(answer.credentials.expiration).toBe("2026-12-01T10:15:00.000Z");
    for (const DurationSeconds of ["899", "43201", "abc"]) {
      expect(() => assumeRole({ RoleArn: ROLE, RoleSessionName: "s1", DurationSeconds }, NOW)).toThrow(
        expect.objectContaining({ code: "ValidationError", statusCode: 400 }),
      );
    }
  });

  it("gives the same role the same role id, and another role another", () => {
    const id = (RoleArn: string) =>
      assumeRole({ RoleArn, RoleSessionName: "s1" }).assumedRoleUser.assumedRoleId;
    expect(id(ROLE)).toBe(id(ROLE));
    expect(id(ROLE)).not.toBe(id("arn:aws:iam::111111111111:role/Other"));
  });

  it.each([
    ["no RoleArn", undefined],
    ["too short", "arn:aws:iam::1:role"],
    ["an 11-digit account", "arn:aws:iam::11111111111:role/x"],
    ["a user, not a role", "arn:aws:iam::111111111111:user/alice"],
    ["a Lambda ARN", "arn:aws:lambda:us-east-1:111111111111:function:crud"],
  ])("refuses a RoleArn that is %s with STS's ValidationError", (_, RoleArn) => {
    expect(() => assumeRole({ RoleArn, RoleSessionName: "s1" })).toThrow(
      expect.objectContaining({ name: "ValidationError", code: "ValidationError", statusCode: 400 }),
    );
  });

  it("refuses a session name STS would refuse", () => {
    for (const RoleSessionName of [undefined, "x", "has space", "y".repeat(65)]) {
      expect(() => assumeRole({ RoleArn: ROLE, RoleSessionName })).toThrow(/roleSessionName/);
    }
  });

  it("parses the role's account and name, path and all", () => {
    expect(parseRoleArn(ROLE)).toEqual({
      partition: "aws",
      accountId: "111111111111",
      roleName: "PowerTunerTarget",
    });
  });
});

describe("GetCallerIdentity", () => {
  it("is the assumed role's session for credentials AssumeRole handed out", () => {
    const { credentials } = assumeRole({ RoleArn: ROLE, RoleSessionName: "powertune" }, NOW);
    expect(decodeSessionToken(credentials.sessionToken)).toEqual({
      roleArn: ROLE,
      roleSessionName: "powertune",
      expiration: credentials.expiration,
    });
    expect(callerIdentity(credentials.accessKeyId, credentials.sessionToken)).toMatchObject({
      Account: "111111111111",
      Arn: "arn:aws:sts::111111111111:assumed-role/PowerTunerTarget/powertune",
    });
  });

  it("is the root of the local account for the dummy credentials, and of the account a key names", () => {
    expect(callerIdentity("local", "local")).toEqual({
      Account: "000000000000",
      Arn: "arn:aws:iam::000000000000:root",
      UserId: "000000000000",
    });
    expect(callerIdentity("ASIA222222222222LOCL", undefined).Account).toBe("222222222222");
  });
});
