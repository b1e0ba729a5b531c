// End to end on the synthesized app: an input written for the reference tool (AWS Lambda Power Tuning 4.4) runs
// with the meaning it has there. num and powerValues as strings, a boolean as the word "false", a misspelt
// field and an autoOptimizeAlias without autoOptimize are taken (the last two ignored, named in warnings), and
// a payload that is not JSON reaches the function as a JSON string, and its response the post-processor as is.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TuningOutput } from "../../../../../functions/tuner/core/index.js";
import {
  createFixtureFunction,
  ended,
  eventually,
  leftovers,
  startTuning,
  type TunerCloud,
  useTunerCloud,
} from "../support.js";

const scratch = useTunerCloud("powertune-reference-input-", (cloud) => {
  t = cloud;
});
const MEMORY_MB = 192;
let t: TunerCloud;

/** test/fixtures/functions/esm: logs `echo <the event as JSON>` and answers with `{event, …}`. */
function createEcho(name: string): Promise<string> {
  return createFixtureFunction(t, name, { fixture: "esm", memoryMb: MEMORY_MB, timeoutS: 10 });
}

/** The events a function logged, as the local Lambda service keeps its logs (`<data dir>/logs/<name>.log`). */
function echoedEvents(name: string): string[] {
  const file = join(scratch, "data", "logs", `${name}.log`);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line) => {
      const at = line.indexOf("echo ");
      return at < 0 ? [] : [line.slice(at + "echo ".length)];
    });
}

describe("an input in the reference tool's form", () => {
  it("runs as the reference tool would run it, and names what it ignored in warnings", async () => {
    const lambdaARN = await createEcho("reference-echo");
    const postProcessorARN = await createEcho("reference-post");
    const execution = await ended(
      t,
      await startTuning(t, {
        lambdaARN,
        num: "5",
        powerValues: ["128", "256"],
        payload: "just a string",
        parallelInvocation: "false",
        autoOptimizeAlias: "live",
        powervalues: [512],
        postProcessorARN,
        includeOutputResults: true,
      }),
    );
    expect(execution.status, execution.cause).toBe("SUCCEEDED");
    const output = JSON.parse(execution.output ?? "{}") as TuningOutput;

    expect(output.warnings).toContain(
      'unknown input field "powervalues" ignored; did you mean "powerValues"?',
    );
    expect(output.warnings).toContain(
      'autoOptimizeAlias "live" ignored: it is applied only with autoOptimize: true (or approval: "manual"), as in the reference tool',
    );
    expect(output.stats?.map((s) => [s.power, s.invocations])).toEqual([
      [128, 5],
      [256, 5],
    ]);
    expect(output.recommendation.applied).toBe("no");
    // No alias "live", no version, the memory as it was.
    expect(await leftovers(t, lambdaARN)).toEqual({
      aliases: [],
      versions: [],
      memoryMb: MEMORY_MB,
      locked: false,
    });

    // The function got the JSON string "just a string" every time (the reference tool's JSON.stringify of a
    // payload that is not JSON), and the post-processor the function's response as it answered.
    const events = await eventually("the target's 10 logged events", async () => {
      const logged = echoedEvents("reference-echo");
      return logged.length >= 10 ? logged : undefined;
    });
    expect(events).toEqual(Array(10).fill('"just a string"'));
    const responses = await eventually("the post-processor's 10 logged events", async () => {
      const logged = echoedEvents("reference-post");
      return logged.length >= 10 ? logged : undefined;
    });
    expect(responses).toHaveLength(10);
    for (const response of responses) {
      expect((JSON.parse(response) as { event: unknown }).event).toBe("just a string");
    }
  }, 240_000);
});
