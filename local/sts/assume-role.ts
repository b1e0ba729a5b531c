// AssumeRole's rules and answer, with no I/O: the parameters checked as STS checks them, and dummy temporary
// credentials whose access key id names the role's account, which is how the other local services tell which
// account a request is for (local/shared/identity.ts).
import { createHash, randomBytes } from "node:crypto";
import { accessKeyIdForAccount } from "../shared/identity.js";
import { StsValidationError } from "./errors.js";
import { encodeSessionToken } from "./session-token.js";

/** STS's limits for DurationSeconds without a role's MaxSessionDuration to lower them (roles are not modelled). */
export const MIN_DURATION_S = 900;
export const MAX_DURATION_S = 43_200;
export const DEFAULT_DURATION_S = 3600;

export interface RoleArn {
  partition: string;
  accountId: string;
  /** The role's name, the last segment of its path. */
  roleName: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export function parseRoleArn(raw: string | undefined): RoleArn {
  if (raw === undefined || raw === "") {
    throw new StsValidationError(
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
  }
  if (raw.length < 20 || raw.length > 2048) {
    throw new StsValidationError(
      `1 validation error detected: Value '${raw}' at 'roleArn' failed to satisfy constraint: Member must have length between 20 and 2048`,
    );
  }
  const match = ROLE_ARN.exec(raw);
  if (match === null) {
    throw new StsValidationError(
      `${raw} is invalid: a RoleArn is arn:aws:iam::<12-digit account>:role/<optional path/><role name>`,
    );
  }
  const [, partition = "aws", accountId = "", , roleName = ""] = match;
  return { partition, accountId, roleName };
}

export interface AssumeRoleInput {
  RoleArn?: string;
  RoleSessionName?: string;
  DurationSeconds?: string;
}

export interface AssumeRoleAnswer {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string };
  assumedRoleUser: { arn: string; assumedRoleId: string };
}

/** Checks the parameters and hands out credentials for the role's account, valid from `now`. */
export function assumeRole(input: AssumeRoleInput, now = new Date()): AssumeRoleAnswer {
  const role = parseRoleArn(input.RoleArn);
  const sessionName = input.RoleSessionName ?? "";
  if (!SESSION_NAME.test(sessionName)) {
    throw new StsValidationError(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: ` +
        "Member must have length between 2 and 64 and match [\\w+=,.@-]*",
    );
  }
  const durationS = input.DurationSeconds === undefined ? DEFAULT_DURATION_S : Number(input.DurationSeconds);
  if (!Number.isInteger(durationS) || durationS < MIN_DURATION_S || durationS > MAX_DURATION_S) {
    throw new StsValidationError(
      `1 validation error detected: Value '${input.DurationSeconds}' at 'durationSeconds' failed to satisfy ` +
        `constraint: Member must be between ${MIN_DURATION_S} and ${MAX_DURATION_S}`,
    );
  }
  // STS gives whole seconds.
  const expiration = new Date(Math.floor(now.getTime() / 1000) * 1000 + durationS * 1000).toISOString();
  const roleArn = input.RoleArn as string;
  return {
    credentials: {
      accessKeyId: accessKeyIdForAccount(role.accountId, randomKeySuffix()),
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: encodeSessionToken({ roleArn, roleSessionName: sessionName, expiration }),
      expiration,
    },
    assumedRoleUser: {
      arn: assumedRoleArn(role, sessionName),
      assumedRoleId: `${roleId(roleArn)}:${sessionName}`,
    },
  };
}

export function assumedRoleArn(role: RoleArn, sessionName: string): string {
  return `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`;
}

/** A role's unique id, `AROA` + 17 characters, the same for the same ARN (AWS's is fixed per role too). */
export function roleId(roleArn: string): string {
  const digest = createHash("sha256").update(roleArn).digest();
  return `AROA${base32(digest).slice(0, 17)}`;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Uint8Array): string {
  return [...bytes].map((byte) => BASE32[byte % 32]).join("");
}

function randomKeySuffix(): string {
  return base32(randomBytes(4));
}
