// payloadS3: a payload too large for a state's input, named by its S3 URL and read by the executor. The URL's
// rules, the object's size limit and how its text becomes the payload `payload` would have been; no AWS here.

/** The input field, as messages name it. */
const FIELD = "payloadS3";

/** Lambda refuses a synchronous Invoke whose request payload is larger: 6 MiB. */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * The largest object payloadS3 may name. One payload has to fit an Invoke, and a weighted list's items are sent
 * one at a time, so a larger list could be sent; but the executor holds the object's text, the parsed payload and
 * each distinct payload's bytes at once, and the tuner's functions may have as little as 128 MB.
 */
export const MAX_PAYLOAD_OBJECT_BYTES = MAX_INVOKE_PAYLOAD_BYTES;

/** S3's rules for a bucket's name (general purpose buckets). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d+\.\d+\.\d+\.\d+$/;
/** S3's longest key, in bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

export interface S3Location {
  bucket: string;
  key: string;
}

const EXAMPLE = "s3://my-payloads/tuning/event.json";

/** Why `name` cannot be an S3 bucket's name, or undefined when it can. */
export function bucketNameProblem(name: string): string | undefined {
  if (!BUCKET_NAME.test(name) || name.includes("..") || IP_ADDRESS.test(name)) {
    return `${JSON.stringify(name)} is not an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit`;
  }
  return undefined;
}

/**
 * The bucket and key of `s3://BUCKET/KEY`, or the problem with the URL, in words that say how to write it. The key
 * is everything after the bucket's slash, percent-decoded as the reference tool does (`%20` is a space).
 */
export function parseS3Url(url: string): { location: S3Location } | { problem: string } {
  const shown = JSON.stringify(url.length > 200 ? `${url.slice(0, 200)}…` : url);
  if (!url.startsWith("s3://")) {
    return { problem: `${FIELD} ${shown} must be an S3 URL, s3://BUCKET/KEY (e.g. ${EXAMPLE})` };
  }
  const rest = url.slice("s3://".length);
  const slash = rest.indexOf("/");
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const rawKey = slash === -1 ? "" : rest.slice(slash + 1);
  if (bucket === "") {
    return { problem: `${FIELD} ${shown} names no bucket: write s3://BUCKET/KEY (e.g. ${EXAMPLE})` };
  }
  const bucketProblem = bucketNameProblem(bucket);
  if (bucketProblem) return { problem: `${FIELD} ${shown}: the bucket ${bucketProblem}` };
  if (rawKey === "") {
    return {
      problem: `${FIELD} ${shown} names no object: add its key after the bucket, s3://${bucket}/KEY`,
    };
  }
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    return {
      problem: `${FIELD} ${shown}: the key has a % that starts no escape; write a % in a key as %25`,
    };
  }
  if (new TextEncoder().encode(key).length > MAX_KEY_BYTES) {
    return { problem: `${FIELD} ${shown}: the key is longer than S3's ${MAX_KEY_BYTES} bytes` };
  }
  return { location: { bucket, key } };
}

/**
 * The payload an object's text holds, exactly as the input's `payload` would hold it: JSON (an object, a list, a
 * weighted list `[{payload, weight}]`, a string, a number), or, when the text is not JSON, the text itself, sent as
 * a JSON string (the reference tool's rule).
 */
export function payloadFromObjectText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

/** Why an object of `bytes` cannot be a payload, or undefined. */
export function payloadObjectSizeProblem(bytes: number): string | undefined {
  if (bytes <= MAX_PAYLOAD_OBJECT_BYTES) return undefined;
  return `the object is ${bytes} bytes (${mib(bytes)}), over the ${MAX_PAYLOAD_OBJECT_BYTES} bytes (${mib(MAX_PAYLOAD_OBJECT_BYTES)}) Lambda accepts in one Invoke: shrink the payload`;
}
