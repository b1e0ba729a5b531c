// The session token the local STS hands out carries the session it stands for (role, session name, expiry), so
// GetCallerIdentity can answer for assumed credentials without keeping any state: credentials handed out before
// a restart still identify their session after it.

const PREFIX = "local-sts.";

export interface AssumedSession {
  roleArn: string;
  roleSessionName: string;
  /** ISO 8601, as STS's Expiration. */
  expiration: string;
}

export function encodeSessionToken(session: AssumedSession): string {
  return PREFIX + Buffer.from(JSON.stringify(session), "utf8").toString("base64url");
}

/** The session a token stands for, or undefined for a token this STS did not hand out. */
export function decodeSessionToken(token: string | undefined): AssumedSession | undefined {
  if (token === undefined || !token.startsWith(PREFIX)) return undefined;
  try {
    const value = JSON.parse(
      Buffer.from(token.slice(PREFIX.length), "base64url").toString("utf8"),
    ) as unknown;
    if (value === null || typeof value !== "object") return undefined;
    const { roleArn, roleSessionName, expiration } = value as Record<string, unknown>;
    if (
      typeof roleArn !== "string" ||
      typeof roleSessionName !== "string" ||
      typeof expiration !== "string"
    ) {
      return undefined;
    }
    return { roleArn, roleSessionName, expiration };
  } catch {
    return undefined;
  }
}
