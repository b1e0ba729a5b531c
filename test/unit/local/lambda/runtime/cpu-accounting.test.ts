import { describe, expect, it } from "vitest";
import {
  cgroupCpuCounters,
  cgroupCpuFiles,
  parseKeyValues,
  parseSchedstat,
} from "../../../../../local/lambda/runtime/cpu-accounting.mjs";

// cgroup v2 cannot be exercised on a v1 machine (and the reverse): the parsers are tested on the kernel's
// own file formats here, and the reader on a real cgroup in the integration tier.
const V2_CPU_STAT = `usage_usec 1500250
user_usec 1400000
system_usec 100250
core_sched.force_idle_usec 0
nr_periods 120
nr_throttled 37
throttled_usec 2733001
nr_bursts 0
burst_usec 0
`;

const V1_CPU_STAT = `nr_periods 42
nr_throttled 41
throttled_time 753684693
nr_bursts 0
burst_time 0
`;

describe("cgroup CPU accounting", () => {
  it("reads v2 usage and throttled time from cpu.stat, in microseconds", () => {
    expect(cgroupCpuCounters("v2", "", V2_CPU_STAT)).toEqual({
      usageNs: 1_500_250_000,
      throttledNs: 2_733_001_000,
      throttledPeriods: 37,
    });
  });

  it("reads v1 usage from cpuacct.usage and throttling from the cpu controller's cpu.stat, in nanoseconds", () => {
    expect(cgroupCpuCounters("v1", "59522851\n", V1_CPU_STAT)).toEqual({
      usageNs: 59_522_851,
      throttledNs: 753_684_693,
      throttledPeriods: 41,
    });
  });

  it("finds v2 counters in the environment's own cpu.stat, v1 ones in its cpuacct and cpu cgroups", () => {
    expect(cgroupCpuFiles({ flavour: "v2", cpuDir: "/sys/fs/cgroup/pt/env" })).toEqual({
      usage: undefined,
      stat: "/sys/fs/cgroup/pt/env/cpu.stat",
    });
    expect(
      cgroupCpuFiles({
        flavour: "v1",
        cpuDir: "/sys/fs/cgroup/cpu/pt/env",
        cpuacctDir: "/sys/fs/cgroup/cpuacct/pt/env",
      }),
    ).toEqual({
      usage: "/sys/fs/cgroup/cpuacct/pt/env/cpuacct.usage",
      stat: "/sys/fs/cgroup/cpu/pt/env/cpu.stat",
    });
  });

  it("reads a zero for a counter a kernel does not have (no throttling without the v2 cpu controller)", () => {
    expect(cgroupCpuCounters("v2", "", "usage_usec 10\nuser_usec 8\nsystem_usec 2\n")).toEqual({
      usageNs: 10_000,
      throttledNs: 0,
      throttledPeriods: 0,
    });
  });

  it("parses key-value files, ignoring lines that are not one", () => {
    expect(parseKeyValues("a 1\n\nb 22\nweird\nc x\n")).toEqual({ a: 1, b: 22 });
  });

  it("parses a thread's schedstat: time on a CPU, then time runnable but waiting", () => {
    expect(parseSchedstat("82513 560362 2\n")).toEqual({ onCpuNs: 82_513, runDelayNs: 560_362 });
  });
});
