// The local S3: path-style buckets and objects (`/<bucket>/<key>`) kept under `<dataDir>/s3`, for any
// @aws-sdk/client-s3 program with the SDK's default settings. Operations: ListBuckets, CreateBucket,
// HeadBucket, DeleteBucket, ListObjectsV2, PutObject, GetObject (Range too), HeadObject, DeleteObject; anything
// else is refused as NotImplemented. No signature or policy is checked: nothing is authorized locally, so no
// request is ever refused with 403.
import { join } from "node:path";
import { internalFailure } from "../shared/errors.js";
import type { LocalService } from "../shared/types.js";
import { S3Error } from "./errors.js";
import { ObjectStore } from "./object-store.js";
import { answerS3Request, sendS3Error } from "./service.js";

export {
  BucketAlreadyOwnedByYouError,
  BucketNotEmptyError,
  InvalidBucketNameError,
  NoSuchBucketError,
  NoSuchKeyError,
  NotImplementedError,
  S3Error,
} from "./errors.js";
export { MAX_OBJECT_BYTES } from "./payload.js";

export interface S3ServiceOptions {
  /** Buckets and objects live in `<dataDir>/s3/<bucket>/`, read back at the next start. */
  dataDir: string;
}

export function createS3Service(options: S3ServiceOptions): LocalService {
  const store = new ObjectStore(join(options.dataDir, "s3"));
  return {
    handle(req, res) {
      answerS3Request(store, req, res).catch((error: unknown) => {
        const s3Error =
          error instanceof S3Error
            ? error
            : new S3Error("InternalError", internalFailure(error).message, { statusCode: 500, cause: error });
        sendS3Error(req, res, s3Error);
      });
    },
    async close() {},
  };
}
