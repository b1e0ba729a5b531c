// The variables an execution environment starts with: those Lambda's runtime sets, then the service's own
// (endpoint, dummy credentials), then the function's. Nothing is inherited from the service's process.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FunctionSnapshot } from "./types.js";

const RUNTIME_DIR = dirname(fileURLToPath(import.meta.url));
const NODE_MODULES = findNodeModules();

// Lambda's runtime puts its bundled AWS SDK on NODE_PATH; locally the project's node_modules plays that part.
function findNodeModules(): string {
  let dir = RUNTIME_DIR;
  for (;;) {
    if (existsSync(join(dir, "node_modules", "@aws-sdk"))) return join(dir, "node_modules");
    const parent = dirname(dir);
    if (parent === dir) return "";
    dir = parent;
  }
}

export interface EnvironmentIdentity {
  functionName: string;
  /** Also the log stream's name. */
  environmentId: string;
  region: string;
}

export function environmentVariables(
  { functionName, environmentId, region }: EnvironmentIdentity,
  snapshot: FunctionSnapshot,
  serviceVariables: Record<string, string>,
): Record<string, string> {
  const config = snapshot.config;
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    NODE_PATH: NODE_MODULES,
    LAMBDA_TASK_ROOT: snapshot.codeDir,
    LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
    _HANDLER: config.Handler,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${config.Runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.MemorySize),
    AWS_LAMBDA_FUNCTION_VERSION: config.Version,
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: config.LoggingConfig.LogGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: environmentId,
    AWS_LAMBDA_LOG_FORMAT: config.LoggingConfig.LogFormat,
    ...serviceVariables,
    ...(config.Environment?.Variables ?? {}),
  };
}
