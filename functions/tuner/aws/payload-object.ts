// Reads the object the input's payloadS3 names, once per executor task: its text, checked against the size one
// Invoke can carry before it is downloaded, with S3's refusals turned into messages that say what to fix.
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  InvalidTuningInputError,
  PayloadS3Error,
  parseS3Url,
  payloadObjectSizeProblem,
} from "../core/index.js";

/** What the tuner calls on S3 (a client, or a test's stand-in). */
export type S3Api = Pick<S3Client, "send">;

interface S3ServiceError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** S3's refusal, in words naming the bucket, the object and the stack prop that grants the read. */
function refusal(bucket: string, key: string, error: S3ServiceError): string {
  const status = error.$metadata?.httpStatusCode;
  const code = error.name ?? "Error";
  if (status === 403 || code === "AccessDenied") {
    return (
      `access denied (403 ${code}) reading bucket ${bucket}. The executor may read only the bucket (and prefix) ` +
      `that PowerTunerStack's payloadS3 prop names: deploy the stack with payloadS3: { bucket: "${bucket}" } ` +
      `(or -c payloadS3Bucket=${bucket}), and a prefix, if any, that ${key} starts with. An object encrypted ` +
      "with a customer-managed KMS key also needs kms:Decrypt on that key"
    );
  }
  if (code === "NoSuchBucket")
    return `there is no bucket ${bucket} (404 NoSuchBucket): check the bucket's name`;
  if (status === 404 || code === "NoSuchKey") {
    return `there is no object ${key} in bucket ${bucket} (404 ${code}): check the key, or put the payload there before the run`;
  }
  return `could not be read (${status ?? "no HTTP status"} ${code}: ${error.message ?? "no message"})`;
}

/**
 * The text of the object `url` names (UTF-8). Refuses an object over the core's MAX_PAYLOAD_OBJECT_BYTES from its
 * Content-Length, before its body is read, so an oversized object never reaches the executor's memory.
 */
export async function readPayloadObject(s3: S3Api, url: string): Promise<string> {
  const parsed = parseS3Url(url);
  if ("problem" in parsed)
    throw new InvalidTuningInputError([{ field: "payloadS3", problem: parsed.problem }]);
  const { bucket, key } = parsed.location;
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
    throw new PayloadS3Error(url, refusal(bucket, key, error as S3ServiceError), { cause: error });
  });
  const body = object.Body;
  const declared = object.ContentLength;
  const declaredProblem = declared === undefined ? undefined : payloadObjectSizeProblem(declared);
  if (declaredProblem || !body) {
    // Not read: close the connection instead of downloading what would be refused.
    (body as { destroy?: () => void } | undefined)?.destroy?.();
    throw new PayloadS3Error(url, declaredProblem ?? "S3 answered without a body");
  }
  const bytes = await body.transformToByteArray();
  // A response without Content-Length (none from S3 itself) is held to the same limit once read.
  const readProblem = payloadObjectSizeProblem(bytes.length);
  if (readProblem) throw new PayloadS3Error(url, readProblem);
  return new TextDecoder().decode(bytes);
}
