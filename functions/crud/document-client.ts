// The crud function's DynamoDB side: its document client, and the core's commands sent through it.
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { readStoredNumber } from "./numbers.js";
import type { DbCommand, DbOutput } from "./plan.js";

/** What the handler needs of a document client. */
export type CrudDocumentClient = Pick<DynamoDBDocumentClient, "send">;

/**
 * The document client with the function's (un)marshalling rules. Without `clientConfig` the endpoint comes
 * from the SDK's standard configuration (AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL), as deployed.
 */
export function createCrudDocumentClient(clientConfig: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig), {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { wrapNumbers: readStoredNumber },
  });
}

/** Sends one of the core's commands and returns its output without `$metadata`. */
export async function sendDbCommand(
  documentClient: CrudDocumentClient,
  command: DbCommand,
): Promise<DbOutput> {
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
