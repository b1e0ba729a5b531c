// Lambda functions: created from their bundled asset with the template's settings. A function that exists
// (the local Lambda service keeps its functions across restarts) is never recreated: a redeploy changes only
// what the template changed since the last deploy, its code included (see deployed-functions.ts).
import { createHash } from "node:crypto";
import {
  Architecture,
  CreateFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  LogFormat,
  PutFunctionConcurrencyCommand,
  ResourceNotFoundException,
  Runtime,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { z } from "zod";
import { iamRoleArn } from "../../shared/identity.js";
import { InvalidTemplateError } from "../errors.js";
import type { LocalCloudTarget, ResourceKind } from "../kind.js";
import type { FunctionPlan } from "../plans.js";
import type { StackContext, TemplateResource } from "../stack-context.js";
import { cfnNumber, cfnString } from "../template-properties.js";
import { zipFolder } from "../zip-folder.js";
import {
  type RedeployChanges,
  readDeployedConfigs,
  redeployChanges,
  type TemplateConfig,
  templateConfig,
  writeDeployedConfigs,
} from "./deployed-functions.js";

export interface FunctionSummary {
  created: number;
  /** Existing functions the template changed. */
  updated: number;
  /** Existing functions left exactly as they were. */
  unchanged: number;
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

/** The function's configuration, or undefined when the local cloud has no such function. */
async function currentConfiguration(
  cloud: LocalCloudTarget,
  functionName: string,
): Promise<FunctionConfiguration | undefined> {
  try {
    return await cloud.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** Applies the changes the template made; returns what it changed (nothing: an empty list). */
async function updateFunction(
  cloud: LocalCloudTarget,
  fn: FunctionPlan,
  zip: Uint8Array,
  changes: RedeployChanges,
): Promise<string[]> {
  const { code, configuration, tags, reservedConcurrency } = changes;
  const FunctionName = fn.functionName;
  if (code) {
    await cloud.lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName,
        ZipFile: zip,
        ...(code.architectures ? { Architectures: code.architectures } : {}),
      }),
    );
    await waitUntilUpdated(cloud, FunctionName);
  }
  const configure = Object.keys(configuration).length > 0;
  if (configure) {
    await cloud.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName, ...configuration }));
    await waitUntilUpdated(cloud, FunctionName);
  }
  if (Object.keys(tags.set).length > 0) {
    await cloud.lambda.send(new TagResourceCommand({ Resource: fn.functionArn, Tags: tags.set }));
  }
  if (tags.remove.length > 0) {
    await cloud.lambda.send(new UntagResourceCommand({ Resource: fn.functionArn, TagKeys: tags.remove }));
  }
  if (reservedConcurrency === null) {
    await cloud.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName }));
  } else if (reservedConcurrency !== undefined) {
    await putConcurrency(cloud, FunctionName, reservedConcurrency);
  }
  return [
    ...(code ? ["code"] : []),
    ...(code?.architectures ? ["Architectures"] : []),
    ...Object.keys(configuration),
    ...(Object.keys(tags.set).length > 0 || tags.remove.length > 0 ? ["Tags"] : []),
    ...(reservedConcurrency !== undefined ? ["ReservedConcurrentExecutions"] : []),
  ];
}

function putConcurrency(cloud: LocalCloudTarget, functionName: string, reserved: number) {
  return cloud.lambda.send(
    new PutFunctionConcurrencyCommand({ FunctionName: functionName, ReservedConcurrentExecutions: reserved }),
  );
}

/** Lambda's CodeSha256 of a zip. */
function codeSha256(zip: Uint8Array): string {
  return createHash("sha256").update(zip).digest("base64");
}

export const functionKind: ResourceKind<FunctionPlan, FunctionSummary> = {
  type: "AWS::Lambda::Function",
  covers: [],
  plan: planFunction,
  async apply(functions, cloud) {
    const summary: FunctionSummary = { created: 0, updated: 0, unchanged: 0 };
    const deployed = await readDeployedConfigs(cloud.dataDir);
    for (const fn of functions) {
      const zip = await zipFolder(fn.codeDir);
      const wanted: TemplateConfig = templateConfig(fn, codeSha256(zip));
      const current = await currentConfiguration(cloud, fn.functionName);
      if (current === undefined) {
        await createFunction(cloud, fn, zip);
        if (fn.reservedConcurrency !== undefined) {
          await putConcurrency(cloud, fn.functionName, fn.reservedConcurrency);
        }
        summary.created++;
        cloud.log(
          `  function ${fn.functionName} created (${fn.memorySize} MB, ${fn.architectures.join(",")})`,
        );
      } else {
        const changes = redeployChanges(wanted, deployed[fn.functionName], {
          codeSha256: current.CodeSha256,
          architectures: current.Architectures,
        });
        const changed = await updateFunction(cloud, fn, zip, changes);
        summary[changed.length > 0 ? "updated" : "unchanged"]++;
        cloud.log(
          `  function ${fn.functionName} ` +
            (changed.length > 0
              ? `updated: ${changed.join(", ")}`
              : "kept as it is (its template did not change)"),
        );
      }
      // Recorded function by function: a deploy stopped half-way re-applies only what it had not applied.
      deployed[fn.functionName] = wanted;
      await writeDeployedConfigs(cloud.dataDir, deployed);
    }
    return summary;
  },
};
