import { describe, expect, it } from "vitest";
import { nodeHeapFlags } from "../../../../local/lambda/heap-flags.js";

describe("an environment's heap flags", () => {
  it.each([
    [128, 6, 116],
    [256, 12, 231],
    [1769, 88, 1593],
    [3008, 150, 2708],
    [10240, 512, 9216],
  ])(
    "at %i MB: a tenth of M for two semi-spaces (%i MB each), the rest (%i MB) old space",
    (m, semi, old) => {
      expect(nodeHeapFlags(m)).toEqual([`--max-semi-space-size=${semi}`, `--max-old-space-size=${old}`]);
    },
  );

  it("keeps both limits usable below Lambda's smallest size", () => {
    expect(nodeHeapFlags(8)).toEqual(["--max-semi-space-size=1", "--max-old-space-size=16"]);
  });
});
