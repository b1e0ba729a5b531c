import "../../../../local/stepfunctions/promise-with-resolvers.js";
import { describe, expect, it } from "vitest";
import { avoidLibraryQuirks } from "../../../../local/stepfunctions/definition-quirks.js";
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

  it("leaves the definition it was given unchanged", () => {
    const definition = pass({ ResultPath: "$" });
    const copy = structuredClone(definition);
    avoidLibraryQuirks(definition);
    expect(definition).toEqual(copy);
  });
});
