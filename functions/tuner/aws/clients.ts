// SDK clients for the handlers, created once per execution environment. Endpoints and credentials come from the
// SDK's standard configuration (AWS_ENDPOINT_URL_*, AWS_REGION, …), the same in every cloud.
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { TargetAccess } from "../core/index.js";
import type { LambdaApi } from "./lambda-ops.js";

// Throttling (TooManyRequestsException) is retried by the SDK with backoff; a few more attempts than the
// default 3 ride out a burst of parallel invocations.
const LAMBDA_RETRIES = { maxAttempts: 6, retryMode: "adaptive" } as const;

export const lambdaClient = () => new LambdaClient({ ...LAMBDA_RETRIES });
export const documentClient = () =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
export const cloudWatchClient = () => new CloudWatchClient({});
export const stepFunctionsClient = () => new SFNClient({});
// A payloadS3 bucket may be in another region than the tuner: S3 answers with a redirect the client follows.
export const s3Client = () => new S3Client({ followRegionRedirects: true });

/** The Lambda API of a run's target: in the function's region, as the run's assumed role if it names one. */
export type TargetLambda = (access: TargetAccess) => LambdaApi;

/** An assumed role's credentials are renewed this long before they expire, ms. */
const RENEW_BEFORE_MS = 5 * 60_000;
/** STS's shortest session: a handler runs at most 15 minutes, and the credentials are renewed before expiry. */
const SESSION_SECONDS = 900;
/** Clients kept per execution environment: a handler serves one run at a time, and runs come and go. */
const MAX_CACHED_CLIENTS = 16;

/**
 * Lambda clients per target region and role, made once per execution environment and reused across
 * invocations. A role's credentials come from sts:AssumeRole (session named after the run) when the client first
 * signs a request, and again shortly before they expire. The region is the function ARN's; the endpoint is the
 * SDK's standard configuration for that region.
 */
export function targetLambdaClients(sts: Pick<STSClient, "send"> = new STSClient({})): TargetLambda {
  const clients = new Map<string, LambdaClient>();
  return (access) => {
    const key = JSON.stringify([
      access.region,
      access.roleArn ?? "",
      access.roleArn ? access.sessionName : "",
    ]);
    const cached = clients.get(key);
    if (cached) return cached;
    const client = new LambdaClient({
      ...LAMBDA_RETRIES,
      region: access.region,
      ...(access.roleArn
        ? { credentials: assumedRoleCredentials(sts, access.roleArn, access.sessionName) }
        : {}),
    });
    if (clients.size >= MAX_CACHED_CLIENTS) {
      const [oldest] = clients.keys();
      if (oldest !== undefined) {
        clients.get(oldest)?.destroy();
        clients.delete(oldest);
      }
    }
    clients.set(key, client);
    return client;
  };
}

/** sts:AssumeRole of the input's targetRoleArn failed: the role's trust policy, or the tuner's permission. */
export class TargetRoleNotAssumedError extends Error {
  override readonly name = "TargetRoleNotAssumedError";
  constructor(
    readonly roleArn: string,
    cause: Error,
  ) {
    super(`sts:AssumeRole of ${roleArn} failed: ${cause.name}: ${cause.message}`, { cause });
  }
}

interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** A credential provider of the role's temporary credentials: assumed on first use, renewed before they expire. */
export function assumedRoleCredentials(
  sts: Pick<STSClient, "send">,
  roleArn: string,
  sessionName: string,
): () => Promise<TemporaryCredentials> {
  let current: TemporaryCredentials | undefined;
  return async () => {
    if (current && current.expiration.getTime() - Date.now() > RENEW_BEFORE_MS) return current;
    const { Credentials } = await sts
      .send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: sessionName,
          DurationSeconds: SESSION_SECONDS,
        }),
      )
      .catch((error: Error) => {
        throw new TargetRoleNotAssumedError(roleArn, error);
      });
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) {
      throw new Error(`sts:AssumeRole of ${roleArn} returned no credentials`);
    }
    current = {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration ?? new Date(Date.now() + SESSION_SECONDS * 1000),
    };
    return current;
  };
}

/**
 * The target clients of a handler's deps: `targetLambda`, or else `lambda` for every target (tests and tools
 * that reach one region with one set of credentials).
 */
export function targetLambdaOf(deps: { lambda?: LambdaApi; targetLambda?: TargetLambda }): TargetLambda {
  if (deps.targetLambda) return deps.targetLambda;
  const { lambda } = deps;
  if (!lambda) throw new Error("a tuner handler needs targetLambda or lambda in its deps");
  return () => lambda;
}
