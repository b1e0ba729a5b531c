// The crud handler over injected dependencies: API Gateway event → pure core → DynamoDB → API Gateway result.
import { randomUUID } from "node:crypto";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { CrudConfig } from "./config.js";
import { type CrudDocumentClient, sendDbCommand } from "./document-client.js";
import { isProxyEvent, requestFromEvent, resultFromResponse } from "./event.js";
import { errorResponse } from "./http.js";
import { runPlan } from "./plan.js";
import { planRequest } from "./router.js";

export interface CrudHandlerDeps {
  config: CrudConfig;
  documentClient: CrudDocumentClient;
  logger: Pick<Logger, "info" | "warn" | "error" | "appendKeys" | "removeKeys">;
}

export type CrudHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function createCrudHandler({ config, documentClient, logger }: CrudHandlerDeps): CrudHandler {
  return async function handler(event, context) {
    if (!isProxyEvent(event)) {
      logger.warn("not an API Gateway proxy event", { lambdaRequestId: context.awsRequestId });
      return resultFromResponse(
        errorResponse(
          400,
          "NOT_AN_API_EVENT",
          "The crud function takes API Gateway REST proxy events (httpMethod, resource and path strings; body a string or null; headers and parameters maps of strings): call it through the API, or invoke it with such an event",
        ),
      );
    }
    const started = performance.now();
    const request = requestFromEvent(event, context.awsRequestId);
    logger.appendKeys({ requestId: request.requestId, lambdaRequestId: context.awsRequestId });
    let status = 500;
    try {
      const response = await runPlan(
        planRequest(request, config, randomUUID),
        (command) => sendDbCommand(documentClient, command),
        request.requestId,
        (failure) =>
          logger.warn("DynamoDB refused a command", {
            errorName: failure.name,
            errorMessage: failure.message,
          }),
      );
      status = response.status;
      if (config.logPayloads)
        logger.info("payloads", { requestBody: request.body, responseBody: response.body });
      return resultFromResponse(response);
    } catch (error) {
      logger.error("request failed", error as Error);
      return resultFromResponse(
        errorResponse(
          500,
          "INTERNAL_ERROR",
          `The service failed to complete the request; quote request id ${request.requestId} when reporting it`,
        ),
      );
    } finally {
      const log = status >= 500 ? logger.error.bind(logger) : logger.info.bind(logger);
      log("request", {
        method: request.method,
        resource: request.resource,
        status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
      logger.removeKeys(["requestId", "lambdaRequestId"]);
    }
  };
}
