// SDK clients for the handlers, created once per execution environment. Endpoints and credentials come from the
// SDK's standard configuration (AWS_ENDPOINT_URL_*, AWS_REGION, …), the same in every cloud.
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

// Throttling (TooManyRequestsException) is retried by the SDK with backoff; a few more attempts than the
// default 3 ride out a burst of parallel invocations.
export const lambdaClient = () => new LambdaClient({ maxAttempts: 6, retryMode: "adaptive" });
export const documentClient = () =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
export const cloudWatchClient = () => new CloudWatchClient({});
export const stepFunctionsClient = () => new SFNClient({});
// A payloadS3 bucket may be in another region than the tuner: S3 answers with a redirect the client follows.
export const s3Client = () => new S3Client({ followRegionRedirects: true });
