// A function's configuration as Lambda reports it: the limits a request must keep, the defaults a new
// function gets, how an update changes it, and what counts as a change worth a new version.

import { randomUUID } from "node:crypto";
import { iamRoleArn, type LocalIdentity } from "../shared/identity.js";
import { isValidMemorySize, MAX_MEMORY_MB, MIN_MEMORY_MB } from "./cpu-law.js";
import { InvalidParameterValueError } from "./errors.js";
import { functionArn } from "./names.js";
import type { CreateFunctionInput, FunctionConfiguration, UpdateConfigurationInput } from "./types.js";

/** Lambda's LastModified format: 2024-01-01T00:00:00.000+0000 */
export function lastModifiedNow(): string {
  return new Date().toISOString().replace("Z", "+0000");
}

export function validateConfiguration(input: UpdateConfigurationInput): void {
  if (input.MemorySize !== undefined && !isValidMemorySize(input.MemorySize)) {
    throw new InvalidParameterValueError(
      `MemorySize ${input.MemorySize} is out of range: use a whole number of MB from ${MIN_MEMORY_MB} to ${MAX_MEMORY_MB}.`,
    );
  }
  if (
    input.Timeout !== undefined &&
    !(Number.isInteger(input.Timeout) && input.Timeout >= 1 && input.Timeout <= 900)
  ) {
    throw new InvalidParameterValueError(
      `Timeout ${input.Timeout} is out of range: use a whole number of seconds from 1 to 900.`,
    );
  }
  if (input.Runtime !== undefined && !input.Runtime.startsWith("nodejs")) {
    throw new InvalidParameterValueError(
      `Runtime ${input.Runtime} is not supported locally: use a nodejs runtime (e.g. nodejs20.x).`,
    );
  }
  const format = input.LoggingConfig?.LogFormat;
  if (format !== undefined && format !== "Text" && format !== "JSON") {
    throw new InvalidParameterValueError(`LoggingConfig.LogFormat ${format} is invalid: use Text or JSON.`);
  }
}

/** $LATEST of a new function: what the request says, and Lambda's defaults for what it does not. */
export function newConfiguration(
  identity: LocalIdentity,
  name: string,
  input: Omit<CreateFunctionInput, "Code">,
  code: { sha256: string; size: number },
): FunctionConfiguration {
  const config: FunctionConfiguration = {
    FunctionName: name,
    FunctionArn: functionArn(identity, name),
    Runtime: input.Runtime ?? "nodejs20.x",
    Role: input.Role ?? iamRoleArn(`${name}-role`, identity),
    Handler: input.Handler ?? "index.handler",
    CodeSize: code.size,
    Description: input.Description ?? "",
    Timeout: input.Timeout ?? 3,
    MemorySize: input.MemorySize ?? 128,
    LastModified: lastModifiedNow(),
    CodeSha256: code.sha256,
    Version: "$LATEST",
    TracingConfig: { Mode: "PassThrough" },
    RevisionId: randomUUID(),
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: "Zip",
    Architectures: input.Architectures ?? ["x86_64"],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: {
      LogFormat: input.LoggingConfig?.LogFormat === "JSON" ? "JSON" : "Text",
      LogGroup: input.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}`,
    },
  };
  if (input.Environment?.Variables) config.Environment = { Variables: { ...input.Environment.Variables } };
  return config;
}

/** Writes the fields an UpdateFunctionConfiguration request sets; the others stay as they are. */
export function applyConfigurationUpdate(
  config: FunctionConfiguration,
  input: UpdateConfigurationInput,
): void {
  if (input.MemorySize !== undefined) config.MemorySize = input.MemorySize;
  if (input.Timeout !== undefined) config.Timeout = input.Timeout;
  if (input.Description !== undefined) config.Description = input.Description;
  if (input.Handler !== undefined) config.Handler = input.Handler;
  if (input.Runtime !== undefined) config.Runtime = input.Runtime;
  if (input.Role !== undefined) config.Role = input.Role;
  if (input.Environment !== undefined) {
    config.Environment = { Variables: { ...(input.Environment.Variables ?? {}) } };
  }
  if (input.LoggingConfig?.LogFormat !== undefined) {
    // validateConfiguration has already refused any other format.
    config.LoggingConfig.LogFormat = input.LoggingConfig.LogFormat as "Text" | "JSON";
  }
  if (input.LoggingConfig?.LogGroup !== undefined)
    config.LoggingConfig.LogGroup = input.LoggingConfig.LogGroup;
}

/**
 * What PublishVersion compares: the code and configuration, without the fields that differ between any
 * two snapshots (version, ARN, revision, timestamps, state).
 */
export function publishFingerprint(config: FunctionConfiguration): string {
  const { Version, FunctionArn, RevisionId, LastModified, LastUpdateStatus, State, ...rest } = config;
  return JSON.stringify(rest);
}
