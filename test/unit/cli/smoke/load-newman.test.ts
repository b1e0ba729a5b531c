import { describe, expect, it } from "vitest";
import { loadNewman } from "../../../../cli/smoke/load-newman.js";

describe("loadNewman", () => {
  it("loads newman's run API once, and puts process.noDeprecation back as it was", async () => {
    const before = process.noDeprecation;
    const first = loadNewman();
    const newman = await first;
    expect(typeof newman.run).toBe("function");
    expect(process.noDeprecation).toBe(before);
    expect(loadNewman()).toBe(first);
  });
});
