import { describe, expect, it } from "vitest";
import { startMachineProbe } from "../../../bench/lambda/machine-noise.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the benchmark's machine probe (a plain Node process)", () => {
  it("times each requested run of a workload by its CPU time, and stops by its PID", async () => {
    const probe = await startMachineProbe();
    const pid = probe.pid as number;
    try {
      expect(alive(pid)).toBe(true);
      const small = await probe.measure("loop", 200, 3);
      const large = await probe.measure("loop", 20_000, 3);
      expect(small).toHaveLength(3);
      for (const ms of [...small, ...large]) expect(ms).toBeGreaterThan(0);
      // A hundred times the rounds takes more CPU: the probe measures the work, not its own overhead.
      expect(Math.min(...large)).toBeGreaterThan(Math.max(...small));
    } finally {
      probe.stop();
    }
    await expect.poll(() => alive(pid)).toBe(false);
  });
});
