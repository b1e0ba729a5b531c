// GetCallerIdentity's answer, with no I/O: an assumed session (its token says which) is its assumed-role ARN;
// any other credentials are the root of the account their access key id names, or of the local account.
import { accountOfAccessKeyId, LOCAL_ACCOUNT_ID } from "../shared/identity.js";
import { assumedRoleArn, parseRoleArn, roleId } from "./assume-role.js";
import { decodeSessionToken } from "./session-token.js";

export interface CallerIdentity {
  Account: string;
  Arn: string;
  UserId: string;
}

export function callerIdentity(
  accessKeyId: string | undefined,
  sessionToken: string | undefined,
): CallerIdentity {
  const session = decodeSessionToken(sessionToken);
  if (session !== undefined) {
    const role = parseRoleArn(session.roleArn);
    return {
      Account: role.accountId,
      Arn: assumedRoleArn(role, session.roleSessionName),
      UserId: `${roleId(session.roleArn)}:${session.roleSessionName}`,
    };
  }
  const account = (accessKeyId && accountOfAccessKeyId(accessKeyId)) || LOCAL_ACCOUNT_ID;
  return { Account: account, Arn: `arn:aws:iam::${account}:root`, UserId: account };
}
