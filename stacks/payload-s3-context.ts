// The payloadS3 read grant as a deploy-time choice: `-c payloadS3Bucket=NAME [-c payloadS3Prefix=PREFIX]`, read
// into PowerTunerStack's payloadS3 prop (which checks the values). A malformed flag fails synth naming the key.
import type { PowerTunerOptions } from "./power-tuner-options.js";

/** The `-c` context keys of the payloadS3 prop, named after the reference tool's parameters. */
export const PAYLOAD_S3_CONTEXT = { bucket: "payloadS3Bucket", prefix: "payloadS3Prefix" } as const;

const contextError = (key: string, value: unknown, fix: string) =>
  new Error(`context ${key} is ${JSON.stringify(value)}: ${fix}`);

/** Reads the grant from the app's context: nothing when no bucket is named (the tuner then has no S3 access). */
export function parsePayloadS3Context(get: (key: string) => unknown): Pick<PowerTunerOptions, "payloadS3"> {
  const bucket = get(PAYLOAD_S3_CONTEXT.bucket);
  const prefix = get(PAYLOAD_S3_CONTEXT.prefix);
  if (bucket === undefined) {
    if (prefix !== undefined) {
      throw new Error(
        `context ${PAYLOAD_S3_CONTEXT.prefix} is set but ${PAYLOAD_S3_CONTEXT.bucket} is not: pass -c ${PAYLOAD_S3_CONTEXT.bucket}=NAME as well, the bucket the prefix is in`,
      );
    }
    return {};
  }
  if (typeof bucket !== "string" || bucket === "") {
    throw contextError(
      PAYLOAD_S3_CONTEXT.bucket,
      bucket,
      `pass -c ${PAYLOAD_S3_CONTEXT.bucket}=NAME, a bucket's name`,
    );
  }
  if (prefix !== undefined && typeof prefix !== "string") {
    throw contextError(
      PAYLOAD_S3_CONTEXT.prefix,
      prefix,
      `pass -c ${PAYLOAD_S3_CONTEXT.prefix}=PREFIX, a key prefix such as tuning/`,
    );
  }
  return { payloadS3: { bucket, ...(prefix ? { prefix } : {}) } };
}
