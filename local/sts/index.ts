// The local STS: AssumeRole and GetCallerIdentity over the query protocol (`POST /` with
// `Action=…&Version=2011-06-15`, answered in XML), as @aws-sdk/client-sts speaks it. Nothing is authorized
// locally: any caller may assume any well-formed role ARN, and gets dummy credentials for the role's account.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { internalFailure } from "../shared/errors.js";
import { readBody, sendText } from "../shared/http.js";
import { requestCredentialScope } from "../shared/sigv4.js";
import type { LocalService } from "../shared/types.js";
import { assumeRole } from "./assume-role.js";
import { callerIdentity } from "./caller-identity.js";
import { InvalidActionError, StsError } from "./errors.js";
import { actionResponseXml, errorResponseXml } from "./xml.js";

export { type AssumeRoleAnswer, assumeRole, parseRoleArn } from "./assume-role.js";
export { type CallerIdentity, callerIdentity } from "./caller-identity.js";
export { InvalidActionError, StsError, StsValidationError } from "./errors.js";

const ACTIONS = ["AssumeRole", "GetCallerIdentity"] as const;
const XML = "text/xml";
/** Query-protocol requests are a handful of parameters; anything this large is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

export function createStsService(): LocalService {
  return {
    handle(req, res) {
      answer(req, res).catch((error: unknown) => sendStsError(res, error));
    },
    async close() {},
  };
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = await requestParameters(req);
  const action = params.get("Action") ?? "";
  const requestId = randomUUID();
  if (action === "AssumeRole") {
    const answer = assumeRole({
      RoleArn: params.get("RoleArn") ?? undefined,
      RoleSessionName: params.get("RoleSessionName") ?? undefined,
      DurationSeconds: params.get("DurationSeconds") ?? undefined,
    });
    const { credentials, assumedRoleUser } = answer;
    const result = {
      AssumedRoleUser: { Arn: assumedRoleUser.arn, AssumedRoleId: assumedRoleUser.assumedRoleId },
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: credentials.expiration,
      },
    };
    sendText(res, 200, actionResponseXml(action, result, requestId), { "x-amzn-requestid": requestId }, XML);
    return;
  }
  if (action === "GetCallerIdentity") {
    const token = req.headers["x-amz-security-token"];
    const identity = callerIdentity(
      requestCredentialScope(req)?.accessKeyId,
      typeof token === "string" ? token : undefined,
    );
    sendText(
      res,
      200,
      actionResponseXml(action, { ...identity }, requestId),
      { "x-amzn-requestid": requestId },
      XML,
    );
    return;
  }
  throw new InvalidActionError(action, ACTIONS);
}

/** The query protocol's parameters: the form body of a POST, or the query string of a GET. */
async function requestParameters(req: IncomingMessage): Promise<URLSearchParams> {
  const body = await readBody(req, {
    maxBytes: MAX_BODY_BYTES,
    tooLarge: () => new StsError("ValidationError", `The request body is over ${MAX_BODY_BYTES} bytes`),
  });
  if (req.method === "POST") return new URLSearchParams(body.toString("utf8"));
  return new URL(req.url ?? "/", "http://localhost").searchParams;
}

function sendStsError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const stsError =
    error instanceof StsError
      ? error
      : new StsError("InternalFailure", internalFailure(error).message, { statusCode: 500, cause: error });
  const requestId = randomUUID();
  sendText(
    res,
    stsError.statusCode,
    errorResponseXml(stsError, requestId),
    { "x-amzn-requestid": requestId },
    XML,
  );
}
