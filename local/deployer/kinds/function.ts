// Lambda functions: created from their bundled asset with the template's settings; a redeploy updates the
// code, and of the settings only those the template changed (see deployed-functions.ts).
import {
  Architecture,
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LogFormat,
  PutFunctionConcurrencyCommand,
  ResourceNotFoundException,
  Runtime,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { z } from "zod";
import { iamRoleArn } from "../../shared/identity.js";
import { InvalidTemplateError } from "../errors.js";
import type { LocalCloudTarget, ResourceKind } from "../kind.js";
import type { StackContext, TemplateResource } from "../stack-context.js";
import { cfnNumber, cfnString } from "../template-properties.js";
import { zipFolder } from "../zip-folder.js";
import {
  changedConfiguration,
  readDeployedConfigs,
  type TemplateConfig,
  templateConfig,
  writeDeployedConfigs,
} from "./deployed-functions.js";
import { exists } from "./exists.js";

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

export interface FunctionSummary {
  created: number;
  updated: number;
}

/** The settings a function's template may leave out take Lambda's defaults, as on AWS. */
const functionProperties = z.object({
  Handler: z.string().default("index.handler"),
  Runtime: z.enum(Runtime).default("nodejs20.x"),
  MemorySize: cfnNumber.default(128),
  Timeout: cfnNumber.default(3),
  Architectures: z.array(z.enum(Architecture)).default((): Architecture[] => ["x86_64"]),
  Tags: z.array(z.object({ Key: z.string(), Value: cfnString })).default(() => []),
  Description: z.string().optional(),
  LoggingConfig: z.object({ LogFormat: z.enum(LogFormat).optional() }).optional(),
  ReservedConcurrentExecutions: cfnNumber.optional(),
});
const codeProperties = z.object({ S3Key: z.string().optional() });
const environmentProperties = z.object({ Variables: z.record(z.string(), z.unknown()).default(() => ({})) });

/** The Code's S3Key names the asset; the assembly's asset manifest says which folder it was built from. */
function codeFolder(resource: TemplateResource, stack: StackContext): string {
  const { S3Key } = stack.read(resource, codeProperties, "Code");
  const codeDir = S3Key === undefined ? undefined : stack.assetFolder(S3Key);
  if (codeDir === undefined) {
    throw new InvalidTemplateError(
      `${stack.stackName}/${resource.logicalId}: the function's code is not a bundled asset of the cloud assembly; ` +
        "inline or container-image code is not supported by the local cloud",
    );
  }
  return codeDir;
}

/** Environment values as Lambda holds them: strings, anything else as its JSON. */
function environmentOf(resource: TemplateResource, stack: StackContext): Record<string, string> {
  const { Variables } = stack.read(resource, environmentProperties, "Environment");
  return Object.fromEntries(
    Object.entries(Variables).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

function planFunction(resource: TemplateResource, stack: StackContext): FunctionPlan {
  const codeDir = codeFolder(resource, stack);
  const environment = environmentOf(resource, stack);
  const props = stack.read(resource, functionProperties);
  const logFormat = props.LoggingConfig?.LogFormat;
  return {
    stack: stack.stackName,
    logicalId: resource.logicalId,
    functionName: stack.ref(resource.logicalId),
    functionArn: stack.attribute(resource.logicalId, "Arn"),
    codeDir,
    handler: props.Handler,
    runtime: props.Runtime,
    memorySize: props.MemorySize,
    timeout: props.Timeout,
    architectures: props.Architectures,
    environment,
    tags: Object.fromEntries(props.Tags.map((tag) => [tag.Key, tag.Value])),
    ...(props.Description !== undefined ? { description: props.Description } : {}),
    ...(logFormat ? { logFormat } : {}),
    ...(props.ReservedConcurrentExecutions !== undefined
      ? { reservedConcurrency: props.ReservedConcurrentExecutions }
      : {}),
  };
}

function waitUntilUpdated(cloud: LocalCloudTarget, functionName: string) {
  return waitUntilFunctionUpdatedV2(
    { client: cloud.lambda, maxWaitTime: 60 },
    { FunctionName: functionName },
  );
}

async function createFunction(cloud: LocalCloudTarget, fn: FunctionPlan, zip: Uint8Array): Promise<void> {
  await cloud.lambda.send(
    new CreateFunctionCommand({
      FunctionName: fn.functionName,
      Code: { ZipFile: zip },
      Handler: fn.handler,
      Runtime: fn.runtime,
      Role: iamRoleArn(fn.functionName),
      MemorySize: fn.memorySize,
      Timeout: fn.timeout,
      Architectures: fn.architectures,
      Environment: { Variables: fn.environment },
      Tags: fn.tags,
      ...(fn.description !== undefined ? { Description: fn.description } : {}),
      ...(fn.logFormat ? { LoggingConfig: { LogFormat: fn.logFormat } } : {}),
    }),
  );
}

/** New code always; of the settings, only those the template changed since the last deploy. */
async function updateFunction(
  cloud: LocalCloudTarget,
  fn: FunctionPlan,
  zip: Uint8Array,
  previous: TemplateConfig | undefined,
): Promise<void> {
  await cloud.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fn.functionName, ZipFile: zip }));
  await waitUntilUpdated(cloud, fn.functionName);
  const update = changedConfiguration(fn, previous);
  if (Object.keys(update).length === 0) return;
  await cloud.lambda.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: fn.functionName, ...update }),
  );
  await waitUntilUpdated(cloud, fn.functionName);
}

export const functionKind: ResourceKind<FunctionPlan, FunctionSummary> = {
  type: "AWS::Lambda::Function",
  covers: [],
  plan: planFunction,
  async apply(functions, cloud) {
    const summary: FunctionSummary = { created: 0, updated: 0 };
    const deployed = await readDeployedConfigs(cloud.dataDir);
    for (const fn of functions) {
      const zip = await zipFolder(fn.codeDir);
      const found = await exists(
        () => cloud.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn.functionName })),
        ResourceNotFoundException,
      );
      if (found) {
        await updateFunction(cloud, fn, zip, deployed[fn.functionName]);
        summary.updated++;
      } else {
        await createFunction(cloud, fn, zip);
        summary.created++;
      }
      if (fn.reservedConcurrency !== undefined) {
        await cloud.lambda.send(
          new PutFunctionConcurrencyCommand({
            FunctionName: fn.functionName,
            ReservedConcurrentExecutions: fn.reservedConcurrency,
          }),
        );
      }
      deployed[fn.functionName] = templateConfig(fn);
      cloud.log(`  function ${fn.functionName} (${fn.memorySize} MB, ${fn.architectures.join(",")})`);
    }
    await writeDeployedConfigs(cloud.dataDir, deployed);
    return summary;
  },
};
