import { describe, expect, it } from "vitest";
import type { TuningOutput } from "../../../../functions/tuner/core/index.js";
import {
  createFixtureFunction,
  ended,
  leftovers,
  startTuning,
  type TunerCloud,
  useTunerCloud,
} from "../tuner/support.js";

useTunerCloud("powertune-streaming-", (cloud) => {
  t = cloud;
});
const MEMORY_MB = 512;
const POWERS = [128, 1024];
/** Between its three writes the target waits this long: its Duration cannot be shorter than twice this. */
const PAUSE_MS = 60;
const nothingLeft = { aliases: [], versions: [], memoryMb: MEMORY_MB, locked: false };
let t: TunerCloud;

/** test/fixtures/functions/streaming, at MEMORY_MB. */
function createStreamingTarget(name: string): Promise<string> {
  return createFixtureFunction(t, name, { fixture: "streaming", memoryMb: MEMORY_MB });
}

async function tune(lambdaARN: string, input: Record<string, unknown>) {
  return ended(
    t,
    await startTuning(t, { lambdaARN, num: 5, powerValues: POWERS, includeOutputResults: true, ...input }),
  );
}

describe("tuning a response-streaming function", () => {
  it("measures each invocation to the end of its stream, and leaves nothing behind", async () => {
    const lambdaARN = await createStreamingTarget("streams-in-three-parts");
    const execution = await tune(lambdaARN, {
      invokeMode: "RESPONSE_STREAM",
      payload: { chunks: ["one;", "two;", "three"], sleepMs: PAUSE_MS },
    });
    expect(execution.status, execution.cause).toBe("SUCCEEDED");
    const output = JSON.parse(execution.output ?? "{}") as TuningOutput;
    expect(output.stats?.map((s) => [s.power, s.feasible, s.errors])).toEqual([
      [128, true, []],
      [1024, true, []],
    ]);
    // The handler returns after its last write; the stream's pauses are in every power's Duration.
    for (const s of output.stats ?? []) expect(s.averageMs).toBeGreaterThanOrEqual(2 * PAUSE_MS);
    expect(await leftovers(t, lambdaARN)).toEqual(nothingLeft);
  }, 240_000);

  it("tunes a 7 MB stream with streamresponse: true, which buffered invocations cannot carry", async () => {
    const lambdaARN = await createStreamingTarget("streams-seven-megabytes");
    const payload = { chunks: ["big:"], megabytes: 7 };
    const streamed = await tune(lambdaARN, { streamresponse: true, payload });
    expect(streamed.status, streamed.cause).toBe("SUCCEEDED");
    const output = JSON.parse(streamed.output ?? "{}") as TuningOutput;
    expect(output.stats?.every((s) => s.feasible)).toBe(true);
    expect(await leftovers(t, lambdaARN)).toEqual(nothingLeft);
    // The local service has no function URLs, so "auto" invokes it buffered, as Lambda's Invoke would refuse.
    const buffered = await tune(lambdaARN, { invokeMode: "auto", payload });
    expect(buffered.status).toBe("FAILED");
    expect(buffered.error).toBe("NoFeasiblePowerError");
    expect(buffered.cause).toContain("Function.ResponseSizeTooLarge");
    expect(await leftovers(t, lambdaARN)).toEqual(nothingLeft);
  }, 240_000);

  it("counts an error mid-stream as a failed invocation of its type: the run fails naming it, and cleanup holds", async () => {
    const lambdaARN = await createStreamingTarget("breaks-mid-stream");
    const execution = await tune(lambdaARN, {
      invokeMode: "RESPONSE_STREAM",
      payload: { chunks: ["written;", "never"], failAfter: 1 },
    });
    expect(execution.status).toBe("FAILED");
    expect(execution.error).toBe("NoFeasiblePowerError");
    expect(execution.cause).toContain(
      "128 MB: 1 of 1 invocations failed (StreamBrokeError; not in allowedExceptions)",
    );
    expect(await leftovers(t, lambdaARN)).toEqual(nothingLeft);
  }, 240_000);
});
