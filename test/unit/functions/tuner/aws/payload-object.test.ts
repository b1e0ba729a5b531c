// readPayloadObject with stand-in S3 clients, for what the local S3 cannot show: a 403 (it authorizes every
// request), and that an oversized object's body is never read (the local S3 would serve it in full).
import { S3ServiceException } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { readPayloadObject, type S3Api } from "../../../../../functions/tuner/aws/index.js";
import { PayloadS3Error } from "../../../../../functions/tuner/core/index.js";

const refusingWith = (error: Error): S3Api => ({ send: async () => Promise.reject(error) }) as S3Api;

async function refusal(s3: S3Api, url: string): Promise<PayloadS3Error> {
  const error = await readPayloadObject(s3, url).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PayloadS3Error)) throw new Error(`expected a PayloadS3Error, got ${String(error)}`);
  return error;
}

describe("readPayloadObject (stand-in S3 clients, for faults the local S3 cannot produce)", () => {
  it("on a 403 (mocked: the local S3 authorizes everything), names the bucket and the stack prop that grants it", async () => {
    const denied = new S3ServiceException({
      name: "AccessDenied",
      $fault: "client",
      $metadata: { httpStatusCode: 403 },
      message: "Access Denied",
    });
    const error = await refusal(refusingWith(denied), "s3://team-payloads/tuning/event.json");
    expect(error.name).toBe("PayloadS3Error");
    expect(error.message).toBe(
      "payloadS3 s3://team-payloads/tuning/event.json: access denied (403 AccessDenied) reading bucket " +
        "team-payloads. The executor may read only the bucket (and prefix) that PowerTunerStack's payloadS3 prop " +
        'names: deploy the stack with payloadS3: { bucket: "team-payloads" } (or -c payloadS3Bucket=team-payloads), ' +
        "and a prefix, if any, that tuning/event.json starts with. An object encrypted with a customer-managed KMS " +
        "key also needs kms:Decrypt on that key",
    );
    expect(error.cause).toBe(denied);
  });

  it("says what S3 answered for any other error (mocked: a 500)", async () => {
    const broken = new S3ServiceException({
      name: "InternalError",
      $fault: "server",
      $metadata: { httpStatusCode: 500 },
      message: "We encountered an internal error",
    });
    const error = await refusal(refusingWith(broken), "s3://team-payloads/event.json");
    expect(error.message).toBe(
      "payloadS3 s3://team-payloads/event.json: could not be read (500 InternalError: We encountered an internal error)",
    );
  });

  it("refuses an object whose Content-Length is over 6 MiB without reading its body (mocked, to watch the body)", async () => {
    let read = false;
    let destroyed = false;
    const s3 = {
      send: async () => ({
        ContentLength: 7 * 1024 * 1024,
        Body: {
          transformToByteArray: async () => {
            read = true;
            return new Uint8Array();
          },
          destroy: () => {
            destroyed = true;
          },
        },
      }),
    } as unknown as S3Api;
    const error = await refusal(s3, "s3://team-payloads/huge.json");
    expect(error.message).toContain("the object is 7340032 bytes (7.0 MiB), over the 6291456 bytes");
    expect({ read, destroyed }).toEqual({ read: false, destroyed: true });
  });
});
