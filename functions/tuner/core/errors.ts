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
  constructor(problems: InputProblem[], options?: ErrorOptions) {
    super(`Invalid tuning input: ${problems.map((p) => `${p.field}: ${p.problem}`).join("; ")}`, options);
    this.problems = problems;
  }
}

export class TuningInProgressError extends Error {
  override readonly name = "TuningInProgressError";
  /** @param holder what is known of the run holding the lock beyond its id, e.g. its execution's status. */
  constructor(functionArn: string, owner: string, expiresAtIso: string, holder?: string) {
    super(
      `${functionArn} is already being tuned by run ${owner} (${holder ? `${holder}; ` : ""}lock expires ${expiresAtIso}); ` +
        "wait for that run to finish or fail, then start again",
    );
  }
}

/**
 * The execution a handler works for is no longer running (stopped, timed out): the handler undid what the
 * run had changed and stopped, instead of changing the target for a run that no longer exists.
 */
export class ExecutionNotRunningError extends Error {
  override readonly name = "ExecutionNotRunningError";
  constructor(executionArn: string, status: string) {
    super(`Execution ${executionArn} is ${status}: the run's changes were undone and it went no further`);
  }
}

/**
 * A pre- or post-processor could not be invoked or failed: the input's processor is at fault, at any power. (A
 * failing target is measured instead: its power is marked infeasible, see NoFeasiblePowerError.)
 */
export class PowerValueFailedError extends Error {
  override readonly name = "PowerValueFailedError";
  constructor(power: number, detail: string) {
    super(`Invocation at ${power} MB failed: ${detail}`);
  }
}

/** Every power value failed too often to be a choice (see feasibility.ts): there is nothing to recommend. */
export class NoFeasiblePowerError extends Error {
  override readonly name = "NoFeasiblePowerError";
  constructor(reasons: readonly string[]) {
    super(
      `No power value is feasible: ${reasons.join("; ")}. Fix the function, tune larger power values, or list ` +
        "the error types the function may return in allowedExceptions (and raise maxErrorRate for them)",
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

/**
 * The input's payloadS3 names an object the executor cannot use: not readable (no permission, no such object
 * or bucket), too large for an Invoke, or a weighted list that does not fit the run. The message names the URL
 * and the fix.
 */
export class PayloadS3Error extends Error {
  override readonly name = "PayloadS3Error";
  constructor(url: string, problem: string, options?: ErrorOptions) {
    super(`payloadS3 ${url}: ${problem}`, options);
  }
}
