// The local cloud's one identity: its region, account and dummy credentials, and ARNs shaped exactly like
// AWS's for them. Every local service and every caller of the local cloud takes these from here.

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
