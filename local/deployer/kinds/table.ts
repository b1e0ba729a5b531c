// DynamoDB tables: created once with the template's keys and indexes; a redeploy keeps a table and its data.
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  KeyType,
  ProjectionType,
  ResourceNotFoundException,
  ScalarAttributeType,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { z } from "zod";
import type { LocalCloudTarget, ResourceKind } from "../kind.js";
import { cfnBoolean, cfnNumber } from "../template-properties.js";
import { exists } from "./exists.js";

export interface TablePlan {
  stack: string;
  logicalId: string;
  tableName: string;
  keySchema: KeySchemaElement[];
  attributeDefinitions: AttributeDefinition[];
  timeToLiveAttribute?: string;
  globalSecondaryIndexes?: GlobalSecondaryIndex[];
}

export interface TableSummary {
  created: number;
  kept: number;
}

const keySchema = z.array(z.object({ AttributeName: z.string(), KeyType: z.enum(KeyType) }));

const globalSecondaryIndex = z.object({
  IndexName: z.string(),
  KeySchema: keySchema,
  Projection: z.object({
    ProjectionType: z.enum(ProjectionType).optional(),
    NonKeyAttributes: z.array(z.string()).optional(),
  }),
  ProvisionedThroughput: z.object({ ReadCapacityUnits: cfnNumber, WriteCapacityUnits: cfnNumber }).optional(),
  OnDemandThroughput: z
    .object({ MaxReadRequestUnits: cfnNumber.optional(), MaxWriteRequestUnits: cfnNumber.optional() })
    .optional(),
  WarmThroughput: z
    .object({ ReadUnitsPerSecond: cfnNumber.optional(), WriteUnitsPerSecond: cfnNumber.optional() })
    .optional(),
});

const tableProperties = z.object({
  KeySchema: keySchema,
  AttributeDefinitions: z.array(
    z.object({ AttributeName: z.string(), AttributeType: z.enum(ScalarAttributeType) }),
  ),
  TimeToLiveSpecification: z
    .object({ AttributeName: z.string().optional(), Enabled: cfnBoolean.optional() })
    .optional(),
  GlobalSecondaryIndexes: z.array(globalSecondaryIndex).optional(),
});

async function createTable(cloud: LocalCloudTarget, table: TablePlan): Promise<void> {
  await cloud.dynamodb.send(
    new CreateTableCommand({
      TableName: table.tableName,
      KeySchema: table.keySchema,
      AttributeDefinitions: table.attributeDefinitions,
      BillingMode: "PAY_PER_REQUEST",
      ...(table.globalSecondaryIndexes ? { GlobalSecondaryIndexes: table.globalSecondaryIndexes } : {}),
    }),
  );
  const attribute = table.timeToLiveAttribute;
  if (!attribute) return;
  await cloud.dynamodb
    .send(
      new UpdateTimeToLiveCommand({
        TableName: table.tableName,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    )
    .catch((error: Error) =>
      cloud.log(
        `  table ${table.tableName}: note: time to live (${attribute}) is not emulated locally (${error.name}); expired items stay until deleted`,
      ),
    );
}

export const tableKind: ResourceKind<TablePlan, TableSummary> = {
  type: "AWS::DynamoDB::Table",
  covers: [],
  plan(resource, stack) {
    const props = stack.read(resource, tableProperties);
    const ttl = props.TimeToLiveSpecification;
    return {
      stack: stack.stackName,
      logicalId: resource.logicalId,
      tableName: stack.ref(resource.logicalId),
      keySchema: props.KeySchema,
      attributeDefinitions: props.AttributeDefinitions,
      ...(ttl?.Enabled && ttl.AttributeName ? { timeToLiveAttribute: ttl.AttributeName } : {}),
      ...(props.GlobalSecondaryIndexes ? { globalSecondaryIndexes: props.GlobalSecondaryIndexes } : {}),
    };
  },
  async apply(tables, cloud) {
    const summary: TableSummary = { created: 0, kept: 0 };
    for (const table of tables) {
      const found = await exists(
        () => cloud.dynamodb.send(new DescribeTableCommand({ TableName: table.tableName })),
        ResourceNotFoundException,
      );
      if (found) {
        summary.kept++;
        continue; // its data stays: a redeploy never recreates a table
      }
      await createTable(cloud, table);
      summary.created++;
      cloud.log(`  table ${table.tableName}`);
    }
    return summary;
  },
};
