// End to end: inputs the tuner cannot use, started on the real synthesized state machine. Whatever the JSON,
// the execution fails with InvalidTuningInputError naming the problem, after its Cleanup state ran.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidExecutionInput, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTunerCloud, createTarget, ended, history, leftovers, type TunerCloud } from "./support.js";

const scratch = mkdtempSync(join(tmpdir(), "powertune-input-"));
let t: TunerCloud;
let targetArn: string;

beforeAll(async () => {
  t = await bootTunerCloud(scratch);
  targetArn = await createTarget(t, "input-target", 192);
}, 180_000);

afterAll(async () => {
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Starts the state machine with `input` (JSON text) and returns how it ended and which states it entered. */
async function run(input: string) {
  const { executionArn = "" } = await t.sfn.send(
    new StartExecutionCommand({ stateMachineArn: t.stateMachineArn, input }),
  );
  const execution = await ended(t, executionArn);
  const entered = (await history(t, executionArn)).flatMap((e) => e.stateEnteredEventDetails?.name ?? []);
  const message = (JSON.parse(execution.cause ?? "{}") as { errorMessage?: string }).errorMessage ?? "";
  return { status: execution.status, error: execution.error, message, entered };
}

describe("an input that is not a JSON object", () => {
  it.each([["[1,2]"], ['"abc"'], ["42"], ["null"]])(
    "%s fails in the Initializer with InvalidTuningInputError saying what the input must be, and Cleanup runs",
    async (input) => {
      const outcome = await run(input);
      expect(outcome).toMatchObject({ status: "FAILED", error: "InvalidTuningInputError" });
      expect(outcome.message).toContain("(input): the input must be a JSON object with lambdaARN, num, …");
      expect(outcome.entered).toEqual(["ReadInput", "Initializer", "Cleanup", "TuningFailed"]);
    },
  );
});

describe("an object the Initializer refuses, naming the field", () => {
  it("powerValues listing a value twice, by the index of the repeat", async () => {
    const outcome = await run(JSON.stringify({ lambdaARN: targetArn, num: 5, powerValues: [128, 128] }));
    expect(outcome).toMatchObject({ status: "FAILED", error: "InvalidTuningInputError" });
    expect(outcome.message).toContain("powerValues[1]: 128 MB is listed twice (also at powerValues[0])");
    expect(await leftovers(t, targetArn)).toEqual({
      aliases: [],
      versions: [],
      memoryMb: 192,
      locked: false,
    });
  });

  it("a lambdaARN that names no function", async () => {
    const missing = "arn:aws:lambda:us-east-1:000000000000:function:no-such-function";
    const outcome = await run(JSON.stringify({ lambdaARN: missing, num: 5 }));
    expect(outcome).toMatchObject({ status: "FAILED", error: "InvalidTuningInputError" });
    expect(outcome.message).toContain(
      `lambdaARN: no function ${missing} in us-east-1 (check the name, region and account)`,
    );
    expect(outcome.entered).toContain("Cleanup");
  });
});

describe("an input over Step Functions' limit", () => {
  it("is refused by StartExecution with InvalidExecutionInput (300 KB)", async () => {
    const input = JSON.stringify({ lambdaARN: targetArn, num: 5, payload: "x".repeat(300_000) });
    await expect(
      t.sfn.send(new StartExecutionCommand({ stateMachineArn: t.stateMachineArn, input })),
    ).rejects.toBeInstanceOf(InvalidExecutionInput);
  });
});
