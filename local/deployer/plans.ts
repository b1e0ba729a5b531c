// What the deployer plans from a template, one shape per resource kind: the kinds make them, the local cloud's
// in-process services take the API and rule plans, and the redeploy rule compares function plans.
import type { Architecture, LogFormat, Runtime } from "@aws-sdk/client-lambda";
import type { InputTransformer } from "../events/input-transformer.js";

export interface FunctionPlan {
  stack: string;
  logicalId: string;
  functionName: string;
  functionArn: string;
  /** The bundled asset folder in cdk.out. */
  codeDir: string;
  handler: string;
  runtime: Runtime;
  memorySize: number;
  timeout: number;
  architectures: Architecture[];
  environment: Record<string, string>;
  tags: Record<string, string>;
  description?: string;
  logFormat?: LogFormat;
  reservedConcurrency?: number;
}

export interface RoutePlan {
  /** Resource path template, e.g. `/items/{id}`. */
  resourcePath: string;
  /** GET, POST, … or ANY. */
  httpMethod: string;
  functionArn: string;
  authorizationType: string;
  apiKeyRequired: boolean;
}

export interface ApiPlan {
  stack: string;
  logicalId: string;
  apiId: string;
  stageName: string;
  routes: RoutePlan[];
}

export interface RulePlan {
  stack: string;
  logicalId: string;
  name: string;
  scheduleExpression?: string;
  eventPattern?: Record<string, unknown>;
  enabled: boolean;
  targets: { arn: string; input?: string; inputTransformer?: InputTransformer }[];
}
