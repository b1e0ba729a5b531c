// Lambda's error codes and HTTP statuses, so an SDK v3 client raises the same exception classes it would
// against AWS (the code travels in the `x-amzn-errortype` header and the `Type`/`Message` body).

import { LocalServiceError, type LocalServiceErrorOptions } from "../shared/errors.js";

export interface LambdaApiErrorOptions extends LocalServiceErrorOptions {
  /** Lambda's `Type` field: whose fault the error is. @default "User" */
  errorType?: "User" | "Service";
}

export class LambdaApiError extends LocalServiceError {
  readonly errorType: "User" | "Service";

  constructor(code: string, message: string, options: LambdaApiErrorOptions = {}) {
    super(code, message, options);
    this.errorType = options.errorType ?? "User";
  }
}

export class ResourceNotFoundError extends LambdaApiError {
  constructor(message: string) {
    super("ResourceNotFoundException", message, { statusCode: 404 });
  }
}

export class ResourceConflictError extends LambdaApiError {
  constructor(message: string) {
    super("ResourceConflictException", message, { statusCode: 409 });
  }
}

export class InvalidParameterValueError extends LambdaApiError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("InvalidParameterValueException", message, { statusCode: 400, cause: options.cause });
  }
}

export class TooManyRequestsError extends LambdaApiError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super("TooManyRequestsException", message, { statusCode: 429 });
  }
}

export class RequestTooLargeError extends LambdaApiError {
  constructor(message: string) {
    super("RequestTooLargeException", message, { statusCode: 413 });
  }
}

export class UnsupportedOperationError extends LambdaApiError {
  constructor(operation: string) {
    super("InvalidRequestContentException", `${operation} is not implemented by the local Lambda service.`, {
      statusCode: 400,
    });
  }
}

/** A change the state store could not write: undone, and answered as the service's own failure. */
export class StateNotWrittenError extends LambdaApiError {
  constructor(functionName: string, cause: unknown) {
    super(
      "ServiceException",
      `The change to ${functionName} could not be saved (${(cause as Error)?.message ?? String(cause)}), so it was not made: retry once the data directory is writable.`,
      { statusCode: 500, errorType: "Service", cause },
    );
  }
}

/** A createLambdaService option out of range: the message names the option. */
export class InvalidServiceOptionError extends Error {
  override readonly name = "InvalidServiceOptionError";

  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
  }
}
