// The real crud handler, configured as the stack configures it, against a dynalite table made for the test.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { createTable, type RunningDynalite } from "./dynalite.js";

export type CrudHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Creates `tableName` and imports the handler; it reads its configuration at import, so the env comes first. */
export async function loadCrudHandler(dynalite: RunningDynalite, tableName: string): Promise<CrudHandler> {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    TABLE_NAME: tableName,
    POWERTOOLS_LOG_LEVEL: "SILENT",
  });
  await createTable(dynalite.endpoint, tableName, { hash: "id" });
  return (await import("../../functions/crud/handler.js")).handler;
}
