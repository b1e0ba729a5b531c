// Step Functions' error codes: @aws-sdk/client-sfn raises the exception class of the same name.
import { LocalServiceError } from "../shared/errors.js";

export class StateMachineDoesNotExistError extends LocalServiceError {
  constructor(arn: string) {
    super("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
  }
}

export class StateMachineAlreadyExistsError extends LocalServiceError {
  constructor(arn: string) {
    super("StateMachineAlreadyExists", `State Machine Already Exists with a different definition: '${arn}'`);
  }
}

export class ExecutionDoesNotExistError extends LocalServiceError {
  constructor(arn: string) {
    super("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
  }
}

export class ExecutionAlreadyExistsError extends LocalServiceError {
  constructor(arn: string) {
    super("ExecutionAlreadyExists", `Execution Already Exists: '${arn}' (choose another name, or omit name)`);
  }
}

export class InvalidDefinitionError extends LocalServiceError {
  constructor(detail: string, options: ErrorOptions = {}) {
    super("InvalidDefinition", `Invalid State Machine Definition: ${detail}`, options);
  }
}

export class InvalidExecutionInputError extends LocalServiceError {
  constructor(detail: string, options: ErrorOptions = {}) {
    super(
      "InvalidExecutionInput",
      `Invalid execution input: ${detail}. The input must be a JSON text, e.g. "{}"`,
      options,
    );
  }
}

export class ExecutionInputTooLargeError extends LocalServiceError {
  constructor(bytes: number, limit: number) {
    super(
      "InvalidExecutionInput",
      `Invalid execution input: ${bytes} bytes is over Step Functions' limit of ${limit} bytes (256 KiB) of UTF-8. ` +
        "Pass a reference to the data (an S3 key, an item's id) instead of the data itself",
    );
  }
}

export class InvalidArnError extends LocalServiceError {
  constructor(field: string, value: unknown) {
    super("InvalidArn", `Invalid Arn in ${field}: ${JSON.stringify(value)}`);
  }
}

export class InvalidNameError extends LocalServiceError {
  constructor(field: string, value: unknown) {
    super(
      "InvalidName",
      `Invalid ${field} ${JSON.stringify(value)}: use 1-80 characters without spaces, brackets, wildcards or control characters`,
    );
  }
}
