// Which AWS service, region and account a request is meant for, read from its SigV4 credential scope.
import type { IncomingMessage } from "node:http";
import { accountOfAccessKeyId, DEFAULT_IDENTITY, type LocalIdentity } from "./identity.js";

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const SCOPE = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/dynamodb/aws4_request, …` (header or query form). */
export function parseCredentialScope(text: string | undefined): CredentialScope | undefined {
  if (text === undefined) return undefined;
  const match = SCOPE.exec(text.includes("Credential=") ? text : `Credential=${text}`);
  if (match === null) return undefined;
  const [, accessKeyId = "", date = "", region = "", service = ""] = match;
  return { accessKeyId, date, region, service };
}

/** The credential scope of a request: its Authorization header, or a presigned URL's X-Amz-Credential. */
export function requestCredentialScope(req: IncomingMessage): CredentialScope | undefined {
  const header = req.headers.authorization;
  if (typeof header === "string") return parseCredentialScope(header);
  const query = new URL(req.url ?? "/", "http://localhost").searchParams.get("X-Amz-Credential");
  return parseCredentialScope(query ?? undefined);
}

/** `X-Amz-Target` prefixes of the JSON-protocol services, mapped to their signing names. */
const TARGET_PREFIXES: Record<string, string> = {
  DynamoDB_20120810: "dynamodb",
  DynamoDB_20111205: "dynamodb",
  AWSStepFunctions: "states",
  GraniteServiceVersion20100801: "monitoring",
  AWSEvents: "events",
};

/** The signing name an `X-Amz-Target` header points at, e.g. `AWSStepFunctions.StartExecution` → `states`. */
export function serviceFromTarget(target: string | string[] | undefined): string | undefined {
  if (typeof target !== "string") return undefined;
  const prefix = target.split(".")[0] ?? "";
  return TARGET_PREFIXES[prefix];
}

/**
 * The region and account a signed request reaches: the region of its credential scope, the account its access
 * key id names (accountOfAccessKeyId); what it does not say comes from `fallback`.
 */
export function requestIdentity(
  req: IncomingMessage,
  fallback: LocalIdentity = DEFAULT_IDENTITY,
): LocalIdentity {
  const scope = requestCredentialScope(req);
  if (scope === undefined) return fallback;
  return { region: scope.region, accountId: accountOfAccessKeyId(scope.accessKeyId) ?? fallback.accountId };
}
