// Turns a cloud assembly into a deployment plan for the local cloud: every resource it emulates, with every
// intrinsic resolved to local names and ARNs, and the list of resource types it skips.
import { createHash } from "node:crypto";
import type { LocalIdentity } from "../shared/identity.js";
import type { AssemblyStack, CfnResource, CloudAssembly } from "./assembly.js";
import {
  NO_VALUE,
  type ResolveContext,
  resolveIntrinsics,
  UnresolvableIntrinsicError,
} from "./intrinsics.js";

export interface TablePlan {
  stack: string;
  logicalId: string;
  tableName: string;
  keySchema: { AttributeName: string; KeyType: string }[];
  attributeDefinitions: { AttributeName: string; AttributeType: string }[];
  timeToLiveAttribute?: string;
  globalSecondaryIndexes?: unknown[];
}

export interface FunctionPlan {
  stack: string;
  logicalId: string;
  functionName: string;
  functionArn: string;
  /** The bundled asset folder in cdk.out. */
  codeDir: string;
  handler: string;
  runtime: string;
  memorySize: number;
  timeout: number;
  architectures: string[];
  environment: Record<string, string>;
  tags: Record<string, string>;
  description?: string;
  logFormat?: string;
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

export interface StateMachinePlan {
  stack: string;
  logicalId: string;
  name: string;
  arn: string;
  definition: string;
}

export interface RulePlan {
  stack: string;
  logicalId: string;
  name: string;
  scheduleExpression?: string;
  enabled: boolean;
  targets: { arn: string; input?: string }[];
}

export interface DeploymentPlan {
  tables: TablePlan[];
  functions: FunctionPlan[];
  apis: ApiPlan[];
  stateMachines: StateMachinePlan[];
  rules: RulePlan[];
  /** stack → output → value, like `cdk deploy --outputs-file`. */
  outputs: Record<string, Record<string, string>>;
  /** Resource types present in the templates that the local cloud does not emulate, with their count. */
  skipped: Record<string, number>;
}

/** Types the plan acts on, and types that need nothing locally because they only matter on AWS. */
const HANDLED = new Set([
  "AWS::DynamoDB::Table",
  "AWS::Lambda::Function",
  "AWS::ApiGateway::RestApi",
  "AWS::ApiGateway::Resource",
  "AWS::ApiGateway::Method",
  "AWS::ApiGateway::Stage",
  "AWS::ApiGateway::Deployment",
  "AWS::StepFunctions::StateMachine",
  "AWS::Events::Rule",
]);

/** API Gateway's execute-api URL shape, as the CDK builds ApiUrl outputs. */
const EXECUTE_API_URL = /^https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com\/([^/]+)\/?(.*)$/;

/** Rewrites an AWS execute-api URL to the local cloud's API Gateway route on the edge. */
export function localApiUrl(url: string, edgeUrl: string): string {
  const match = EXECUTE_API_URL.exec(url);
  if (!match) return url;
  const [, apiId, stage, rest] = match;
  return `${edgeUrl.replace(/\/$/, "")}/restapis/${apiId}/${stage}/_user_request_/${rest ?? ""}`;
}

function physicalName(stack: string, logicalId: string, maxLength: number): string {
  const name = `${stack}-${logicalId}`;
  if (name.length <= maxLength) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, maxLength - 9)}-${hash}`;
}

function apiIdFor(stack: string, logicalId: string): string {
  return createHash("sha256").update(`${stack}/${logicalId}`).digest("hex").slice(0, 10);
}

interface StackState {
  stack: AssemblyStack;
  /** logical id → Ref value */
  refs: Map<string, unknown>;
  /** logical id → attribute → value */
  attributes: Map<string, Record<string, unknown>>;
}

/** Ref and GetAtt values for one resource, shaped as CloudFormation returns them for its type. */
function physicalValues(
  stackName: string,
  logicalId: string,
  resource: CfnResource,
  identity: LocalIdentity,
): { ref: unknown; attributes: Record<string, unknown> } {
  const { region, accountId } = identity;
  const props = resource.Properties ?? {};
  const given = (key: string) => (typeof props[key] === "string" ? (props[key] as string) : undefined);
  switch (resource.Type) {
    case "AWS::DynamoDB::Table": {
      const name = given("TableName") ?? physicalName(stackName, logicalId, 255);
      const arn = `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
      return { ref: name, attributes: { Arn: arn, StreamArn: `${arn}/stream/1970-01-01T00:00:00.000` } };
    }
    case "AWS::Lambda::Function": {
      const name = given("FunctionName") ?? physicalName(stackName, logicalId, 64);
      return { ref: name, attributes: { Arn: `arn:aws:lambda:${region}:${accountId}:function:${name}` } };
    }
    case "AWS::IAM::Role": {
      const name = given("RoleName") ?? physicalName(stackName, logicalId, 64);
      return { ref: name, attributes: { Arn: `arn:aws:iam::${accountId}:role/${name}`, RoleId: name } };
    }
    case "AWS::ApiGateway::RestApi": {
      const id = apiIdFor(stackName, logicalId);
      return { ref: id, attributes: { RootResourceId: `${id}-root`, RestApiId: id } };
    }
    case "AWS::StepFunctions::StateMachine": {
      const name = given("StateMachineName") ?? physicalName(stackName, logicalId, 80);
      const arn = `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
      return { ref: arn, attributes: { Arn: arn, Name: name } };
    }
    case "AWS::Events::Rule": {
      const name = given("Name") ?? physicalName(stackName, logicalId, 64);
      return { ref: name, attributes: { Arn: `arn:aws:events:${region}:${accountId}:rule/${name}` } };
    }
    case "AWS::Logs::LogGroup": {
      const name = given("LogGroupName") ?? `/aws/${physicalName(stackName, logicalId, 200)}`;
      return { ref: name, attributes: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${name}:*` } };
    }
    case "AWS::SQS::Queue": {
      const name = given("QueueName") ?? physicalName(stackName, logicalId, 80);
      return {
        ref: `http://sqs.${region}.localhost/${accountId}/${name}`,
        attributes: { Arn: `arn:aws:sqs:${region}:${accountId}:${name}`, QueueName: name },
      };
    }
    case "AWS::SNS::Topic": {
      const name = given("TopicName") ?? physicalName(stackName, logicalId, 256);
      const arn = `arn:aws:sns:${region}:${accountId}:${name}`;
      return { ref: arn, attributes: { TopicArn: arn, TopicName: name } };
    }
    case "AWS::ApiGateway::Stage":
      return { ref: given("StageName") ?? logicalId, attributes: {} };
    default: {
      // Resources only referenced by id (methods, deployments, policies, resources, …): a stable local id.
      const id = physicalName(stackName, logicalId, 128);
      return { ref: id, attributes: { Arn: `arn:aws:local:${region}:${accountId}:${id}` } };
    }
  }
}

function contextFor(
  state: StackState,
  identity: LocalIdentity,
  exports: Map<string, unknown>,
): ResolveContext {
  const { stack } = state;
  const conditions = new Map<string, boolean>();
  const context: ResolveContext = {
    ref(name) {
      switch (name) {
        case "AWS::Region":
          return identity.region;
        case "AWS::AccountId":
          return identity.accountId;
        case "AWS::Partition":
          return "aws";
        case "AWS::URLSuffix":
          return "amazonaws.com";
        case "AWS::StackName":
          return stack.stackName;
        case "AWS::StackId":
          return `arn:aws:cloudformation:${identity.region}:${identity.accountId}:stack/${stack.stackName}/local`;
        case "AWS::NoValue":
          return NO_VALUE;
      }
      if (state.refs.has(name)) return state.refs.get(name);
      const parameter = stack.template.Parameters?.[name];
      if (parameter) return parameter.Default ?? "";
      throw new UnresolvableIntrinsicError(`${stack.stackName}: Ref to unknown logical id "${name}"`);
    },
    getAtt(logicalId, attribute) {
      const value = state.attributes.get(logicalId)?.[attribute];
      if (value === undefined) {
        throw new UnresolvableIntrinsicError(
          `${stack.stackName}: Fn::GetAtt ${logicalId}.${attribute} is not known to the local cloud`,
        );
      }
      return value;
    },
    importValue(exportName) {
      if (!exports.has(exportName)) {
        throw new UnresolvableIntrinsicError(
          `${stack.stackName}: Fn::ImportValue of unknown export "${exportName}"`,
        );
      }
      return exports.get(exportName);
    },
    condition(name) {
      const known = conditions.get(name);
      if (known !== undefined) return known;
      const expression = stack.template.Conditions?.[name];
      if (expression === undefined)
        throw new UnresolvableIntrinsicError(`${stack.stackName}: unknown condition ${name}`);
      const value = Boolean(resolveIntrinsics(expression, context));
      conditions.set(name, value);
      return value;
    },
  };
  return context;
}

function stringRecord(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries((value as Record<string, unknown> | undefined) ?? {})) {
    result[key] = typeof item === "string" ? item : JSON.stringify(item);
  }
  return result;
}

function tagRecord(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of (value as { Key: string; Value: string }[] | undefined) ?? [])
    result[tag.Key] = String(tag.Value);
  return result;
}

/** Walks ParentId links up to the API's root to build `/items/{id}`. */
function resourcePath(
  resources: Record<string, CfnResource>,
  resourceRef: unknown,
  rootIds: Set<unknown>,
): string {
  const segments: string[] = [];
  let current = resourceRef as { Ref?: string } | string | undefined;
  for (let depth = 0; depth < 64; depth++) {
    if (current === undefined || typeof current === "string" || rootIds.has(current)) break;
    if (typeof current === "object" && "Fn::GetAtt" in current) break; // the RootResourceId
    const logicalId = current.Ref;
    const resource = logicalId ? resources[logicalId] : undefined;
    if (resource?.Type !== "AWS::ApiGateway::Resource") break;
    segments.unshift(String(resource.Properties?.PathPart));
    current = resource.Properties?.ParentId as typeof current;
  }
  return `/${segments.join("/")}`;
}

export function planDeployment(assembly: CloudAssembly, identity: LocalIdentity): DeploymentPlan {
  const plan: DeploymentPlan = {
    tables: [],
    functions: [],
    apis: [],
    stateMachines: [],
    rules: [],
    outputs: {},
    skipped: {},
  };
  const exports = new Map<string, unknown>();

  for (const stack of assembly.stacks) {
    const resources = stack.template.Resources ?? {};
    const state: StackState = { stack, refs: new Map(), attributes: new Map() };
    for (const [logicalId, resource] of Object.entries(resources)) {
      const values = physicalValues(stack.stackName, logicalId, resource, identity);
      state.refs.set(logicalId, values.ref);
      state.attributes.set(logicalId, values.attributes);
    }
    const context = contextFor(state, identity, exports);
    const resolve = (value: unknown) => resolveIntrinsics(value, context);
    const present = Object.entries(resources).filter(
      ([, resource]) => resource.Condition === undefined || context.condition(resource.Condition),
    );

    const stages = present.filter(([, r]) => r.Type === "AWS::ApiGateway::Stage");
    for (const [logicalId, resource] of present) {
      const props = resource.Properties ?? {};
      switch (resource.Type) {
        case "AWS::DynamoDB::Table": {
          const ttl = resolve(props.TimeToLiveSpecification) as
            | { AttributeName?: string; Enabled?: boolean }
            | undefined;
          plan.tables.push({
            stack: stack.stackName,
            logicalId,
            tableName: state.refs.get(logicalId) as string,
            keySchema: resolve(props.KeySchema) as TablePlan["keySchema"],
            attributeDefinitions: resolve(props.AttributeDefinitions) as TablePlan["attributeDefinitions"],
            ...(ttl?.Enabled && ttl.AttributeName ? { timeToLiveAttribute: ttl.AttributeName } : {}),
            ...(props.GlobalSecondaryIndexes
              ? { globalSecondaryIndexes: resolve(props.GlobalSecondaryIndexes) as unknown[] }
              : {}),
          });
          break;
        }
        case "AWS::Lambda::Function": {
          // The Code's S3Key names the asset; the assembly's asset manifest says which folder it was built from.
          const objectKey = resolve((props.Code as { S3Key?: unknown } | undefined)?.S3Key);
          const codeDir =
            typeof objectKey === "string" ? assembly.assetsByObjectKey.get(objectKey) : undefined;
          if (codeDir === undefined) {
            throw new Error(
              `${stack.stackName}/${logicalId}: the function's code is not a bundled asset of the cloud assembly; ` +
                "inline or container-image code is not supported by the local cloud",
            );
          }
          const environment = resolve((props.Environment as { Variables?: unknown } | undefined)?.Variables);
          const logging = resolve(props.LoggingConfig) as { LogFormat?: string } | undefined;
          plan.functions.push({
            stack: stack.stackName,
            logicalId,
            functionName: state.refs.get(logicalId) as string,
            functionArn: state.attributes.get(logicalId)?.Arn as string,
            codeDir,
            handler: String(props.Handler ?? "index.handler"),
            runtime: String(props.Runtime ?? "nodejs20.x"),
            memorySize: Number(props.MemorySize ?? 128),
            timeout: Number(props.Timeout ?? 3),
            architectures: (resolve(props.Architectures) as string[] | undefined) ?? ["x86_64"],
            environment: stringRecord(environment),
            tags: tagRecord(resolve(props.Tags)),
            ...(typeof props.Description === "string" ? { description: props.Description } : {}),
            ...(logging?.LogFormat ? { logFormat: logging.LogFormat } : {}),
            ...(props.ReservedConcurrentExecutions !== undefined
              ? { reservedConcurrency: Number(props.ReservedConcurrentExecutions) }
              : {}),
          });
          break;
        }
        case "AWS::ApiGateway::RestApi": {
          const apiId = state.refs.get(logicalId) as string;
          const rootIds = new Set<unknown>();
          const routes: RoutePlan[] = [];
          for (const [, method] of present) {
            if (method.Type !== "AWS::ApiGateway::Method") continue;
            const methodProps = method.Properties ?? {};
            if (resolve(methodProps.RestApiId) !== apiId) continue;
            const integration = methodProps.Integration as { Type?: string; Uri?: unknown } | undefined;
            if (integration?.Type !== "AWS_PROXY") continue; // OPTIONS mocks (CORS) and others need no Lambda
            const uri = String(resolve(integration.Uri));
            const functionArn = /(arn:aws:lambda:[^/]+:function:[^/]+?)\/invocations$/.exec(uri)?.[1];
            if (!functionArn) continue;
            routes.push({
              resourcePath: resourcePath(resources, methodProps.ResourceId, rootIds),
              httpMethod: String(methodProps.HttpMethod),
              functionArn,
              authorizationType: String(methodProps.AuthorizationType ?? "NONE"),
              apiKeyRequired: methodProps.ApiKeyRequired === true,
            });
          }
          const stage = stages.find(([, s]) => resolve(s.Properties?.RestApiId) === apiId);
          plan.apis.push({
            stack: stack.stackName,
            logicalId,
            apiId,
            stageName: stage ? String(resolve(stage[1].Properties?.StageName)) : "prod",
            routes,
          });
          break;
        }
        case "AWS::StepFunctions::StateMachine": {
          const definition =
            props.DefinitionString !== undefined
              ? resolve(props.DefinitionString)
              : JSON.stringify(resolve(props.Definition));
          plan.stateMachines.push({
            stack: stack.stackName,
            logicalId,
            name: state.attributes.get(logicalId)?.Name as string,
            arn: state.refs.get(logicalId) as string,
            definition: String(definition),
          });
          break;
        }
        case "AWS::Events::Rule": {
          const targets = (resolve(props.Targets) as { Arn: string; Input?: string }[] | undefined) ?? [];
          plan.rules.push({
            stack: stack.stackName,
            logicalId,
            name: state.refs.get(logicalId) as string,
            ...(typeof props.ScheduleExpression === "string"
              ? { scheduleExpression: props.ScheduleExpression }
              : {}),
            enabled: (props.State ?? "ENABLED") === "ENABLED",
            targets: targets.map((t) => ({
              arn: t.Arn,
              ...(t.Input !== undefined ? { input: t.Input } : {}),
            })),
          });
          break;
        }
        default:
          if (!HANDLED.has(resource.Type))
            plan.skipped[resource.Type] = (plan.skipped[resource.Type] ?? 0) + 1;
      }
    }

    const outputs: Record<string, string> = {};
    for (const [name, output] of Object.entries(stack.template.Outputs ?? {})) {
      if (output.Condition !== undefined && !context.condition(output.Condition)) continue;
      const value = resolve(output.Value);
      const text = typeof value === "string" ? value : JSON.stringify(value);
      if (output.Export) exports.set(String(resolve(output.Export.Name)), value);
      outputs[name] = text;
    }
    plan.outputs[stack.stackName] = outputs;
  }
  return plan;
}
