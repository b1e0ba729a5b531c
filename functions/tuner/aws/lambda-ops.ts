// Changes the tuner makes to the target function, and undoing them.
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { type Architecture, type RunSettings, TUNER_ALIAS_PATTERN } from "../core/index.js";
import type { CreatedResource } from "./history.js";

export type LambdaApi = Pick<LambdaClient, "send">;

export interface TargetConfig {
  functionName: string;
  memoryMb: number;
  /** Lambda's LastUpdateStatus: `Failed` means the last configuration change did not take. */
  lastUpdateStatus: string | undefined;
  architecture: Architecture;
  environment: Record<string, string> | null;
  /** What this configuration runs, memory aside (see served-code.ts). */
  runSettings: RunSettings;
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
export const versionMarker = (runId: string) => `${VERSION_MARKER_PREFIX}${runId}`;
const VERSION_MARKER_PREFIX = "powertune run ";

/** True for a version description written by a tuning run (any run: only one may hold the lock at a time). */
export const isRunMarker = (description: string | undefined) =>
  description?.startsWith(VERSION_MARKER_PREFIX) ?? false;

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
  return targetConfigOf(config, functionArn);
}

function targetConfigOf(config: FunctionConfiguration, functionArn: string): TargetConfig {
  return {
    functionName: config.FunctionName ?? functionArn,
    memoryMb: config.MemorySize ?? 128,
    lastUpdateStatus: config.LastUpdateStatus,
    architecture: config.Architectures?.[0] === "arm64" ? "arm64" : "x86_64",
    environment: config.Environment?.Variables ?? null,
    runSettings: {
      codeSha256: config.CodeSha256,
      handler: config.Handler,
      runtime: config.Runtime,
      architectures: config.Architectures ?? ["x86_64"],
      layers: (config.Layers ?? []).map((layer) => layer.Arn ?? ""),
      environment: config.Environment?.Variables ?? {},
      timeoutSeconds: config.Timeout,
      ephemeralStorageMb: config.EphemeralStorage?.Size,
    },
  };
}

/** What a version or alias serves: its version's configuration, and for an alias the versions it splits traffic with. */
export interface ServedTarget extends TargetConfig {
  /** The version the qualifier resolves to (an alias's primary version). */
  version: string;
  /** Versions an alias routes a share of its traffic to besides `version` (RoutingConfig). */
  weightedVersions: string[];
}

export async function readServedTarget(
  lambda: LambdaApi,
  functionArn: string,
  qualifier: string,
): Promise<ServedTarget> {
  const config = await lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: functionArn, Qualifier: qualifier }),
  );
  let weightedVersions: string[] = [];
  if (!/^\d+$/.test(qualifier)) {
    const alias = await lambda.send(new GetAliasCommand({ FunctionName: functionArn, Name: qualifier }));
    weightedVersions = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {})
      .filter(([, weight]) => weight > 0)
      .map(([version]) => version);
  }
  return {
    ...targetConfigOf(config, functionArn),
    version: config.Version ?? qualifier,
    weightedVersions,
  };
}

type TargetChange = { memoryMb: number; environment?: Record<string, string> | null };

/** Sets $LATEST memory (and optionally environment) and waits until the update has finished. */
export async function updateTarget(
  lambda: LambdaApi,
  functionArn: string,
  change: TargetChange,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<void> {
  await startTargetUpdate(lambda, functionArn, change, policy);
  await waitForTargetUpdate(lambda, functionArn, policy);
}

/** Sends the update of $LATEST without waiting for it to finish (see waitForTargetUpdate). */
export async function startTargetUpdate(
  lambda: LambdaApi,
  functionArn: string,
  change: TargetChange,
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
}

/**
 * Waits until no update of $LATEST is in progress, and says whether the last one failed (LastUpdateStatus
 * Failed) rather than throwing: a restore must go on and apply its snapshot again, or the target would stay
 * changed for good.
 */
export async function settleTargetUpdate(
  lambda: LambdaApi,
  functionArn: string,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<{ lastUpdateFailed: boolean }> {
  try {
    await waitForTargetUpdate(lambda, functionArn, policy);
    return { lastUpdateFailed: false };
  } catch (error) {
    if ((await readTargetConfig(lambda, functionArn)).lastUpdateStatus !== "Failed") throw error;
    return { lastUpdateFailed: true };
  }
}

/** Waits until no update of $LATEST is in progress; fails if the last one failed. */
async function waitForTargetUpdate(
  lambda: LambdaApi,
  functionArn: string,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<void> {
  // Updates often finish within a second: poll soon, then back off (every power of a run waits here once).
  await waitUntilFunctionUpdatedV2(
    { client: lambda as LambdaClient, maxWaitTime: policy.maxWaitSeconds, minDelay: 0.25, maxDelay: 5 },
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

/**
 * Finds what a run may have created without recording it (a crash between PublishVersion/CreateAlias and the
 * lock update, or a lock item that DynamoDB's TTL already removed) and deletes it: aliases named like the
 * tuner's, then versions whose description carries a run marker and that no remaining alias points to.
 * The lock guarantees no other run is tuning this function, so every such leftover belongs to a finished run.
 */
export async function deleteLeftovers(
  lambda: LambdaApi,
  functionArn: string,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<{ aliases: number; versions: number }> {
  const aliases = await listAllAliases(lambda, functionArn);
  const leftoverAliases = aliases.filter((a) => TUNER_ALIAS_PATTERN.test(a.name));
  let deletedAliases = 0;
  for (const alias of leftoverAliases) {
    const deleted = await ignoreNotFound(() =>
      withConflictRetry(policy, () =>
        lambda.send(new DeleteAliasCommand({ FunctionName: functionArn, Name: alias.name })),
      ),
    );
    if (deleted) deletedAliases++;
  }
  // A version still behind one of the user's aliases is theirs now (e.g. an alias moved onto it): keep it.
  const stillReferenced = new Set(
    aliases.filter((a) => !TUNER_ALIAS_PATTERN.test(a.name)).flatMap((a) => a.versions),
  );
  let deletedVersions = 0;
  for (const version of await listMarkedVersions(lambda, functionArn)) {
    if (stillReferenced.has(version)) continue;
    const deleted = await ignoreNotFound(() =>
      withConflictRetry(policy, () =>
        lambda.send(new DeleteFunctionCommand({ FunctionName: functionArn, Qualifier: version })),
      ),
    );
    if (deleted) deletedVersions++;
  }
  return { aliases: deletedAliases, versions: deletedVersions };
}

async function listAllAliases(
  lambda: LambdaApi,
  functionArn: string,
): Promise<{ name: string; versions: string[] }[]> {
  const result: { name: string; versions: string[] }[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListAliasesCommand({ FunctionName: functionArn, Marker: marker }));
    for (const alias of page.Aliases ?? []) {
      if (!alias.Name) continue;
      const weighted = Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {});
      result.push({ name: alias.Name, versions: [alias.FunctionVersion ?? "", ...weighted] });
    }
    marker = page.NextMarker;
  } while (marker);
  return result;
}

async function listMarkedVersions(lambda: LambdaApi, functionArn: string): Promise<string[]> {
  const result: string[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: functionArn, Marker: marker }),
    );
    for (const version of page.Versions ?? []) {
      if (version.Version && version.Version !== "$LATEST" && isRunMarker(version.Description)) {
        result.push(version.Version);
      }
    }
    marker = page.NextMarker;
  } while (marker);
  return result;
}
