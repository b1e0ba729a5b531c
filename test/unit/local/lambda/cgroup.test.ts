import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CgroupLayout, EnvironmentCgroup } from "../../../../local/lambda/cgroup.js";

// The files a cgroup's controllers expose, in a plain directory: what EnvironmentCgroup writes and reads for
// the flavour this machine does not have (cgroup v2 here; the real v1 cgroup is in the integration tier).
describe("environment cgroup files", () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "powertune-cgroup-files-"));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const read = (...path: string[]) => readFileSync(join(root, ...path), "utf8");

  it("v2: writes quota and period to cpu.max, a burst to cpu.max.burst, and the memory limit without swap", () => {
    const layout: CgroupLayout = { flavour: "v2", cpuRoot: root, memoryRoot: root };
    const cgroup = new EnvironmentCgroup(layout, "env");
    cgroup.setCpuShare(128 / 1769);
    expect(read("env", "cpu.max")).toBe("7236 100000");
    cgroup.setCpuShare(0.5, 20_000, 1);
    expect(read("env", "cpu.max")).toBe("10000 20000");
    expect(read("env", "cpu.max.burst")).toBe("10000");
    cgroup.setMemoryLimitMb(128);
    expect(read("env", "memory.max")).toBe(String(128 * 1024 * 1024));
    expect(read("env", "memory.swap.max")).toBe("0");
    expect(cgroup.procsFiles()).toEqual([join(root, "env", "cgroup.procs")]);
    expect(cgroup.cpuSource()).toEqual({ flavour: "v2", cpuDir: join(root, "env") });
  });

  it("v2: reads the environment's usage and throttling from its own cpu.stat", () => {
    const cgroup = new EnvironmentCgroup({ flavour: "v2", cpuRoot: root, memoryRoot: root }, "env");
    writeFileSync(
      join(root, "env", "cpu.stat"),
      "usage_usec 2500\nnr_periods 9\nnr_throttled 4\nthrottled_usec 800\n",
    );
    expect(cgroup.readCpu()).toEqual({ usageNs: 2_500_000, throttledNs: 800_000, throttledPeriods: 4 });
  });

  it("v1: writes period and quota to the cpu controller and counts CPU time in a cpuacct cgroup of the same name", () => {
    const layout: CgroupLayout = {
      flavour: "v1",
      cpuRoot: join(root, "cpu"),
      memoryRoot: join(root, "memory"),
      cpuacctRoot: join(root, "cpuacct"),
    };
    const cgroup = new EnvironmentCgroup(layout, "env");
    cgroup.setCpuShare(1);
    expect(read("cpu", "env", "cpu.cfs_period_us")).toBe("100000");
    expect(read("cpu", "env", "cpu.cfs_quota_us")).toBe("100000");
    expect(cgroup.procsFiles().sort()).toEqual(
      ["cpu", "cpuacct", "memory"].map((controller) => join(root, controller, "env", "cgroup.procs")),
    );
    writeFileSync(join(root, "cpuacct", "env", "cpuacct.usage"), "123456789\n");
    writeFileSync(
      join(root, "cpu", "env", "cpu.stat"),
      "nr_periods 3\nnr_throttled 2\nthrottled_time 5000\n",
    );
    expect(cgroup.readCpu()).toEqual({ usageNs: 123_456_789, throttledNs: 5000, throttledPeriods: 2 });
  });

  it("v1 without a cpuacct controller: nothing accounts for the CPU time, and the runtime falls back to its rusage", () => {
    const cgroup = new EnvironmentCgroup({ flavour: "v1", cpuRoot: root, memoryRoot: undefined }, "env");
    expect(cgroup.cpuSource()).toBeUndefined();
    expect(cgroup.readCpu()).toBeUndefined();
  });
});
