// Applies a deployment plan to a running local cloud through the same SDK clients a user would use, one
// resource kind after the other.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SFNClient } from "@aws-sdk/client-sfn";
import type { InProcessTargets, LocalCloudTarget } from "./kind.js";
import { type ApplySummary, RESOURCE_KINDS } from "./kinds/index.js";
import type { DeploymentPlan } from "./plan.js";

export interface ApplyOptions {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  dataDir: string;
  targets: InProcessTargets;
  log(line: string): void;
}

export async function applyPlan(plan: DeploymentPlan, options: ApplyOptions): Promise<ApplySummary> {
  const config = { endpoint: options.endpoint, region: options.region, credentials: options.credentials };
  const cloud: LocalCloudTarget = {
    dynamodb: new DynamoDBClient(config),
    lambda: new LambdaClient(config),
    sfn: new SFNClient(config),
    dataDir: options.dataDir,
    inProcess: options.targets,
    log: (line) => options.log(line),
  };
  const { tables, functions, stateMachines, apis, rules } = RESOURCE_KINDS;
  try {
    // Tables before the functions that use them, functions before the state machine and routes that invoke them.
    return {
      tables: await tables.apply(plan.tables, cloud),
      functions: await functions.apply(plan.functions, cloud),
      stateMachines: await stateMachines.apply(plan.stateMachines, cloud),
      apis: await apis.apply(plan.apis, cloud),
      rules: await rules.apply(plan.rules, cloud),
    };
  } finally {
    cloud.dynamodb.destroy();
    cloud.lambda.destroy();
    cloud.sfn.destroy();
  }
}
