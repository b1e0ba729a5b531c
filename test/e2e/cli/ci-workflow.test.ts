// The GitHub workflows' steps, run as a user runs them against the local cloud: deploy-and-tune.yml in manual
// mode (smoke → input → tune with the job summary and the approval request), then approval.yml's approve or
// deny with that request. The cloud is booted by this file and stopped by it; the CLI goes through a
// recorder that holds the AWS actions it calls against what the GitHubAccess role allows.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetFunctionConfigurationCommand,
  type LambdaClient,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSampleItems, weeklyTuningInput } from "../../../cli/demo-steps.js";
import type { TuneRecord } from "../../../cli/report/records.js";
import { DEFAULT_POWER_VALUES, SAMPLE_ITEM_COUNT, stackOutput } from "../../../contract/index.js";
import type { LocalCloud } from "../../../local/cloud.js";
import {
  APPROVAL_FUNCTION_ACTIONS,
  APPROVAL_TABLE_ACTIONS,
  EXECUTION_ACTIONS,
} from "../../../stacks/github-access-stack.js";
import { type AwsCallRecorder, startAwsCallRecorder } from "../../support/aws-call-recorder.js";
import { bootAppCloudIn, localLambdaClient } from "../../support/local-app-cloud.js";
import { powertune } from "../../support/powertune-cli.js";

const scratch = mkdtempSync(join(tmpdir(), "powertune-ci-"));
const dataDir = join(scratch, "data");
// `powertune up` writes outputs.json shaped like `cdk deploy --outputs-file`: the workflow's outputs.json.
const outputsFile = join(dataDir, "outputs.json");
// The deploy job's checkout, and the approval job's fresh one (it has none of the tuning's reports).
const deployJob = join(scratch, "deploy-and-tune");
const approvalJob = join(scratch, "approval");
// The crud function's memory before each manual tuning: never a measured power, so the winner always differs
// from it and a manual run always leaves its recommendation pending.
const UNMEASURED_MB = 1000;

let cloud: LocalCloud;
let recorder: AwsCallRecorder;
let lambda: LambdaClient;
let crudArn: string;
let crudName: string;

beforeAll(async () => {
  mkdirSync(deployJob);
  mkdirSync(approvalJob);
  cloud = await bootAppCloudIn(scratch, dataDir);
  lambda = localLambdaClient(cloud.endpoint);
  crudArn = stackOutput(cloud.outputs, "crud", "functionArn") ?? "";
  crudName = stackOutput(cloud.outputs, "crud", "functionName") ?? "";
  // The weekly payload reads the sample items: seeded, it measures reads rather than 404s.
  await seedSampleItems(stackOutput(cloud.outputs, "crud", "apiUrl") ?? "", SAMPLE_ITEM_COUNT, () => {});
  recorder = await startAwsCallRecorder(cloud.endpoint);
}, 180_000);

afterAll(async () => {
  lambda?.destroy();
  await recorder?.close();
  await cloud?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const memory = async () =>
  (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: crudArn }))).MemorySize;

async function setMemory(memoryMb: number): Promise<void> {
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: crudArn, MemorySize: memoryMb }));
  await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: crudArn });
}

/** The newest tune report's record under `reportsDir`. */
function lastTune(reportsDir: string): TuneRecord {
  const folder = readdirSync(join(reportsDir, "history"))
    .filter((name) => name.includes("-tune-"))
    .sort()
    .at(-1);
  return JSON.parse(readFileSync(join(reportsDir, "history", folder ?? "", "result.json"), "utf8"));
}

const runIdOf = (record: TuneRecord) => record.executionArn.split(":").at(-1) ?? "";
const inDeployJob = (name: string) => join(deployJob, name);
const inApprovalJob = (name: string) => join(approvalJob, name);

/** deploy-and-tune.yml's tune step, on the local cloud: --endpoint instead of --cloud --outputs-file. */
const tune = (input: string, summary: string, request: string) =>
  powertune(
    [
      "tune",
      "--endpoint",
      recorder.endpoint,
      "--input",
      input,
      "--markdown",
      summary,
      "--approval-request",
      request,
    ],
    deployJob,
  );

/** approval.yml's decide step, on the local cloud: --endpoint instead of --cloud FN --history-table T. */
const decide = (decision: "approve" | "deny", request: string) =>
  powertune(
    [
      decision,
      crudName,
      "--endpoint",
      recorder.endpoint,
      "--request",
      request,
      "--decided-by",
      "@reviewer",
      "--markdown",
      inApprovalJob("decision.md"),
    ],
    approvalJob,
  );

describe("deploy-and-tune.yml's steps in manual mode", () => {
  it("smoke --outputs-file tests the API the outputs file names, and passes", async () => {
    const result = await powertune(["smoke", "--outputs-file", outputsFile], deployJob);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^passed: \d+ assertions in 32 requests$/m);
    expect(readdirSync(join(deployJob, "reports", "history")).join()).toContain(`-smoke-${crudName}`);
  }, 120_000);

  it("input --outputs-file --approval manual prints the deployed weekly rule's input, asking for approval", async () => {
    const result = await powertune(
      ["input", "--outputs-file", outputsFile, "--approval", "manual"],
      deployJob,
    );
    expect(result.status, result.stderr).toBe(0);
    const input = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(input).toEqual({ ...weeklyTuningInput(cloud), approval: "manual" });
    expect(input).toMatchObject({ lambdaARN: crudArn, num: 50, strategy: "balanced" });
    expect(input.powerValues).toEqual(DEFAULT_POWER_VALUES);
    expect(input).not.toHaveProperty("autoOptimize");
    writeFileSync(inDeployJob("tuning-input.json"), result.stdout);
    // The running local cloud's outputs give the same input.
    const local = await powertune(["input", "--endpoint", recorder.endpoint, "--approval", "manual"]);
    expect(local.status, local.stderr).toBe(0);
    expect(JSON.parse(local.stdout)).toEqual(input);
  }, 60_000);

  it("tune appends the run's summary to the job summary and writes the approval request", async () => {
    await setMemory(UNMEASURED_MB);
    writeFileSync(inDeployJob("step-summary.md"), "## Smoke test\n\npassed\n\n");
    const result = await tune("tuning-input.json", "step-summary.md", "approval-request.md");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("approval request: approval-request.md");
    const record = lastTune(join(deployJob, "reports"));
    const r = record.output.recommendation;
    expect(r.applied).toBe("pending");
    expect(await memory()).toBe(UNMEASURED_MB);

    const summary = readFileSync(inDeployJob("step-summary.md"), "utf8");
    expect(summary.startsWith("## Smoke test\n\npassed\n\n")).toBe(true);
    expect(summary).toContain(`# Power tuning of \`${crudArn}\``);
    expect(summary).toContain(`pending approval: ${r.winnerPower} MB (now ${UNMEASURED_MB} MB)`);
    expect(summary).toMatch(/\| 128 MB \|/);

    const request = readFileSync(inDeployJob("approval-request.md"), "utf8");
    expect(request.split("\n")[0]).toBe(
      `<!-- powertune approval-request run-id="${runIdOf(record)}" function="${crudArn}" -->`,
    );
    expect(request).toContain(`**${UNMEASURED_MB} MB → ${r.winnerPower} MB**`);
    expect(request).toContain(`tuning run: \`${runIdOf(record)}\``);
    expect(request).toContain(`(${record.output.stateMachine.visualization})`);
    for (const power of DEFAULT_POWER_VALUES) expect(request).toContain(`| ${power} MB |`);
    // The approval job reads the body; here, the file the issue would be opened from.
    writeFileSync(inApprovalJob("approval-request.md"), request);
  }, 300_000);
});

describe("approval.yml's steps", () => {
  it("approve --request sets the recommended memory, comments it and writes memory-summary.md with the run's figures", async () => {
    const record = lastTune(join(deployJob, "reports"));
    const winner = record.output.recommendation.winnerPower;
    const result = await decide("approve", inApprovalJob("approval-request.md"));
    expect(result.status, result.stderr).toBe(0);
    expect(await memory()).toBe(winner);

    const comment = readFileSync(inApprovalJob("decision.md"), "utf8");
    expect(comment).toContain(`**Approved** by @reviewer: \`${crudName}\` now has **${winner} MB**`);
    expect(comment).toContain(`tuning run: \`${runIdOf(record)}\``);

    const folder = readdirSync(join(approvalJob, "reports", "history")).find((name) =>
      name.includes(`-approve-${crudName}`),
    );
    const summary = readFileSync(
      join(approvalJob, "reports", "history", folder ?? "", "memory-summary.md"),
      "utf8",
    );
    expect(summary).toContain(`**${UNMEASURED_MB} MB → ${winner} MB**`);
    expect(summary).toContain("decided by: `powertune approve`, run by @reviewer");
    // The approval job has none of the tuning's reports: the figures come from TuningHistory.
    expect(summary).toContain("The run's figures:");
    expect(summary).toMatch(new RegExp(`\\| ${winner} MB \\|.*\\| after \\|`));
  }, 120_000);

  it("a second approve with the same request is refused, changes nothing, and the comment says why", async () => {
    const before = await memory();
    const result = await decide("approve", inApprovalJob("approval-request.md"));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("no pending recommendation");
    expect(await memory()).toBe(before);
    const comment = readFileSync(inApprovalJob("decision.md"), "utf8");
    expect(comment).toContain("**Not done**: `powertune approve` refused, and changed nothing.");
    expect(comment).toContain("no pending recommendation");
  }, 60_000);

  it("an old request cannot settle a newer recommendation; deny with the newer one keeps the memory", async () => {
    await setMemory(UNMEASURED_MB);
    const tuned = await tune("tuning-input.json", "step-summary.md", "approval-request-2.md");
    expect(tuned.status, tuned.stderr).toBe(0);
    const newer = lastTune(join(deployJob, "reports"));
    const older = readFileSync(inApprovalJob("approval-request.md"), "utf8");
    expect(older).not.toContain(runIdOf(newer));

    const stale = await decide("approve", inApprovalJob("approval-request.md"));
    expect(stale.status).toBe(2);
    expect(stale.stderr).toContain(`pending recommendation is from run ${runIdOf(newer)}`);
    expect(await memory()).toBe(UNMEASURED_MB);
    expect(readFileSync(inApprovalJob("decision.md"), "utf8")).toContain("**Not done**");

    writeFileSync(
      inApprovalJob("approval-request-2.md"),
      readFileSync(inDeployJob("approval-request-2.md"), "utf8"),
    );
    const denied = await decide("deny", inApprovalJob("approval-request-2.md"));
    expect(denied.status, denied.stderr).toBe(0);
    expect(await memory()).toBe(UNMEASURED_MB);
    expect(readFileSync(inApprovalJob("decision.md"), "utf8")).toContain(
      `**Denied** by @reviewer: \`${crudName}\` keeps ${UNMEASURED_MB} MB; the ${newer.output.recommendation.winnerPower} MB recommendation is dropped.`,
    );
    const again = await decide("deny", inApprovalJob("approval-request-2.md"));
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("no pending recommendation");
  }, 300_000);

  it("a tuning that leaves nothing pending writes no approval request, and removes one left from before", async () => {
    writeFileSync(inDeployJob("stale-request.md"), "an earlier run's request\n");
    writeFileSync(
      inDeployJob("dry-run.json"),
      JSON.stringify({ lambdaARN: crudArn, num: 5, powerValues: [128, 256], dryRun: true }),
    );
    const result = await tune("dry-run.json", "step-summary.md", "stale-request.md");
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(inDeployJob("stale-request.md"))).toBe(false);
    expect(result.stdout).not.toContain("approval request:");
  }, 120_000);
});

describe("the GitHubAccess role", () => {
  it("allows exactly the AWS actions that tune, approve and deny called", () => {
    expect(recorder.actions()).toEqual(
      [
        "states:StartExecution",
        ...EXECUTION_ACTIONS,
        ...APPROVAL_TABLE_ACTIONS,
        ...APPROVAL_FUNCTION_ACTIONS,
      ].sort(),
    );
  });
});
