// The redeploy rule for functions: a setting changed at run time (a tuned memory size, say) is kept unless the
// template itself changed it since the last deploy. deployed-functions.json remembers what each deploy set.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { UpdateFunctionConfigurationRequest } from "@aws-sdk/client-lambda";
import type { FunctionPlan } from "./function.js";

/** The function settings a template sets; only those the template changed since the last deploy are re-applied. */
export type TemplateConfig = Pick<
  FunctionPlan,
  "handler" | "runtime" | "memorySize" | "timeout" | "environment" | "description"
>;

/** Function name → the settings its template had at the last deploy. */
export type DeployedConfigs = Record<string, TemplateConfig>;

const DEPLOYED_FUNCTIONS_FILE = "deployed-functions.json";

export function templateConfig(fn: FunctionPlan): TemplateConfig {
  return {
    handler: fn.handler,
    runtime: fn.runtime,
    memorySize: fn.memorySize,
    timeout: fn.timeout,
    environment: fn.environment,
    ...(fn.description !== undefined ? { description: fn.description } : {}),
  };
}

/** What the last deploy recorded; none when nothing was deployed yet (or the record cannot be read). */
export async function readDeployedConfigs(dataDir: string): Promise<DeployedConfigs> {
  try {
    return JSON.parse(await readFile(join(dataDir, DEPLOYED_FUNCTIONS_FILE), "utf8"));
  } catch {
    return {};
  }
}

export async function writeDeployedConfigs(dataDir: string, configs: DeployedConfigs): Promise<void> {
  await writeFile(join(dataDir, DEPLOYED_FUNCTIONS_FILE), `${JSON.stringify(configs, null, 2)}\n`);
}

/** The configuration update for the settings the template changed since `previous` (all of them without one). */
export function changedConfiguration(
  fn: FunctionPlan,
  previous: TemplateConfig | undefined,
): Omit<UpdateFunctionConfigurationRequest, "FunctionName"> {
  const wanted = templateConfig(fn);
  const changed = (key: keyof TemplateConfig) =>
    JSON.stringify(previous?.[key]) !== JSON.stringify(wanted[key]);
  return {
    ...(changed("handler") ? { Handler: fn.handler } : {}),
    ...(changed("runtime") ? { Runtime: fn.runtime } : {}),
    ...(changed("memorySize") ? { MemorySize: fn.memorySize } : {}),
    ...(changed("timeout") ? { Timeout: fn.timeout } : {}),
    ...(changed("environment") ? { Environment: { Variables: fn.environment } } : {}),
    ...(changed("description") && fn.description !== undefined ? { Description: fn.description } : {}),
  };
}
