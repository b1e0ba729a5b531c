// Lambda entry: the crud handler wired to its configuration (read once, at cold start) and its clients,
// created once per execution environment.
import { Logger } from "@aws-lambda-powertools/logger";
import { readCrudConfig } from "./config.js";
import { createCrudHandler } from "./crud-handler.js";
import { createCrudDocumentClient } from "./document-client.js";

export const handler = createCrudHandler({
  config: readCrudConfig(process.env),
  documentClient: createCrudDocumentClient(),
  logger: new Logger({ serviceName: "crud" }),
});
