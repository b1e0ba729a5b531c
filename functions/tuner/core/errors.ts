// Named errors of the tuner. Step Functions `Catch`/`Retry` and the CLI match on `name`, so every class sets
// it explicitly (bundlers may rename classes; the Lambda runtime reports `name` as the errorType).

/** One problem with one input field: the field's path and what to do about it. */
export interface InputProblem {
  field: string;
  problem: string;
}

export class InvalidTuningInputError extends Error {
  override readonly name = "InvalidTuningInputError";
  readonly problems: InputProblem[];
  constructor(problems: InputProblem[]) {
    super(`Invalid tuning input: ${problems.map((p) => `${p.field}: ${p.problem}`).join("; ")}`);
    this.problems = problems;
  }
}

export class TuningInProgressError extends Error {
  override readonly name = "TuningInProgressError";
  constructor(functionArn: string, owner: string, expiresAtIso: string) {
    super(
      `${functionArn} is already being tuned by run ${owner} (lock expires ${expiresAtIso}); ` +
        "wait for that run to finish or fail, then start again",
    );
  }
}

export class PowerValueFailedError extends Error {
  override readonly name = "PowerValueFailedError";
  constructor(power: number, detail: string) {
    super(
      `Invocation at ${power} MB failed: ${detail}. Fix the function or list the error type in allowedExceptions`,
    );
  }
}

export class ReportLineNotFoundError extends Error {
  override readonly name = "ReportLineNotFoundError";
  constructor(qualifier: string) {
    super(
      `No REPORT line in the tail log of ${qualifier}; the Lambda API must return the log tail (LogType: Tail)`,
    );
  }
}

export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
  constructor(variable: string, problem: string) {
    super(`Environment variable ${variable}: ${problem}`);
  }
}
