// Lambda's memory→CPU law: 1769 MB buys one full vCPU, and the share scales linearly with memory.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html

export const MB_PER_VCPU = 1769;

/**
 * A 100 ms CFS period (the kernel's default). Duration does not depend on it (it is accounted from CPU time,
 * see emulated-duration.ts), but CPU time does: every throttled gap lets other processes evict the handler's
 * caches. At 128 MB, JSON-heavy work cost 1.23× the ideal with a 20 ms period, 1.10× with 100 ms and 1.02×
 * with 500 ms (docs/benchmarks.md, "CPU-law mechanisms"). Longer periods are not taken: the timeout is on the
 * wall clock, and at 128 MB a 500 ms period can stall a handler for 464 ms at a time. A reply that the quota
 * let finish early is paced to its Duration.
 */
export const CFS_PERIOD_US = 100_000;

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

/** The kernel takes CFS periods from 1 ms to 1 s. */
export function isValidCfsPeriodUs(periodUs: number): boolean {
  return Number.isInteger(periodUs) && periodUs >= 1_000 && periodUs <= 1_000_000;
}

/** How a REPORT line and an Invoke response name the fallback, where no cgroup enforces the law. */
export const FALLBACK_EMULATION = "fallback-cpu-scaling";

/**
 * How the service holds environments to the law and measures their Duration. The defaults are the mechanism
 * docs/benchmarks.md found best on this project's machines; the alternatives stay selectable so that
 * `npm run bench:mechanisms` can measure them against it.
 */
export interface CpuLawSettings {
  /**
   * "accounted": Duration is the environment's accounted CPU time served at M/1769 of a core, plus the time the
   * handler waited on something other than a CPU (see emulated-duration.ts); "wall": the handler's wall time
   * under the quota. @default "accounted"
   */
  readonly duration: "accounted" | "wall";
  /** The CFS period of the quota, in µs. @default CFS_PERIOD_US */
  readonly periodUs: number;
  /** A CFS burst allowance (cpu.cfs_burst_us, cpu.max.burst) as a fraction of the quota, 0 to 1. @default 0 */
  readonly burstFraction: number;
  /** CPUs all function environments share, as a cpuset list ("1", "2-3"); undefined: every CPU. @default undefined */
  readonly cpus: string | undefined;
  /** The reply waits until the reported Duration has passed, so callers wait what the REPORT says. @default true */
  readonly paceReplies: boolean;
}

export const DEFAULT_CPU_LAW: CpuLawSettings = {
  duration: "accounted",
  periodUs: CFS_PERIOD_US,
  burstFraction: 0,
  cpus: undefined,
  paceReplies: true,
};

export function isValidMemorySize(memoryMb: unknown): memoryMb is number {
  return (
    typeof memoryMb === "number" &&
    Number.isInteger(memoryMb) &&
    memoryMb >= MIN_MEMORY_MB &&
    memoryMb <= MAX_MEMORY_MB
  );
}
