// Changes the tuner makes to the target function, and undoing them.
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import type { Architecture } from "../pricing.js";
import type { CreatedResource } from "./history.js";

export type LambdaApi = Pick<LambdaClient, "send">;

export interface TargetConfig {
  functionName: string;
  memoryMb: number;
  architecture: Architecture;
  environment: Record<string, string> | null;
}

/** Backoff for ResourceConflictException (an update still in progress); tests shorten it. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  /** Max wait for an update to finish, seconds (the waiter's limit). */
  maxWaitSeconds: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxWaitSeconds: 300 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Version descriptions mark what a run created: PublishVersion returns an existing version when nothing changed. */
export const versionMarker = (runId: string) => `powertune run ${runId}`;

export async function withConflictRetry<T>(policy: RetryPolicy, action: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof ResourceConflictException) || attempt >= policy.attempts) throw error;
      await sleep(policy.baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

export async function readTargetConfig(lambda: LambdaApi, functionArn: string): Promise<TargetConfig> {
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
  return {
    functionName: config.FunctionName ?? functionArn,
    memoryMb: config.MemorySize ?? 128,
    architecture: config.Architectures?.[0] === "arm64" ? "arm64" : "x86_64",
    environment: config.Environment?.Variables ?? null,
  };
}

/** Sets $LATEST memory (and optionally environment) and waits until the update has finished. */
export async function updateTarget(
  lambda: LambdaApi,
  functionArn: string,
  change: { memoryMb: number; environment?: Record<string, string> | null },
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<void> {
  await withConflictRetry(policy, () =>
    lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: functionArn,
        MemorySize: change.memoryMb,
        ...(change.environment !== undefined ? { Environment: { Variables: change.environment ?? {} } } : {}),
      }),
    ),
  );
  await waitUntilFunctionUpdatedV2(
    { client: lambda as LambdaClient, maxWaitTime: policy.maxWaitSeconds, minDelay: 1, maxDelay: 5 },
    { FunctionName: functionArn },
  );
}

/** Publishes $LATEST and points `alias` at it (creating or moving the alias). */
export async function publishAndAlias(
  lambda: LambdaApi,
  functionArn: string,
  alias: string,
  description: string,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<{ version: string; createdByUs: boolean }> {
  const published = await withConflictRetry(policy, () =>
    lambda.send(new PublishVersionCommand({ FunctionName: functionArn, Description: description })),
  );
  const version = published.Version;
  if (!version) throw new Error(`PublishVersion of ${functionArn} returned no version number`);
  try {
    await withConflictRetry(policy, () =>
      lambda.send(
        new CreateAliasCommand({
          FunctionName: functionArn,
          Name: alias,
          FunctionVersion: version,
          Description: description,
        }),
      ),
    );
  } catch (error) {
    // An alias of that name exists (left by a killed run, or the user's autoOptimizeAlias): move it.
    if (!(error instanceof ResourceConflictException)) throw error;
    await withConflictRetry(policy, () =>
      lambda.send(
        new UpdateAliasCommand({
          FunctionName: functionArn,
          Name: alias,
          FunctionVersion: version,
          Description: description,
        }),
      ),
    );
  }
  return { version, createdByUs: published.Description === description };
}

const ignoreNotFound = async (action: () => Promise<unknown>): Promise<boolean> => {
  try {
    await action();
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
};

/** Deletes aliases first (a version with an alias cannot be deleted), then their versions. */
export async function deleteCreated(
  lambda: LambdaApi,
  functionArn: string,
  created: readonly CreatedResource[],
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<{ aliases: number; versions: number }> {
  let aliases = 0;
  let versions = 0;
  for (const alias of new Set(created.map((c) => c.alias))) {
    const deleted = await ignoreNotFound(() =>
      withConflictRetry(policy, () =>
        lambda.send(new DeleteAliasCommand({ FunctionName: functionArn, Name: alias })),
      ),
    );
    if (deleted) aliases++;
  }
  for (const version of new Set(created.map((c) => c.version).filter((v) => v !== ""))) {
    const deleted = await ignoreNotFound(() =>
      withConflictRetry(policy, () =>
        lambda.send(new DeleteFunctionCommand({ FunctionName: functionArn, Qualifier: version })),
      ),
    );
    if (deleted) versions++;
  }
  return { aliases, versions };
}
