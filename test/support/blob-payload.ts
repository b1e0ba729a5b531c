// Payloads the payload-digest fixture (test/fixtures/functions/payload-digest) can check: a blob of `bytes`
// bytes of ASCII with its SHA-256, so the function knows whether it received it whole.
import { createHash, randomBytes } from "node:crypto";

export interface BlobPayload {
  blob: string;
  bytes: number;
  sha256: string;
  label?: string;
}

export function blobPayload(bytes: number, label?: string): BlobPayload {
  const blob = randomBytes(Math.ceil((bytes * 3) / 4) + 3)
    .toString("base64")
    .slice(0, bytes);
  return {
    blob,
    bytes,
    sha256: createHash("sha256").update(blob).digest("hex"),
    ...(label === undefined ? {} : { label }),
  };
}
