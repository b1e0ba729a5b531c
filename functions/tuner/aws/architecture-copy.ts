// A temporary copy of the target on the other architecture. Architecture is a setting of the whole function
// ($LATEST's Architectures, which PublishVersion snapshots): the only way to publish an arm64 version of an
// x86_64 function is to switch the user's $LATEST, which would run live unqualified traffic on the other
// architecture (native dependencies may not even load there). So the tuner creates a function of its own from
// the same code and configuration, measures it, and deletes it whole (its versions and aliases with it).
import {
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  ResourceConflictException,
  ResourceNotFoundException,
  waitUntilFunctionActiveV2,
} from "@aws-sdk/client-lambda";
import {
  type Architecture,
  copyFunctionArn,
  copyFunctionName,
  InvalidTuningInputError,
} from "../core/index.js";
import { type LambdaApi, type RetryPolicy, withConflictRetry } from "./lambda-ops.js";

/** A copy's description starts with this: only a function so marked is ever deleted as a copy. */
export const COPY_MARKER = "powertune temporary copy of ";

const ARCHITECTURE_LIST: readonly Architecture[] = ["x86_64", "arm64"];
const MAX_FUNCTION_NAME = 64;

/** The longest function name whose copies' names fit Lambda's 64 characters. */
export const MAX_COPIED_NAME = MAX_FUNCTION_NAME - copyFunctionName("", "x86_64").length;

const notFound = (error: unknown) => error instanceof ResourceNotFoundException;

async function readCopyDescription(lambda: LambdaApi, arn: string): Promise<string | null | undefined> {
  try {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: arn }));
    return config.Description ?? null;
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

async function deleteIfCopy(lambda: LambdaApi, arn: string, retry: RetryPolicy): Promise<boolean> {
  const description = await readCopyDescription(lambda, arn);
  if (!description?.startsWith(COPY_MARKER)) return false;
  try {
    await withConflictRetry(retry, () => lambda.send(new DeleteFunctionCommand({ FunctionName: arn })));
    return true;
  } catch (error) {
    if (notFound(error)) return false;
    throw error;
  }
}

/**
 * Deletes the target's copies, if any exist (a finished run, or one killed before its cleanup): functions named
 * like copies that carry the marker; a function of the user's that only shares the name is left alone.
 */
export async function deleteArchitectureCopies(
  lambda: LambdaApi,
  functionArn: string,
  retry: RetryPolicy,
): Promise<number> {
  if ((functionArn.split(":")[6] ?? "").length > MAX_COPIED_NAME) return 0;
  let deleted = 0;
  for (const architecture of ARCHITECTURE_LIST) {
    if (await deleteIfCopy(lambda, copyFunctionArn(functionArn, architecture), retry)) deleted++;
  }
  return deleted;
}

/** The copy's code: the same image, or the same zip (GetFunction's Code.Location is a short-lived URL to it). */
async function codeOf(code: { ImageUri?: string; Location?: string } | undefined, functionArn: string) {
  if (code?.ImageUri) return { PackageType: "Image" as const, Code: { ImageUri: code.ImageUri } };
  if (!code?.Location) throw new Error(`GetFunction of ${functionArn} returned no code location`);
  const response = await fetch(code.Location);
  if (!response.ok) {
    throw new Error(`the code of ${functionArn} could not be downloaded: HTTP ${response.status}`);
  }
  return { PackageType: "Zip" as const, Code: { ZipFile: new Uint8Array(await response.arrayBuffer()) } };
}

/**
 * Creates the copy of `functionArn` on `architecture`: its code, runtime, handler, role, memory, timeout,
 * environment, layers, network, storage and tracing, with a description that marks it. Waits until it is
 * Active. Returns its ARN.
 */
export async function createArchitectureCopy(
  lambda: LambdaApi,
  functionArn: string,
  architecture: Architecture,
  runId: string,
  retry: RetryPolicy,
): Promise<string> {
  const name = functionArn.split(":")[6] ?? "";
  if (name.length > MAX_COPIED_NAME) {
    throw new InvalidTuningInputError([
      {
        field: "architectures",
        problem: `the copy on ${architecture} is named ${copyFunctionName(name, architecture)}, over Lambda's ${MAX_FUNCTION_NAME} characters: architectures needs a function name of at most ${MAX_COPIED_NAME} characters`,
      },
    ]);
  }
  const copyArn = copyFunctionArn(functionArn, architecture);
  const existing = await readCopyDescription(lambda, copyArn);
  if (existing !== undefined && !existing?.startsWith(COPY_MARKER)) {
    throw new InvalidTuningInputError([
      {
        field: "architectures",
        problem: `a function named ${copyFunctionName(name, architecture)} exists and is not the tuner's copy: the copy on ${architecture} needs that name; rename that function`,
      },
    ]);
  }
  // A copy a killed run left: this run's lock covers the target, so no other run measures it.
  if (existing !== undefined) await deleteIfCopy(lambda, copyArn, retry);
  const { Configuration: config, Code: code } = await lambda.send(
    new GetFunctionCommand({ FunctionName: functionArn }),
  );
  if (!config?.Role) throw new Error(`GetFunction of ${functionArn} returned no role`);
  const source = await codeOf(code, functionArn);
  const vpc = config.VpcConfig;
  const input: CreateFunctionCommandInput = {
    FunctionName: copyFunctionName(name, architecture),
    Description: `${COPY_MARKER}${functionArn} on ${architecture} (run ${runId})`,
    Role: config.Role,
    Architectures: [architecture],
    ...source,
    ...(source.PackageType === "Zip" ? { Runtime: config.Runtime, Handler: config.Handler } : {}),
    ...(config.MemorySize !== undefined ? { MemorySize: config.MemorySize } : {}),
    ...(config.Timeout !== undefined ? { Timeout: config.Timeout } : {}),
    ...(config.Environment?.Variables ? { Environment: { Variables: config.Environment.Variables } } : {}),
    ...(config.Layers?.length ? { Layers: config.Layers.flatMap((l) => (l.Arn ? [l.Arn] : [])) } : {}),
    ...(vpc?.SubnetIds?.length
      ? { VpcConfig: { SubnetIds: vpc.SubnetIds, SecurityGroupIds: vpc.SecurityGroupIds ?? [] } }
      : {}),
    ...(config.EphemeralStorage ? { EphemeralStorage: config.EphemeralStorage } : {}),
    ...(config.TracingConfig?.Mode ? { TracingConfig: { Mode: config.TracingConfig.Mode } } : {}),
    ...(config.KMSKeyArn ? { KMSKeyArn: config.KMSKeyArn } : {}),
    ...(config.ImageConfigResponse?.ImageConfig
      ? { ImageConfig: config.ImageConfigResponse.ImageConfig }
      : {}),
  };
  try {
    await withConflictRetry(retry, () => lambda.send(new CreateFunctionCommand(input)));
  } catch (error) {
    if (!(error instanceof ResourceConflictException)) throw error;
    throw new Error(`the copy ${copyArn} was created meanwhile by someone else`, { cause: error });
  }
  await waitUntilFunctionActiveV2(
    { client: lambda as LambdaClient, maxWaitTime: retry.maxWaitSeconds, minDelay: 0.25, maxDelay: 5 },
    { FunctionName: copyArn },
  );
  return copyArn;
}
