// The assumed role's credentials, with a fake STS client: a session's expiry and a refused AssumeRole are what
// the local STS does not give on demand (its sessions last at least 15 minutes, and it trusts every caller).
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import {
  assumedRoleCredentials,
  TargetRoleNotAssumedError,
  targetLambdaClients,
} from "../../../../../functions/tuner/aws/clients.js";

const ROLE = "arn:aws:iam::111122223333:role/powertune-target";

function fakeSts(expiresInMs: number[], fail?: Error) {
  const calls: AssumeRoleCommand["input"][] = [];
  return {
    calls,
    send: async (command: unknown) => {
      if (!(command instanceof AssumeRoleCommand)) throw new Error("only AssumeRole is expected");
      calls.push(command.input);
      if (fail) throw fail;
      const n = calls.length;
      return {
        Credentials: {
          AccessKeyId: `ASIA11112222333${n}XXXX`,
          SecretAccessKey: "secret",
          SessionToken: `token-${n}`,
          Expiration: new Date(Date.now() + (expiresInMs[n - 1] ?? 3_600_000)),
        },
      };
    },
  };
}

describe("assumedRoleCredentials (fake STS: expiry and refusal on demand)", () => {
  it("assumes the role once, with the run's session name, and reuses the credentials while they last", async () => {
    const sts = fakeSts([3_600_000]);
    const provider = assumedRoleCredentials(sts as never, ROLE, "powertune-run-1");
    const first = await provider();
    const second = await provider();
    expect(second).toBe(first);
    expect(sts.calls).toEqual([{ RoleArn: ROLE, RoleSessionName: "powertune-run-1", DurationSeconds: 900 }]);
    expect(first.sessionToken).toBe("token-1");
  });

  it("assumes it again when the credentials are within 5 minutes of their expiry", async () => {
    const sts = fakeSts([4 * 60_000, 3_600_000]);
    const provider = assumedRoleCredentials(sts as never, ROLE, "powertune-run-1");
    expect((await provider()).sessionToken).toBe("token-1");
    expect((await provider()).sessionToken).toBe("token-2");
    expect(sts.calls).toHaveLength(2);
  });

  it("says which role could not be assumed, keeping STS's error as the cause", async () => {
    const denied = Object.assign(new Error("not authorized to perform sts:AssumeRole"), {
      name: "AccessDenied",
    });
    const provider = assumedRoleCredentials(fakeSts([], denied) as never, ROLE, "powertune-run-1");
    const error = await provider().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TargetRoleNotAssumedError);
    expect((error as Error).message).toBe(
      `sts:AssumeRole of ${ROLE} failed: AccessDenied: not authorized to perform sts:AssumeRole`,
    );
    expect((error as Error).cause).toBe(denied);
  });
});

describe("targetLambdaClients", () => {
  it("keeps one client per region and role session, in the target's region", async () => {
    const clients = targetLambdaClients(fakeSts([]) as never);
    const west = clients({ region: "us-west-2", sessionName: "powertune-a" });
    expect(clients({ region: "us-west-2", sessionName: "powertune-b" })).toBe(west);
    const assumed = clients({ region: "us-west-2", roleArn: ROLE, sessionName: "powertune-a" });
    expect(assumed).not.toBe(west);
    expect(clients({ region: "us-west-2", roleArn: ROLE, sessionName: "powertune-b" })).not.toBe(assumed);
    expect(await (west as LambdaClient).config.region()).toBe("us-west-2");
  });
});
