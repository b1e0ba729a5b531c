/** Bad usage or bad input: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The tuning execution failed: the CLI prints the cause and exits with status 1. */
export class ExecutionFailedError extends Error {
  override readonly name = "ExecutionFailedError";
  /** The execution that failed, when one was started. */
  readonly executionArn: string | undefined;

  constructor(message: string, options?: ErrorOptions & { executionArn?: string }) {
    super(message, options);
    this.executionArn = options?.executionArn;
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
