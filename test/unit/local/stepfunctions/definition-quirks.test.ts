import "../../../../local/stepfunctions/promise-with-resolvers.js";
import { describe, expect, it } from "vitest";
import {
  avoidLibraryQuirks,
  UNSET_TASK_TIMEOUT_SECONDS,
} from "../../../../local/stepfunctions/definition-quirks.js";
import { compileDefinition } from "../../../../local/stepfunctions/runner.js";

const pass = (extra: Record<string, unknown>) => ({
  StartAt: "A",
  States: { A: { Type: "Pass", Result: { x: 1 }, ...extra, End: true } },
});

async function run(definition: object, input: unknown): Promise<unknown> {
  const { machine } = compileDefinition(JSON.stringify(definition));
  return machine.run(input as never).result;
}

describe("definitions as the local runner is given them", () => {
  it('replaces the whole state with the result for ResultPath "$", as Step Functions does', async () => {
    expect(await run(pass({ ResultPath: "$" }), { old: true })).toEqual({ x: 1 });
  });

  it("keeps every other ResultPath", async () => {
    expect(await run(pass({ ResultPath: "$.r" }), { old: true })).toEqual({ old: true, r: { x: 1 } });
  });

  it('fixes ResultPath "$" inside a Map\'s item processor and a Parallel branch too', async () => {
    const inner = { StartAt: "P", States: { P: { Type: "Pass", Result: 5, ResultPath: "$", End: true } } };
    const map = {
      StartAt: "M",
      States: { M: { Type: "Map", ItemsPath: "$.items", ItemProcessor: inner, End: true } },
    };
    expect(await run(map, { items: [{ a: 1 }] })).toEqual([5]);
    const parallel = { StartAt: "B", States: { B: { Type: "Parallel", Branches: [inner], End: true } } };
    expect(await run(parallel, {})).toEqual([5]);
  });

  it("gives a Task without a timeout none in effect (Step Functions' default), and keeps a Task's own", () => {
    const resource = "arn:aws:lambda:us-east-1:000000000000:function:f";
    const fixed: object = avoidLibraryQuirks({
      StartAt: "Own",
      States: {
        Own: { Type: "Task", Resource: resource, TimeoutSeconds: 5, Next: "FromPath" },
        FromPath: { Type: "Task", Resource: resource, TimeoutSecondsPath: "$.t", Next: "Round" },
        Round: {
          Type: "Map",
          ItemsPath: "$.items",
          ItemProcessor: {
            StartAt: "Exec",
            States: { Exec: { Type: "Task", Resource: resource, End: true } },
          },
          End: true,
        },
      },
    });
    /** The value at a path of the fixed definition. */
    const at = (...path: string[]) =>
      path.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], fixed);
    expect(at("States", "Own", "TimeoutSeconds")).toBe(5);
    expect(at("States", "FromPath", "TimeoutSeconds")).toBeUndefined();
    expect(at("States", "Round", "ItemProcessor", "States", "Exec", "TimeoutSeconds")).toBe(
      UNSET_TASK_TIMEOUT_SECONDS,
    );
  });

  it("times a Task out by its TimeoutSeconds (so the default given above is the one in effect)", async () => {
    const { machine } = compileDefinition(
      JSON.stringify({
        StartAt: "Slow",
        States: {
          Slow: {
            Type: "Task",
            Resource: "arn:aws:lambda:us-east-1:0:function:f",
            TimeoutSeconds: 1,
            End: true,
          },
        },
      }),
    );
    const slow = () => new Promise<string>((resolve) => setTimeout(() => resolve("late"), 1_500));
    const result = machine.run({}, { overrides: { taskResourceLocalHandlers: { Slow: slow } } }).result;
    await expect(result).rejects.toThrow(/States\.Timeout|timed out/i);
  });

  it("leaves the definition it was given unchanged", () => {
    const definition = pass({ ResultPath: "$" });
    const copy = structuredClone(definition);
    avoidLibraryQuirks(definition);
    expect(definition).toEqual(copy);
  });
});
