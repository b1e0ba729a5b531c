// The real crud handler, configured as the stack configures it, against a dynalite table made for the test.
import { Logger } from "@aws-lambda-powertools/logger";
import type { CrudConfig } from "../../functions/crud/config.js";
import {
  type CrudHandler,
  type CrudHandlerDeps,
  createCrudHandler,
} from "../../functions/crud/crud-handler.js";
import { createCrudDocumentClient } from "../../functions/crud/document-client.js";
import { createTable, type RunningDynalite } from "./dynalite.js";

export type { CrudHandler };

export interface CrudHandlerOnDynalite {
  handler: CrudHandler;
  /** Closes the handler's document client. */
  close(): void;
}

export interface CrudHandlerOptions {
  /** @default false, as the stack sets LOG_PAYLOADS */
  logPayloads?: boolean;
  /** @default a silent Logger */
  logger?: CrudHandlerDeps["logger"];
}

/** Creates `tableName` and a crud handler on it, configured as the stack configures the function. */
export async function crudHandlerOnDynalite(
  dynalite: RunningDynalite,
  tableName: string,
  options: CrudHandlerOptions = {},
): Promise<CrudHandlerOnDynalite> {
  await createTable(dynalite.endpoint, tableName, { hash: "id" });
  const config: CrudConfig = { tableName, logPayloads: options.logPayloads ?? false };
  const documentClient = createCrudDocumentClient({
    endpoint: dynalite.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const logger = options.logger ?? new Logger({ serviceName: "crud", logLevel: "SILENT" });
  return {
    handler: createCrudHandler({ config, documentClient, logger }),
    close: () => documentClient.destroy(),
  };
}
