// The local cloud: every service on one loopback port, and the synthesized app deployed onto it.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DEPLOY_PATH, INVOCATIONS_PATH, OUTPUTS_PATH } from "./admin.js";
import { createApiGatewayService } from "./apigateway/index.js";
import { createCloudWatchService } from "./cloudwatch/index.js";
import { claimDataDir, type DataDirClaim } from "./data-dir-lock.js";
import {
  type ApplySummary,
  applyPlan,
  type DeploymentPlan,
  localApiUrl,
  planDeployment,
  readCloudAssembly,
  skippedSummary,
} from "./deployer/index.js";
import { createDynamoDbService } from "./dynamodb/index.js";
import { createEdge, DEFAULT_EDGE_PORT } from "./edge/index.js";
import { createEventBus, type EventBus } from "./events/bus.js";
import { createRuleScheduler, type RuleScheduler, type ScheduledRule } from "./events/schedule.js";
import { deliverToTarget } from "./events/targets.js";
import {
  createLambdaIdentities,
  identityDataDir,
  type LambdaIdentities,
  type LocalLambdaService,
} from "./lambda/index.js";
import { type StackOutputs, writeOutputsFile } from "./outputs.js";
import { createS3Service } from "./s3/index.js";
import { listenOnLoopback, sendJson } from "./shared/http.js";
import {
  credentialsForAccount,
  DEFAULT_IDENTITY,
  LOCAL_ACCOUNT_ID,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalIdentity,
  parseArn,
} from "./shared/identity.js";
import { createStepFunctionsService } from "./stepfunctions/index.js";
import { createStsService } from "./sts/index.js";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface LocalCloudOptions {
  /** @default 4566; 0 picks a free port */
  port?: number;
  /** DynamoDB tables, function code and logs, execution results, outputs.json. */
  dataDir: string;
  log?: (line: string) => void;
  /** Forwarded to the Lambda service; "off" forces the marked fallback. @default "auto" */
  cgroup?: "auto" | "v1" | "v2" | "off";
}

export interface DeployOptions {
  /** Where the synth writes the cloud assembly. @default <project>/cdk.out */
  cdkOutDir?: string;
  /** Deploy an assembly that already exists instead of synthesizing. @default false */
  skipSynth?: boolean;
}

export interface DeployResult {
  plan: DeploymentPlan;
  applied: ApplySummary;
  outputs: StackOutputs;
  outputsFile: string;
}

export interface LocalCloud {
  endpoint: string;
  dataDir: string;
  /** The Lambda service of the local identity (us-east-1, 000000000000), where the app is deployed. */
  lambda: LocalLambdaService;
  /** Lambda in every region and account a request has asked for, all on the one CPU budget. */
  lambdaIdentities: LambdaIdentities;
  /** Outputs of the last deploy (empty before the first). */
  outputs: StackOutputs;
  /** The schedule rules of the last deploy, with their target inputs. */
  rules(): ScheduledRule[];
  /** The events bus: Step Functions' status changes, and the event-pattern rules of the last deploy. */
  events: EventBus;
  deploy(options?: DeployOptions): Promise<DeployResult>;
  close(): Promise<void>;
}

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdk.json"), "utf8")) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** Runs the CDK app itself (what `cdk synth` runs), writing the cloud assembly to `outDir`. */
export async function synthesize(outDir: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "stacks", "app.ts")], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        // The same context `cdk synth` passes from cdk.json, so both synthesize the same app.
        CDK_CONTEXT_JSON: JSON.stringify(cdkJsonContext()),
        CDK_OUTDIR: outDir,
        CDK_DEFAULT_ACCOUNT: LOCAL_ACCOUNT_ID,
        CDK_DEFAULT_REGION: LOCAL_REGION,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", fail);
    child.on("exit", (code) =>
      code === 0
        ? done()
        : fail(new Error(`synth of stacks/app.ts failed (exit ${code}):\n${output.slice(-4000)}`)),
    );
  });
  log(`synthesized the app into ${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The CPU budget functions share on the local cloud. One core stays with the cloud's own services (DynamoDB,
 * the state machine runner, the edge): functions measured side by side then never slow down the calls they
 * make, and are measured as if alone.
 */
export function cloudAdmissionCores(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** How long shutdown waits for rule targets under way (the cleanup of executions it stopped). */
const SHUTDOWN_DELIVERY_WAIT_MS = 60_000;

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const claim = claimDataDir(dataDir);
  try {
    return await startOnClaimedDataDir(options, dataDir, claim);
  } catch (error) {
    claim.release();
    throw error;
  }
}

async function startOnClaimedDataDir(
  options: LocalCloudOptions,
  dataDir: string,
  claim: DataDirClaim,
): Promise<LocalCloud> {
  const log = options.log ?? (() => {});
  let outputs: StackOutputs = {};

  const edge = createEdge({ services: {} });
  let cloud: LocalCloud | undefined;
  // The admin routes answer first; everything else is an AWS API call or an API Gateway URL.
  const server = await listenOnLoopback((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === OUTPUTS_PATH && req.method === "GET") {
      sendJson(res, 200, outputs);
      return;
    }
    if (req.url?.startsWith(`${INVOCATIONS_PATH}?`) && req.method === "GET") {
      const name = new URL(req.url, endpoint).searchParams.get("function") ?? "";
      try {
        // A function ARN names its region and account; a plain name is the local identity's.
        const arn = parseArn(name);
        const identity =
          arn?.region && arn.accountId ? { region: arn.region, accountId: arn.accountId } : undefined;
        const service = identity ? lambdaIdentities.find(identity) : lambda;
        if (service === undefined)
          throw new Error(`Function not found: ${name} (no function in its account and region)`);
        sendJson(res, 200, service.service.invocationCounts(name));
      } catch (error) {
        sendJson(res, 404, { error: { code: "FUNCTION_NOT_FOUND", message: (error as Error).message } });
      }
      return;
    }
    if (req.url === DEPLOY_PATH && req.method === "POST" && cloud) {
      req.resume();
      cloud.deploy().then(
        (result) => sendJson(res, 200, { outputs: result.outputs, skipped: result.plan.skipped }),
        (error: Error) => sendJson(res, 500, { error: { code: "DEPLOY_FAILED", message: error.message } }),
      );
      return;
    }
    edge.handle(req, res);
  }, options.port ?? DEFAULT_EDGE_PORT);
  const endpoint = server.url;
  claim.noteEndpoint(endpoint);

  // A function runs with credentials of its own account, as its role's on AWS: the SDK clients it makes reach
  // its account on this cloud, and the endpoint reaches every service (S3 and STS included).
  const functionEnvironment = (identity: LocalIdentity) => {
    const credentials = credentialsForAccount(identity.accountId);
    return {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: "local",
    };
  };
  let lambdaIdentities: LambdaIdentities;
  try {
    // Reads the functions the last run kept, in every identity; a state file it cannot read stops the start,
    // naming the file.
    lambdaIdentities = await createLambdaIdentities({
      dataDir,
      admissionCores: cloudAdmissionCores(),
      defaultIdentity: DEFAULT_IDENTITY,
      functionEnvironment,
      ...(options.cgroup ? { cgroup: options.cgroup } : {}),
      warn: log,
    });
  } catch (error) {
    await server.close();
    await edge.close();
    throw error;
  }
  const lambda = lambdaIdentities.default;
  for (const identity of lambdaIdentities.identities()) {
    const restored = lambdaIdentities.find(identity)?.service.functions.size ?? 0;
    if (restored > 0) {
      log(
        `local Lambda: ${restored} functions kept from the last run in ${identity.region}, account ` +
          `${identity.accountId} (${join(identityDataDir(dataDir, identity), "lambda")})`,
      );
    }
  }
  edge.mount("lambda", lambdaIdentities);
  edge.mount("s3", createS3Service({ dataDir }));
  edge.mount("sts", createStsService());
  edge.mount("dynamodb", createDynamoDbService({ dataDir }));
  edge.mount("monitoring", createCloudWatchService({ dataDir }));
  const clientConfig = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sfn = new SFNClient(clientConfig);
  // Rule targets run as long as they need (a cleanup may wait for a lease); their errors go to the log.
  const targetLambda = new LambdaClient({ ...clientConfig, maxAttempts: 1 });
  const clients = { lambda: targetLambda, sfn };
  const events: EventBus = createEventBus(
    (target, input) => deliverToTarget(clients, target.arn, input),
    log,
  );
  const stepFunctions = createStepFunctionsService({
    dataDir,
    lambdaEndpoint: endpoint,
    region: LOCAL_REGION,
    onStatusChange: (event) => events.put(event),
  });
  edge.mount("states", stepFunctions);
  const apiGateway = createApiGatewayService({ lambdaEndpoint: endpoint, region: LOCAL_REGION });
  edge.mountApiGateway(apiGateway);
  log(
    `local cloud on ${endpoint} (CPU law: ${lambdaIdentities.resources.cpuLawEnforcement}, data in ${dataDir})`,
  );

  const scheduler: RuleScheduler = createRuleScheduler(async (rule, target) => {
    log(`rule ${rule.name}: ${await deliverToTarget(clients, target.arn, target.input)}`);
  }, log);

  let closed: Promise<void> | undefined;
  cloud = {
    endpoint,
    dataDir,
    lambda,
    lambdaIdentities,
    get outputs() {
      return outputs;
    },
    rules: () => scheduler.rules(),
    events,
    async deploy(deployOptions = {}) {
      const cdkOutDir = resolve(deployOptions.cdkOutDir ?? join(PROJECT_ROOT, "cdk.out"));
      if (!deployOptions.skipSynth) await synthesize(cdkOutDir, log);
      const plan = planDeployment(await readCloudAssembly(cdkOutDir), DEFAULT_IDENTITY);
      const skipped = skippedSummary(plan.skipped);
      if (skipped !== undefined) log(skipped);
      const applied = await applyPlan(plan, {
        endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        dataDir,
        targets: {
          registerApi: (api) => apiGateway.registerApi(api),
          registerRule: (rule) =>
            rule.eventPattern !== undefined
              ? events.register({ ...rule, eventPattern: rule.eventPattern })
              : scheduler.register(rule),
        },
        log,
      });
      outputs = Object.fromEntries(
        Object.entries(plan.outputs).map(([stack, values]) => [
          stack,
          Object.fromEntries(
            Object.entries(values).map(([name, value]) => [name, localApiUrl(value, endpoint)]),
          ),
        ]),
      );
      const outputsFile = await writeOutputsFile(dataDir, outputs);
      return { plan, applied, outputs, outputsFile };
    },
    close() {
      closed ??= (async () => {
        scheduler.close();
        // Stopping the executions still running sends their ABORTED events: let the rules' targets (the
        // tuner's cleanup) finish while every service still answers.
        await stepFunctions.state.close();
        await events.drain(SHUTDOWN_DELIVERY_WAIT_MS);
        sfn.destroy();
        targetLambda.destroy();
        await server.close();
        await edge.close();
        claim.release();
      })();
      return closed;
    },
  };
  return cloud;
}

/** Boots the local cloud and deploys the app: what `tune` and `npm start` do when no cloud is running. */
export async function bootLocalCloudWithApp(options: LocalCloudOptions & DeployOptions): Promise<LocalCloud> {
  const cloud = await startLocalCloud(options);
  try {
    await cloud.deploy(options);
    return cloud;
  } catch (error) {
    await cloud.close();
    throw error;
  }
}
