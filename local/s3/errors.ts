// S3's errors: the code and message of its XML error body, the HTTP status, and the elements S3 adds to say
// which bucket or key (BucketName, Key). Nothing is authorized locally, so no 403 AccessDenied is ever answered.
import { LocalServiceError, type LocalServiceErrorOptions } from "../shared/errors.js";

export interface S3ErrorOptions extends LocalServiceErrorOptions {
  /** Extra elements of the error body, e.g. `{ BucketName: "payloads" }`. */
  details?: Record<string, string>;
}

export class S3Error extends LocalServiceError {
  readonly details: Record<string, string>;

  constructor(code: string, message: string, options: S3ErrorOptions = {}) {
    super(code, message, options);
    this.details = options.details ?? {};
  }
}

export class NoSuchBucketError extends S3Error {
  constructor(bucket: string) {
    super("NoSuchBucket", "The specified bucket does not exist", {
      statusCode: 404,
      details: { BucketName: bucket },
    });
  }
}

export class NoSuchKeyError extends S3Error {
  constructor(bucket: string, key: string) {
    super("NoSuchKey", "The specified key does not exist.", {
      statusCode: 404,
      details: { BucketName: bucket, Key: key },
    });
  }
}

export class BucketAlreadyOwnedByYouError extends S3Error {
  constructor(bucket: string) {
    super(
      "BucketAlreadyOwnedByYou",
      "Your previous request to create the named bucket succeeded and you already own it.",
      { statusCode: 409, details: { BucketName: bucket } },
    );
  }
}

export class BucketNotEmptyError extends S3Error {
  constructor(bucket: string) {
    super("BucketNotEmpty", "The bucket you tried to delete is not empty", {
      statusCode: 409,
      details: { BucketName: bucket },
    });
  }
}

export class InvalidBucketNameError extends S3Error {
  constructor(bucket: string) {
    super(
      "InvalidBucketName",
      "The specified bucket is not valid: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.",
      { statusCode: 400, details: { BucketName: bucket } },
    );
  }
}

/** An S3 feature the local S3 does not emulate: refused loudly rather than answered wrongly. */
export class NotImplementedError extends S3Error {
  constructor(what: string, hint?: string) {
    super(
      "NotImplemented",
      `${what} is not implemented by the local S3${hint ? `: ${hint}` : ""} (see docs/local-cloud.md).`,
      { statusCode: 501 },
    );
  }
}
