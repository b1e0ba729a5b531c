// The target a tuning input names: a function ARN, optionally qualified with a version or an alias, and how the
// tuner reaches it (the ARN's region, and a role to assume in the function's account).

/** `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`, optionally `:QUALIFIER` (a version number or an alias). */
const TARGET_ARN =
  /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_-]{1,128}))?$/;

export interface TargetArn {
  /** The function without a qualifier: the lock, the history and every change to $LATEST name it. */
  functionArn: string;
  region: string;
  accountId: string;
  functionName: string;
  /** The version or alias the input names; undefined for $LATEST. */
  qualifier?: string;
  /** `version` for `:7`, `alias` for `:live`, undefined when unqualified. */
  qualifierKind?: "version" | "alias";
}

/** Parses a function ARN with an optional version or alias; undefined for anything else ($LATEST too). */
export function parseTargetArn(arn: string): TargetArn | undefined {
  const match = TARGET_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region = "", accountId = "", functionName = "", qualifier] = match;
  const functionArn = `arn:${partition}:lambda:${region}:${accountId}:function:${functionName}`;
  if (qualifier === undefined) return { functionArn, region, accountId, functionName };
  return {
    functionArn,
    region,
    accountId,
    functionName,
    qualifier,
    qualifierKind: /^\d+$/.test(qualifier) ? "version" : "alias",
  };
}

/** The unqualified function ARN of a target ARN (the ARN itself when it does not parse). */
export const unqualifiedArn = (arn: string): string => parseTargetArn(arn)?.functionArn ?? arn;

/** The region of a function ARN (its fourth field), or undefined. */
export const regionOfArn = (arn: string): string | undefined => arn.split(":")[3] || undefined;

/** An IAM role ARN, as STS AssumeRole takes it. */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** How the tuner reaches the target's Lambda API: in the ARN's region, with the role's credentials if one is named. */
export interface TargetAccess {
  region: string;
  /** A role in the function's account to assume (the input's targetRoleArn). */
  roleArn?: string;
  /** The assumed role's session name: it names the run, so the target account's CloudTrail shows whose calls they are. */
  sessionName: string;
}

const SESSION_NAME_MAX = 64;

/**
 * `powertune-<runId>`, in STS's alphabet ([\w+=,.@-]) and at most 64 characters: an execution name is up to 80,
 * so a long one keeps its end, which holds what differs from one run to the next.
 */
export function roleSessionName(runId: string): string {
  const safe = runId.replace(/[^\w+=,.@-]/g, "-");
  const prefix = "powertune-";
  const room = SESSION_NAME_MAX - prefix.length;
  return `${prefix}${safe.length > room ? safe.slice(-room) : safe}`;
}

/** The access of a run's target: the ARN's region, the input's role, a session named after the run. */
export function targetAccess(lambdaArn: string, runId: string, roleArn: string | undefined): TargetAccess {
  return {
    region: regionOfArn(lambdaArn) ?? "us-east-1",
    ...(roleArn ? { roleArn } : {}),
    sessionName: roleSessionName(runId),
  };
}
