// The redeploy rule for functions: a function that exists is updated only where its template changed since the
// last deploy, never recreated, so what changed at run time (a tuned memory size, a user's reserved
// concurrency) stays unless the template itself changed it. deployed-functions.json remembers what each
// deploy set, the code's hash included.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Architecture, UpdateFunctionConfigurationRequest } from "@aws-sdk/client-lambda";
import { replaceFileSync } from "../../shared/durable-file.js";
import type { FunctionPlan } from "../plans.js";

/** The function settings a template sets, and the hash of its code; only those it changed are re-applied. */
export type TemplateConfig = Pick<
  FunctionPlan,
  | "handler"
  | "runtime"
  | "memorySize"
  | "timeout"
  | "environment"
  | "description"
  | "architectures"
  | "logFormat"
  | "tags"
  | "reservedConcurrency"
> & {
  /** CodeSha256 of the zipped asset (zip-folder.ts zips a folder the same way every time). */
  codeSha256: string;
};

/** Function name → the settings its template had at the last deploy. */
export type DeployedConfigs = Record<string, TemplateConfig>;

const DEPLOYED_FUNCTIONS_FILE = "deployed-functions.json";

export class DeployedFunctionsUnreadableError extends Error {
  override readonly name = "DeployedFunctionsUnreadableError";
}

export function templateConfig(fn: FunctionPlan, codeSha256: string): TemplateConfig {
  return {
    handler: fn.handler,
    runtime: fn.runtime,
    memorySize: fn.memorySize,
    timeout: fn.timeout,
    environment: fn.environment,
    architectures: fn.architectures,
    tags: fn.tags,
    codeSha256,
    ...(fn.description !== undefined ? { description: fn.description } : {}),
    ...(fn.logFormat !== undefined ? { logFormat: fn.logFormat } : {}),
    ...(fn.reservedConcurrency !== undefined ? { reservedConcurrency: fn.reservedConcurrency } : {}),
  };
}

/**
 * What the last deploy recorded; none before the first. A record that cannot be read is an error: read as
 * none, it would re-apply every template setting over the functions' run-time changes.
 */
export async function readDeployedConfigs(dataDir: string): Promise<DeployedConfigs> {
  const file = join(dataDir, DEPLOYED_FUNCTIONS_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  try {
    return JSON.parse(text) as DeployedConfigs;
  } catch (error) {
    throw new DeployedFunctionsUnreadableError(
      `${file} is not readable JSON (${(error as Error).message}): repair it, or remove it to re-apply every ` +
        "template setting to the functions (run-time changes such as a tuned memory size are then lost)",
      { cause: error },
    );
  }
}

/** Replaces the record atomically, so a deploy killed mid-way leaves the previous record or the new one. */
export async function writeDeployedConfigs(dataDir: string, configs: DeployedConfigs): Promise<void> {
  replaceFileSync(join(dataDir, DEPLOYED_FUNCTIONS_FILE), `${JSON.stringify(configs, null, 2)}\n`);
}

/** What a redeploy changes on a function that exists. */
export interface RedeployChanges {
  /** New code (with the architectures when the template changed them, which Lambda changes only with code). */
  code: { architectures?: Architecture[] } | undefined;
  configuration: Omit<UpdateFunctionConfigurationRequest, "FunctionName">;
  tags: { set: Record<string, string>; remove: string[] };
  /** A reservation to put, null to remove the one the template dropped, undefined to leave it as it is. */
  reservedConcurrency: number | null | undefined;
}

/** The function as it is now, where a template change may already hold (no update is then needed). */
export interface CurrentFunction {
  codeSha256: string | undefined;
  architectures: readonly string[] | undefined;
}

/**
 * The changes for the settings the template changed since `previous` (all of them without one), leaving out
 * code and architectures the function already has.
 */
export function redeployChanges(
  wanted: TemplateConfig,
  previous: TemplateConfig | undefined,
  current: CurrentFunction,
): RedeployChanges {
  const changed = (key: keyof TemplateConfig) =>
    previous === undefined || JSON.stringify(previous[key]) !== JSON.stringify(wanted[key]);
  const newArchitectures =
    changed("architectures") &&
    JSON.stringify(current.architectures) !== JSON.stringify(wanted.architectures);
  const newCode = changed("codeSha256") && current.codeSha256 !== wanted.codeSha256;
  const previousTags = previous?.tags ?? {};
  let reservedConcurrency: RedeployChanges["reservedConcurrency"];
  if (changed("reservedConcurrency")) {
    if (wanted.reservedConcurrency !== undefined) reservedConcurrency = wanted.reservedConcurrency;
    else if (previous?.reservedConcurrency !== undefined) reservedConcurrency = null;
  }
  return {
    code: newArchitectures ? { architectures: wanted.architectures } : newCode ? {} : undefined,
    configuration: {
      ...(changed("handler") ? { Handler: wanted.handler } : {}),
      ...(changed("runtime") ? { Runtime: wanted.runtime } : {}),
      ...(changed("memorySize") ? { MemorySize: wanted.memorySize } : {}),
      ...(changed("timeout") ? { Timeout: wanted.timeout } : {}),
      ...(changed("environment") ? { Environment: { Variables: wanted.environment } } : {}),
      // A setting the template no longer gives goes back to Lambda's default.
      ...(changed("description") ? { Description: wanted.description ?? "" } : {}),
      ...(changed("logFormat") ? { LoggingConfig: { LogFormat: wanted.logFormat ?? "Text" } } : {}),
    },
    tags: {
      set: Object.fromEntries(
        Object.entries(wanted.tags).filter(([key, value]) => previousTags[key] !== value),
      ),
      remove: Object.keys(previousTags).filter((key) => !(key in wanted.tags)),
    },
    reservedConcurrency,
  };
}
