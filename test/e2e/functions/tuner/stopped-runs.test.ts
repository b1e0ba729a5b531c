// End to end: a tuning run stopped (StopExecution) or timed out on the real synthesized app leaves nothing
// behind, and a new tune starts within seconds: through the stopped-run rule's immediate cleanup, and through
// the next run's takeover when that rule is disabled. Also what `powertune tune` says on Ctrl-C.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeExecutionCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTarget,
  deployVariant,
  ended,
  enteredState,
  eventually,
  history,
  historyItems,
  historyRecords,
  leftovers,
  original,
  startTuning,
  type TunerCloud,
  useTunerCloud,
  withCleanupRule,
  withTimeoutSeconds,
} from "./support.js";

const scratch = useTunerCloud("powertune-stopped-", (cloud) => {
  t = cloud;
});
const MEMORY_MB = 192;
const nothingLeft = { aliases: [], versions: [], memoryMb: MEMORY_MB, locked: false };
let t: TunerCloud;

/** A run long enough to stop a few seconds in, and to outlast an 8 s timeout: six powers of CPU-bound work. */
const longRun = (lambdaARN: string) => ({
  lambdaARN,
  num: 30,
  powerValues: [128, 256, 512, 1024, 1536, 3008],
  payload: { rounds: 4000 },
});
const shortRun = (lambdaARN: string) => ({
  lambdaARN,
  num: 5,
  powerValues: [256, 512],
  payload: { rounds: 10 },
});

const runName = (executionArn: string) => executionArn.split(":").at(-1) ?? "";

/** The run's history record, once the cleanup has written it (just after it releases the lock). */
const recorded = (functionArn: string) =>
  eventually(`the stopped run on ${functionArn} to be recorded`, async () => {
    const records = await historyRecords(t, functionArn);
    return records.length > 0 ? records : undefined;
  });

/** Waits until the function is back as it was: no aliases or versions, its memory, no lock. */
const undone = (functionArn: string) =>
  eventually(`the stopped run on ${functionArn} to be undone`, async () => {
    const left = await leftovers(t, functionArn);
    return JSON.stringify(left) === JSON.stringify(nothingLeft) ? left : undefined;
  });

async function expectTuneSucceeds(functionArn: string) {
  const execution = await ended(t, await startTuning(t, shortRun(functionArn)));
  expect(execution.status, execution.cause).toBe("SUCCEEDED");
  expect(await leftovers(t, functionArn)).toEqual(nothingLeft);
}

function powertune(args: string[]) {
  const child = spawn(process.execPath, [join(import.meta.dirname, "../../../../cli/bin.mjs"), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe("a run stopped a few seconds in, with the stopped-run rule", () => {
  it("Ctrl-C of `powertune tune` leaves the execution running and says how to stop it", async () => {
    const functionArn = await createTarget(t, "stopped-by-user", MEMORY_MB);
    const input = join(scratch, "long.json");
    writeFileSync(input, JSON.stringify(longRun(functionArn)));
    const cli = powertune(["tune", "--input", input, "--endpoint", t.cloud.endpoint, "--no-report"]);
    const executionArn = await eventually(
      "the CLI to name its execution",
      async () => /execution (arn:aws:states:\S+)/.exec(cli.stderr())?.[1],
    );
    await enteredState(t, executionArn, "Round");
    cli.child.kill("SIGINT");
    expect(await cli.exited).toBe(130);
    expect(cli.stderr()).toContain(
      "SIGINT: stopped following; the execution keeps running on the local cloud",
    );
    expect(cli.stderr()).toContain("stop the execution (StopExecution): its cleanup then runs at once");
    expect((await t.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe("RUNNING");

    // The run had made its six aliases and versions; stopping it undoes them at once, without a next run.
    expect((await leftovers(t, functionArn)).aliases).toHaveLength(6);
    await t.sfn.send(new StopExecutionCommand({ executionArn }));
    await undone(functionArn);
    expect(await recorded(functionArn)).toEqual([[runName(executionArn), "aborted"]]);
    await expectTuneSucceeds(functionArn);
  }, 240_000);

  it("stopped while its Initializer still makes versions: nothing is left, and the next tune succeeds", async () => {
    const functionArn = await createTarget(t, "stopped-in-initializer", MEMORY_MB);
    const executionArn = await startTuning(t, longRun(functionArn));
    await enteredState(t, executionArn, "Initializer");
    // The Initializer has taken the lock and is making versions when the execution stops.
    await eventually("the Initializer to take the lock", async () =>
      (await leftovers(t, functionArn)).locked ? true : undefined,
    );
    await t.sfn.send(new StopExecutionCommand({ executionArn }));
    await undone(functionArn);
    await expectTuneSucceeds(functionArn);
  }, 240_000);
});

/**
 * How a stopped run failed on its own before the stop, if it did: a Map iteration failed or its Cleanup state
 * began (a run that fails undoes its changes through Cleanup, with or without the stopped-run rule). Each
 * failed task's error is given, retried ones included.
 */
async function failedBeforeStop(executionArn: string): Promise<string | undefined> {
  const events = await history(t, executionArn);
  const failed = events.some(
    (e) => e.type === "MapIterationFailed" || e.stateEnteredEventDetails?.name === "Cleanup",
  );
  if (!failed) return undefined;
  return events
    .filter((e) => e.type === "TaskFailed")
    .map((e) => `${e.taskFailedEventDetails?.error}: ${e.taskFailedEventDetails?.cause?.slice(0, 300)}`)
    .join("; ");
}

/**
 * A long run on a fresh function, stopped once its first round runs. A run whose own task failed before the
 * stop is not the scenario (its Cleanup undoes it whatever the rule): that attempt is reported with its error,
 * and the scenario starts again on another function, three attempts in all.
 */
async function stoppedInFirstRound(name: string): Promise<{ functionArn: string; executionArn: string }> {
  const seen: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const functionArn = await createTarget(t, `${name}-${attempt}`, MEMORY_MB);
    const executionArn = await startTuning(t, longRun(functionArn));
    await enteredState(t, executionArn, "Round");
    await t.sfn.send(new StopExecutionCommand({ executionArn }));
    // The runner records the events it had before the abort within a few milliseconds of it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const failure = await failedBeforeStop(executionArn);
    if (failure === undefined) return { functionArn, executionArn };
    seen.push(`attempt ${attempt} (${runName(executionArn)}): ${failure}`);
    console.warn(`the run to stop failed by itself first, so it is tried again: ${seen.at(-1)}`);
  }
  throw new Error(`every run to stop failed by itself before its stop:\n${seen.join("\n")}`);
}

/** A function's history records, each with its run, status and, for a failed run, the error it failed on. */
async function recordsOf(functionArn: string): Promise<string> {
  const items = await historyItems(t, functionArn);
  return JSON.stringify(
    items.map(({ runId, status, output }) => ({
      runId,
      status,
      error: (output as { error?: unknown } | undefined)?.error,
    })),
  );
}

describe("a run stopped a few seconds in, without the stopped-run rule", () => {
  beforeAll(() => deployVariant(t, scratch, "no-cleanup-rule", withCleanupRule("DISABLED")), 120_000);
  afterAll(() => original(t, scratch), 120_000);

  it("leaves its changes until the next run, which takes over at once and tunes", async () => {
    const { functionArn, executionArn } = await stoppedInFirstRound("stopped-no-rule");
    // No cleanup ran: the stopped run's aliases and lock are still there when the next tune starts. On a
    // failure the message names the stopped run (its execution's name) and what each run recorded.
    const seen = async () => `stopped run ${runName(executionArn)}; records ${await recordsOf(functionArn)}`;
    const left = await leftovers(t, functionArn);
    expect(left.aliases, await seen()).toHaveLength(6);
    expect(left.locked, await seen()).toBe(true);
    await expectTuneSucceeds(functionArn);
    const records = await historyRecords(t, functionArn);
    expect(
      records.map(([, status]) => status),
      await seen(),
    ).toEqual(["succeeded"]);
  }, 240_000);
});

describe("a run that times out", () => {
  beforeAll(() => deployVariant(t, scratch, "short-timeout", withTimeoutSeconds(8)), 120_000);

  it("is undone at once by the stopped-run rule, and the next tune succeeds", async () => {
    const functionArn = await createTarget(t, "timed-out", MEMORY_MB);
    const executionArn = await startTuning(t, longRun(functionArn));
    expect((await ended(t, executionArn)).status).toBe("TIMED_OUT");
    await undone(functionArn);
    expect(await recorded(functionArn)).toEqual([[runName(executionArn), "timed_out"]]);
    await original(t, scratch);
    await expectTuneSucceeds(functionArn);
  }, 240_000);
});
