// Applies a deployment plan to a running local cloud through the same SDK clients a user would use.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ResourceNotFoundException as LambdaNotFound,
  PutFunctionConcurrencyCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  SFNClient,
  StateMachineDoesNotExist,
  UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { iamRoleArn } from "../shared/identity.js";
import type { ApiPlan, DeploymentPlan, FunctionPlan, RulePlan } from "./plan.js";
import { zipFolder } from "./zip-folder.js";

/** What the deployer cannot do through a public AWS API on the local cloud: it hands these over in process. */
export interface InProcessTargets {
  registerApi(api: ApiPlan): void;
  registerRule(rule: RulePlan): void;
}

export interface ApplyOptions {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  dataDir: string;
  targets: InProcessTargets;
  log(line: string): void;
}

export interface ApplySummary {
  tables: { created: number; kept: number };
  functions: { created: number; updated: number };
  stateMachines: number;
  apis: number;
  rules: number;
}

/** The function settings a template sets; only those the template changed since the last deploy are re-applied. */
type TemplateConfig = Pick<
  FunctionPlan,
  "handler" | "runtime" | "memorySize" | "timeout" | "environment" | "description"
>;

function templateConfig(fn: FunctionPlan): TemplateConfig {
  return {
    handler: fn.handler,
    runtime: fn.runtime,
    memorySize: fn.memorySize,
    timeout: fn.timeout,
    environment: fn.environment,
    ...(fn.description !== undefined ? { description: fn.description } : {}),
  };
}

async function readDeployedConfigs(dataDir: string): Promise<Record<string, TemplateConfig>> {
  try {
    return JSON.parse(await readFile(join(dataDir, "deployed-functions.json"), "utf8"));
  } catch {
    return {};
  }
}

export async function applyPlan(plan: DeploymentPlan, options: ApplyOptions): Promise<ApplySummary> {
  const config = { endpoint: options.endpoint, region: options.region, credentials: options.credentials };
  const dynamodb = new DynamoDBClient(config);
  const lambda = new LambdaClient(config);
  const sfn = new SFNClient(config);
  const summary: ApplySummary = {
    tables: { created: 0, kept: 0 },
    functions: { created: 0, updated: 0 },
    stateMachines: 0,
    apis: 0,
    rules: 0,
  };
  try {
    for (const table of plan.tables) {
      try {
        await dynamodb.send(new DescribeTableCommand({ TableName: table.tableName }));
        summary.tables.kept++;
        continue; // its data stays: a redeploy never recreates a table
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
      await dynamodb.send(
        new CreateTableCommand({
          TableName: table.tableName,
          KeySchema: table.keySchema as never,
          AttributeDefinitions: table.attributeDefinitions as never,
          BillingMode: "PAY_PER_REQUEST",
          ...(table.globalSecondaryIndexes
            ? { GlobalSecondaryIndexes: table.globalSecondaryIndexes as never }
            : {}),
        }),
      );
      if (table.timeToLiveAttribute) {
        await dynamodb
          .send(
            new UpdateTimeToLiveCommand({
              TableName: table.tableName,
              TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
            }),
          )
          .catch((error: Error) =>
            options.log(
              `  table ${table.tableName}: note: time to live (${table.timeToLiveAttribute}) is not emulated locally (${error.name}); expired items stay until deleted`,
            ),
          );
      }
      summary.tables.created++;
      options.log(`  table ${table.tableName}`);
    }

    const deployed = await readDeployedConfigs(options.dataDir);
    for (const fn of plan.functions) {
      const zip = await zipFolder(fn.codeDir);
      const wanted = templateConfig(fn);
      let exists = true;
      try {
        await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn.functionName }));
      } catch (error) {
        if (!(error instanceof LambdaNotFound)) throw error;
        exists = false;
      }
      if (!exists) {
        await lambda.send(
          new CreateFunctionCommand({
            FunctionName: fn.functionName,
            Code: { ZipFile: zip },
            Handler: fn.handler,
            Runtime: fn.runtime as never,
            Role: iamRoleArn(fn.functionName),
            MemorySize: fn.memorySize,
            Timeout: fn.timeout,
            Architectures: fn.architectures as never,
            Environment: { Variables: fn.environment },
            Tags: fn.tags,
            ...(fn.description !== undefined ? { Description: fn.description } : {}),
            ...(fn.logFormat ? { LoggingConfig: { LogFormat: fn.logFormat as never } } : {}),
          }),
        );
        summary.functions.created++;
      } else {
        await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fn.functionName, ZipFile: zip }));
        await waitUntilFunctionUpdatedV2(
          { client: lambda, maxWaitTime: 60 },
          { FunctionName: fn.functionName },
        );
        // Keep what was changed at run time (a tuned memory size, say) unless the template itself changed it.
        const previous = deployed[fn.functionName];
        const changed = (key: keyof TemplateConfig) =>
          JSON.stringify(previous?.[key]) !== JSON.stringify(wanted[key]);
        const update = {
          ...(changed("handler") ? { Handler: fn.handler } : {}),
          ...(changed("runtime") ? { Runtime: fn.runtime as never } : {}),
          ...(changed("memorySize") ? { MemorySize: fn.memorySize } : {}),
          ...(changed("timeout") ? { Timeout: fn.timeout } : {}),
          ...(changed("environment") ? { Environment: { Variables: fn.environment } } : {}),
          ...(changed("description") && fn.description !== undefined ? { Description: fn.description } : {}),
        };
        if (Object.keys(update).length > 0) {
          await lambda.send(
            new UpdateFunctionConfigurationCommand({ FunctionName: fn.functionName, ...update }),
          );
          await waitUntilFunctionUpdatedV2(
            { client: lambda, maxWaitTime: 60 },
            { FunctionName: fn.functionName },
          );
        }
        summary.functions.updated++;
      }
      if (fn.reservedConcurrency !== undefined) {
        await lambda.send(
          new PutFunctionConcurrencyCommand({
            FunctionName: fn.functionName,
            ReservedConcurrentExecutions: fn.reservedConcurrency,
          }),
        );
      }
      deployed[fn.functionName] = wanted;
      options.log(`  function ${fn.functionName} (${fn.memorySize} MB, ${fn.architectures.join(",")})`);
    }
    await writeFile(
      join(options.dataDir, "deployed-functions.json"),
      `${JSON.stringify(deployed, null, 2)}\n`,
    );

    for (const machine of plan.stateMachines) {
      const roleArn = iamRoleArn(machine.name);
      try {
        await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machine.arn }));
        await sfn.send(
          new UpdateStateMachineCommand({ stateMachineArn: machine.arn, definition: machine.definition }),
        );
      } catch (error) {
        if (!(error instanceof StateMachineDoesNotExist)) throw error;
        await sfn.send(
          new CreateStateMachineCommand({ name: machine.name, definition: machine.definition, roleArn }),
        );
      }
      summary.stateMachines++;
      options.log(`  state machine ${machine.name}`);
    }

    for (const api of plan.apis) {
      options.targets.registerApi(api);
      summary.apis++;
      options.log(`  API ${api.apiId} (${api.routes.length} routes, stage ${api.stageName})`);
    }
    for (const rule of plan.rules) {
      options.targets.registerRule(rule);
      summary.rules++;
      options.log(
        `  rule ${rule.name} (${rule.scheduleExpression ?? "event pattern"}, ${rule.enabled ? "enabled" : "disabled"})`,
      );
    }
    return summary;
  } finally {
    dynamodb.destroy();
    lambda.destroy();
    sfn.destroy();
  }
}
