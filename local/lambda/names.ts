// How Lambda names a function: a plain name, a partial ARN (`123:function:name`) or a full ARN, each
// optionally qualified with a version or an alias.

import { type LocalIdentity, lambdaFunctionArn } from "../shared/identity.js";
import { InvalidParameterValueError, ResourceNotFoundError } from "./errors.js";

export interface FunctionName {
  name: string;
  /** From the ARN or the Qualifier parameter (they must agree); undefined means $LATEST. */
  qualifier: string | undefined;
}

const ARN_PATTERN = /^(?:arn:aws[\w-]*:lambda:([\w-]+):)?(?:(\d{12}):)?function:([\w-]+)(?::([\w$-]+))?$/;
const PLAIN_PATTERN = /^([\w-]+)(?::([\w$-]+))?$/;

export function functionArn(identity: LocalIdentity, name: string, qualifier?: string): string {
  // An empty Qualifier (`?Qualifier=`) names the function itself, as no qualifier does.
  return lambdaFunctionArn(name, qualifier || undefined, identity);
}

export function parseFunctionName(identity: LocalIdentity, raw: string, qualifier?: string): FunctionName {
  const { name, fromName } = splitFunctionName(identity, raw);
  if (fromName && qualifier && fromName !== qualifier) {
    throw new InvalidParameterValueError(
      `The derived qualifier from the function name (${fromName}) does not match the Qualifier (${qualifier}).`,
    );
  }
  return { name, qualifier: qualifier ?? fromName };
}

function splitFunctionName(
  identity: LocalIdentity,
  raw: string,
): { name: string; fromName: string | undefined } {
  const arn = ARN_PATTERN.exec(raw);
  if (arn?.[3]) {
    const [, region, account] = arn;
    // Like Lambda: a function is found only in the region and account the service is.
    if ((region && region !== identity.region) || (account && account !== identity.accountId)) {
      throw new ResourceNotFoundError(
        `Function not found: ${raw} (functions here are in region ${identity.region}, account ${identity.accountId})`,
      );
    }
    return { name: arn[3], fromName: arn[4] };
  }
  const plain = PLAIN_PATTERN.exec(raw);
  if (!plain?.[1]) {
    throw new InvalidParameterValueError(
      `FunctionName ${raw} is not a function name or ARN: use letters, digits, - and _, or an ARN.`,
    );
  }
  return { name: plain[1], fromName: plain[2] };
}

/** CreateFunction's rule for a new function's name. */
export function assertNewFunctionName(name: string | undefined): string {
  if (!name || !/^[\w-]{1,64}$/.test(name)) {
    throw new InvalidParameterValueError(
      `FunctionName ${name ?? "(missing)"} is invalid: use 1–64 letters, digits, - or _.`,
    );
  }
  return name;
}

/** Alias names are 1–128 letters, digits, - or _, and never all digits (those are versions). */
export function assertAliasName(name: string): string {
  if (!/^(?!^\d+$)[a-zA-Z0-9-_]{1,128}$/.test(name)) {
    throw new InvalidParameterValueError(
      `Alias name ${name || "(missing)"} is invalid: use 1–128 letters, digits, - or _, not only digits.`,
    );
  }
  return name;
}

export function isVersionNumber(qualifier: string): boolean {
  return /^\d+$/.test(qualifier);
}
