// Lambda's error codes and HTTP statuses, so an SDK v3 client raises the same exception classes it would
// against AWS (the code travels in the `x-amzn-errortype` header and the `Type`/`Message` body).

export class LambdaApiError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly errorType: "User" | "Service" = "User",
  ) {
    super(message);
    this.name = code;
  }
}

export class ResourceNotFoundError extends LambdaApiError {
  constructor(message: string) {
    super("ResourceNotFoundException", 404, message);
  }
}

export class ResourceConflictError extends LambdaApiError {
  constructor(message: string) {
    super("ResourceConflictException", 409, message);
  }
}

export class InvalidParameterValueError extends LambdaApiError {
  constructor(message: string) {
    super("InvalidParameterValueException", 400, message);
  }
}

export class TooManyRequestsError extends LambdaApiError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super("TooManyRequestsException", 429, message);
  }
}

export class RequestTooLargeError extends LambdaApiError {
  constructor(message: string) {
    super("RequestTooLargeException", 413, message);
  }
}

export class UnsupportedOperationError extends LambdaApiError {
  constructor(operation: string) {
    super(
      "InvalidRequestContentException",
      400,
      `${operation} is not implemented by the local Lambda service.`,
    );
  }
}
