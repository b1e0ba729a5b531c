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

  it("runs kinds in turn, each sized to about the asked CPU time, stamped in order", async () => {
    const probe = await startMachineProbe();
    const pid = probe.pid as number;
    try {
      const { rounds, samples } = await probe.interleave(["loop", "calls"], 5, 1);
      expect(rounds.loop).toBeGreaterThan(1);
      expect(rounds.calls).toBeGreaterThan(1);
      expect(samples.filter((s) => s.kind === "loop").length).toBeGreaterThan(3);
      expect(samples.filter((s) => s.kind === "calls").length).toBeGreaterThan(3);
      // Alternating, in time order.
      expect(samples.slice(0, 4).map((s) => s.kind)).toEqual(["loop", "calls", "loop", "calls"]);
      for (let i = 1; i < samples.length; i++) {
        expect(samples[i]?.atMs).toBeGreaterThan(samples[i - 1]?.atMs as number);
      }
      // A turn of the kinds starts only within the time asked for.
      expect(samples.filter((s) => s.kind === "loop").at(-1)?.atMs).toBeLessThan(1000);
      for (const s of samples) expect(s.cpuMs).toBeGreaterThan(0);
    } finally {
      probe.stop();
    }
    await expect.poll(() => alive(pid)).toBe(false);
  });
});
