import { describe, expect, it } from "vitest";
import {
  blockedMs,
  type CpuSample,
  cpuServedMs,
  emulatedDurationMs,
} from "../../../../local/lambda/emulated-duration.js";

const sample = (overrides: Partial<CpuSample>): CpuSample => ({
  wallMs: 0,
  cpuMs: 0,
  throttledMs: 0,
  mainCpuMs: 0,
  mainRunDelayMs: 0,
  otherThreadsBusyMs: 0,
  ...overrides,
});

describe("emulated Duration", () => {
  it("serves a CPU-bound handler's CPU time at its share, whatever its wall time was", () => {
    // 100 ms of CPU at 128 MB: 1382 ms under the law, whether the quota let it finish in 1300 ms or 1700 ms.
    const share = 128 / 1769;
    for (const wallMs of [1300, 1700]) {
      const cpu = sample({ wallMs, cpuMs: 100, mainCpuMs: 100, mainRunDelayMs: wallMs - 100 });
      expect(emulatedDurationMs(cpu, share)).toBeCloseTo(100 / share, 6);
    }
  });

  it("leaves out run-queue waits behind other processes on a busy machine", () => {
    // At one core, 50 ms of CPU that waited 70 ms for a CPU behind other work still takes 50 ms.
    const busy = sample({ wallMs: 120, cpuMs: 50, mainCpuMs: 50, mainRunDelayMs: 70 });
    expect(emulatedDurationMs(busy, 1)).toBeCloseTo(50, 6);
  });

  it("adds the time the handler waited on the world (I/O, timers) unchanged", () => {
    // 2 ms of CPU at half a core (4 ms) and a 30 ms network wait.
    const io = sample({ wallMs: 36, cpuMs: 2, mainCpuMs: 2, mainRunDelayMs: 4 });
    expect(blockedMs(io)).toBeCloseTo(30, 6);
    expect(emulatedDurationMs(io, 0.5)).toBeCloseTo(34, 6);
  });

  it("counts the garbage collector's helper threads in the CPU the share serves, as Lambda's quota does", () => {
    const gc = sample({
      wallMs: 300,
      cpuMs: 120,
      mainCpuMs: 100,
      mainRunDelayMs: 190,
      otherThreadsBusyMs: 40,
    });
    expect(cpuServedMs(gc, 0.5)).toBeCloseTo(240, 6);
  });

  it("does not count the main thread's wait for other threads of the environment as blocked time", () => {
    // The main thread slept 60 ms while a pool thread hashed for 20 ms and waited 40 ms for the quota.
    const pool = sample({
      wallMs: 100,
      cpuMs: 30,
      mainCpuMs: 10,
      mainRunDelayMs: 30,
      otherThreadsBusyMs: 60,
    });
    expect(blockedMs(pool)).toBe(0);
    expect(emulatedDurationMs(pool, 0.25)).toBeCloseTo(120, 6);
  });

  it("never serves one thread faster than one core, above 1769 MB", () => {
    const single = sample({ wallMs: 100, cpuMs: 100, mainCpuMs: 100 });
    expect(emulatedDurationMs(single, 3008 / 1769)).toBeCloseTo(100, 6);
    // Three busy threads at 1.7 cores: the CPU term, not the main thread, bounds it.
    const threads = sample({ wallMs: 180, cpuMs: 300, mainCpuMs: 100, otherThreadsBusyMs: 360 });
    expect(emulatedDurationMs(threads, 1.7)).toBeCloseTo(300 / 1.7, 6);
  });

  it("stretches an unthrottled fallback invocation by what the quota would have added", () => {
    // The fallback runs unthrottled: 100 ms of CPU at half a core becomes 200 ms.
    const fallback = sample({ wallMs: 100, cpuMs: 100, mainCpuMs: 100 });
    expect(emulatedDurationMs(fallback, 1769 / 2 / 1769)).toBeCloseTo(200, 6);
  });

  it("without per-thread statistics, takes CPU and throttling off the wall time and the work as one thread", () => {
    const noProc = sample({
      wallMs: 50,
      cpuMs: 10,
      throttledMs: 15,
      mainCpuMs: undefined,
      mainRunDelayMs: undefined,
    });
    expect(blockedMs(noProc)).toBeCloseTo(25, 6);
    expect(emulatedDurationMs(noProc, 2)).toBeCloseTo(35, 6);
  });
});
