// STS's errors as the query protocol answers them: a code, a message and whose fault it is (Sender/Receiver).
import { LocalServiceError, type LocalServiceErrorOptions } from "../shared/errors.js";

export class StsError extends LocalServiceError {
  /** The `<Type>` of the error answer: the caller's fault (Sender) or the service's (Receiver). */
  readonly fault: "Sender" | "Receiver";

  constructor(code: string, message: string, options: LocalServiceErrorOptions = {}) {
    super(code, message, options);
    this.fault = this.statusCode >= 500 ? "Receiver" : "Sender";
  }
}

/** A parameter that breaks STS's constraints (a malformed RoleArn, say): 400 ValidationError, as STS answers. */
export class StsValidationError extends StsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("ValidationError", message, { ...options, statusCode: 400 });
  }
}

export class InvalidActionError extends StsError {
  constructor(action: string, served: readonly string[]) {
    super(
      "InvalidAction",
      `Could not find operation ${action || "(no Action)"} for version 2011-06-15: this local STS serves ${served.join(", ")}.`,
      { statusCode: 400 },
    );
  }
}
