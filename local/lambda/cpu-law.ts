// Lambda's memory→CPU law: 1769 MB buys one full vCPU, and the share scales linearly with memory.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html

export const MB_PER_VCPU = 1769;

/** A 20 ms CFS period: a 10 ms handler at 128 MB still sees many throttled periods, which 100 ms cannot do. */
export const CFS_PERIOD_US = 20_000;

/** The kernel refuses a CFS quota below 1 ms. */
export const CFS_MIN_QUOTA_US = 1_000;

export const MIN_MEMORY_MB = 128;
export const MAX_MEMORY_MB = 10_240;

/** CPU share of an environment, in cores: M/1769, capped at the cores the machine has. */
export function cpuShareCores(memoryMb: number, cores: number): number {
  return Math.min(memoryMb / MB_PER_VCPU, cores);
}

/** CFS quota (µs per CFS_PERIOD_US) that grants `shareCores` of CPU time. */
export function cfsQuotaUs(shareCores: number, periodUs = CFS_PERIOD_US): number {
  return Math.max(CFS_MIN_QUOTA_US, Math.round(shareCores * periodUs));
}

/** How a REPORT line and an Invoke response name the fallback, where no cgroup enforces the law. */
export const FALLBACK_EMULATION = "fallback-cpu-scaling";

/**
 * Fallback when no cgroup can be written: the handler ran unthrottled, so its wall time is stretched by
 * the CPU time it used times (1/share − 1), the time a quota of `share` would have added.
 */
export function fallbackExtraMs(cpuMs: number, memoryMb: number, cores: number): number {
  const share = cpuShareCores(memoryMb, cores);
  if (share >= 1) return 0;
  return cpuMs * (1 / share - 1);
}

export function isValidMemorySize(memoryMb: unknown): memoryMb is number {
  return (
    typeof memoryMb === "number" &&
    Number.isInteger(memoryMb) &&
    memoryMb >= MIN_MEMORY_MB &&
    memoryMb <= MAX_MEMORY_MB
  );
}
