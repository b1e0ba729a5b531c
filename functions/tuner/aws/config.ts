// Configuration of the tuner's functions, read once from the environment at cold start.
import { ConfigurationError, DEFAULT_POWER_VALUES, DEFAULT_VISUALIZATION_URL } from "../core/index.js";

export interface TunerConfig {
  /** DynamoDB table for run history, pending recommendations and the per-function lock. */
  historyTable: string;
  /** MB values used when the input has no powerValues. */
  defaultPowerValues: number[];
  /** How long a lock outlives a run that never released it (a killed execution), seconds. */
  lockTtlSeconds: number;
  /** This function's own memory, MB (for the run's lambdaCost). */
  memoryMb: number;
  /** CloudWatch namespace of the per-power metrics. */
  metricsNamespace: string;
  /** The lambda-power-tuning.show page (or a copy) the output's visualization URL opens. */
  visualizationUrl: string;
  /** The roles an input's targetRoleArn may name (the stack's targetRoleArns prop, which grants sts:AssumeRole on them). */
  targetRoleArns: string[];
}

export function readTunerConfig(env: NodeJS.ProcessEnv = process.env): TunerConfig {
  const historyTable = env.HISTORY_TABLE;
  if (!historyTable)
    throw new ConfigurationError("HISTORY_TABLE", "is required (the TuningHistory table name)");
  let defaultPowerValues: unknown = [...DEFAULT_POWER_VALUES];
  if (env.DEFAULT_POWER_VALUES !== undefined) {
    try {
      defaultPowerValues = JSON.parse(env.DEFAULT_POWER_VALUES);
    } catch {
      throw new ConfigurationError(
        "DEFAULT_POWER_VALUES",
        "must be a JSON list of MB values, e.g. [128,256]",
      );
    }
  }
  if (!Array.isArray(defaultPowerValues) || !defaultPowerValues.every((v) => Number.isInteger(v))) {
    throw new ConfigurationError(
      "DEFAULT_POWER_VALUES",
      "must be a JSON list of whole MB values, e.g. [128,256]",
    );
  }
  const lockTtlSeconds = Number(env.LOCK_TTL_SECONDS ?? 7200);
  if (!Number.isFinite(lockTtlSeconds) || lockTtlSeconds <= 0) {
    throw new ConfigurationError("LOCK_TTL_SECONDS", "must be a positive number of seconds");
  }
  const visualizationUrl = env.VISUALIZATION_URL ?? DEFAULT_VISUALIZATION_URL;
  if (!URL.canParse(visualizationUrl) || visualizationUrl.includes("#")) {
    throw new ConfigurationError(
      "VISUALIZATION_URL",
      "must be an absolute URL without a fragment (the run's figures become its fragment)",
    );
  }
  let targetRoleArns: unknown = [];
  try {
    targetRoleArns = JSON.parse(env.TARGET_ROLE_ARNS ?? "[]");
  } catch {
    // Reported below with the shape's message.
    targetRoleArns = undefined;
  }
  if (!Array.isArray(targetRoleArns) || !targetRoleArns.every((arn) => typeof arn === "string")) {
    throw new ConfigurationError(
      "TARGET_ROLE_ARNS",
      'must be a JSON list of IAM role ARNs, e.g. ["arn:aws:iam::111122223333:role/tuning"]',
    );
  }
  return {
    historyTable,
    targetRoleArns: targetRoleArns as string[],
    defaultPowerValues: defaultPowerValues as number[],
    lockTtlSeconds,
    memoryMb: Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 128),
    metricsNamespace: env.METRICS_NAMESPACE ?? "PowerTuning",
    visualizationUrl,
  };
}
