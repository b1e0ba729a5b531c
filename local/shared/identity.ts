// The local cloud's identities: its own region, account and dummy credentials, access keys that name another
// account, and ARNs shaped exactly like AWS's. Every local service and every caller of the local cloud takes
// these from here.

export const LOCAL_REGION = "us-east-1";
export const LOCAL_ACCOUNT_ID = "000000000000";

/** Dummy credentials: the local cloud checks none, but SDK clients must sign with something. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

/** The region and account a local service answers for. */
export interface LocalIdentity {
  region: string;
  accountId: string;
}

export const DEFAULT_IDENTITY: LocalIdentity = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID };

export function lambdaFunctionArn(
  name: string,
  qualifier?: string,
  id: LocalIdentity = DEFAULT_IDENTITY,
): string {
  const base = `arn:aws:lambda:${id.region}:${id.accountId}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}

/** The role ARN the deployer gives a resource whose template names none locally (roles are not emulated). */
export function iamRoleArn(name: string, id: LocalIdentity = DEFAULT_IDENTITY): string {
  return `arn:aws:iam::${id.accountId}:role/${name}`;
}

export function stateMachineArn(name: string, id: LocalIdentity = DEFAULT_IDENTITY): string {
  return `arn:aws:states:${id.region}:${id.accountId}:stateMachine:${name}`;
}

export function executionArn(stateMachineName: string, executionName: string, id = DEFAULT_IDENTITY): string {
  return `arn:aws:states:${id.region}:${id.accountId}:execution:${stateMachineName}:${executionName}`;
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  /** Everything after the account field, e.g. `function:crud:live`. */
  resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition = "", service = "", region = "", accountId = ""] = parts;
  return { partition, service, region, accountId, resource: parts.slice(5).join(":") };
}

/** The last `:`-separated field of a resource ARN of the shape `…:<type>:<name>`, or undefined. */
export function arnResourceName(arn: string, resourceType: string): string | undefined {
  const parsed = parseArn(arn);
  if (parsed === undefined) return undefined;
  const [type, name, ...rest] = parsed.resource.split(":");
  if (type !== resourceType || name === undefined || name === "" || rest.length > 0) return undefined;
  return name;
}

export function isAccountId(text: string): boolean {
  return /^\d{12}$/.test(text);
}

/** AWS's region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-7`, … */
export function isRegionName(text: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(text);
}

// Access keys that name their account. AWS encodes the account in an access key id too, so a service can tell
// whose key it is without a lookup; locally it is spelled out: `ASIA` + the 12 digits + 4 characters, 20 in all
// as on AWS. Any other key id ("local", say) belongs to the local account.
const ACCOUNT_ACCESS_KEY = /^A[SK]IA(\d{12})[A-Z0-9]{4}$/;

/** An access key id the local cloud reads as belonging to `accountId`; `suffix` is 4 of [A-Z0-9]. */
export function accessKeyIdForAccount(accountId: string, suffix = "LOCL"): string {
  const accessKeyId = `ASIA${accountId}${suffix}`;
  if (!ACCOUNT_ACCESS_KEY.test(accessKeyId)) {
    throw new Error(
      `No access key id for account ${accountId} with suffix ${suffix}: 12 digits and 4 of [A-Z0-9]`,
    );
  }
  return accessKeyId;
}

/** The account an access key id names (see accessKeyIdForAccount), or undefined for any other key id. */
export function accountOfAccessKeyId(accessKeyId: string): string | undefined {
  return ACCOUNT_ACCESS_KEY.exec(accessKeyId)?.[1];
}

/** Dummy credentials that reach `accountId` on the local cloud: LOCAL_CREDENTIALS for the local account. */
export function credentialsForAccount(accountId: string): { accessKeyId: string; secretAccessKey: string } {
  if (accountId === LOCAL_ACCOUNT_ID) return LOCAL_CREDENTIALS;
  return {
    accessKeyId: accessKeyIdForAccount(accountId),
    secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey,
  };
}

export function sameIdentity(a: LocalIdentity, b: LocalIdentity): boolean {
  return a.region === b.region && a.accountId === b.accountId;
}
