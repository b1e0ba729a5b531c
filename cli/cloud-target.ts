// Where a command runs: AWS (standard credential chain), a running local cloud, or one booted for the run.
import { SFNClient } from "@aws-sdk/client-sfn";
import { outputLabel, stackOutput } from "../contract/index.js";
import { bootLocalCloudWithApp } from "../local/cloud.js";
import { fetchLocalOutputs, type StackOutputs } from "../local/outputs.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../local/shared/identity.js";
import { expireInterruptedRuns } from "./demo-steps.js";
import { closeOnInterrupt, explainOnInterrupt } from "./interrupt.js";
import { UsageError } from "./usage-error.js";

export const DEFAULT_LOCAL_ENDPOINT = "http://127.0.0.1:4566";

/** What stopping the execution does, said on Ctrl-C. */
const STOPPED_RUN_NOTE =
  "To end it sooner, stop the execution (StopExecution): its cleanup then runs at once, and a new tune can start.";

export interface CloudTargetOptions {
  cloud: boolean;
  stateMachineArn?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  dataDir: string;
  port: number;
  log(line: string): void;
}

export interface CloudTarget {
  sfn: SFNClient;
  stateMachineArn: string;
  /** The local cloud's endpoint, when local. */
  endpoint?: string;
  outputs?: StackOutputs;
  close(): Promise<void>;
}

function stateMachineFromOutputs(outputs: StackOutputs, where: string): string {
  const arn = stackOutput(outputs, "tuner", "stateMachineArn");
  if (!arn) {
    throw new UsageError(
      `${where} has no ${outputLabel("tuner", "stateMachineArn")} output: run \`powertune deploy\` first`,
    );
  }
  return arn;
}

export function localSfnClient(endpoint: string): SFNClient {
  return new SFNClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** A local cloud with the app deployed: one that answers at the endpoint, or one booted for this command. */
export interface LocalAppCloud {
  endpoint: string;
  outputs: StackOutputs;
  /** True when this command booted it (and so stops it on close and on Ctrl-C). */
  booted: boolean;
  close(): Promise<void>;
}

export interface LocalAppCloudOptions {
  /** A running local cloud; without it the default endpoint is tried, then one is booted. */
  endpoint?: string | undefined;
  dataDir: string;
  port: number;
  log(line: string): void;
  /** What Ctrl-C means for this command's work when the cloud was booted for it, said as it stops. */
  interruptNote?: string;
}

/**
 * The running local cloud at `--endpoint` (default http://127.0.0.1:4566), or, when none answers at the
 * default, one booted for this command with the app deployed. An explicit `--endpoint` that does not answer
 * is a usage error: the user meant that cloud, not a new one.
 */
export async function openLocalAppCloud(options: LocalAppCloudOptions): Promise<LocalAppCloud> {
  const endpoint = options.endpoint ?? DEFAULT_LOCAL_ENDPOINT;
  const running = await fetchLocalOutputs(endpoint);
  if (running) return { endpoint, outputs: running, booted: false, close: async () => {} };
  if (options.endpoint) {
    throw new UsageError(
      `--endpoint ${options.endpoint}: no local cloud answers there (start one with \`powertune up\`)`,
    );
  }
  options.log(`no local cloud at ${endpoint}: booting one for this run (data in ${options.dataDir})`);
  const cloud = await bootLocalCloudWithApp({
    port: options.port,
    dataDir: options.dataDir,
    log: options.log,
  });
  const stopHandling = closeOnInterrupt(() => cloud.close(), options.log, options.interruptNote);
  try {
    await expireInterruptedRuns(cloud, options.log);
  } catch (error) {
    stopHandling();
    await cloud.close();
    throw error;
  }
  return {
    endpoint: cloud.endpoint,
    outputs: cloud.outputs,
    booted: true,
    close: async () => {
      stopHandling();
      await cloud.close();
    },
  };
}

export async function openCloudTarget(options: CloudTargetOptions): Promise<CloudTarget> {
  if (options.cloud) {
    const sfn = new SFNClient(options.region ? { region: options.region } : {});
    const stopExplaining = explainOnInterrupt(
      `the execution keeps running on AWS, and restores the function and releases its lock when it ends. ${STOPPED_RUN_NOTE}`,
    );
    return {
      sfn,
      stateMachineArn: options.stateMachineArn ?? "",
      close: async () => {
        stopExplaining();
        sfn.destroy();
      },
    };
  }
  const local = await openLocalAppCloud({
    ...options,
    interruptNote:
      "the local cloud booted for this run stops its execution, whose cleanup undoes the run before the cloud exits",
  });
  const stopExplaining = local.booted
    ? () => {}
    : explainOnInterrupt(
        `the execution keeps running on the local cloud at ${local.endpoint}, and restores the function and releases its lock when it ends. ${STOPPED_RUN_NOTE}`,
      );
  const sfn = localSfnClient(local.endpoint);
  const close = async () => {
    stopExplaining();
    sfn.destroy();
    await local.close();
  };
  try {
    const where = local.booted ? "the deployed app" : `the local cloud at ${local.endpoint}`;
    return {
      sfn,
      endpoint: local.endpoint,
      outputs: local.outputs,
      stateMachineArn: stateMachineFromOutputs(local.outputs, where),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
