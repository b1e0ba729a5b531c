// Lambda entry: API Gateway event → pure core → DynamoDB (document client) → API Gateway result.
import { randomUUID } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { readCrudConfig } from "./config.js";
import { isProxyEvent, requestFromEvent, resultFromResponse } from "./event.js";
import { errorResponse } from "./http.js";
import { readStoredNumber } from "./numbers.js";
import { type DbCommand, type DbOutput, runPlan } from "./plan.js";
import { planRequest } from "./router.js";

const config = readCrudConfig(process.env);
const logger = new Logger({ serviceName: "crud" });
// The endpoint comes from the SDK's standard configuration (AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL).
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
  unmarshallOptions: { wrapNumbers: readStoredNumber },
});

async function send(command: DbCommand): Promise<DbOutput> {
  // The core's command shapes are the document client's inputs; the casts only narrow string unions
  // (ReturnValues) that the core has already validated.
  let output: DbOutput;
  switch (command.name) {
    case "Put":
      output = await documentClient.send(new PutCommand(command.input as PutCommand["input"]));
      break;
    case "Get":
      output = await documentClient.send(new GetCommand(command.input));
      break;
    case "Update":
      output = await documentClient.send(new UpdateCommand(command.input as UpdateCommand["input"]));
      break;
    case "Delete":
      output = await documentClient.send(new DeleteCommand(command.input as DeleteCommand["input"]));
      break;
    case "Scan":
      output = await documentClient.send(new ScanCommand(command.input));
      break;
  }
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}

export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
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
      send,
      request.requestId,
      (failure) =>
        logger.warn("DynamoDB refused a command", { errorName: failure.name, errorMessage: failure.message }),
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
}
