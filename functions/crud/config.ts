import { CrudConfigError } from "./errors.js";

export interface CrudConfig {
  /** The one DynamoDB table this function may touch. */
  tableName: string;
  /** Log request and response bodies (off by default: items may hold personal data). */
  logPayloads: boolean;
}

/** Reads the function's settings from the environment, once, at cold start. */
export function readCrudConfig(env: Record<string, string | undefined>): CrudConfig {
  const tableName = env.TABLE_NAME?.trim();
  if (!tableName) {
    throw new CrudConfigError("TABLE_NAME is not set: set it to the DynamoDB table the crud function serves");
  }
  const logPayloads = env.LOG_PAYLOADS ?? "false";
  if (logPayloads !== "true" && logPayloads !== "false") {
    throw new CrudConfigError(`LOG_PAYLOADS is "${logPayloads}": set it to "true" or "false"`);
  }
  return { tableName, logPayloads: logPayloads === "true" };
}
