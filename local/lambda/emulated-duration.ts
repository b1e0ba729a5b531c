// Duration as Lambda's memory→CPU law makes it, computed from what the environment measured rather than read
// off a wall clock. Wall time under a CFS quota is the law plus scheduler noise: at 128 MB the quota is 1.4 ms
// per 20 ms period, and the kernel enforces it at the granularity of its tick, so a handler overshoots in one
// period and waits longer in the next, and a busy machine adds run-queue waits on top. The environment's own
// accounting splits the wall time instead:
//
//   wall = main thread on a CPU + main thread runnable but waiting (throttled, or behind other tasks)
//        + main thread asleep (I/O, timers, or waiting for another thread of the environment).
//
// Lambda serves the CPU work of every thread at M/1769 of a core and adds the time spent waiting on the
// world, so Duration = CPU time / share + blocked time. The CPU time is the cgroup's usage counter (GC
// helpers included, as on Lambda). The blocked time is the main thread's sleep less the time the other
// threads were busy (on a CPU or runnable): while the main thread waits for a parallel scavenge's helpers,
// the libuv pool or a worker, it waits on CPU work the first term already counts. Neither term moves with
// the quota's phase or with other load on the machine. One thread cannot use more than one core: above
// 1769 MB the CPU term never drops below the main thread's own CPU time.
//
// What it cannot tell apart: another thread busy while the main thread waits on the network (V8 compiling in
// the background during a DynamoDB call) shortens the blocked term by up to that thread's busy time.

import type { CpuSample } from "./runtime/cpu-accounting.mjs";

export type { CpuSample } from "./runtime/cpu-accounting.mjs";

/**
 * Time the handler waited on something other than a CPU. Without per-thread statistics (no /proc), the
 * environment's CPU and throttled time are taken from the wall time instead, which leaves run-queue waits in.
 */
export function blockedMs(sample: CpuSample): number {
  if (sample.mainCpuMs === undefined || sample.mainRunDelayMs === undefined) {
    return Math.max(0, sample.wallMs - sample.cpuMs - sample.throttledMs);
  }
  return Math.max(0, sample.wallMs - sample.mainCpuMs - sample.mainRunDelayMs - sample.otherThreadsBusyMs);
}

/** The CPU work served at `shareCores`, but never faster than the main thread alone can do its part. */
export function cpuServedMs(sample: CpuSample, shareCores: number): number {
  // Without per-thread statistics the work is taken as single-threaded, the usual case for a handler.
  const mainCpuMs = sample.mainCpuMs ?? sample.cpuMs;
  return Math.max(sample.cpuMs / shareCores, mainCpuMs);
}

/** Duration under the law: CPU time served at the share, plus the time blocked. */
export function emulatedDurationMs(sample: CpuSample, shareCores: number): number {
  return cpuServedMs(sample, shareCores) + blockedMs(sample);
}
