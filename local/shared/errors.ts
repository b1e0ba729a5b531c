// The one error base of the local services. Its name is the AWS error code the SDK turns into an exception
// class of that name; the HTTP status and the underlying cause travel with it.

export interface LocalServiceErrorOptions extends ErrorOptions {
  /** HTTP status of the error answer. @default 400 */
  statusCode?: number;
}

export class LocalServiceError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: string,
    message: string,
    options: LocalServiceErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = code;
    this.statusCode = options.statusCode ?? 400;
  }
}

/** Any thrown value as a 500 of the given code, keeping the original as the cause. */
export function internalFailure(error: unknown, code = "InternalFailure"): LocalServiceError {
  if (error instanceof LocalServiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LocalServiceError(code, message, { statusCode: 500, cause: error });
}
